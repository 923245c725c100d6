package asl_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

func distributedEngine() (*asl.Engine, *asltest.S3) {
	s3 := &asltest.S3{Now: func() time.Time { return epoch }}
	s3.Put("in", "photos/a.jpg", []byte("aa"))
	s3.Put("in", "photos/b.jpg", []byte("bbb"))
	s3.Put("in", "other/c.jpg", []byte("c"))
	s3.Put("in", "list.csv", []byte("key,size\nx,1\ny,2\nz,3\n"))
	s3.Put("in", "list.jsonl", []byte("{\"k\":1}\n{\"k\":2}\n"))
	fail := &asltest.Lambdas{Functions: map[string]asltest.Behaviour{
		fnARN: {Behaviour: "raise", ErrorType: "CorruptImageError", ErrorMessage: "bad"},
	}}
	return &asl.Engine{S3: s3, Lambda: fail, Clock: asltest.NewClock(epoch)}, s3
}

func distributedMap(reader, extra, processor string) string {
	if processor == "" {
		processor = `{"Type":"Pass","End":true}`
	}
	return `{"StartAt":"M","States":{"M":{"Type":"Map",` + reader + extra + `
	 "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":` + processor + `}},"End":true}}}`
}

func TestDistributedMapReaders(t *testing.T) {
	tests := []struct {
		name, def, want string
	}{
		{"list objects under a prefix",
			distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in","Prefix":"photos/"}},`, `"ItemSelector":{"key.$":"$$.Map.Item.Value.Key","size.$":"$$.Map.Item.Value.Size"},`, ""),
			`[{"key":"photos/a.jpg","size":2},{"key":"photos/b.jpg","size":3}]`},
		{"csv with header row and MaxItems",
			distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItems":2},"Parameters":{"Bucket":"in","Key":"list.csv"}},`, "", ""),
			`[{"key":"x","size":"1"},{"key":"y","size":"2"}]`},
		{"json lines",
			distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},"Parameters":{"Bucket":"in","Key":"list.jsonl"}},`, "", ""),
			`[{"k":1},{"k":2}]`},
		{"batches",
			distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"},"Parameters":{"Bucket":"in","Key":"list.csv"}},`, `"ItemBatcher":{"MaxItemsPerBatch":2,"BatchInput":{"job":"j1"}},`, ""),
			`[{"Items":[{"key":"x","size":"1"},{"key":"y","size":"2"}],"BatchInput":{"job":"j1"}},{"Items":[{"key":"z","size":"3"}],"BatchInput":{"job":"j1"}}]`},
		{"tolerated failures keep error outputs",
			distributedMap(`"ItemsPath":"$.items",`, `"ToleratedFailureCount":5,`, `{"Type":"Task","Resource":"`+fnARN+`","End":true}`),
			`[{"Error":"CorruptImageError"},{"Error":"CorruptImageError"}]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, _ := distributedEngine()
			res := run(t, eng, tc.def, `{"items":[1,2]}`)
			if res.Status != asl.StatusSucceeded {
				t.Fatalf("status %s %s: %s", res.Status, res.Error, res.Cause)
			}
			var got []any
			_ = json.Unmarshal(res.Output, &got)
			for _, g := range got {
				if m, ok := g.(map[string]any); ok {
					delete(m, "Cause")
				}
			}
			b, _ := json.Marshal(got)
			if !jsonEqual(t, string(b), tc.want) {
				t.Errorf("output: got %s, want %s", b, tc.want)
			}
		})
	}
}

func TestDistributedMapFailures(t *testing.T) {
	tests := []struct {
		name, def, wantErr string
	}{
		{"failure over the threshold", distributedMap(`"ItemsPath":"$.items",`, `"ToleratedFailurePercentage":10,`, `{"Type":"Task","Resource":"`+fnARN+`","End":true}`), "States.ExceedToleratedFailureThreshold"},
		{"negative MaxItems", distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL","MaxItems":-1},"Parameters":{"Bucket":"in","Key":"list.jsonl"}},`, "", ""), "States.ItemReaderFailed"},
		{"missing object", distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"in","Key":"nope"}},`, "", ""), "States.ItemReaderFailed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, _ := distributedEngine()
			wantError(t, run(t, eng, tc.def, `{"items":[1,2]}`), tc.wantErr)
		})
	}
}

func TestDistributedMapResultWriter(t *testing.T) {
	eng, s3 := distributedEngine()
	def := distributedMap(`"ItemsPath":"$.items",`, `"ToleratedFailurePercentage":100,"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"runs"}},`,
		`{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"Bad"}],"Default":"Ok"},"Ok":{"Type":"Succeed"},"Bad":{"Type":"Fail","Error":"Two"}`)
	res := run(t, eng, def, `{"items":[1,2,3]}`)
	if res.Status != asl.StatusSucceeded {
		t.Fatalf("status %s %s: %s", res.Status, res.Error, res.Cause)
	}
	var out struct {
		ResultWriterDetails struct{ Bucket, Key string }
	}
	_ = json.Unmarshal(res.Output, &out)
	if out.ResultWriterDetails.Bucket != "out" || !strings.HasPrefix(out.ResultWriterDetails.Key, "runs/") || !strings.HasSuffix(out.ResultWriterDetails.Key, "/manifest.json") {
		t.Fatalf("ResultWriterDetails: got %+v, want bucket out, key runs/<id>/manifest.json", out.ResultWriterDetails)
	}
	body, ok := s3.Get("out", out.ResultWriterDetails.Key)
	if !ok {
		t.Fatalf("manifest %s not written; keys %v", out.ResultWriterDetails.Key, s3.Keys("out"))
	}
	var manifest struct {
		ResultFiles map[string][]struct{ Key string }
	}
	_ = json.Unmarshal(body, &manifest)
	for status, want := range map[string]int{"SUCCEEDED": 2, "FAILED": 1} {
		files := manifest.ResultFiles[status]
		if len(files) != 1 {
			t.Fatalf("%s files: got %v, want one", status, files)
		}
		b, _ := s3.Get("out", files[0].Key)
		var items []map[string]any
		_ = json.Unmarshal(b, &items)
		if len(items) != want {
			t.Errorf("%s items: got %d, want %d", status, len(items), want)
		}
	}
}

