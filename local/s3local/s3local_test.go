package s3local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/imgprep/imgprep/s3event"
)

const testBucket = "imgprep-input"

func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	s, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func newClient(s *Server, secret string) *s3.Client {
	if secret == "" {
		return s3.New(s.S3Options())
	}
	ak, _ := s.Credentials()
	return newClientAt(s.Endpoint(), s.Region(), ak, secret)
}

func newClientAt(endpoint, region, ak, sk string) *s3.Client {
	return s3.New(s3.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(ak, sk, ""),
	})
}

func nextEvent(t *testing.T, s *Server) (Delivery, s3event.Event) {
	t.Helper()
	select {
	case d, ok := <-s.Events():
		if !ok {
			t.Fatal("Events channel closed")
		}
		var ev s3event.Event
		if err := json.Unmarshal(d.Event, &ev); err != nil {
			t.Fatalf("event JSON: %v\n%s", err, d.Event)
		}
		if ev.ID != d.ID {
			t.Errorf("Delivery.ID = %q, event id %q", d.ID, ev.ID)
		}
		return d, ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	panic("unreachable")
}

// noEventBefore puts a marker object and checks that the next event is the
// marker's: any event from before it would have been delivered first.
func noEventBefore(t *testing.T, s *Server, c *s3.Client) {
	t.Helper()
	put(t, c, testBucket, "marker", "m")
	_, ev := nextEvent(t, s)
	if ev.Detail.Object.Key != "marker" {
		t.Errorf("got event for %q, want only the marker's", ev.Detail.Object.Key)
	}
}

func put(t *testing.T, c *s3.Client, bucket, key, body string) *s3.PutObjectOutput {
	t.Helper()
	out, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: &bucket, Key: &key, Body: strings.NewReader(body),
	})
	if err != nil {
		t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
	return out
}

var (
	uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	hexRE  = regexp.MustCompile(`^[0-9A-F]+$`)
)

func TestPutObjectEventAndMetadata(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	ctx := context.Background()
	key := "photos/red flower.jpg"
	body := "hello"
	out, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: &key, Body: strings.NewReader(body),
		Metadata: map[string]string{"source-etag": "abc", "params": "w=256"},
	})
	if err != nil {
		t.Fatal(err)
	}
	reqID, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)

	d, ev := nextEvent(t, s)
	t.Logf("event: %s", d.Event)
	if !uuidRE.MatchString(ev.ID) {
		t.Errorf("id = %q, want a UUID", ev.ID)
	}
	if _, err := time.Parse(time.RFC3339, ev.Time); err != nil {
		t.Errorf("time %q: %v", ev.Time, err)
	}
	if !hexRE.MatchString(ev.Detail.Object.Sequencer) {
		t.Errorf("sequencer = %q, want hex", ev.Detail.Object.Sequencer)
	}
	want := s3event.Event{
		Version: "0", ID: ev.ID, DetailType: "Object Created", Source: "aws.s3",
		Account: DefaultAccount, Time: ev.Time, Region: DefaultRegion,
		Resources: []string{"arn:aws:s3:::" + testBucket},
		Detail: s3event.Detail{
			Version: "0", Bucket: s3event.Bucket{Name: testBucket},
			Object: s3event.Object{
				Key: "photos/red+flower.jpg", Size: int64(len(body)),
				ETag: strings.Trim(aws.ToString(out.ETag), `"`), Sequencer: ev.Detail.Object.Sequencer,
			},
			RequestID: reqID, Requester: DefaultAccount, SourceIPAddress: "127.0.0.1", Reason: "PutObject",
		},
	}
	if fmt.Sprint(ev) != fmt.Sprint(want) {
		t.Errorf("event\n got %+v\nwant %+v", ev, want)
	}
	if reqID == "" {
		t.Error("response has no x-amz-request-id")
	}
	// The wire form must have exactly AWS's top-level and detail fields.
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(d.Event, &raw)
	var detail map[string]json.RawMessage
	_ = json.Unmarshal(raw["detail"], &detail)
	if got := len(raw); got != 9 {
		t.Errorf("top-level fields = %d, want 9: %s", got, d.Event)
	}
	if got := len(detail); got != 7 {
		t.Errorf("detail fields = %d, want 7: %s", got, raw["detail"])
	}
	if got := s.Pending(); got != 1 {
		t.Errorf("Pending() before Ack = %d, want 1", got)
	}
	if err := s.Ack(d.ID); err != nil {
		t.Errorf("Ack: %v", err)
	}
	if got := s.Pending(); got != 0 {
		t.Errorf("Pending() after Ack = %d, want 0", got)
	}

	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if string(got) != body {
		t.Errorf("GetObject body = %q, want %q", got, body)
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	if head.Metadata["source-etag"] != "abc" || head.Metadata["params"] != "w=256" {
		t.Errorf("HeadObject metadata = %v, want source-etag=abc params=w=256", head.Metadata)
	}
	if aws.ToInt64(head.ContentLength) != int64(len(body)) {
		t.Errorf("HeadObject ContentLength = %d, want %d", aws.ToInt64(head.ContentLength), len(body))
	}
	onDisk, err := readFile(s.ObjectPath(testBucket, key))
	if err != nil || onDisk != body {
		t.Errorf("ObjectPath file = %q, %v; want %q", onDisk, err, body)
	}
}

