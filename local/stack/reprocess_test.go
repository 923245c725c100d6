package stack

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/imgprep/imgprep/local/sfnapi"
)

type reprocessCounts struct {
	Total, Processed, Rejected, Failed, Skipped, WouldProcess int
}

// reprocess starts the reprocess machine through the sfn API with the real
// SDK client, as `imgprep reprocess` does, and waits for its output.
func reprocess(t *testing.T, st *Stack, input string) reprocessCounts {
	t.Helper()
	client := sfn.New(sfn.Options{Region: DefaultRegion, Credentials: credentials.NewStaticCredentialsProvider(DefaultAccessKey, DefaultSecretKey, "")},
		sfnapi.ClientOptions(st.APIEndpoint()))
	ctx := context.Background()
	out, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(st.ReprocessARN()), Input: &input})
	if err != nil {
		t.Fatalf("start reprocess: %v", err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, err := client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: out.ExecutionArn})
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != sfntypes.ExecutionStatusRunning {
			if d.Status != sfntypes.ExecutionStatusSucceeded {
				t.Fatalf("reprocess %s: %s: %s", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
			}
			var c reprocessCounts
			if err := json.Unmarshal([]byte(aws.ToString(d.Output)), &c); err != nil {
				t.Fatalf("output %s: %v", aws.ToString(d.Output), err)
			}
			return c
		}
		if time.Now().After(deadline) {
			t.Fatal("reprocess still running after 60 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestReprocess(t *testing.T) {
	// Uploads outside "uploads/" start nothing, so the archive below is
	// touched only by reprocess.
	st, err := Start(context.Background(), Config{DataDir: t.TempDir(), Workers: 2, KeyPrefix: "uploads/"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	good := colourPNG(t, 300, 200)
	goodKeys := []string{"archive/a.png", "archive/nested/deep/b.png", "archive/ünï código/c d+e%.png"}
	for _, k := range goodKeys {
		put(t, st, k, good)
	}
	put(t, st, "archive/folder/", nil) // a folder marker, not an input
	put(t, st, "archive/notes.txt", []byte("not an image"))
	put(t, st, "archive/cut.png", good[:len(good)/3])
	put(t, st, "other/x.png", good)
	out := st.Config().OutputBucket

	t.Run("prefix with good, bad, nested, non-ASCII keys and a folder marker", func(t *testing.T) {
		got := reprocess(t, st, `{"bucket":"imgprep-input","prefix":"archive/","params":{"width":128,"height":128},"batchSize":2}`)
		want := reprocessCounts{Total: 6, Processed: 3, Rejected: 2, Skipped: 1}
		if got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for _, k := range goodKeys {
			body, meta := get(t, st, out, "128x128-stretch/"+k)
			img, err := png.Decode(bytes.NewReader(body))
			if err != nil || img.Bounds().Dx() != 128 || img.Bounds().Dy() != 128 {
				t.Errorf("%s: got %v (%v), want a 128x128 PNG", k, img.Bounds(), err)
			}
			if meta["imgprep-params"] != "128x128-stretch-png" {
				t.Errorf("%s: params metadata %q", k, meta["imgprep-params"])
			}
		}
		for _, k := range []string{"archive/notes.txt", "archive/cut.png"} {
			body, _ := get(t, st, out, "quarantine/"+k+".json")
			if !strings.Contains(string(body), `"status": "rejected"`) {
				t.Errorf("quarantine record of %s: %s", k, body)
			}
		}
		if keys := listKeys(t, st, out, "128x128-stretch/other/"); len(keys) != 0 {
			t.Errorf("outside the prefix: got outputs %v, want none", keys)
		}
	})

	t.Run("onlyMissing skips outputs made from the same object", func(t *testing.T) {
		got := reprocess(t, st, `{"bucket":"imgprep-input","prefix":"archive/","params":{"width":128,"height":128},"onlyMissing":true}`)
		if want := (reprocessCounts{Total: 6, Rejected: 2, Skipped: 4}); got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		// A new version of one object is missing again: provenance, not name.
		put(t, st, "archive/a.png", colourPNG(t, 310, 200))
		got = reprocess(t, st, `{"bucket":"imgprep-input","prefix":"archive/","params":{"width":128,"height":128},"onlyMissing":true}`)
		if want := (reprocessCounts{Total: 6, Processed: 1, Rejected: 2, Skipped: 3}); got != want {
			t.Fatalf("after overwriting a.png: got %+v, want %+v", got, want)
		}
	})

	t.Run("dryRun counts and writes nothing", func(t *testing.T) {
		got := reprocess(t, st, `{"bucket":"imgprep-input","prefix":"archive/","params":{"width":64,"height":64,"mode":"fit"},"dryRun":true}`)
		if want := (reprocessCounts{Total: 6, Skipped: 1, WouldProcess: 5}); got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		if keys := listKeys(t, st, out, "64x64-fit/"); len(keys) != 0 {
			t.Errorf("dry run wrote %v", keys)
		}
	})

	t.Run("other parameters make new outputs", func(t *testing.T) {
		got := reprocess(t, st, `{"bucket":"imgprep-input","prefix":"archive/nested/","params":{"width":64,"height":64,"mode":"fit","format":"jpeg"}}`)
		if want := (reprocessCounts{Total: 1, Processed: 1}); got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		keys := listKeys(t, st, out, "64x64-fit/")
		if len(keys) != 1 || keys[0] != "64x64-fit/archive/nested/deep/b.png.jpg" {
			t.Errorf("got outputs %v, want the one JPEG", keys)
		}
	})

	t.Run("empty prefix takes the whole bucket", func(t *testing.T) {
		got := reprocess(t, st, `{"bucket":"imgprep-input","params":{"width":128,"height":128},"onlyMissing":true,"dryRun":true}`)
		if want := (reprocessCounts{Total: 7, Skipped: 4, WouldProcess: 3}); got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}
