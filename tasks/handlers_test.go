package tasks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/local/s3local"
	"github.com/imgprep/imgprep/tasks"
)

// The handlers run against the embedded S3 endpoint through the real SDK
// client; the endpoint's events are not consumed here.
var (
	client *s3.Client
	srv    *s3local.Server
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "tasks-test")
	if err != nil {
		panic(err)
	}
	srv, err = s3local.Start(context.Background(), s3local.Config{Dir: dir, Buckets: []string{"t-in", "t-out", "t-tmp"}, EventBuckets: []string{}})
	if err != nil {
		panic(err)
	}
	client = s3.New(srv.S3Options())
	code := m.Run()
	srv.Close()
	os.RemoveAll(dir)
	os.Exit(code)
}

func handlers(t *testing.T) *tasks.Handlers {
	t.Helper()
	h, err := tasks.New(client, tasks.DefaultConfig("t-out", "t-tmp"), nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func putObj(t *testing.T, key string, body []byte) string {
	t.Helper()
	out, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String("t-in"), Key: &key, Body: bytes.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Trim(aws.ToString(out.ETag), `"`)
}

func pngBytes(t *testing.T, w, h int, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{shade, uint8(x), uint8(y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// chain runs Validate, Grayscale, Resize and Store as the state machine does.
func chain(t *testing.T, h *tasks.Handlers, job tasks.Job) (tasks.Job, error) {
	t.Helper()
	ctx := context.Background()
	var err error
	for _, step := range []func(context.Context, tasks.Job) (tasks.Job, error){h.Validate, h.Grayscale, h.Resize, h.Store} {
		if job, err = step(ctx, job); err != nil {
			return job, err
		}
	}
	return job, nil
}

func TestChainOutputsAndConflicts(t *testing.T) {
	h := handlers(t)
	etag := putObj(t, "pic one.png", pngBytes(t, 300, 200, 10))
	job, err := chain(t, h, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "pic+one.png", KeyEncoding: "url", ETag: etag}})
	if err != nil {
		t.Fatal(err)
	}
	if job.Output == nil || job.Output.Key != "256x256-stretch/pic one.png" || job.Output.Unchanged {
		t.Fatalf("output: got %+v, want a new 256x256-stretch/pic one.png", job.Output)
	}

	again, err := chain(t, h, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "pic one.png", ETag: etag}})
	if err != nil || !again.Output.Unchanged {
		t.Fatalf("repeat: got %+v, %v, want the output unchanged", again.Output, err)
	}

	// "pic one" (no extension) maps to the same output key as "pic one.png".
	etag2 := putObj(t, "pic one", pngBytes(t, 300, 200, 99))
	_, err = chain(t, h, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "pic one", ETag: etag2}})
	var conflict *tasks.OutputConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("colliding output key: got %v, want OutputConflictError", err)
	}

	// A new version under the same key replaces the output.
	etag3 := putObj(t, "pic one.png", pngBytes(t, 200, 300, 200))
	newer, err := chain(t, h, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "pic one.png", ETag: etag3}})
	if err != nil || newer.Output.Unchanged {
		t.Fatalf("new version: got %+v, %v, want a rewritten output", newer.Output, err)
	}
	head, err := client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("t-out"), Key: aws.String(newer.Output.Key)})
	if err != nil || head.Metadata[tasks.MetaSourceETag] != etag3 {
		t.Fatalf("provenance after rewrite: got %v, %v, want source etag %s", head, err, etag3)
	}
}

