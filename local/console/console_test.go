package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/imgprep/imgprep/local/console"
	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/sfnapi"
	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

const fnARN = "arn:aws:lambda:us-east-1:123456789012:function:work"

// flowDef retries TransientError once, catches CorruptImageError into
// Quarantine and lets anything else fail the execution.
const flowDef = `{"StartAt":"Prep","States":{
 "Prep":{"Type":"Pass","Next":"Work"},
 "Work":{"Type":"Task","Resource":"` + fnARN + `",
   "Retry":[{"ErrorEquals":["TransientError"],"IntervalSeconds":1,"MaxAttempts":2}],
   "Catch":[{"ErrorEquals":["CorruptImageError"],"Next":"Quarantine"}],"Next":"Done"},
 "Quarantine":{"Type":"Pass","End":true},
 "Done":{"Type":"Succeed"}}}`

// worker is the Lambda function behind fnARN: by $.mode it fails once
// then succeeds (flaky), fails with a caught error (broken) or with an
// uncaught one (fatal).
type worker struct {
	mu    sync.Mutex
	calls map[string]int
}

func (w *worker) InvokeLambda(_ context.Context, _ string, payload []byte) ([]byte, error) {
	var in struct{ Mode string }
	_ = json.Unmarshal(payload, &in)
	w.mu.Lock()
	w.calls[in.Mode]++
	n := w.calls[in.Mode]
	w.mu.Unlock()
	switch {
	case in.Mode == "flaky" && n == 1:
		return nil, &asl.LambdaFunctionError{ErrorType: "TransientError", ErrorMessage: "try again"}
	case in.Mode == "broken":
		return nil, &asl.LambdaFunctionError{ErrorType: "CorruptImageError", ErrorMessage: "not an image"}
	case in.Mode == "fatal":
		return nil, &asl.LambdaFunctionError{ErrorType: "FatalError", ErrorMessage: "gave up"}
	}
	return []byte(`{"ok":true}`), nil
}

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

type fixture struct {
	svc   *sfnapi.Service
	clock *asltest.Clock
	srv   *httptest.Server
	flow  string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	store, err := execstore.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	clock := asltest.NewClock(t0)
	svc := sfnapi.NewService(&asl.Engine{Lambda: &worker{calls: map[string]int{}}, Clock: clock}, store, nil)
	t.Cleanup(svc.Close)
	flow, err := svc.AddStateMachine("flow", "STANDARD", []byte(flowDef), "")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.StripPrefix("/console", console.Handler(svc)))
	t.Cleanup(srv.Close)
	return &fixture{svc: svc, clock: clock, srv: srv, flow: flow}
}

// run executes the flow to its end, moving the test clock past Retry
// intervals; each run starts a second after the previous one.
func (f *fixture) run(t *testing.T, name, input string) execstore.Record {
	t.Helper()
	f.clock.Advance(time.Second)
	done := make(chan execstore.Record)
	go func() {
		rec, err := f.svc.StartSync(context.Background(), f.flow, name, input)
		if err != nil {
			t.Error(err)
		}
		done <- rec
	}()
	for {
		select {
		case rec := <-done:
			return rec
		case <-time.After(time.Millisecond):
			if f.clock.Pending() > 0 {
				f.clock.Advance(time.Second)
			}
		}
	}
}

