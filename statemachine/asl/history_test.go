package asl_test

import (
	"context"
	"testing"

	"github.com/imgprep/imgprep/statemachine/asl"
)

// Event types, order and ids as GetExecutionHistory shows them for a
// Pass -> Lambda Task -> Succeed run.
func TestHistoryShape(t *testing.T) {
	eng, _ := lambdaEngine(invokerFunc(func(_ context.Context, _ string, p []byte) ([]byte, error) { return p, nil }))
	var seen []string
	m, err := asl.Parse([]byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"T"},"T":{"Type":"Task","Resource":"` + fnARN + `","Next":"S"},"S":{"Type":"Succeed"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	res := eng.Execute(context.Background(), m, []byte(`{"a":1}`), asl.ExecutionOptions{Name: "n1", Listener: func(e asl.HistoryEvent) { seen = append(seen, e.Type) }})
	want := []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered",
		"LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
		"SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"}
	if len(res.History) != len(want) {
		t.Fatalf("history: got %d events %v, want %v", len(res.History), seen, want)
	}
	for i, ev := range res.History {
		if ev.Type != want[i] || seen[i] != want[i] {
			t.Errorf("event %d: got %s (listener %s), want %s", i+1, ev.Type, seen[i], want[i])
		}
		if ev.ID != int64(i+1) || ev.PreviousEventID != int64(i) {
			t.Errorf("event %d: got id %d prev %d, want %d, %d", i+1, ev.ID, ev.PreviousEventID, i+1, i)
		}
	}
	if got := res.History[1].Details["input"]; got != `{"a":1}` {
		t.Errorf("PassStateEntered input: got %v, want {\"a\":1}", got)
	}
	if res.History[4].DetailsKey != "lambdaFunctionScheduledEventDetails" || res.History[4].Details["resource"] != fnARN {
		t.Errorf("LambdaFunctionScheduled: got %s %v", res.History[4].DetailsKey, res.History[4].Details)
	}
	if want := "arn:aws:states:us-east-1:123456789012:execution:local:n1"; res.ExecutionARN != want {
		t.Errorf("execution ARN: got %s, want %s", res.ExecutionARN, want)
	}
}

func TestPanicFailsTheExecution(t *testing.T) {
	m, err := asl.Parse([]byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	res := (&asl.Engine{}).Execute(context.Background(), m, []byte(`{}`), asl.ExecutionOptions{Listener: func(e asl.HistoryEvent) {
		if e.Type == "PassStateExited" {
			panic("listener bug")
		}
	}})
	if res.Status != asl.StatusFailed || res.Error != "States.Runtime" {
		t.Errorf("got %s %s, want FAILED States.Runtime", res.Status, res.Error)
	}
}