func TestDistributedMapChildExecutions(t *testing.T) {
	eng, _ := distributedEngine()
	m, err := asl.Parse([]byte(distributedMap(`"ItemsPath":"$.items",`, "", "")))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var children []asl.Result
	res := eng.Execute(context.Background(), m, []byte(`{"items":["a","b","c"]}`), asl.ExecutionOptions{
		Name: "parent",
		ChildExecution: func(mapRun string, child asl.Result) {
			mu.Lock()
			defer mu.Unlock()
			if !strings.Contains(mapRun, ":mapRun:local/M:") {
				t.Errorf("map run ARN: got %s, want one naming local/M", mapRun)
			}
			children = append(children, child)
		},
	})
	wantOutput(t, res, `["a","b","c"]`)
	if len(children) != 3 {
		t.Fatalf("children: got %d, want 3", len(children))
	}
	for _, c := range children {
		if c.Status != asl.StatusSucceeded || !strings.Contains(c.ExecutionARN, ":express:local/M:") {
			t.Errorf("child: got %s %s, want SUCCEEDED with an express ARN under local/M", c.Status, c.ExecutionARN)
		}
		if n := len(c.History); n != 4 || c.History[0].Type != "ExecutionStarted" || c.History[n-1].Type != "ExecutionSucceeded" {
			t.Errorf("child history: got %d events, want ExecutionStarted, PassStateEntered, PassStateExited, ExecutionSucceeded", n)
		}
	}
	for _, ev := range res.History {
		if ev.Type == "PassStateEntered" {
			t.Errorf("parent history has a child's event %s", ev.Type)
		}
	}
}

// One Machine serves many executions at once (the local stack runs every
// upload through the same parsed definition).
func TestConcurrentExecutionsShareAMachine(t *testing.T) {
	eng, _ := distributedEngine()
	m, err := asl.Parse([]byte(distributedMap(
		`"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItemsPath":"$.max"},"Parameters":{"Bucket":"in","Key":"list.csv"}},`,
		`"ItemBatcher":{"MaxItemsPerBatchPath":"$.batch"},"ItemSelector":{"k.$":"$$.Map.Item.Value.key"},`, "")))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := eng.Execute(context.Background(), m, []byte(`{"max":3,"batch":2}`), asl.ExecutionOptions{})
			want := `[{"Items":[{"k":"x"},{"k":"y"}]},{"Items":[{"k":"z"}]}]`
			if res.Status != asl.StatusSucceeded || !jsonEqual(t, string(res.Output), want) {
				t.Errorf("got %s %s, want %s", res.Status, res.Output, want)
			}
		}()
	}
	wg.Wait()
}
