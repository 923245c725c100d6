package execstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPutReopenList(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	recs := []Record{
		{ExecutionARN: "arn:aws:states:us-east-1:0:execution:a:1", StateMachineARN: "sm-a", Status: "SUCCEEDED", StartDate: t0, Output: json.RawMessage(`{"x":1}`), History: json.RawMessage(`[{"id":1}]`)},
		{ExecutionARN: "arn:aws:states:us-east-1:0:execution:a:2", StateMachineARN: "sm-a", Status: "RUNNING", StartDate: t0.Add(time.Second)},
		{ExecutionARN: "arn:aws:states:us-east-1:0:execution:b:1", StateMachineARN: "sm-b", Status: "FAILED", Error: "E", StartDate: t0},
	}
	for i := range recs {
		if err := s.Put(&recs[i]); err != nil {
			t.Fatal(err)
		}
	}
	recs[1].Status = "SUCCEEDED"
	if err := s.Put(&recs[1]); err != nil {
		t.Fatal(err)
	}

	s2, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := s2.Get(recs[1].ExecutionARN)
	if !ok || got.Status != "SUCCEEDED" {
		t.Fatalf("after reopen: got %+v, %v, want status SUCCEEDED", got, ok)
	}
	if h, _ := s2.Get(recs[0].ExecutionARN); string(h.History) != `[{"id":1}]` {
		t.Errorf("history from disk: got %s, want [{\"id\":1}]", h.History)
	}
	for _, r := range s2.List("") {
		if r.History != nil || r.Input != nil || r.Output != nil {
			t.Errorf("List kept the input, output or history of %s in memory", r.ExecutionARN)
		}
	}
	if full, _ := s2.Get(recs[0].ExecutionARN); string(full.Output) != `{"x":1}` {
		t.Errorf("output from disk: got %s, want {\"x\":1}", full.Output)
	}
	if got, want := len(s2.List("")), 3; got != want {
		t.Errorf("List all: got %d records, want %d", got, want)
	}
	a := s2.List("sm-a")
	if len(a) != 2 || a[0].ExecutionARN != recs[1].ExecutionARN {
		t.Errorf("List sm-a: got %v, want 2 records, newest first", a)
	}
}

func TestOpenReportsBrokenRecord(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("got nil error for a broken record file, want one")
	}
}
