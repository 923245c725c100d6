package stack

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/imgprep/imgprep/s3event"
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
			if len(e.Type) > 12 && e.Type[len(e.Type)-12:] == "StateEntered" {
				transitions++
			}
		}
	}
	b.ReportMetric(float64(transitions)/b.Elapsed().Seconds(), "transitions/s")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
}
