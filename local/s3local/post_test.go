package s3local

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"
)

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// postObject uploads with a browser-style form POST signed per "Authenticating
// Requests in Browser-Based Uploads Using POST (AWS Signature Version 4)".
func postObject(t *testing.T, s *Server, bucket, key, body string) {
	t.Helper()
	ak, sk := s.Credentials()
	now := time.Now().UTC()
	date := now.Format("20060102")
	amzDate := now.Format("20060102T150405Z")
	cred := ak + "/" + date + "/" + s.Region() + "/s3/aws4_request"
	policy, _ := json.Marshal(map[string]any{
		"expiration": now.Add(10 * time.Minute).Format("2006-01-02T15:04:05.000Z"),
		"conditions": []any{
			map[string]string{"bucket": bucket},
			[]string{"eq", "$key", key},
			map[string]string{"x-amz-algorithm": "AWS4-HMAC-SHA256"},
			map[string]string{"x-amz-credential": cred},
			map[string]string{"x-amz-date": amzDate},
		},
	})
	policyB64 := base64.StdEncoding.EncodeToString(policy)
	k := hmacSHA256([]byte("AWS4"+sk), date)
	k = hmacSHA256(k, s.Region())
	k = hmacSHA256(k, "s3")
	k = hmacSHA256(k, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(k, policyB64))

	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range [][2]string{
		{"key", key}, {"x-amz-algorithm", "AWS4-HMAC-SHA256"}, {"x-amz-credential", cred},
		{"x-amz-date", amzDate}, {"policy", policyB64}, {"x-amz-signature", sig},
	} {
		_ = w.WriteField(f[0], f[1])
	}
	fw, _ := w.CreateFormFile("file", "upload.bin")
	_, _ = io.WriteString(fw, body)
	_ = w.Close()
	resp, err := http.Post(s.Endpoint()+"/"+bucket, w.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST object: HTTP %d: %s", resp.StatusCode, msg)
	}
}

func TestPostObjectEvent(t *testing.T) {
	s := startServer(t, Config{})
	postObject(t, s, testBucket, "form/up load.png", "posted")
	_, ev := nextEvent(t, s)
	o := ev.Detail.Object
	if ev.Detail.Reason != "POST Object" || o.Key != "form/up+load.png" || o.Size != 6 {
		t.Errorf("got reason %q key %q size %d; want \"POST Object\" form/up+load.png 6", ev.Detail.Reason, o.Key, o.Size)
	}
	if b, err := readFile(s.ObjectPath(testBucket, "form/up load.png")); err != nil || b != "posted" {
		t.Errorf("object = %q, %v; want %q", b, err, "posted")
	}
}