func TestListObjectsV2Paging(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	keys := []string{"p/a", "p/b", "p/c", "p/d", "p/e"}
	for _, k := range keys {
		put(t, c, testBucket, k, k)
	}
	var got []string
	pages := 0
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{
		Bucket: aws.String(testBucket), Prefix: aws.String("p/"), MaxKeys: aws.Int32(2),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.Contents) > 2 {
			t.Errorf("page %d has %d keys, want <= 2", pages, len(page.Contents))
		}
		for _, o := range page.Contents {
			got = append(got, aws.ToString(o.Key))
		}
	}
	if pages != 3 || strings.Join(got, ",") != strings.Join(keys, ",") {
		t.Errorf("got %d pages %v, want 3 pages %v", pages, got, keys)
	}
}

func TestCopyObjectEvent(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	put(t, c, testBucket, "src.jpg", "copy me")
	nextEvent(t, s)
	out, err := c.CopyObject(context.Background(), &s3.CopyObjectInput{
		Bucket: aws.String("imgprep-scratch"), Key: aws.String("dst 1.jpg"),
		CopySource: aws.String(testBucket + "/src.jpg"),
	})
	if err != nil {
		t.Fatal(err)
	}
	_, ev := nextEvent(t, s)
	o := ev.Detail.Object
	wantETag := strings.Trim(aws.ToString(out.CopyObjectResult.ETag), `"`)
	if ev.Detail.Reason != "CopyObject" || ev.Detail.Bucket.Name != "imgprep-scratch" ||
		o.Key != "dst+1.jpg" || o.Size != 7 || o.ETag != wantETag {
		t.Errorf("got reason %q bucket %q key %q size %d etag %q; want CopyObject imgprep-scratch dst+1.jpg 7 %q",
			ev.Detail.Reason, ev.Detail.Bucket.Name, o.Key, o.Size, o.ETag, wantETag)
	}
	noEventBefore(t, s, c)
}

func TestMultipartUploadEvent(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	ctx := context.Background()
	bucket, key := aws.String(testBucket), aws.String("big/upload.bin")
	mp, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: bucket, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	part1 := bytes.Repeat([]byte("a"), 5<<20) // parts but the last must be >= 5 MiB
	part2 := []byte("tail")
	var parts []types.CompletedPart
	for i, p := range [][]byte{part1, part2} {
		n := int32(i + 1)
		up, err := c.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: bucket, Key: key, UploadId: mp.UploadId, PartNumber: &n, Body: bytes.NewReader(p),
		})
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, types.CompletedPart{ETag: up.ETag, PartNumber: &n})
	}
	done, err := c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: bucket, Key: key, UploadId: mp.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, ev := nextEvent(t, s)
	o := ev.Detail.Object
	wantSize := int64(len(part1) + len(part2))
	wantETag := strings.Trim(aws.ToString(done.ETag), `"`)
	if ev.Detail.Reason != "CompleteMultipartUpload" || o.Key != "big/upload.bin" || o.Size != wantSize || o.ETag != wantETag {
		t.Errorf("got reason %q key %q size %d etag %q; want CompleteMultipartUpload big/upload.bin %d %q",
			ev.Detail.Reason, o.Key, o.Size, o.ETag, wantSize, wantETag)
	}
	if !strings.HasSuffix(o.ETag, "-2") {
		t.Errorf("etag %q, want a multipart etag ending in -2", o.ETag)
	}
	// UploadPart and CreateMultipartUpload emit nothing.
	noEventBefore(t, s, c)
}

