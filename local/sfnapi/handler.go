package sfnapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/statemachine/asl"
)

const (
	targetPrefix = "AWSStepFunctions."
	contentType  = "application/x-amz-json-1.0"
	// maxBody bounds a request: the largest legal one is a 256 KiB input
	// or a 1 MiB definition, JSON-escaped.
	maxBody = 4 << 20
)

// Handler serves the Step Functions API for svc over the AWS JSON 1.0
// protocol. Every request is a POST whose X-Amz-Target names the
// operation; errors are HTTP 400 with {"__type": code, "message": text}.
func Handler(svc *Service) http.Handler {
	h := &handler{svc: svc}
	h.ops = map[string]func(context.Context, []byte) (any, error){
		"CreateStateMachine":               h.createStateMachine,
		"DescribeStateMachine":             h.describeStateMachine,
		"DescribeStateMachineForExecution": h.describeStateMachineForExecution,
		"ListStateMachines":                h.listStateMachines,
		"StartExecution":                   h.startExecution,
		"StartSyncExecution":               h.startSyncExecution,
		"StopExecution":                    h.stopExecution,
		"DescribeExecution":                h.describeExecution,
		"ListExecutions":                   h.listExecutions,
		"GetExecutionHistory":              h.getExecutionHistory,
	}
	return h
}

type handler struct {
	svc *Service
	ops map[string]func(context.Context, []byte) (any, error)
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-RequestId", uuid.NewString())
	if r.Method != http.MethodPost {
		writeErr(w, http.StatusMethodNotAllowed, &Error{Code: "UnknownOperationException", Message: "the Step Functions API takes POST requests"})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := h.ops[strings.TrimPrefix(target, targetPrefix)]
	if !ok || !strings.HasPrefix(target, targetPrefix) {
		writeErr(w, http.StatusBadRequest, &Error{Code: "UnknownOperationException", Message: fmt.Sprintf("unknown operation %q", target)})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeErr(w, http.StatusBadRequest, &Error{Code: "SerializationException", Message: "request body unreadable or too large"})
		return
	}
	out, err := op(r.Context(), body)
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			writeErr(w, http.StatusInternalServerError, &Error{Code: "InternalFailure", Message: err.Error()})
			return
		}
		writeErr(w, http.StatusBadRequest, ae)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeErr(w, http.StatusInternalServerError, &Error{Code: "InternalFailure", Message: err.Error()})
		return
	}
	_, _ = w.Write(b)
}

func writeErr(w http.ResponseWriter, status int, e *Error) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"__type": e.Code, "message": e.Message})
	_, _ = w.Write(b)
}

// decode reads a request; unknown members are ignored, as newer SDKs may
// send members this server does not know.
func decode(body []byte, v any) error {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return &Error{Code: "SerializationException", Message: err.Error()}
	}
	return nil
}

func required(name, v string) error {
	if v == "" {
		return apiErr(ErrValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", name)
	}
	return nil
}

// epoch is a timestamp as the AWS JSON protocols send it: seconds since
// the Unix epoch as a JSON number, with millisecond precision.
type epoch time.Time

func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return []byte(strconv.FormatFloat(float64(ms)/1000, 'f', -1, 64)), nil
}

func epochPtr(t time.Time) *epoch {
	if t.IsZero() {
		return nil
	}
	e := epoch(t)
	return &e
}

type dataDetails struct {
	Included bool `json:"included"`
}

