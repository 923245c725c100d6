package stack

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/s3local"
	"github.com/imgprep/imgprep/tasks"
)

// outcomes collects the outcome of every finished execution by key+ETag.
type outcomes struct {
	st   *Stack
	mu   sync.Mutex
	byID map[string]Outcome
	old  map[string]bool // executions forget has seen
	ch   chan struct{}
}

func watch(st *Stack) *outcomes {
	o := &outcomes{st: st, byID: map[string]Outcome{}, ch: make(chan struct{}, 1)}
	st.OnExecution(func(r execstore.Record) {
		oc, ok := OutcomeOf(r)
		if !ok {
			return
		}
		o.mu.Lock()
		o.byID[oc.Key+"\x00"+oc.ETag] = oc
		o.mu.Unlock()
		select {
		case o.ch <- struct{}{}:
		default:
		}
	})
	return o
}

func (o *outcomes) wait(t *testing.T, key, etag string) Outcome {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		o.mu.Lock()
		oc, ok := o.byID[key+"\x00"+etag]
		o.mu.Unlock()
		if ok {
			return oc
		}
		// Executions that finished before watch was called are in the store.
		for _, sum := range o.st.Executions().List(o.st.IngestARN()) {
			r, _ := o.st.Executions().Get(sum.ExecutionARN)
			if got, ok := OutcomeOf(r); ok && got.Key == key && got.ETag == etag && !o.forgotten(r.ExecutionARN) {
				return got
			}
		}
		select {
		case <-o.ch:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("no outcome for %q (etag %s) after 60 s", key, etag)
		}
	}
}

// forget drops what is known of key+etag, so that wait sees only a later run.
func (o *outcomes) forget(key, etag string) {
	o.mu.Lock()
	if o.old == nil {
		o.old = map[string]bool{}
	}
	delete(o.byID, key+"\x00"+etag)
	for _, r := range o.st.Executions().List(o.st.IngestARN()) {
		o.old[r.ExecutionARN] = true
	}
	o.mu.Unlock()
}

func (o *outcomes) forgotten(arn string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.old[arn]
}

func colourPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: uint8(x + y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// bombPNG is a PNG whose header claims w x h RGBA but whose data is tiny.
func bombPNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

func startStack(t *testing.T, dir string) *Stack {
	t.Helper()
	st, err := Start(context.Background(), Config{DataDir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func put(t testing.TB, st *Stack, key string, body []byte) string {
	t.Helper()
	out, err := st.S3Client().PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(st.Config().InputBucket), Key: &key, Body: bytes.NewReader(body),
	})
	if err != nil {
		t.Fatalf("put %q: %v", key, err)
	}
	return strings.Trim(aws.ToString(out.ETag), `"`)
}

func get(t *testing.T, st *Stack, bucket, key string) ([]byte, map[string]string) {
	t.Helper()
	out, err := st.S3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatalf("get s3://%s/%s: %v", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, out.Metadata
}

// TestEndToEnd uploads through the real S3 SDK and follows each input
// through the event, the bus, the ingest ASL and the handlers.
func TestEndToEnd(t *testing.T) {
	st := startStack(t, t.TempDir())
	defer st.Close()
	oc := watch(st)
	good := colourPNG(t, 300, 200)

	processed := []string{"plain.png", "with space.png", "plus+sign.png", "per%cent 100%.png", "ünïcödé/фото 1.png", "a=b&c.png"}
	etags := map[string]string{}
	for _, k := range processed {
		etags[k] = put(t, st, k, good)
	}
	rejected := map[string]struct {
		body []byte
		err  string
	}{
		"text.jpg":  {[]byte("just some text,\nnot an image\n"), "UnsupportedFormatError"},
		"empty.png": {nil, "UnsupportedFormatError"},
		"bomb.png":  {bombPNG(50000, 50000), "LimitExceededError"},
		"cut.png":   {good[:len(good)/2], "CorruptImageError"},
	}
	for k, r := range rejected {
		etags[k] = put(t, st, k, r.body)
	}

	out := st.Config().OutputBucket
	for _, k := range processed {
		t.Run("processed/"+k, func(t *testing.T) {
			o := oc.wait(t, k, etags[k])
			if o.Status != "processed" {
				t.Fatalf("status: got %s (%s: %s), want processed", o.Status, o.Error, o.Reason)
			}
			if want := tasks.OutputKey(k, tasks.Params{Width: 256, Height: 256, Mode: "stretch", Format: "png"}); o.OutputKey != want {
				t.Errorf("output key: got %q, want %q", o.OutputKey, want)
			}
			body, meta := get(t, st, out, o.OutputKey)
			img, err := png.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("output is not a PNG: %v", err)
			}
			if _, gray := img.(*image.Gray); !gray {
				t.Errorf("output colour model: got %T, want *image.Gray", img)
			}
			if b := img.Bounds(); b.Dx() != 256 || b.Dy() != 256 {
				t.Errorf("output size: got %dx%d, want 256x256", b.Dx(), b.Dy())
			}
			srcKey, _ := url.PathUnescape(meta[tasks.MetaSourceKey])
			if srcKey != k || meta[tasks.MetaSourceETag] != etags[k] || meta[tasks.MetaParams] != "256x256-stretch-png" {
				t.Errorf("provenance: got %v, want source key %q etag %s params 256x256-stretch-png", meta, k, etags[k])
			}
			for _, step := range []string{"Validate", "Grayscale", "Resize", "Store"} {
				if !hasStep(o.Steps, step) {
					t.Errorf("steps: got %v, want one for %s", o.Steps, step)
				}
			}
		})
	}
	for k, r := range rejected {
		t.Run("rejected/"+k, func(t *testing.T) {
			o := oc.wait(t, k, etags[k])
			if o.Status != "rejected" || o.Error != r.err {
				t.Fatalf("got %s %s (%s), want rejected %s", o.Status, o.Error, o.Reason, r.err)
			}
			body, _ := get(t, st, out, tasks.QuarantineKey(tasks.DefaultQuarantinePrefix, k))
			var rec tasks.QuarantineRecord
			if err := json.Unmarshal(body, &rec); err != nil {
				t.Fatalf("quarantine record: %v", err)
			}
			if rec.Status != "rejected" || rec.Error != r.err || rec.Input.Key != k || rec.Reason == "" || rec.Execution == "" {
				t.Errorf("quarantine record: got %+v, want rejected %s for %q with a reason and execution", rec, r.err, k)
			}
		})
	}

	t.Run("duplicate event leaves one output", func(t *testing.T) {
		k := processed[0]
		first := oc.wait(t, k, etags[k])
		before := listKeys(t, st, out, "256x256-stretch/")
		oc.forget(k, etags[k])
		if again := put(t, st, k, good); again != etags[k] {
			t.Fatalf("same bytes, new etag %s != %s", again, etags[k])
		}
		second := oc.wait(t, k, etags[k])
		if second.Status != "processed" || !second.Unchanged || second.OutputKey != first.OutputKey {
			t.Errorf("second run: got %+v, want processed, unchanged, same key", second)
		}
		if after := listKeys(t, st, out, "256x256-stretch/"); strings.Join(after, "|") != strings.Join(before, "|") {
			t.Errorf("outputs changed: before %v, after %v", before, after)
		}
	})
}

func hasStep(steps []Step, name string) bool {
	for _, s := range steps {
		if s.Name == name {
			return true
		}
	}
	return false
}

func listKeys(t *testing.T, st *Stack, bucket, prefix string) []string {
	t.Helper()
	var keys []string
	p := s3.NewListObjectsV2Paginator(st.S3Client(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// TestUnhandledEventSurvivesRestart: an upload the endpoint acknowledged
// while nothing consumed its events (the process died right after) is
// processed when the stack next starts on the same data directory.
func TestUnhandledEventSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	// The endpoint alone, as the stack lays it out, with no consumer.
	srv, err := s3local.Start(context.Background(), s3local.Config{
		Dir: filepath.Join(dir, "s3"), Region: DefaultRegion, Account: DefaultAccount,
		AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey,
		Buckets:      []string{DefaultInputBucket, DefaultOutputBucket, DefaultScratchBucket},
		EventBuckets: []string{DefaultInputBucket},
	})
	if err != nil {
		t.Fatal(err)
	}
	client := NewS3Client(srv.Endpoint(), DefaultRegion, DefaultAccessKey, DefaultSecretKey, nil)
	res, err := client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(DefaultInputBucket), Key: aws.String("before crash.png"), Body: bytes.NewReader(colourPNG(t, 64, 64)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	st := startStack(t, dir)
	defer st.Close()
	oc := watch(st)
	if o := oc.wait(t, "before crash.png", strings.Trim(aws.ToString(res.ETag), `"`)); o.Status != "processed" {
		t.Fatalf("got %s (%s), want processed", o.Status, o.Reason)
	}
}