func TestKeysRoundTrip(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	ctx := context.Background()
	keys := []string{"with space.jpg", "a+b.jpg", "100%.png", "café/日本 語.jpg", "q/k=v&x=y.png"}
	for _, key := range keys {
		t.Run(key, func(t *testing.T) {
			put(t, c, testBucket, key, "body of "+key)
			_, ev := nextEvent(t, s)
			got, err := ev.ObjectKey()
			if err != nil || got != key {
				t.Errorf("event key %q decodes to %q, %v; want %q", ev.Detail.Object.Key, got, err, key)
			}
			if ev.Detail.Object.Key != s3event.EncodeEventKey(key) {
				t.Errorf("event key = %q, want %q", ev.Detail.Object.Key, s3event.EncodeEventKey(key))
			}
			get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: &got})
			if err != nil {
				t.Fatalf("GetObject with decoded key: %v", err)
			}
			b, _ := io.ReadAll(get.Body)
			get.Body.Close()
			if string(b) != "body of "+key {
				t.Errorf("body = %q, want %q", b, "body of "+key)
			}
		})
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(testBucket)})
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, o := range list.Contents {
		listed[aws.ToString(o.Key)] = true
	}
	for _, k := range keys {
		if !listed[k] {
			t.Errorf("ListObjectsV2 lacks raw key %q; got %v", k, listed)
		}
	}
}

func TestWrongSecretIsRejected(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "not-the-secret")
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String("x"), Body: strings.NewReader("x"),
	})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "SignatureDoesNotMatch" {
		t.Fatalf("PutObject with wrong secret: err = %v, want SignatureDoesNotMatch", err)
	}
	noEventBefore(t, s, newClient(s, ""))
}

func TestFailedWritesEmitNothing(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	ctx := context.Background()
	put(t, c, testBucket, "a", "file a")
	nextEvent(t, s)

	// versitygw keeps objects as plain files, so "a/b" cannot be written
	// while "a" is a file: the backend write itself fails.
	_, err := c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String("a/b"), Body: strings.NewReader("x"),
	})
	if err == nil {
		t.Fatal("PutObject a/b over file a succeeded; want an error")
	}
	_, err = c.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("no-such-bucket"), Key: aws.String("k"), Body: strings.NewReader("x"),
	})
	if err == nil {
		t.Fatal("PutObject to a missing bucket succeeded")
	}
	noEventBefore(t, s, c)
}

func TestConditionalPutIfNoneMatch(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	ctx := context.Background()
	in := func(body string) *s3.PutObjectInput {
		return &s3.PutObjectInput{
			Bucket: aws.String("imgprep-output"), Key: aws.String("out/x.png"),
			Body: strings.NewReader(body), IfNoneMatch: aws.String("*"),
		}
	}
	if _, err := c.PutObject(ctx, in("first")); err != nil {
		t.Fatalf("first conditional put: %v", err)
	}
	nextEvent(t, s)
	_, err := c.PutObject(ctx, in("second"))
	var re interface{ HTTPStatusCode() int }
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusPreconditionFailed {
		t.Fatalf("second conditional put: err = %v, want HTTP 412", err)
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("imgprep-output"), Key: aws.String("out/x.png")})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if string(b) != "first" {
		t.Errorf("body after refused overwrite = %q, want %q", b, "first")
	}
	noEventBefore(t, s, c)
}

