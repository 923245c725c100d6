package s3event

import (
	"encoding/json"
	"testing"
)

func TestEncodeDecodeEventKey(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		encoded string
	}{
		{"plain", "photos/cat.jpg", "photos/cat.jpg"},
		{"space", "red flower.jpg", "red+flower.jpg"},
		{"plus", "a+b.jpg", "a%2Bb.jpg"},
		{"percent", "100%.png", "100%25.png"},
		{"percent looking like escape", "a%20b", "a%2520b"},
		{"unicode", "fotos/café 日本.jpg", "fotos/caf%C3%A9+%E6%97%A5%E6%9C%AC.jpg"},
		{"slash kept", "a/b/c/", "a/b/c/"},
		{"equals and ampersand", "k=v&x=y.png", "k%3Dv%26x%3Dy.png"},
		{"safe punctuation", "a-b_c.d*e", "a-b_c.d*e"},
		{"other punctuation", "(1)!~'#?:,;@$", "%281%29%21%7E%27%23%3F%3A%2C%3B%40%24"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EncodeEventKey(tt.key); got != tt.encoded {
				t.Errorf("EncodeEventKey(%q) = %q, want %q", tt.key, got, tt.encoded)
			}
			got, err := DecodeEventKey(tt.encoded)
			if err != nil {
				t.Fatalf("DecodeEventKey(%q): %v", tt.encoded, err)
			}
			if got != tt.key {
				t.Errorf("DecodeEventKey(%q) = %q, want %q", tt.encoded, got, tt.key)
			}
		})
	}
}

// Real S3 events may escape more than EncodeEventKey does (lower-case hex,
// escaped "/"); decoding must still give the raw key.
func TestDecodeEventKeyLenient(t *testing.T) {
	tests := []struct{ encoded, want string }{
		{"a%2fb", "a/b"},
		{"caf%c3%a9", "café"},
		{"a%20b+c", "a b c"},
	}
	for _, tt := range tests {
		got, err := DecodeEventKey(tt.encoded)
		if err != nil || got != tt.want {
			t.Errorf("DecodeEventKey(%q) = %q, %v; want %q, nil", tt.encoded, got, err, tt.want)
		}
	}
}

func TestDecodeEventKeyRejectsBadEscape(t *testing.T) {
	for _, in := range []string{"%", "a%2", "%zz"} {
		if got, err := DecodeEventKey(in); err == nil {
			t.Errorf("DecodeEventKey(%q) = %q, nil; want an error", in, got)
		}
	}
}

// The example "Object created" event from the AWS documentation (ev-events)
// must parse into Event with every field in place.
func TestEventParsesAWSExample(t *testing.T) {
	const doc = `{"version":"0","id":"17793124-05d4-b198-2fde-7ededc63b103","detail-type":"Object Created","source":"aws.s3","account":"111122223333","time":"2021-11-12T00:00:00Z","region":"ca-central-1","resources":["arn:aws:s3:::amzn-s3-demo-bucket1"],"detail":{"version":"0","bucket":{"name":"amzn-s3-demo-bucket1"},"object":{"key":"example-key","size":5,"etag":"b1946ac92492d2347c6235b4d2611184","version-id":"IYV3p45BT0ac8hjHg1houSdS1a.Mro8e","sequencer":"617f08299329d189"},"request-id":"N4N7GDK58NMKJ12R","requester":"123456789012","source-ip-address":"1.2.3.4","reason":"PutObject"}}`
	var ev Event
	if err := json.Unmarshal([]byte(doc), &ev); err != nil {
		t.Fatal(err)
	}
	want := Event{
		Version: "0", ID: "17793124-05d4-b198-2fde-7ededc63b103", DetailType: DetailTypeObjectCreated,
		Source: Source, Account: "111122223333", Time: "2021-11-12T00:00:00Z", Region: "ca-central-1",
		Resources: []string{"arn:aws:s3:::amzn-s3-demo-bucket1"},
		Detail: Detail{
			Version: "0", Bucket: Bucket{Name: "amzn-s3-demo-bucket1"},
			Object: Object{Key: "example-key", Size: 5, ETag: "b1946ac92492d2347c6235b4d2611184",
				VersionID: "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", Sequencer: "617f08299329d189"},
			RequestID: "N4N7GDK58NMKJ12R", Requester: "123456789012", SourceIPAddress: "1.2.3.4",
			Reason: ReasonPutObject,
		},
	}
	gotJSON, _ := json.Marshal(ev)
	wantJSON, _ := json.Marshal(want)
	if string(gotJSON) != string(wantJSON) {
		t.Errorf("got %s\nwant %s", gotJSON, wantJSON)
	}
	// Marshalling back gives the documented document, field for field.
	var a, b any
	_ = json.Unmarshal([]byte(doc), &a)
	_ = json.Unmarshal(gotJSON, &b)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("round trip: got %s\nwant %s", jb, ja)
	}
}
