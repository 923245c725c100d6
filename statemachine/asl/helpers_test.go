package asl_test

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

// invokerFunc adapts a function to asl.LambdaInvoker.
type invokerFunc func(ctx context.Context, arn string, payload []byte) ([]byte, error)

func (f invokerFunc) InvokeLambda(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	return f(ctx, arn, payload)
}

var epoch = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// run parses def and executes it on input with eng (a default engine with
// a manual clock when nil), failing the test on a parse error.
func run(t *testing.T, eng *asl.Engine, def, input string) asl.Result {
	t.Helper()
	m, err := asl.Parse([]byte(def))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if eng == nil {
		eng = &asl.Engine{Clock: asltest.NewClock(epoch)}
	}
	return eng.Execute(context.Background(), m, []byte(input), asl.ExecutionOptions{Name: "test"})
}

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return v
}

// wantOutput checks a SUCCEEDED result's output against JSON want.
func wantOutput(t *testing.T, res asl.Result, want string) {
	t.Helper()
	if res.Status != asl.StatusSucceeded {
		t.Fatalf("status %s (%s: %s), want SUCCEEDED", res.Status, res.Error, res.Cause)
	}
	got := decode(t, string(res.Output))
	if !reflect.DeepEqual(got, decode(t, want)) {
		t.Errorf("output: got %s, want %s", res.Output, want)
	}
}

func wantError(t *testing.T, res asl.Result, errName string) {
	t.Helper()
	if res.Status != asl.StatusFailed {
		t.Fatalf("status %s (output %s), want FAILED", res.Status, res.Output)
	}
	if res.Error != errName {
		t.Errorf("error: got %q (cause %q), want %q", res.Error, res.Cause, errName)
	}
}