func (f *fixture) get(t *testing.T, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + "/console/" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	flaky := f.run(t, "flaky-1", `{"mode":"flaky","note":"<script>alert(1)</script>"}`)
	broken := f.run(t, "broken-1", `{"mode":"broken"}`)
	fatal := f.run(t, "fatal-1", `{"mode":"fatal"}`)
	if flaky.Status != "SUCCEEDED" || broken.Status != "SUCCEEDED" || fatal.Status != "FAILED" {
		t.Fatalf("statuses: got %s %s %s, want SUCCEEDED SUCCEEDED FAILED", flaky.Status, broken.Status, fatal.Status)
	}
	q := url.QueryEscape

	tests := []struct {
		name, path string
		status     int
		want       []string // in this order
		not        []string
	}{
		{"index lists the machine with counts", "", 200,
			[]string{"flow", "STANDARD", `status=SUCCEEDED">2</a>`, `status=FAILED">1</a>`}, nil},
		{"executions newest first", "machine?arn=" + q(f.flow), 200,
			[]string{"fatal-1", "FatalError", "broken-1", "flaky-1"}, nil},
		{"status filter", "machine?arn=" + q(f.flow) + "&status=FAILED", 200,
			[]string{"fatal-1"}, []string{"flaky-1", "broken-1"}},
		{"name or error filter", "machine?arn=" + q(f.flow) + "&q=Fatal", 200,
			[]string{"fatal-1"}, []string{"flaky-1", "broken-1"}},
		{"retried task", "execution?arn=" + q(flaky.ExecutionARN), 200,
			[]string{"flaky-1", "SUCCEEDED", "Input", "&lt;script&gt;", "Output", "Timeline",
				"Prep", "Work", "retried", "TransientError", "try again", "Done", "History", "LambdaFunctionFailed", "ExecutionSucceeded"},
			[]string{"<script>alert"}},
		{"caught error", "execution?arn=" + q(broken.ExecutionARN), 200,
			[]string{"Work", "caught", "CorruptImageError", "Quarantine"}, nil},
		{"failed execution", "execution?arn=" + q(fatal.ExecutionARN), 200,
			[]string{"FAILED", "Error", "FatalError", "Cause", "gave up", "Work", "failed", "ExecutionFailed"}, nil},
		{"unknown execution", "execution?arn=" + q(f.flow+"x"), 404, []string{"Not found"}, nil},
		{"unknown machine", "machine?arn=" + q("arn:aws:states:us-east-1:123456789012:stateMachine:nope"), 404, []string{"Not found"}, nil},
		{"unknown page", "nope", 404, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := f.get(t, tc.path)
			if code != tc.status {
				t.Fatalf("GET %s: got %d, want %d", tc.path, code, tc.status)
			}
			rest := body
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("GET %s: %q missing or out of order", tc.path, w)
					continue
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tc.not {
				if strings.Contains(body, n) {
					t.Errorf("GET %s: got %q in the page, want it absent", tc.path, n)
				}
			}
		})
	}
}