func TestEventBucketsFilter(t *testing.T) {
	s := startServer(t, Config{EventBuckets: []string{testBucket}})
	c := newClient(s, "")
	put(t, c, "imgprep-output", "quiet.png", "x")
	noEventBefore(t, s, c)
	if _, err := readFile(s.ObjectPath("imgprep-output", "quiet.png")); err != nil {
		t.Errorf("object in a non-event bucket not written: %v", err)
	}
}

func TestOutboxSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s1, err := Start(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c1 := newClient(s1, "")
	put(t, c1, testBucket, "keep.jpg", "1")
	put(t, c1, testBucket, "done.jpg", "2")
	d1, _ := nextEvent(t, s1)
	d2, _ := nextEvent(t, s1)
	if err := s1.Ack(d2.ID); err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-s1.Events(); ok {
		t.Error("Events still open after Close")
	}

	s2 := startServer(t, Config{Dir: dir})
	got, ev := nextEvent(t, s2)
	if got.ID != d1.ID || !bytes.Equal(got.Event, d1.Event) || ev.Detail.Object.Key != "keep.jpg" {
		t.Errorf("redelivered %s (%s), want the unacked %s (keep.jpg)", got.ID, ev.Detail.Object.Key, d1.ID)
	}
	if err := s2.Ack(got.ID); err != nil {
		t.Fatal(err)
	}
	// A new write after the restart sorts after the old event.
	put(t, newClient(s2, ""), testBucket, "later.jpg", "3")
	_, later := nextEvent(t, s2)
	if later.Detail.Object.Key != "later.jpg" {
		t.Fatalf("got %q, want later.jpg (the acked done.jpg must not come back)", later.Detail.Object.Key)
	}
	if later.Detail.Object.Sequencer <= ev.Detail.Object.Sequencer {
		t.Errorf("sequencer %s after restart not above %s", later.Detail.Object.Sequencer, ev.Detail.Object.Sequencer)
	}
	if err := s2.Ack(got.ID); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("second Ack = %v, want ErrUnknownEvent", err)
	}
	// The object behind the event is still there.
	if b, err := readFile(s2.ObjectPath(testBucket, "keep.jpg")); err != nil || b != "1" {
		t.Errorf("keep.jpg = %q, %v; want %q", b, err, "1")
	}
}

