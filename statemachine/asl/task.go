package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
)

const lambdaInvokeResource = "arn:aws:states:::lambda:invoke"

var errTaskTimedOut = errors.New("task timed out")

func (sc *stateRun) task() (any, map[string]any, *failure) {
	st := sc.st
	var (
		payload any
		states  map[string]any
		f       *failure
		timeout time.Duration
	)
	if sc.isJSONata() {
		states = sc.statesVar(sc.input, nil)
		payload = sc.input
		if st.arguments.set {
			if payload, f = sc.jaTemplate(st.arguments.v, states, "Arguments"); f != nil {
				return nil, nil, f
			}
		}
		if timeout, f = sc.taskTimeout(nil, states); f != nil {
			return nil, nil, f
		}
	} else {
		eff, f := sc.applyPath(st.inputPath, "InputPath", sc.input)
		if f != nil {
			return nil, nil, f
		}
		if timeout, f = sc.taskTimeout(eff, nil); f != nil {
			return nil, nil, f
		}
		payload = eff
		if st.parameters.set {
			if payload, f = sc.jpTemplate(st.parameters.v, eff); f != nil {
				return nil, nil, f
			}
		}
	}
	result, f := sc.invoke(payload, timeout)
	if f != nil {
		return nil, nil, f
	}
	if states != nil {
		states["result"] = result
		return sc.finishJSONata(states, result)
	}
	// Assign reads the raw result: AWS evaluates it before ResultSelector.
	assigned, f := sc.evalAssign(st.assign, result, nil)
	if f != nil {
		return nil, nil, f
	}
	if st.resultSelector.set {
		if result, f = sc.jpTemplate(st.resultSelector.v, result); f != nil {
			return nil, nil, f
		}
	}
	out, f := sc.applyResultPath(st.resultPath, sc.input, result)
	if f != nil {
		return nil, nil, f
	}
	out, f = sc.applyPath(st.outputPath, "OutputPath", out)
	return out, assigned, f
}

// taskTimeout reads TimeoutSeconds or TimeoutSecondsPath; 0 means none.
func (sc *stateRun) taskTimeout(eff any, states map[string]any) (time.Duration, *failure) {
	raw := sc.st.raw
	v, ok := raw["TimeoutSeconds"]
	if p, isPath := raw["TimeoutSecondsPath"].(string); isPath && states == nil {
		pv, found, err := sc.resolve(p, eff)
		if err != nil || !found {
			return 0, sc.runtimef("The TimeoutSecondsPath parameter does not reference an input value: %s", p)
		}
		v, ok = pv, true
	}
	if !ok {
		return 0, nil
	}
	if _, isExpr := jsonataExpr(v); isExpr && states != nil {
		var f *failure
		if v, f = sc.jaTemplate(v, states, "TimeoutSeconds"); f != nil {
			return 0, f
		}
	}
	n, isNum := v.(float64)
	if !isNum || n <= 0 || n != math.Trunc(n) {
		return 0, sc.runtimef("The TimeoutSeconds value must be a positive integer, but was %s", toJSON(v))
	}
	return time.Duration(n) * time.Second, nil
}

// invoke runs the Task's resource and records its history events.
func (sc *stateRun) invoke(payload any, timeout time.Duration) (any, *failure) {
	res := sc.st.Resource
	switch {
	case res == lambdaInvokeResource:
		return sc.invokeLambdaIntegration(payload, timeout)
	case strings.HasPrefix(res, "arn:aws:lambda:") && strings.Contains(res, ":function:"):
		return sc.invokeLambdaARN(res, payload, timeout)
	}
	return nil, sc.runtimef("The resource '%s' is not supported by the local engine: only Lambda function ARNs and %s are", res, lambdaInvokeResource)
}

