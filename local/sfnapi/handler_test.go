package sfnapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/sfnapi"
	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

// choiceDef passes its input on, then fails when $.fail is true.
const choiceDef = `{"StartAt":"P","States":{
 "P":{"Type":"Pass","Parameters":{"in.$":"$"},"Next":"C"},
 "C":{"Type":"Choice","Choices":[{"Variable":"$.in.fail","BooleanEquals":true,"Next":"F"}],"Default":"S"},
 "S":{"Type":"Succeed"},
 "F":{"Type":"Fail","Error":"Boom","Cause":"asked to fail"}}}`

// waitDef waits an hour: long enough to be stopped.
const waitDef = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`

type fixture struct {
	svc    *sfnapi.Service
	client *sfn.Client
	url    string
	store  *execstore.Store
}

func newFixture(t *testing.T, eng *asl.Engine, dir string) *fixture {
	t.Helper()
	store, err := execstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	svc := sfnapi.NewService(eng, store, nil)
	t.Cleanup(svc.Close)
	srv := httptest.NewServer(sfnapi.Handler(svc))
	t.Cleanup(srv.Close)
	client := sfn.New(sfn.Options{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDLOCAL", "secret", ""),
	}, sfnapi.ClientOptions(srv.URL))
	return &fixture{svc: svc, client: client, url: srv.URL, store: store}
}

func (f *fixture) machine(t *testing.T, name, typ, def string) string {
	t.Helper()
	out, err := f.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(def), Type: types.StateMachineType(typ),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/test"),
	})
	if err != nil {
		t.Fatalf("CreateStateMachine %s: %v", name, err)
	}
	return aws.ToString(out.StateMachineArn)
}

func (f *fixture) startAndWait(t *testing.T, smARN, name, input string) string {
	t.Helper()
	ctx := context.Background()
	out, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &smARN, Name: optional(name), Input: &input})
	if err != nil {
		t.Fatalf("StartExecution: %v", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := f.svc.Wait(wctx, aws.ToString(out.ExecutionArn)); err != nil {
		t.Fatalf("Wait: %v", err)
	}
	return aws.ToString(out.ExecutionArn)
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func history(t *testing.T, c *sfn.Client, arn string) []types.HistoryEvent {
	t.Helper()
	var all []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(c, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatalf("GetExecutionHistory: %v", err)
		}
		all = append(all, page.Events...)
	}
	return all
}

func eventTypes(evs []types.HistoryEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = string(e.Type)
	}
	return out
}

func TestStartDescribeHistory(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	sm := f.machine(t, "choices", "STANDARD", choiceDef)
	before := time.Now().Add(-time.Second)

	tests := []struct {
		name, input, status, output, errName string
		types                                []string
	}{
		{"succeeds", `{"fail":false}`, "SUCCEEDED", `{"in":{"fail":false}}`, "",
			[]string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
				"SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"}},
		{"fails", `{"fail":true}`, "FAILED", "", "Boom",
			[]string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "ChoiceStateEntered", "ChoiceStateExited",
				"FailStateEntered", "ExecutionFailed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			arn := f.startAndWait(t, sm, "run-"+tc.name, tc.input)
			if want := "arn:aws:states:us-east-1:123456789012:execution:choices:run-" + tc.name; arn != want {
				t.Errorf("executionArn: got %s, want %s", arn, want)
			}
			d, err := f.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &arn})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(d.Status); got != tc.status {
				t.Errorf("status: got %s, want %s", got, tc.status)
			}
			if got := aws.ToString(d.Output); got != tc.output {
				t.Errorf("output: got %q, want %q", got, tc.output)
			}
			if got := aws.ToString(d.Error); got != tc.errName {
				t.Errorf("error: got %q, want %q", got, tc.errName)
			}
			if got := aws.ToString(d.Input); got != tc.input {
				t.Errorf("input: got %q, want %q", got, tc.input)
			}
			if aws.ToString(d.StateMachineArn) != sm || aws.ToString(d.Name) != "run-"+tc.name {
				t.Errorf("got machine %s name %s, want %s run-%s", aws.ToString(d.StateMachineArn), aws.ToString(d.Name), sm, tc.name)
			}
			if d.StartDate == nil || d.StartDate.Before(before) || d.StopDate == nil || d.StopDate.Before(*d.StartDate) {
				t.Errorf("dates: got start %v stop %v, want start after %v and stop after start", d.StartDate, d.StopDate, before)
			}

			evs := history(t, f.client, arn)
			if got := eventTypes(evs); strings.Join(got, ",") != strings.Join(tc.types, ",") {
				t.Fatalf("history types:\n got %v\nwant %v", got, tc.types)
			}
			for i, e := range evs {
				if e.Id != int64(i+1) || e.PreviousEventId != int64(i) {
					t.Errorf("event %d: got id %d previous %d, want %d, %d", i, e.Id, e.PreviousEventId, i+1, i)
				}
				if e.Timestamp == nil || e.Timestamp.Before(before) {
					t.Errorf("event %d: got timestamp %v, want after %v", i, e.Timestamp, before)
				}
			}
			if got := aws.ToString(evs[0].ExecutionStartedEventDetails.Input); got != tc.input {
				t.Errorf("ExecutionStarted input: got %q, want %q", got, tc.input)
			}
			if got := aws.ToString(evs[1].StateEnteredEventDetails.Name); got != "P" {
				t.Errorf("PassStateEntered name: got %q, want P", got)
			}
			last := evs[len(evs)-1]
			if tc.errName != "" && aws.ToString(last.ExecutionFailedEventDetails.Error) != tc.errName {
				t.Errorf("ExecutionFailed error: got %+v, want %s", last.ExecutionFailedEventDetails, tc.errName)
			}
			if tc.output != "" && aws.ToString(last.ExecutionSucceededEventDetails.Output) != tc.output {
				t.Errorf("ExecutionSucceeded output: got %+v, want %s", last.ExecutionSucceededEventDetails, tc.output)
			}
		})
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err == nil {
		return "<nil>"
	}
	return "not an API error: " + err.Error()
}

func TestErrors(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	std := f.machine(t, "std", "STANDARD", choiceDef)
	done := f.startAndWait(t, std, "done", `{}`)
	ctx := context.Background()
	unknownSM := "arn:aws:states:us-east-1:123456789012:stateMachine:nope"
	unknownExec := "arn:aws:states:us-east-1:123456789012:execution:std:nope"

	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"start on unknown machine", func() error {
			_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &unknownSM})
			return err
		}, "StateMachineDoesNotExist"},
		{"describe unknown machine", func() error {
			_, err := f.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: &unknownSM})
			return err
		}, "StateMachineDoesNotExist"},
		{"list executions of unknown machine", func() error {
			_, err := f.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &unknownSM})
			return err
		}, "StateMachineDoesNotExist"},
		{"describe unknown execution", func() error {
			_, err := f.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &unknownExec})
			return err
		}, "ExecutionDoesNotExist"},
		{"history of unknown execution", func() error {
			_, err := f.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &unknownExec})
			return err
		}, "ExecutionDoesNotExist"},
		{"stop unknown execution", func() error {
			_, err := f.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &unknownExec})
			return err
		}, "ExecutionDoesNotExist"},
		{"malformed execution arn", func() error {
			_, err := f.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String("not-an-arn")})
			return err
		}, "InvalidArn"},
		{"input not JSON", func() error {
			_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &std, Input: aws.String(`{"a":`)})
			return err
		}, "InvalidExecutionInput"},
		{"name with a slash", func() error {
			_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &std, Name: aws.String("a/b")})
			return err
		}, "InvalidName"},
		{"name reused after the execution ended", func() error {
			_, err := f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &std, Name: aws.String("done"), Input: aws.String(`{}`)})
			return err
		}, "ExecutionAlreadyExists"},
		{"definition that does not parse", func() error {
			_, err := f.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("bad"), RoleArn: aws.String("r"),
				Definition: aws.String(`{"StartAt":"X","States":{"Y":{"Type":"Pass","End":true}}}`)})
			return err
		}, "InvalidDefinition"},
		{"machine name reused with another definition", func() error {
			_, err := f.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("std"), RoleArn: aws.String("r"), Definition: aws.String(waitDef)})
			return err
		}, "StateMachineAlreadyExists"},
		{"sync start of a standard machine", func() error {
			_, err := f.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &std})
			return err
		}, "StateMachineTypeNotSupported"},
		{"bad page token", func() error {
			_, err := f.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &std, NextToken: aws.String("garbage!")})
			return err
		}, "InvalidToken"},
		{"status filter outside the enum", func() error {
			_, err := f.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: &std, StatusFilter: "DONE"})
			return err
		}, "ValidationException"},
		{"stop of an ended execution is accepted", func() error {
			_, err := f.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &done})
			return err
		}, "<nil>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := apiCode(tc.call()); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

// waitForEvent polls the live history until an event of type typ appears.
func waitForEvent(t *testing.T, c *sfn.Client, arn, typ string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range history(t, c, arn) {
			if string(e.Type) == typ {
				return
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event in %s", typ, arn)
}

func TestRunningStopAndDuplicateNames(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	sm := f.machine(t, "waiter", "STANDARD", waitDef)
	ctx := context.Background()
	start := func(input string) (*sfn.StartExecutionOutput, error) {
		return f.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &sm, Name: aws.String("w1"), Input: aws.String(input)})
	}
	first, err := start(`{"a":1}`)
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(first.ExecutionArn)
	waitForEvent(t, f.client, arn, "WaitStateEntered")

	d, err := f.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil || d.Status != types.ExecutionStatusRunning || d.StopDate != nil {
		t.Fatalf("while waiting: got %v, %v (stop %v), want RUNNING without stop date", err, d.Status, d.StopDate)
	}
	// Same name, same input while running: AWS answers with the same execution.
	again, err := start(`{ "a": 1 }`)
	if err != nil || aws.ToString(again.ExecutionArn) != arn || !again.StartDate.Equal(*first.StartDate) {
		t.Errorf("same name and input: got %v, %v, want the running execution %s", again, err, arn)
	}
	if _, err := start(`{"a":2}`); apiCode(err) != "ExecutionAlreadyExists" {
		t.Errorf("same name, other input: got %s, want ExecutionAlreadyExists", apiCode(err))
	}
	stopped, err := f.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: &arn, Error: aws.String("Operator"), Cause: aws.String("no longer needed")})
	if err != nil || stopped.StopDate == nil {
		t.Fatalf("StopExecution: got %v, %v", stopped, err)
	}
	d, err = f.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusAborted || aws.ToString(d.Error) != "Operator" || aws.ToString(d.Cause) != "no longer needed" {
		t.Errorf("after stop: got %s %q %q, want ABORTED Operator \"no longer needed\"", d.Status, aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	if !d.StartDate.Equal(*first.StartDate) {
		t.Errorf("startDate: got %v from DescribeExecution, want %v as StartExecution answered", d.StartDate, first.StartDate)
	}
	evs := history(t, f.client, arn)
	last := evs[len(evs)-1]
	if last.Type != types.HistoryEventTypeExecutionAborted || last.ExecutionAbortedEventDetails == nil ||
		aws.ToString(last.ExecutionAbortedEventDetails.Error) != "Operator" {
		t.Errorf("last event: got %s %+v, want ExecutionAborted with error Operator", last.Type, last.ExecutionAbortedEventDetails)
	}
	if _, err := start(`{"a":1}`); apiCode(err) != "ExecutionAlreadyExists" {
		t.Errorf("same name after stop: got %s, want ExecutionAlreadyExists", apiCode(err))
	}
}

func TestStartSyncExecution(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	sm := f.machine(t, "fast", "EXPRESS", choiceDef)
	tests := []struct {
		input, status, output, errName string
	}{
		{`{"fail":false}`, "SUCCEEDED", `{"in":{"fail":false}}`, ""},
		{`{"fail":true}`, "FAILED", "", "Boom"},
	}
	for _, tc := range tests {
		out, err := f.client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &sm, Input: aws.String(tc.input)})
		if err != nil {
			t.Fatalf("StartSyncExecution %s: %v", tc.input, err)
		}
		arn := aws.ToString(out.ExecutionArn)
		if string(out.Status) != tc.status || aws.ToString(out.Output) != tc.output || aws.ToString(out.Error) != tc.errName {
			t.Errorf("%s: got %s %q %q, want %s %q %q", tc.input, out.Status, aws.ToString(out.Output), aws.ToString(out.Error), tc.status, tc.output, tc.errName)
		}
		if !strings.HasPrefix(arn, "arn:aws:states:us-east-1:123456789012:express:fast:") {
			t.Errorf("executionArn: got %s, want an express ARN of machine fast", arn)
		}
		if out.StartDate == nil || out.StopDate == nil || aws.ToString(out.Input) != tc.input {
			t.Errorf("got start %v stop %v input %q, want dates and input %s", out.StartDate, out.StopDate, aws.ToString(out.Input), tc.input)
		}
		// Recorded locally, unlike on AWS, so the console can show it.
		if evs := history(t, f.client, arn); len(evs) == 0 || evs[0].Type != types.HistoryEventTypeExecutionStarted {
			t.Errorf("history of %s: got %v, want it to start with ExecutionStarted", arn, eventTypes(evs))
		}
	}
}

func TestListExecutionsPagesAndFilters(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	sm := f.machine(t, "many", "STANDARD", choiceDef)
	var failed []string
	started := map[string]bool{}
	for i, fail := range []bool{false, true, false, true, false} {
		in := `{"fail":false}`
		if fail {
			in = `{"fail":true}`
		}
		arn := f.startAndWait(t, sm, "", in)
		started[arn] = true
		if fail {
			failed = append(failed, arn)
		}
		_ = i
	}
	list := func(filter types.ExecutionStatus) []types.ExecutionListItem {
		var all []types.ExecutionListItem
		p := sfn.NewListExecutionsPaginator(f.client, &sfn.ListExecutionsInput{StateMachineArn: &sm, MaxResults: 2, StatusFilter: filter})
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Executions) > 2 {
				t.Errorf("page of %d executions, want at most 2", len(page.Executions))
			}
			pages++
			all = append(all, page.Executions...)
		}
		return all
	}
	all := list("")
	if len(all) != 5 {
		t.Fatalf("all: got %d executions, want 5", len(all))
	}
	seen := map[string]bool{}
	for i, e := range all {
		if !started[aws.ToString(e.ExecutionArn)] || seen[aws.ToString(e.ExecutionArn)] {
			t.Errorf("item %d: got %s, unknown or repeated", i, aws.ToString(e.ExecutionArn))
		}
		seen[aws.ToString(e.ExecutionArn)] = true
		if i > 0 && e.StartDate.After(*all[i-1].StartDate) {
			t.Errorf("item %d starts after item %d: want newest first", i, i-1)
		}
	}
	got := list(types.ExecutionStatusFailed)
	if len(got) != len(failed) {
		t.Fatalf("FAILED filter: got %d executions, want %d", len(got), len(failed))
	}
	for _, e := range got {
		if e.Status != types.ExecutionStatusFailed {
			t.Errorf("FAILED filter: got %s with status %s", aws.ToString(e.ExecutionArn), e.Status)
		}
	}
}

func TestHistoryOrderPagingAndData(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	sm := f.machine(t, "h", "STANDARD", choiceDef)
	arn := f.startAndWait(t, sm, "h1", `{"fail":false}`)
	forward := eventTypes(history(t, f.client, arn))

	var reverse []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(f.client, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, ReverseOrder: true, MaxResults: 3})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Events) > 3 {
			t.Errorf("page of %d events, want at most 3", len(page.Events))
		}
		reverse = append(reverse, page.Events...)
	}
	if len(reverse) != len(forward) {
		t.Fatalf("reverse: got %d events, want %d", len(reverse), len(forward))
	}
	for i, e := range reverse {
		if want := forward[len(forward)-1-i]; string(e.Type) != want || e.Id != int64(len(forward)-i) {
			t.Errorf("reverse %d: got %s id %d, want %s id %d", i, e.Type, e.Id, want, len(forward)-i)
		}
	}

	out, err := f.client.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, IncludeExecutionData: aws.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	if d := out.Events[0].ExecutionStartedEventDetails; d == nil || d.Input != nil || d.RoleArn == nil {
		t.Errorf("without data: got ExecutionStarted details %+v, want roleArn but no input", d)
	}
	if d := out.Events[len(out.Events)-1].ExecutionSucceededEventDetails; d == nil || d.Output != nil {
		t.Errorf("without data: got ExecutionSucceeded details %+v, want no output", d)
	}
}

func TestStateMachines(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	a := f.machine(t, "a", "STANDARD", choiceDef)
	b := f.machine(t, "b", "EXPRESS", waitDef)
	if again := f.machine(t, "a", "STANDARD", choiceDef); again != a {
		t.Errorf("same machine again: got %s, want %s", again, a)
	}
	d, err := f.client.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: &b})
	if err != nil {
		t.Fatal(err)
	}
	exec := f.startAndWait(t, a, "", `{}`)
	fe, err := f.client.DescribeStateMachineForExecution(context.Background(), &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: &exec})
	if err != nil || aws.ToString(fe.StateMachineArn) != a || aws.ToString(fe.Definition) != choiceDef {
		t.Errorf("DescribeStateMachineForExecution: got %+v, %v, want machine %s", fe, err, a)
	}
	if aws.ToString(d.Definition) != waitDef || d.Type != types.StateMachineTypeExpress || aws.ToString(d.Name) != "b" ||
		d.Status != types.StateMachineStatusActive || aws.ToString(d.RoleArn) != "arn:aws:iam::123456789012:role/test" || d.CreationDate == nil {
		t.Errorf("DescribeStateMachine: got %+v", d)
	}
	var arns []string
	p := sfn.NewListStateMachinesPaginator(f.client, &sfn.ListStateMachinesInput{MaxResults: 1})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range page.StateMachines {
			arns = append(arns, aws.ToString(m.StateMachineArn))
		}
	}
	if strings.Join(arns, " ") != a+" "+b {
		t.Errorf("ListStateMachines: got %v, want [%s %s]", arns, a, b)
	}
}

func TestPersistsAcrossServices(t *testing.T) {
	dir := t.TempDir()
	f1 := newFixture(t, &asl.Engine{}, dir)
	sm := f1.machine(t, "keep", "STANDARD", choiceDef)
	arn := f1.startAndWait(t, sm, "k1", `{"fail":true}`)
	want := eventTypes(history(t, f1.client, arn))
	// An execution the previous process left RUNNING.
	cut := execstore.Record{ExecutionARN: "arn:aws:states:us-east-1:123456789012:execution:keep:cut", StateMachineARN: sm,
		Name: "cut", Type: "STANDARD", Status: "RUNNING", Input: json.RawMessage(`{}`), StartDate: time.Now().UTC(),
		History: json.RawMessage(`[{"id":1,"previousEventId":0,"timestamp":"2026-11-25T10:00:00Z","type":"ExecutionStarted","executionStartedEventDetails":{"input":"{}"}}]`)}
	if err := f1.store.Put(&cut); err != nil {
		t.Fatal(err)
	}
	f1.svc.Close()

	f2 := newFixture(t, &asl.Engine{}, dir)
	f2.machine(t, "keep", "STANDARD", choiceDef)
	d, err := f2.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &arn})
	if err != nil || d.Status != types.ExecutionStatusFailed || aws.ToString(d.Error) != "Boom" {
		t.Fatalf("after restart: got %v, %+v, want FAILED Boom", err, d)
	}
	if got := eventTypes(history(t, f2.client, arn)); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("history after restart: got %v, want %v", got, want)
	}
	_, err = f2.client.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: &sm, Name: aws.String("k1"), Input: aws.String(`{"fail":true}`)})
	if apiCode(err) != "ExecutionAlreadyExists" {
		t.Errorf("name reused after restart: got %s, want ExecutionAlreadyExists", apiCode(err))
	}
	d, err = f2.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &cut.ExecutionARN})
	if err != nil || d.Status != types.ExecutionStatusAborted || d.StopDate == nil {
		t.Errorf("execution cut short: got %v, %+v, want ABORTED with a stop date", err, d)
	}
	evs := history(t, f2.client, cut.ExecutionARN)
	if got := eventTypes(evs); strings.Join(got, ",") != "ExecutionStarted,ExecutionAborted" || evs[1].PreviousEventId != 1 {
		t.Errorf("history of execution cut short: got %v, want ExecutionStarted,ExecutionAborted", got)
	}
}

func TestDistributedMapChildrenRecorded(t *testing.T) {
	eng := &asl.Engine{S3: &asltest.S3{}}
	f := newFixture(t, eng, t.TempDir())
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","Label":"Each",
	  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	sm := f.machine(t, "bulk", "STANDARD", def)
	arn := f.startAndWait(t, sm, "b1", `{"items":[{"k":1},{"k":2},{"k":3}]}`)
	var mapRun string
	for _, e := range history(t, f.client, arn) {
		if e.MapRunStartedEventDetails != nil {
			mapRun = aws.ToString(e.MapRunStartedEventDetails.MapRunArn)
		}
	}
	if mapRun == "" {
		t.Fatal("no MapRunStarted event with a map run ARN")
	}
	out, err := f.client.ListExecutions(context.Background(), &sfn.ListExecutionsInput{MapRunArn: &mapRun})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Executions) != 3 {
		t.Fatalf("children of %s: got %d, want 3", mapRun, len(out.Executions))
	}
	child := aws.ToString(out.Executions[0].ExecutionArn)
	d, err := f.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: &child})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != types.ExecutionStatusSucceeded || aws.ToString(d.MapRunArn) != mapRun || !strings.HasPrefix(aws.ToString(d.Input), `{"k":`) {
		t.Errorf("child: got %s map run %s input %s, want SUCCEEDED, %s, an item", d.Status, aws.ToString(d.MapRunArn), aws.ToString(d.Input), mapRun)
	}
	if want := "arn:aws:states:us-east-1:123456789012:stateMachine:bulk/Each"; aws.ToString(d.StateMachineArn) != want {
		t.Errorf("child state machine: got %s, want %s", aws.ToString(d.StateMachineArn), want)
	}
	// The parent's list does not mix in the children, as on AWS.
	parent, err := f.client.ListExecutions(context.Background(), &sfn.ListExecutionsInput{StateMachineArn: &sm})
	if err != nil || len(parent.Executions) != 1 {
		t.Errorf("parent's executions: got %v, %v, want 1", parent, err)
	}
}

// The wire format itself: epoch-second timestamps, error bodies, and
// requests without a signature.
func TestWireFormat(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	sm := f.machine(t, "wire", "STANDARD", choiceDef)
	arn := f.startAndWait(t, sm, "w", `{}`)
	post := func(target, body string) (int, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, f.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		req.Header.Set("X-Amz-Target", target)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
			t.Errorf("%s: content type %q", target, ct)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: body %s: %v", target, b, err)
		}
		return resp.StatusCode, m
	}
	code, m := post("AWSStepFunctions.DescribeExecution", `{"executionArn":"`+arn+`"}`)
	if _, ok := m["startDate"].(float64); code != 200 || !ok {
		t.Errorf("DescribeExecution: got %d startDate %#v, want 200 and a number", code, m["startDate"])
	}
	code, m = post("AWSStepFunctions.DescribeExecution", `{"executionArn":"`+arn+`x"}`)
	if code != 400 || m["__type"] != "ExecutionDoesNotExist" || m["message"] == "" {
		t.Errorf("unknown execution: got %d %v, want 400 ExecutionDoesNotExist with a message", code, m)
	}
	code, m = post("AWSStepFunctions.CreateActivity", `{}`)
	if code != 400 || m["__type"] != "UnknownOperationException" {
		t.Errorf("unsupported operation: got %d %v, want 400 UnknownOperationException", code, m)
	}
	code, m = post("AWSStepFunctions.StartExecution", `{"stateMachineArn":`)
	if code != 400 || m["__type"] != "SerializationException" {
		t.Errorf("broken body: got %d %v, want 400 SerializationException", code, m)
	}
}

// The ARN on record is the one the execution saw as $$.Execution.Id, so
// an id a workflow wrote down (a quarantine record) leads to its trace.
func TestRecordedARNIsContextExecutionID(t *testing.T) {
	f := newFixture(t, &asl.Engine{}, t.TempDir())
	const def = `{"StartAt":"Id","States":{"Id":{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id"},"End":true}}}`
	std := f.machine(t, "ids", "STANDARD", def)
	exp := f.machine(t, "fastids", "EXPRESS", def)
	ctx := context.Background()
	idOf := func(output string) string {
		var o struct{ ID string }
		if err := json.Unmarshal([]byte(output), &o); err != nil {
			t.Fatalf("output %q: %v", output, err)
		}
		return o.ID
	}
	tests := []struct {
		name  string
		start func() string // returns the ARN the caller was given
	}{
		{"standard, asynchronous", func() string { return f.startAndWait(t, std, "", `{}`) }},
		{"express, asynchronous", func() string { return f.startAndWait(t, exp, "", `{}`) }},
		{"express, synchronous", func() string {
			out, err := f.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: &exp})
			if err != nil {
				t.Fatal(err)
			}
			return aws.ToString(out.ExecutionArn)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			given := tc.start()
			d, err := f.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &given})
			if err != nil {
				t.Fatalf("describe the ARN the start returned: %v", err)
			}
			recorded := aws.ToString(d.ExecutionArn)
			if got := idOf(aws.ToString(d.Output)); got != recorded {
				t.Errorf("$$.Execution.Id: got %s, want the recorded ARN %s", got, recorded)
			}
			if _, ok := f.store.Get(recorded); !ok {
				t.Errorf("store has no record under %s", recorded)
			}
			out, err := f.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: d.StateMachineArn})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range out.Executions {
				if aws.ToString(e.ExecutionArn) == recorded || aws.ToString(e.ExecutionArn) == given {
					n++
				}
			}
			if n != 1 {
				t.Errorf("ListExecutions: the execution appears %d times, want once", n)
			}
		})
	}
}

// One synchronous Express execution through the SDK client and the
// handler, including saving its record.
func BenchmarkStartSyncExecution(b *testing.B) {
	store, err := execstore.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	svc := sfnapi.NewService(&asl.Engine{}, store, nil)
	defer svc.Close()
	sm, err := svc.AddStateMachine("bench", "EXPRESS", []byte(choiceDef), "")
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(sfnapi.Handler(svc))
	defer srv.Close()
	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("id", "secret", "")}, sfnapi.ClientOptions(srv.URL))
	in := &sfn.StartSyncExecutionInput{StateMachineArn: &sm, Input: aws.String(`{"fail":false}`)}
	for b.Loop() {
		if _, err := client.StartSyncExecution(context.Background(), in); err != nil {
			b.Fatal(err)
		}
	}
}
