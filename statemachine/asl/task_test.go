package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:f"

func lambdaEngine(inv asl.LambdaInvoker) (*asl.Engine, *asltest.Clock) {
	clk := asltest.NewClock(epoch)
	return &asl.Engine{Lambda: inv, Clock: clk}, clk
}

func TestLambdaTasks(t *testing.T) {
	echo := invokerFunc(func(_ context.Context, arn string, p []byte) ([]byte, error) {
		if arn != fnARN {
			return nil, &asl.LambdaServiceError{StatusCode: 404, ErrorCode: "ResourceNotFoundException", Message: "Function not found: " + arn}
		}
		return p, nil
	})
	tests := []struct {
		name, def, input, want string
	}{
		{"function ARN returns the payload",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","Parameters":{"x.$":"$.a"},"ResultPath":"$.r","End":true}}}`,
			`{"a":1}`, `{"a":1,"r":{"x":1}}`},
		{"lambda:invoke wraps the payload",
			`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},"ResultSelector":{"p.$":"$.Payload","s.$":"$.StatusCode"},"End":true}}}`,
			`{"a":1}`, `{"p":{"a":1},"s":200}`},
		{"jsonata arguments and result",
			`{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","Arguments":{"n":"{% $states.input.a + 1 %}"},"Output":"{% $states.result.n %}","End":true}}}`,
			`{"a":1}`, `2`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, _ := lambdaEngine(echo)
			wantOutput(t, run(t, eng, tc.def, tc.input), tc.want)
		})
	}
}

func TestLambdaErrorNaming(t *testing.T) {
	fnErr := &asl.LambdaFunctionError{ErrorType: "ImageTooLarge", ErrorMessage: "24 MP > 20 MP", StackTrace: []string{}, RequestID: "r-1"}
	tests := []struct {
		name      string
		resource  string
		err       error
		wantErr   string
		wantCause string
	}{
		{"function error by type, python separators", fnARN, fnErr, "ImageTooLarge",
			`{"errorMessage": "24 MP > 20 MP", "errorType": "ImageTooLarge", "requestId": "r-1", "stackTrace": []}`},
		{"function error through lambda:invoke, compact", "arn:aws:states:::lambda:invoke", fnErr, "ImageTooLarge",
			`{"errorMessage":"24 MP > 20 MP","errorType":"ImageTooLarge","requestId":"r-1","stackTrace":[]}`},
		{"service error", fnARN, &asl.LambdaServiceError{StatusCode: 429, ErrorCode: "TooManyRequestsException", Message: "Rate exceeded", RequestID: "r-2"},
			"Lambda.TooManyRequestsException", "Rate exceeded (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: r-2; Proxy: null)"},
		{"other invoker error", fnARN, errors.New("connection refused"), "Lambda.ServiceException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, _ := lambdaEngine(invokerFunc(func(context.Context, string, []byte) ([]byte, error) { return nil, tc.err }))
			def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + tc.resource + `","Parameters":{"FunctionName":"f"},"End":true}}}`
			res := run(t, eng, def, `{}`)
			wantError(t, res, tc.wantErr)
			if tc.wantCause != "" && res.Cause != tc.wantCause {
				t.Errorf("cause: got %s, want %s", res.Cause, tc.wantCause)
			}
		})
	}
}

// failingThen fails with errType n times, then echoes its payload.
func failingThen(n int32, errType string) (asl.LambdaInvoker, *atomic.Int32) {
	var calls atomic.Int32
	return invokerFunc(func(_ context.Context, _ string, p []byte) ([]byte, error) {
		if calls.Add(1) <= n {
			return nil, &asl.LambdaFunctionError{ErrorType: errType, ErrorMessage: "boom"}
		}
		return p, nil
	}), &calls
}

// driveClock advances clk through every timer until the execution ends,
// recording the delays it waited.
func driveClock(t *testing.T, clk *asltest.Clock, eng *asl.Engine, def, input string) (asl.Result, []time.Duration) {
	t.Helper()
	done := make(chan asl.Result, 1)
	go func() { done <- run(t, eng, def, input) }()
	var delays []time.Duration
	for {
		select {
		case res := <-done:
			return res, delays
		default:
		}
		d, ok := clk.NextIn(20 * time.Millisecond)
		if !ok {
			continue
		}
		delays = append(delays, d)
		clk.Advance(d)
	}
}