func TestSourceErrors(t *testing.T) {
	h := handlers(t)
	ctx := context.Background()
	etag := putObj(t, "changing.png", pngBytes(t, 40, 40, 1))
	putObj(t, "changing.png", pngBytes(t, 41, 40, 2))
	_, err := h.Validate(ctx, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "changing.png", ETag: etag}})
	var changed *tasks.SourceChangedError
	if !errors.As(err, &changed) {
		t.Errorf("object overwritten after the event: got %v, want SourceChangedError", err)
	}
	_, err = h.Validate(ctx, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "never-uploaded.png"}})
	var missing *tasks.SourceNotFoundError
	if !errors.As(err, &missing) {
		t.Errorf("missing object: got %v, want SourceNotFoundError", err)
	}
	_, err = h.Validate(ctx, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "x", KeyEncoding: "url%"}})
	var invalid *tasks.InvalidJobError
	if !errors.As(err, &invalid) {
		t.Errorf("bad key encoding: got %v, want InvalidJobError", err)
	}
	_, err = h.Grayscale(ctx, tasks.Job{Source: tasks.Object{Bucket: "t-in", Key: "changing.png"}})
	if !errors.As(err, &invalid) {
		t.Errorf("grayscale before validate: got %v, want InvalidJobError", err)
	}
}

func TestQuarantineRecord(t *testing.T) {
	h := handlers(t)
	cause := `{"errorMessage": "validate: imaging: unsupported format", "errorType": "UnsupportedFormatError"}`
	res, err := h.Quarantine(context.Background(), tasks.Job{
		Source:    tasks.Object{Bucket: "t-in", Key: "notes+%C3%A9.txt", KeyEncoding: "url"},
		Execution: "arn:exec",
		Failure:   &tasks.Failure{Error: "UnsupportedFormatError", Cause: cause},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Key != "quarantine/notes é.txt.json" || res.Status != "rejected" {
		t.Fatalf("got %+v, want quarantine/notes é.txt.json rejected", res)
	}
	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("t-out"), Key: &res.Key})
	if err != nil {
		t.Fatal(err)
	}
	var rec tasks.QuarantineRecord
	if err := json.NewDecoder(out.Body).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	if rec.Reason != "validate: imaging: unsupported format" || rec.Input.Key != "notes é.txt" || rec.Execution != "arn:exec" || rec.Cause != cause {
		t.Errorf("record: got %+v", rec)
	}
}

func TestSummarize(t *testing.T) {
	h := handlers(t)
	ctx := context.Background()
	put := func(key, body string) {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("t-out"), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	put("reprocess-results/run/SUCCEEDED_0.json", `[{"ExecutionArn":"a","Output":"{\"total\":3,\"processed\":2,\"rejected\":1}"},{"ExecutionArn":"b","Output":"{\"total\":1,\"skipped\":1}"}]`)
	put("reprocess-results/run/SUCCEEDED_1.json", `[{"ExecutionArn":"c","Output":"{\"total\":2,\"wouldProcess\":2}"}]`)
	put("reprocess-results/run/FAILED_0.json", `[{"ExecutionArn":"d","Input":"{\"Items\":[{},{},{}],\"BatchInput\":{}}","Error":"States.Timeout"}]`)
	put("reprocess-results/run/manifest.json", `{"ResultFiles":{"SUCCEEDED":[{"Key":"reprocess-results/run/SUCCEEDED_0.json"},{"Key":"reprocess-results/run/SUCCEEDED_1.json"}],"FAILED":[{"Key":"reprocess-results/run/FAILED_0.json"}],"PENDING":[]}}`)
	var in tasks.SummarizeInput
	in.Manifest.Bucket, in.Manifest.Key, in.Bucket = "t-out", "reprocess-results/run/manifest.json", "t-in"
	got, err := h.Summarize(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	want := tasks.Counts{Total: 9, Processed: 2, Rejected: 1, Failed: 3, Skipped: 1, WouldProcess: 2}
	if got.Counts != want || got.FailedBatches != 1 {
		t.Errorf("got %+v, want %+v and 1 failed batch", got, want)
	}
	put("reprocess-results/bad/manifest.json", `{"ResultFiles":{"SUCCEEDED":[{"Key":"reprocess-results/run/manifest.json"}]}}`)
	in.Manifest.Key = "reprocess-results/bad/manifest.json"
	if _, err := h.Summarize(ctx, in); err == nil {
		t.Error("a result file that is not an array: got nil error")
	}
}