func (sc *stateRun) invokeLambdaARN(arn string, payload any, timeout time.Duration) (any, *failure) {
	t := sc.t
	in := toJSON(payload)
	d := map[string]any{"resource": arn, "input": in, "inputDetails": map[string]any{"truncated": false}}
	if timeout > 0 {
		d["timeoutInSeconds"] = int64(timeout / time.Second)
	}
	t.emit("LambdaFunctionScheduled", "lambdaFunctionScheduledEventDetails", d)
	t.emit("LambdaFunctionStarted", "", nil)
	out, f := sc.callLambda(arn, []byte(in), timeout, false)
	if f != nil {
		d := map[string]any{"error": f.Error}
		if f.Cause != "" {
			d["cause"] = f.Cause
		}
		typ, key := "LambdaFunctionFailed", "lambdaFunctionFailedEventDetails"
		if f.Error == ErrTimeout {
			typ, key = "LambdaFunctionTimedOut", "lambdaFunctionTimedOutEventDetails"
		}
		t.emit(typ, key, d)
		return nil, f
	}
	result, f := decodeResult(out, sc)
	if f != nil {
		return nil, f
	}
	t.emit("LambdaFunctionSucceeded", "lambdaFunctionSucceededEventDetails", map[string]any{
		"output": toJSON(result), "outputDetails": map[string]any{"truncated": false},
	})
	return result, nil
}