// pageSize applies the API's maxResults rule: 0 means 100, at most 1000.
func pageSize(n int) (int, error) {
	switch {
	case n == 0:
		return 100, nil
	case n < 0 || n > 1000:
		return 0, apiErr(ErrValidation, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000", n)
	}
	return n, nil
}

// Tokens are opaque to clients; they carry the position after the last
// item returned, so new executions starting meanwhile do not shift pages.
func encodeToken(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(tok string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err == nil {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		return apiErr(ErrInvalidToken, "Invalid Token: '%s'", tok)
	}
	return nil
}

// --- state machines ---

func (h *handler) createStateMachine(ctx context.Context, body []byte) (any, error) {
	var in struct {
		Name       string `json:"name"`
		Definition string `json:"definition"`
		RoleArn    string `json:"roleArn"`
		Type       string `json:"type"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"name", in.Name}, {"definition", in.Definition}, {"roleArn", in.RoleArn}} {
		if err := required(f[0], f[1]); err != nil {
			return nil, err
		}
	}
	arn, err := h.svc.AddStateMachine(in.Name, in.Type, []byte(in.Definition), in.RoleArn)
	if err != nil {
		return nil, err
	}
	sm, _ := h.svc.StateMachine(arn)
	return struct {
		StateMachineArn string `json:"stateMachineArn"`
		CreationDate    epoch  `json:"creationDate"`
	}{arn, epoch(sm.CreationDate)}, nil
}

func (h *handler) stateMachine(arn string) (StateMachine, error) {
	if err := required("stateMachineArn", arn); err != nil {
		return StateMachine{}, err
	}
	if err := validARN(arn, "stateMachine"); err != nil {
		return StateMachine{}, err
	}
	sm, ok := h.svc.StateMachine(arn)
	if !ok {
		return StateMachine{}, apiErr(ErrStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", arn)
	}
	return sm, nil
}

func (h *handler) describeStateMachine(ctx context.Context, body []byte) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	sm, err := h.stateMachine(in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	type logging struct {
		Level                string `json:"level"`
		IncludeExecutionData bool   `json:"includeExecutionData"`
	}
	type tracing struct {
		Enabled bool `json:"enabled"`
	}
	return struct {
		StateMachineArn      string  `json:"stateMachineArn"`
		Name                 string  `json:"name"`
		Status               string  `json:"status"`
		Definition           string  `json:"definition"`
		RoleArn              string  `json:"roleArn"`
		Type                 string  `json:"type"`
		CreationDate         epoch   `json:"creationDate"`
		LoggingConfiguration logging `json:"loggingConfiguration"`
		TracingConfiguration tracing `json:"tracingConfiguration"`
	}{sm.ARN, sm.Name, "ACTIVE", string(sm.Definition), sm.RoleARN, sm.Type, epoch(sm.CreationDate),
		logging{Level: "OFF"}, tracing{}}, nil
}

func (h *handler) describeStateMachineForExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	rec, err := h.execution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	// A child workflow runs the parent's definition's Map processor; the
	// parent's definition is what is on record.
	parent, _, _ := strings.Cut(rec.StateMachineARN, "/")
	sm, err := h.stateMachine(parent)
	if err != nil {
		return nil, err
	}
	return struct {
		StateMachineArn string `json:"stateMachineArn"`
		Name            string `json:"name"`
		Definition      string `json:"definition"`
		RoleArn         string `json:"roleArn"`
		UpdateDate      epoch  `json:"updateDate"`
		MapRunArn       string `json:"mapRunArn,omitempty"`
	}{rec.StateMachineARN, sm.Name, string(sm.Definition), sm.RoleARN, epoch(sm.CreationDate), h.svc.MapRunOf(rec.ExecutionARN)}, nil
}

func (h *handler) listStateMachines(ctx context.Context, body []byte) (any, error) {
	var in struct {
		MaxResults int    `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	all := h.svc.StateMachines()
	start := 0
	if in.NextToken != "" {
		var tok struct {
			After string `json:"a"`
		}
		if err := decodeToken(in.NextToken, &tok); err != nil {
			return nil, err
		}
		start = len(all)
		for i, sm := range all {
			if sm.ARN == tok.After {
				start = i + 1
			}
		}
	}
	type item struct {
		StateMachineArn string `json:"stateMachineArn"`
		Name            string `json:"name"`
		Type            string `json:"type"`
		CreationDate    epoch  `json:"creationDate"`
	}
	out := struct {
		StateMachines []item `json:"stateMachines"`
		NextToken     string `json:"nextToken,omitempty"`
	}{StateMachines: []item{}}
	for i := start; i < len(all) && len(out.StateMachines) < n; i++ {
		out.StateMachines = append(out.StateMachines, item{all[i].ARN, all[i].Name, all[i].Type, epoch(all[i].CreationDate)})
		if len(out.StateMachines) == n && i+1 < len(all) {
			out.NextToken = encodeToken(map[string]string{"a": all[i].ARN})
		}
	}
	return out, nil
}

// --- executions ---

type startInput struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Input           string `json:"input"`
	TraceHeader     string `json:"traceHeader"`
}

func (h *handler) startExecution(ctx context.Context, body []byte) (any, error) {
	var in startInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("stateMachineArn", in.StateMachineArn); err != nil {
		return nil, err
	}
	arn, start, err := h.svc.Start(ctx, in.StateMachineArn, in.Name, in.Input)
	if err != nil {
		return nil, err
	}
	return struct {
		ExecutionArn string `json:"executionArn"`
		StartDate    epoch  `json:"startDate"`
	}{arn, epoch(start)}, nil
}

func (h *handler) startSyncExecution(ctx context.Context, body []byte) (any, error) {
	var in startInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	sm, err := h.stateMachine(in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	if sm.Type != TypeExpress {
		return nil, apiErr(ErrStateMachineTypeNotSupported, "This operation is not supported by this type of state machine")
	}
	rec, err := h.svc.StartSync(ctx, in.StateMachineArn, in.Name, in.Input)
	if err != nil {
		return nil, err
	}
	type billing struct {
		BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
		BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
	}
	// AWS bills Express time in 100 ms steps and memory in 64 MB steps;
	// the figures are indicative only here.
	ms := rec.StopDate.Sub(rec.StartDate).Milliseconds()
	ms = (ms + 99) / 100 * 100
	if ms == 0 {
		ms = 100
	}
	return struct {
		ExecutionArn    string       `json:"executionArn"`
		StateMachineArn string       `json:"stateMachineArn"`
		Name            string       `json:"name"`
		StartDate       epoch        `json:"startDate"`
		StopDate        epoch        `json:"stopDate"`
		Status          string       `json:"status"`
		Input           string       `json:"input"`
		InputDetails    dataDetails  `json:"inputDetails"`
		Output          *string      `json:"output,omitempty"`
		OutputDetails   *dataDetails `json:"outputDetails,omitempty"`
		Error           string       `json:"error,omitempty"`
		Cause           string       `json:"cause,omitempty"`
		BillingDetails  billing      `json:"billingDetails"`
	}{
		ExecutionArn: rec.ExecutionARN, StateMachineArn: rec.StateMachineARN, Name: rec.Name,
		StartDate: epoch(rec.StartDate), StopDate: epoch(rec.StopDate), Status: rec.Status,
		Input: string(rec.Input), InputDetails: dataDetails{true},
		Output: outputOf(rec), OutputDetails: outputDetailsOf(rec),
		Error: rec.Error, Cause: rec.Cause, BillingDetails: billing{64, ms},
	}, nil
}

func outputOf(rec execstore.Record) *string {
	if rec.Status != asl.StatusSucceeded {
		return nil
	}
	s := string(rec.Output)
	return &s
}

func outputDetailsOf(rec execstore.Record) *dataDetails {
	if rec.Status != asl.StatusSucceeded {
		return nil
	}
	return &dataDetails{true}
}

func (h *handler) stopExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
		Error        string `json:"error"`
		Cause        string `json:"cause"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if err := required("executionArn", in.ExecutionArn); err != nil {
		return nil, err
	}
	stop, err := h.svc.Stop(in.ExecutionArn, in.Error, in.Cause)
	if err != nil {
		return nil, err
	}
	return struct {
		StopDate epoch `json:"stopDate"`
	}{epoch(stop)}, nil
}

func (h *handler) execution(arn string) (execstore.Record, error) {
	if err := required("executionArn", arn); err != nil {
		return execstore.Record{}, err
	}
	if err := validARN(arn, "execution", "express"); err != nil {
		return execstore.Record{}, err
	}
	rec, ok := h.svc.Get(arn)
	if !ok {
		return execstore.Record{}, apiErr(ErrExecutionDoesNotExist, "Execution Does Not Exist: '%s'", arn)
	}
	return rec, nil
}

func (h *handler) describeExecution(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn string `json:"executionArn"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	rec, err := h.execution(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	redrive := "NOT_REDRIVABLE"
	reason := "Execution is " + rec.Status + " and cannot be redriven"
	return struct {
		ExecutionArn        string       `json:"executionArn"`
		StateMachineArn     string       `json:"stateMachineArn"`
		Name                string       `json:"name"`
		Status              string       `json:"status"`
		StartDate           epoch        `json:"startDate"`
		StopDate            *epoch       `json:"stopDate,omitempty"`
		Input               string       `json:"input"`
		InputDetails        dataDetails  `json:"inputDetails"`
		Output              *string      `json:"output,omitempty"`
		OutputDetails       *dataDetails `json:"outputDetails,omitempty"`
		Error               string       `json:"error,omitempty"`
		Cause               string       `json:"cause,omitempty"`
		MapRunArn           string       `json:"mapRunArn,omitempty"`
		RedriveCount        int          `json:"redriveCount"`
		RedriveStatus       string       `json:"redriveStatus"`
		RedriveStatusReason string       `json:"redriveStatusReason"`
	}{
		ExecutionArn: rec.ExecutionARN, StateMachineArn: rec.StateMachineARN, Name: rec.Name,
		Status: rec.Status, StartDate: epoch(rec.StartDate), StopDate: epochPtr(rec.StopDate),
		Input: string(rec.Input), InputDetails: dataDetails{true},
		Output: outputOf(rec), OutputDetails: outputDetailsOf(rec),
		Error: rec.Error, Cause: rec.Cause, MapRunArn: h.svc.MapRunOf(rec.ExecutionARN),
		RedriveStatus: redrive, RedriveStatusReason: reason,
	}, nil
}

var executionStatuses = map[string]bool{
	StatusRunning: true, asl.StatusSucceeded: true, asl.StatusFailed: true,
	asl.StatusTimedOut: true, asl.StatusAborted: true, "PENDING_REDRIVE": true,
}

func (h *handler) listExecutions(ctx context.Context, body []byte) (any, error) {
	var in struct {
		StateMachineArn string `json:"stateMachineArn"`
		MapRunArn       string `json:"mapRunArn"`
		StatusFilter    string `json:"statusFilter"`
		MaxResults      int    `json:"maxResults"`
		NextToken       string `json:"nextToken"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	if in.StatusFilter != "" && !executionStatuses[in.StatusFilter] {
		return nil, apiErr(ErrValidation, "1 validation error detected: Value '%s' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]", in.StatusFilter)
	}
	var recs []execstore.Record
	switch {
	case (in.StateMachineArn == "") == (in.MapRunArn == ""):
		return nil, apiErr(ErrValidation, "Must provide a StateMachine ARN or MapRun ARN, but not both")
	case in.MapRunArn != "":
		if err := validARN(in.MapRunArn, "mapRun"); err != nil {
			return nil, err
		}
		var ok bool
		if recs, ok = h.svc.MapRunExecutions(in.MapRunArn); !ok {
			return nil, &Error{Code: "ResourceNotFound", Message: fmt.Sprintf("Resource not found: '%s'", in.MapRunArn)}
		}
	default:
		if err := validARN(in.StateMachineArn, "stateMachine"); err != nil {
			return nil, err
		}
		// A child workflow's machine (parent/label) is listed when its
		// parent is registered.
		parent, _, _ := strings.Cut(in.StateMachineArn, "/")
		if _, ok := h.svc.StateMachine(parent); !ok {
			return nil, apiErr(ErrStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", in.StateMachineArn)
		}
		recs = h.svc.List(in.StateMachineArn)
	}
	type after struct {
		Start int64  `json:"s"`
		ARN   string `json:"a"`
	}
	var tok *after
	if in.NextToken != "" {
		tok = &after{}
		if err := decodeToken(in.NextToken, tok); err != nil {
			return nil, err
		}
	}
	type item struct {
		ExecutionArn    string `json:"executionArn"`
		StateMachineArn string `json:"stateMachineArn"`
		Name            string `json:"name"`
		Status          string `json:"status"`
		StartDate       epoch  `json:"startDate"`
		StopDate        *epoch `json:"stopDate,omitempty"`
		MapRunArn       string `json:"mapRunArn,omitempty"`
		RedriveCount    int    `json:"redriveCount"`
	}
	out := struct {
		Executions []item `json:"executions"`
		NextToken  string `json:"nextToken,omitempty"`
	}{Executions: []item{}}
	var last *execstore.Record
	for i := range recs {
		r := &recs[i]
		if tok != nil {
			// recs are newest first, ties by ARN: skip up to and
			// including the token's position.
			s := r.StartDate.UnixNano()
			if s > tok.Start || (s == tok.Start && r.ExecutionARN <= tok.ARN) {
				continue
			}
		}
		if in.StatusFilter != "" && r.Status != in.StatusFilter {
			continue
		}
		if len(out.Executions) == n {
			out.NextToken = encodeToken(after{last.StartDate.UnixNano(), last.ExecutionARN})
			break
		}
		out.Executions = append(out.Executions, item{
			ExecutionArn: r.ExecutionARN, StateMachineArn: r.StateMachineARN, Name: r.Name, Status: r.Status,
			StartDate: epoch(r.StartDate), StopDate: epochPtr(r.StopDate), MapRunArn: in.MapRunArn,
		})
		last = r
	}
	return out, nil
}

func (h *handler) getExecutionHistory(ctx context.Context, body []byte) (any, error) {
	var in struct {
		ExecutionArn         string `json:"executionArn"`
		MaxResults           int    `json:"maxResults"`
		NextToken            string `json:"nextToken"`
		ReverseOrder         bool   `json:"reverseOrder"`
		IncludeExecutionData *bool  `json:"includeExecutionData"`
	}
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	n, err := pageSize(in.MaxResults)
	if err != nil {
		return nil, err
	}
	if _, err := h.execution(in.ExecutionArn); err != nil {
		return nil, err
	}
	events, err := h.svc.History(in.ExecutionArn)
	if err != nil {
		return nil, err
	}
	var tok *struct {
		ID int64 `json:"i"`
	}
	if in.NextToken != "" {
		tok = &struct {
			ID int64 `json:"i"`
		}{}
		if err := decodeToken(in.NextToken, tok); err != nil {
			return nil, err
		}
	}
	withData := in.IncludeExecutionData == nil || *in.IncludeExecutionData
	out := struct {
		Events    []json.RawMessage `json:"events"`
		NextToken string            `json:"nextToken,omitempty"`
	}{Events: []json.RawMessage{}}
	var lastID int64
	for i := range events {
		e := events[i]
		if in.ReverseOrder {
			e = events[len(events)-1-i]
		}
		if tok != nil && ((!in.ReverseOrder && e.ID <= tok.ID) || (in.ReverseOrder && e.ID >= tok.ID)) {
			continue
		}
		if len(out.Events) == n {
			out.NextToken = encodeToken(map[string]int64{"i": lastID})
			break
		}
		b, err := renderEvent(e, withData)
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, b)
		lastID = e.ID
	}
	return out, nil
}

// dataFields are left out of event details when includeExecutionData is
// false: the API reference calls execution data "input or output of a
// history event".
var dataFields = []string{"input", "output"}

// renderEvent writes an event as the JSON protocol does: the same members
// as asl.HistoryEvent's JSON, but the timestamp as epoch seconds.
func renderEvent(e asl.HistoryEvent, withData bool) (json.RawMessage, error) {
	m := map[string]any{
		"id":              e.ID,
		"previousEventId": e.PreviousEventID,
		"timestamp":       epoch(e.Timestamp),
		"type":            e.Type,
	}
	if e.DetailsKey != "" {
		d := e.Details
		if !withData {
			d = make(map[string]any, len(e.Details))
			for k, v := range e.Details {
				d[k] = v
			}
			for _, k := range dataFields {
				delete(d, k)
			}
		}
		if d == nil {
			d = map[string]any{}
		}
		m[e.DetailsKey] = d
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("sfnapi: render event %d: %w", e.ID, err)
	}
	return b, nil
}

// Match reports whether r is a Step Functions API request, so one
// listener can serve S3, this API and the console side by side.
func Match(r *http.Request) bool {
	return r.Method == http.MethodPost && strings.HasPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
}
