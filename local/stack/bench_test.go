package stack

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/imgprep/imgprep/local/lambdalocal"
	"github.com/imgprep/imgprep/s3event"
	"github.com/imgprep/imgprep/statemachine"
	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/tasks"
)

// BenchmarkIngest runs the ingest machine on the local engine with the real
// in-process handlers and the real S3 endpoint, on one small image, and
// reports state transitions per second (states entered) besides ns/op.
//
//	go test -run '^$' -bench Ingest -cpu 1 ./local/stack
func BenchmarkIngest(b *testing.B) {
	st, err := Start(context.Background(), Config{DataDir: b.TempDir(), KeyPrefix: "never/"})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	etag := put(b, st, "bench.png", colourPNG(b, 64, 64))
	event, _ := json.Marshal(s3event.Event{
		Version: "0", ID: "bench", DetailType: s3event.DetailTypeObjectCreated, Source: s3event.Source,
		Account: DefaultAccount, Region: DefaultRegion, Time: time.Now().UTC().Format(time.RFC3339),
		Detail: s3event.Detail{Version: "0", Bucket: s3event.Bucket{Name: DefaultInputBucket},
			Object: s3event.Object{Key: "bench.png", ETag: etag, Size: 1}, Reason: s3event.ReasonPutObject},
	})
	transitions := 0
	b.ResetTimer()
	for range b.N {
		rec, err := st.Service().StartSync(context.Background(), st.IngestARN(), "", string(event))
		if err != nil || rec.Status != "SUCCEEDED" {
			b.Fatalf("ingest: %v %s %s %s", err, rec.Status, rec.Error, rec.Cause)
		}
		full, _ := st.Executions().Get(rec.ExecutionARN)
		var h []struct{ Type string }
		_ = json.Unmarshal(full.History, &h)
		for _, e := range h {
			if strings.HasSuffix(e.Type, "StateEntered") {
				transitions++
			}
		}
	}
	b.ReportMetric(float64(transitions)/b.Elapsed().Seconds(), "transitions/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
}

// BenchmarkIngestDefinition runs the ingest definition on the engine with
// in-process handlers that only pass the job on (through lambdalocal, as the
// stack calls the real ones): the cost of the workflow machinery itself —
// engine, JSONPath, Retry/Catch bookkeeping, history, invoker — without
// image work or S3.
//
//	go test -run '^$' -bench IngestDefinition -cpu 1 ./local/stack
func BenchmarkIngestDefinition(b *testing.B) {
	inv := lambdalocal.New()
	for _, f := range statemachine.Functions {
		inv.Register(statemachine.LocalFunctionARN(DefaultRegion, DefaultAccount, f.Handler),
			func(ctx context.Context, job tasks.Job) (tasks.Job, error) {
				job.Image = &tasks.ImageInfo{Format: "png", Width: 64, Height: 64}
				return job, nil
			}, 0)
	}
	def, err := statemachine.Render(statemachine.Ingest, statemachine.LocalSubstitutions(DefaultRegion, DefaultAccount, DefaultOutputBucket))
	if err != nil {
		b.Fatal(err)
	}
	m, err := asl.Parse(def)
	if err != nil {
		b.Fatal(err)
	}
	eng := &asl.Engine{Lambda: inv, Region: DefaultRegion, Account: DefaultAccount}
	event := []byte(`{"detail":{"bucket":{"name":"imgprep-input"},"object":{"key":"a+b.png","etag":"e","size":10}}}`)
	transitions := 0
	b.ResetTimer()
	for range b.N {
		res := eng.Execute(context.Background(), m, event, asl.ExecutionOptions{Type: "EXPRESS"})
		if res.Status != "SUCCEEDED" {
			b.Fatalf("%s: %s %s", res.Status, res.Error, res.Cause)
		}
		for _, e := range res.History {
			if strings.HasSuffix(e.Type, "StateEntered") {
				transitions++
			}
		}
	}
	b.ReportMetric(float64(transitions)/b.Elapsed().Seconds(), "transitions/s")
}