// Retry semantics from the "Handling errors" page: IntervalSeconds grows
// by BackoffRate per attempt, capped by MaxDelaySeconds; the first
// matching retrier decides; MaxAttempts 0 means never.
func TestRetry(t *testing.T) {
	tests := []struct {
		name       string
		retry      string
		failures   int32
		wantStatus string
		wantDelays []time.Duration
		wantCalls  int32
	}{
		{"backoff", `[{"ErrorEquals":["Transient"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3}]`, 3, asl.StatusSucceeded,
			[]time.Duration{2 * time.Second, 6 * time.Second, 18 * time.Second}, 4},
		{"max delay caps backoff", `[{"ErrorEquals":["States.ALL"],"IntervalSeconds":3,"BackoffRate":2,"MaxAttempts":3,"MaxDelaySeconds":5}]`, 3, asl.StatusSucceeded,
			[]time.Duration{3 * time.Second, 5 * time.Second, 5 * time.Second}, 4},
		{"attempts exhausted", `[{"ErrorEquals":["Transient"],"MaxAttempts":1}]`, 5, asl.StatusFailed,
			[]time.Duration{time.Second}, 2},
		{"first matching retrier decides", `[{"ErrorEquals":["Transient"],"MaxAttempts":0},{"ErrorEquals":["States.ALL"],"MaxAttempts":5}]`, 1, asl.StatusFailed,
			nil, 1},
		{"task failed matches function errors", `[{"ErrorEquals":["States.TaskFailed"],"IntervalSeconds":1,"MaxAttempts":2}]`, 2, asl.StatusSucceeded,
			[]time.Duration{time.Second, 2 * time.Second}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inv, calls := failingThen(tc.failures, "Transient")
			eng, clk := lambdaEngine(inv)
			def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","Retry":` + tc.retry + `,"End":true}}}`
			res, delays := driveClock(t, clk, eng, def, `{}`)
			if res.Status != tc.wantStatus {
				t.Errorf("status: got %s (%s), want %s", res.Status, res.Error, tc.wantStatus)
			}
			if len(delays) != len(tc.wantDelays) {
				t.Fatalf("delays: got %v, want %v", delays, tc.wantDelays)
			}
			for i := range delays {
				if delays[i] != tc.wantDelays[i] {
					t.Errorf("delays: got %v, want %v", delays, tc.wantDelays)
				}
			}
			if calls.Load() != tc.wantCalls {
				t.Errorf("calls: got %d, want %d", calls.Load(), tc.wantCalls)
			}
		})
	}
}

func TestCatch(t *testing.T) {
	inv, _ := failingThen(100, "ImageTooLarge")
	tests := []struct {
		name, catch, want string
	}{
		{"error output replaces input by default", `[{"ErrorEquals":["Other"],"Next":"X"},{"ErrorEquals":["ImageTooLarge"],"Next":"H"}]`, `{"Error":"ImageTooLarge"}`},
		{"result path keeps the input", `[{"ErrorEquals":["Other"],"Next":"X"},{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"H"}]`, `{"key":"k","err":{"Error":"ImageTooLarge"}}`},
		{"task failed matches", `[{"ErrorEquals":["Other"],"Next":"X"},{"ErrorEquals":["States.TaskFailed"],"ResultPath":null,"Next":"H"}]`, `{"key":"k"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			eng, _ := lambdaEngine(inv)
			def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","Catch":` + tc.catch + `,"End":true},
			 "H":{"Type":"Pass","Parameters":{"Error.$":"$.Error"},"End":true},"X":{"Type":"Fail"}}}`
			if strings.Contains(tc.catch, "ResultPath") {
				def = strings.Replace(def, `"Parameters":{"Error.$":"$.Error"},`, "", 1)
			}
			res := run(t, eng, def, `{"key":"k"}`)
			if res.Status != asl.StatusSucceeded {
				t.Fatalf("status %s %s", res.Status, res.Error)
			}
			var got map[string]any
			_ = json.Unmarshal(res.Output, &got)
			if e, ok := got["err"].(map[string]any); ok {
				delete(e, "Cause")
			}
			b, _ := json.Marshal(got)
			if !jsonEqual(t, string(b), tc.want) {
				t.Errorf("output: got %s, want %s", b, tc.want)
			}
		})
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	return string(mustCanon(t, a)) == string(mustCanon(t, b))
}

func mustCanon(t *testing.T, s string) []byte {
	t.Helper()
	v := decode(t, s)
	out, _ := json.Marshal(v)
	return out
}