func TestRunningExecutionRefreshes(t *testing.T) {
	f := newFixture(t)
	waits, err := f.svc.AddStateMachine("waits", "STANDARD", []byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	arn, _, err := f.svc.Start(context.Background(), waits, "slow", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	for f.clock.Pending() == 0 {
		time.Sleep(time.Millisecond)
	}
	code, body := f.get(t, "execution?arn="+url.QueryEscape(arn))
	for _, w := range []string{`http-equiv="refresh"`, "RUNNING", "W", "running"} {
		if code != 200 || !strings.Contains(body, w) {
			t.Errorf("running execution page: got %d, want 200 with %q", code, w)
		}
	}
	if _, err := f.svc.Stop(arn, "", ""); err != nil {
		t.Fatal(err)
	}
	_, body = f.get(t, "execution?arn="+url.QueryEscape(arn))
	if strings.Contains(body, `http-equiv="refresh"`) || !strings.Contains(body, "ABORTED") {
		t.Errorf("stopped execution page: want ABORTED and no refresh")
	}
}

func TestTimeline(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		input string
		want  []string // name:status:attempts:failures
	}{
		{`{"mode":"ok"}`, []string{"Prep:succeeded:0:0", "Work:succeeded:1:0", "Done:succeeded:0:0"}},
		{`{"mode":"flaky"}`, []string{"Prep:succeeded:0:0", "Work:retried:2:1", "Done:succeeded:0:0"}},
		{`{"mode":"broken"}`, []string{"Prep:succeeded:0:0", "Work:caught:1:1", "Quarantine:succeeded:0:0"}},
		{`{"mode":"fatal"}`, []string{"Prep:succeeded:0:0", "Work:failed:1:1"}},
	}
	for _, tc := range tests {
		rec := f.run(t, "", tc.input)
		events, err := f.svc.History(rec.ExecutionARN)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range console.Timeline(events, rec.Status) {
			got = append(got, strings.Join([]string{s.Name, s.Status, itoa(s.Attempts), itoa(len(s.Failures))}, ":"))
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: got %v, want %v", tc.input, got, tc.want)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// Parallel branches and Map iterations interleave their events; each
// state is still paired with its own exit and indented under its parent.
func TestTimelineNesting(t *testing.T) {
	f := newFixture(t)
	arn, err := f.svc.AddStateMachine("nested", "STANDARD", []byte(`{"StartAt":"Par","States":{
	 "Par":{"Type":"Parallel","Next":"End","Branches":[
	  {"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A2"},"A2":{"Type":"Pass","End":true}}},
	  {"StartAt":"B","States":{"B":{"Type":"Map","ItemsPath":"$.xs","End":true,
	    "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}}]},
	 "End":{"Type":"Succeed"}}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := f.svc.StartSync(context.Background(), arn, "", `{"xs":[1,2]}`)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.svc.History(rec.ExecutionARN)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range console.Timeline(events, rec.Status) {
		exited := "exited"
		if s.Exited.IsZero() {
			exited = "open"
		}
		got = append(got, s.Name+":"+itoa(s.Depth)+":"+exited)
	}
	// Branch order follows the engine's event order; compare as a set
	// for the branch states and exactly for the rest.
	want := map[string]bool{"Par:0:exited": true, "A:1:exited": true, "A2:1:exited": true, "B:1:exited": true, "I:2:exited": true, "End:0:exited": true}
	if len(got) != 7 || got[0] != "Par:0:exited" || got[6] != "End:0:exited" {
		t.Fatalf("got %v, want Par first, End last, 7 steps", got)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("step %s: want one of %v", g, want)
		}
	}
}

func TestDistributedMapPages(t *testing.T) {
	f := newFixture(t)
	bulk, err := f.svc.AddStateMachine("bulk", "STANDARD", []byte(`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","Label":"Each",
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`), "")
	if err != nil {
		t.Fatal(err)
	}
	parent, err := f.svc.StartSync(context.Background(), bulk, "b1", `{"items":[{"k":"x"},{"k":"y"}]}`)
	if err != nil || parent.Status != "SUCCEEDED" {
		t.Fatalf("parent: got %v, %v, want SUCCEEDED", parent.Status, err)
	}
	child := f.svc.List("arn:aws:states:us-east-1:123456789012:stateMachine:bulk/Each")
	if len(child) != 2 {
		t.Fatalf("child executions: got %d, want 2", len(child))
	}
	tests := []struct{ path, want string }{
		{"", "bulk/Each"},
		{"execution?arn=" + url.QueryEscape(parent.ExecutionARN), "Map run"},
		{"execution?arn=" + url.QueryEscape(parent.ExecutionARN), "execution?arn=" + url.QueryEscape(child[0].ExecutionARN)},
		{"execution?arn=" + url.QueryEscape(child[0].ExecutionARN), "execution?arn=" + url.QueryEscape(parent.ExecutionARN)},
		{"machine?arn=" + url.QueryEscape(child[0].StateMachineARN), child[1].Name},
	}
	for _, tc := range tests {
		code, body := f.get(t, tc.path)
		// html/template writes query escapes in lower case.
		if code != 200 || !strings.Contains(strings.ToLower(body), strings.ToLower(tc.want)) {
			t.Errorf("GET %s: got %d, want 200 with %q", tc.path, code, tc.want)
		}
	}
}