func decodeResult(out []byte, sc *stateRun) (any, *failure) {
	if len(bytes.TrimSpace(out)) == 0 {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(out, &v); err != nil {
		return nil, sc.runtimef("The Lambda function returned a result that is not valid JSON: %v", err)
	}
	return v, nil
}

func (sc *stateRun) invokeLambdaIntegration(payload any, timeout time.Duration) (any, *failure) {
	t := sc.t
	params, _ := payload.(map[string]any)
	d := map[string]any{
		"resourceType": "lambda", "resource": "invoke", "region": t.ex.region,
		"parameters": toJSON(payload),
	}
	if timeout > 0 {
		d["timeoutInSeconds"] = int64(timeout / time.Second)
	}
	t.emit("TaskScheduled", "taskScheduledEventDetails", d)
	t.emit("TaskStarted", "taskStartedEventDetails", map[string]any{"resourceType": "lambda", "resource": "invoke"})
	fail := func(f *failure) (any, *failure) {
		d := map[string]any{"resourceType": "lambda", "resource": "invoke", "error": f.Error}
		if f.Cause != "" {
			d["cause"] = f.Cause
		}
		typ, key := "TaskFailed", "taskFailedEventDetails"
		if f.Error == ErrTimeout {
			typ, key = "TaskTimedOut", "taskTimedOutEventDetails"
		}
		t.emit(typ, key, d)
		return nil, f
	}
	name, _ := params["FunctionName"].(string)
	if name == "" {
		return fail(&failure{Error: ErrTaskFailed, Cause: "The field \"FunctionName\" is required for lambda:invoke"})
	}
	arn := t.ex.functionARN(name)
	body := []byte("{}")
	if p, ok := params["Payload"]; ok {
		body = []byte(toJSON(p))
	}
	out, f := sc.callLambda(arn, body, timeout, true)
	if f != nil {
		return fail(f)
	}
	var pv any
	if len(bytes.TrimSpace(out)) > 0 {
		if err := json.Unmarshal(out, &pv); err != nil {
			pv = string(out)
		}
	}
	rid := uuid.NewString()
	headers := map[string]any{
		"X-Amz-Executed-Version": "$LATEST", "Content-Type": "application/json",
		"Content-Length": fmt.Sprint(len(out)), "x-amzn-RequestId": rid, "Connection": "keep-alive",
	}
	all := map[string]any{}
	for k, v := range headers {
		all[k] = []any{v}
	}
	result := map[string]any{
		"ExecutedVersion":     "$LATEST",
		"Payload":             pv,
		"SdkHttpMetadata":     map[string]any{"AllHttpHeaders": all, "HttpHeaders": headers, "HttpStatusCode": 200.0},
		"SdkResponseMetadata": map[string]any{"RequestId": rid},
		"StatusCode":          200.0,
	}
	t.emit("TaskSucceeded", "taskSucceededEventDetails", map[string]any{
		"resourceType": "lambda", "resource": "invoke", "output": toJSON(result), "outputDetails": map[string]any{"truncated": false},
	})
	return result, nil
}

// functionARN expands a FunctionName (name, partial ARN or ARN) the way
// Lambda does.
func (ex *execution) functionARN(name string) string {
	switch {
	case strings.HasPrefix(name, "arn:"):
		return name
	case strings.Contains(name, ":function:"):
		return fmt.Sprintf("arn:aws:lambda:%s:%s", ex.region, name)
	}
	return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", ex.region, ex.account, name)
}

// callLambda invokes the function and names its failure as Step Functions
// does: function errors by their errorType; Lambda service errors as
// "Lambda.<ErrorCode>"; other invoker errors as Lambda.ServiceException
// (the name AWS gives a failure of the Lambda service, which its
// documentation recommends retrying); an exceeded TimeoutSeconds as
// States.Timeout.
func (sc *stateRun) callLambda(arn string, payload []byte, timeout time.Duration, compact bool) ([]byte, *failure) {
	ex := sc.t.ex
	if ex.eng.Lambda == nil {
		return nil, &failure{Error: "Lambda.ServiceException", Cause: "no Lambda invoker is configured for the local engine"}
	}
	ctx, cancel := context.WithCancelCause(sc.t.ctx)
	defer cancel(nil)
	if timeout > 0 {
		timer := ex.clock.After(timeout)
		go func() {
			select {
			case <-timer:
				cancel(errTaskTimedOut)
			case <-ctx.Done():
			}
		}()
	}
	type reply struct {
		out []byte
		err error
	}
	// The invoker gets the deadline through ctx; one that ignores it must
	// not hold the execution past its timeout.
	done := make(chan reply, 1)
	go func() {
		out, err := ex.eng.Lambda.InvokeLambda(ctx, arn, payload)
		done <- reply{out, err}
	}()
	var out []byte
	var err error
	select {
	case r := <-done:
		out, err = r.out, r.err
	case <-ctx.Done():
	}
	if context.Cause(ctx) == errTaskTimedOut {
		return nil, &failure{Error: ErrTimeout}
	}
	if sc.t.ctx.Err() != nil {
		return nil, &failure{Error: "States.Aborted", Cause: executionAbortedCause, terminal: true}
	}
	if err == nil {
		return out, nil
	}
	var fe *LambdaFunctionError
	if errors.As(err, &fe) {
		name := fe.ErrorType
		if name == "" {
			name = "Lambda.Unknown"
		}
		return nil, &failure{Error: name, Cause: runtimeErrorJSON(fe, compact)}
	}
	var se *LambdaServiceError
	if errors.As(err, &se) {
		return nil, &failure{Error: "Lambda." + se.ErrorCode, Cause: serviceCause(se.Message, se.StatusCode, se.ErrorCode, se.RequestID)}
	}
	return nil, &failure{Error: "Lambda.ServiceException", Cause: serviceCause(err.Error(), 500, "ServiceException", "")}
}

func serviceCause(msg string, status int, code, rid string) string {
	if rid == "" {
		rid = uuid.NewString()
	}
	return fmt.Sprintf("%s (Service: AWSLambda; Status Code: %d; Error Code: %s; Request ID: %s; Proxy: null)", msg, status, code, rid)
}

// runtimeErrorJSON renders a function error as the Lambda runtime does:
// keys in the order errorMessage, errorType, requestId, stackTrace. The
// legacy function-ARN integration passes the runtime's text through
// (Python's separators ", " and ": "); lambda:invoke re-serialises it
// compactly.
func runtimeErrorJSON(fe *LambdaFunctionError, compact bool) string {
	rid := fe.RequestID
	if rid == "" {
		rid = uuid.NewString()
	}
	comma, colon := ", ", ": "
	if compact {
		comma, colon = ",", ":"
	}
	var b strings.Builder
	b.WriteString("{")
	b.WriteString(`"errorMessage"` + colon + pyString(fe.ErrorMessage, compact))
	b.WriteString(comma + `"errorType"` + colon + pyString(fe.ErrorType, compact))
	b.WriteString(comma + `"requestId"` + colon + pyString(rid, compact))
	b.WriteString(comma + `"stackTrace"` + colon + "[")
	for i, s := range fe.StackTrace {
		if i > 0 {
			b.WriteString(comma)
		}
		b.WriteString(pyString(s, compact))
	}
	b.WriteString("]}")
	return b.String()
}

// pyString quotes s as JSON; non-compact output escapes non-ASCII as
// Python's json.dumps does by default.
func pyString(s string, compact bool) string {
	q := toJSON(s)
	if compact {
		return q
	}
	var b strings.Builder
	for _, r := range q {
		if r < 128 {
			b.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, "\\u%04x\\u%04x", 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, "\\u%04x", r)
	}
	return b.String()
}