func TestRuntimeErrorsAreNotCaught(t *testing.T) {
	eng, _ := lambdaEngine(invokerFunc(func(_ context.Context, _ string, p []byte) ([]byte, error) { return p, nil }))
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","OutputPath":"$.missing","Catch":[{"ErrorEquals":["States.ALL"],"Next":"H"}],"End":true},"H":{"Type":"Succeed"}}}`
	wantError(t, run(t, eng, def, `{}`), "States.Runtime")
}

func TestTaskTimeout(t *testing.T) {
	blocked := invokerFunc(func(ctx context.Context, _ string, _ []byte) ([]byte, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	eng, clk := lambdaEngine(blocked)
	def := `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + fnARN + `","TimeoutSeconds":5,"End":true}}}`
	res, delays := driveClock(t, clk, eng, def, `{}`)
	wantError(t, res, "States.Timeout")
	if len(delays) != 1 || delays[0] != 5*time.Second {
		t.Errorf("delays: got %v, want [5s]", delays)
	}
}

func TestWait(t *testing.T) {
	tests := []struct {
		name, state, input string
		want               time.Duration
	}{
		{"seconds", `"Seconds":10`, `{}`, 10 * time.Second},
		{"seconds path", `"SecondsPath":"$.s"`, `{"s":7}`, 7 * time.Second},
		{"timestamp", `"Timestamp":"2024-05-01T12:01:00Z"`, `{}`, time.Minute},
		{"timestamp path", `"TimestampPath":"$.t"`, `{"t":"2024-05-01T13:00:00+01:00"}`, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clk := asltest.NewClock(epoch)
			eng := &asl.Engine{Clock: clk}
			def := `{"StartAt":"W","States":{"W":{"Type":"Wait",` + tc.state + `,"End":true}}}`
			res, delays := driveClock(t, clk, eng, def, tc.input)
			wantOutput(t, res, tc.input)
			var total time.Duration
			for _, d := range delays {
				total += d
			}
			if total != tc.want {
				t.Errorf("waited %v, want %v", total, tc.want)
			}
		})
	}
	t.Run("missing seconds path", func(t *testing.T) {
		res := run(t, nil, `{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$.s","End":true}}}`, `{}`)
		wantError(t, res, "States.Runtime")
		want := "An error occurred while executing the state 'W' (entered at the event id #2). The SecondsPath parameter does not reference an input value: $.s"
		if res.Cause != want {
			t.Errorf("cause: got %q, want %q", res.Cause, want)
		}
	})
}

func TestAbortAndTimeout(t *testing.T) {
	m, err := asl.Parse([]byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	clk := asltest.NewClock(epoch)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan asl.Result)
	go func() { done <- (&asl.Engine{Clock: clk}).Execute(ctx, m, []byte(`{}`), asl.ExecutionOptions{}) }()
	if _, ok := clk.NextIn(time.Second); !ok {
		t.Fatal("the Wait state never waited")
	}
	cancel()
	if res := <-done; res.Status != asl.StatusAborted {
		t.Errorf("status: got %s, want ABORTED", res.Status)
	}

	m, err = asl.Parse([]byte(`{"TimeoutSeconds":5,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	clk = asltest.NewClock(epoch)
	go func() {
		done <- (&asl.Engine{Clock: clk}).Execute(context.Background(), m, []byte(`{}`), asl.ExecutionOptions{})
	}()
	if d, ok := clk.NextIn(time.Second); !ok || d != 5*time.Second {
		t.Fatalf("first timer: got %v, want the 5s execution timeout", d)
	}
	clk.Advance(5 * time.Second)
	if res := <-done; res.Status != asl.StatusTimedOut || res.Error != "States.Timeout" {
		t.Errorf("status: got %s %s, want TIMED_OUT States.Timeout", res.Status, res.Error)
	}
}

func TestExpressFiveMinuteLimit(t *testing.T) {
	m, err := asl.Parse([]byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":600,"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	clk := asltest.NewClock(epoch)
	done := make(chan asl.Result)
	go func() {
		done <- (&asl.Engine{Clock: clk}).Execute(context.Background(), m, []byte(`{}`), asl.ExecutionOptions{Type: "EXPRESS"})
	}()
	if d, ok := clk.NextIn(time.Second); !ok || d != 5*time.Minute {
		t.Fatalf("first timer: got %v, want the 5m Express limit", d)
	}
	clk.Advance(5 * time.Minute)
	if res := <-done; res.Status != asl.StatusTimedOut {
		t.Errorf("status: got %s, want TIMED_OUT", res.Status)
	}
}