func TestSecondStartRefused(t *testing.T) {
	startServer(t, Config{})
	if _, err := Start(context.Background(), Config{Dir: t.TempDir()}); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Start = %v, want ErrAlreadyRunning", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"defaults", Config{Dir: "/tmp/x"}, true},
		{"no dir", Config{}, false},
		{"short account", Config{Dir: "/d", Account: "1234"}, false},
		{"public host", Config{Dir: "/d", Addr: "0.0.0.0:9000"}, false},
		{"hostname", Config{Dir: "/d", Addr: "localhost:9000"}, false},
		{"fixed port", Config{Dir: "/d", Addr: "127.0.0.1:9000"}, true},
		{"bad port", Config{Dir: "/d", Addr: "127.0.0.1:x"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			cfg.setDefaults()
			err := cfg.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate() = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestFolderObjectAndContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Start(ctx, Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(s, "")
	put(t, c, testBucket, "folder/", "")
	_, ev := nextEvent(t, s)
	if ev.Detail.Object.Key != "folder/" || ev.Detail.Object.Size != 0 {
		t.Errorf("folder object event: key %q size %d; want folder/ 0", ev.Detail.Object.Key, ev.Detail.Object.Size)
	}
	cancel()
	select {
	case _, ok := <-s.Events():
		if ok {
			t.Error("got an event after cancel, want the channel closed")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Events not closed 10s after the context was cancelled")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
}

func TestSidecarMetadata(t *testing.T) {
	dir := t.TempDir()
	for round := range 2 { // written in the first round, read after a restart
		func() {
			s := startServer(t, Config{Dir: dir, sidecar: true})
			c := newClient(s, "")
			ctx := context.Background()
			key := aws.String("side/car.jpg")
			var etag string
			if round == 0 {
				out, err := c.PutObject(ctx, &s3.PutObjectInput{
					Bucket: aws.String(testBucket), Key: key, Body: strings.NewReader("sc"),
					Metadata: map[string]string{"k": "v"},
				})
				if err != nil {
					t.Fatal(err)
				}
				etag = aws.ToString(out.ETag)
				_, ev := nextEvent(t, s)
				if ev.Detail.Object.ETag != strings.Trim(etag, `"`) {
					t.Errorf("event etag %q, want %s", ev.Detail.Object.ETag, etag)
				}
			}
			head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: key})
			if err != nil {
				t.Fatal(err)
			}
			if head.Metadata["k"] != "v" || aws.ToString(head.ETag) == "" {
				t.Errorf("round %d: metadata %v etag %q; want k=v and an etag", round, head.Metadata, aws.ToString(head.ETag))
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}()
	}
	if _, err := os.Stat(filepath.Join(dir, "meta", testBucket)); err != nil {
		t.Errorf("no sidecar metadata under Dir/meta: %v", err)
	}
}

// For one key, the event with the greatest sequencer must describe the
// object that is left, however concurrent writes interleave.
func TestSequencerOrdersWritesToOneKey(t *testing.T) {
	s := startServer(t, Config{})
	c := newClient(s, "")
	ctx := context.Background()
	const writers = 8
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			_, err := c.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(testBucket), Key: aws.String("same"),
				Body: strings.NewReader(strings.Repeat(fmt.Sprint(i), 1000+i)),
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var last s3event.Event
	for range writers {
		_, ev := nextEvent(t, s)
		if ev.Detail.Object.Sequencer > last.Detail.Object.Sequencer {
			last = ev
		}
	}
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String("same")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := last.Detail.Object.ETag, strings.Trim(aws.ToString(head.ETag), `"`); got != want {
		t.Errorf("etag of the greatest sequencer = %s, want the current object's %s", got, want)
	}
	if last.Detail.Object.Size != aws.ToInt64(head.ContentLength) {
		t.Errorf("size of the greatest sequencer = %d, want %d", last.Detail.Object.Size, aws.ToInt64(head.ContentLength))
	}
}

func TestAckBeforeRedelivery(t *testing.T) {
	dir := t.TempDir()
	s1, err := Start(context.Background(), Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c1 := newClient(s1, "")
	put(t, c1, testBucket, "one", "1")
	put(t, c1, testBucket, "two", "2")
	d1, _ := nextEvent(t, s1)
	d2, _ := nextEvent(t, s1)
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, Config{Dir: dir})
	// The consumer remembers d1 from the first run and acks it at once.
	if err := s2.Ack(d1.ID); err != nil {
		t.Fatalf("Ack of an ID from the earlier run: %v", err)
	}
	got, _ := nextEvent(t, s2)
	if got.ID == d1.ID {
		// Already in the pump's hand when acked: one more delivery is
		// allowed (at least once), never a later one.
		got, _ = nextEvent(t, s2)
	}
	if got.ID != d2.ID {
		t.Errorf("redelivered %s, want %s", got.ID, d2.ID)
	}
	noEventBefore(t, s2, newClient(s2, ""))
}

func TestRedeliver(t *testing.T) {
	s := startServer(t, Config{})
	put(t, newClient(s, ""), testBucket, "retry.jpg", "r")
	d, _ := nextEvent(t, s)
	if err := s.Redeliver(d.ID); err != nil {
		t.Fatal(err)
	}
	again, _ := nextEvent(t, s)
	if again.ID != d.ID || !bytes.Equal(again.Event, d.Event) {
		t.Errorf("redelivered %s, want %s with the same JSON", again.ID, d.ID)
	}
	if err := s.Ack(d.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Redeliver(d.ID); !errors.Is(err, ErrUnknownEvent) {
		t.Errorf("Redeliver after Ack = %v, want ErrUnknownEvent", err)
	}
}

func TestWorkingDirectoryRestoredOnClose(t *testing.T) {
	before, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Start(context.Background(), Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	during, _ := os.Getwd()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.Getwd()
	if after != before {
		t.Errorf("working directory after Close = %q, want %q (was %q while serving)", after, before, during)
	}
}
