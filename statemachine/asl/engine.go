package asl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
)

var errExecutionTimedOut = errors.New(executionTimedOutDescription)

const expressMaxDuration = 5 * time.Minute

// execution is the state shared by every thread of one run: the history,
// the clock and the context-object parts that do not change.
type execution struct {
	eng      *Engine
	clock    Clock
	ctx      context.Context
	mu       sync.Mutex
	lastID   int64
	history  []HistoryEvent
	listener func(HistoryEvent)
	onChild  func(mapRunARN string, child Result)
	execCtx  map[string]any // $$.Execution
	smCtx    map[string]any // $$.StateMachine
	arn      string
	typ      string
	region   string
	account  string
}

func (ex *execution) emit(prev int64, typ, key string, details map[string]any) int64 {
	ex.mu.Lock()
	ex.lastID++
	ev := HistoryEvent{ID: ex.lastID, PreviousEventID: prev, Timestamp: ex.clock.Now(), Type: typ, Details: details, DetailsKey: key}
	ex.history = append(ex.history, ev)
	l := ex.listener
	ex.mu.Unlock()
	if l != nil {
		l(ev)
	}
	return ev.ID
}

// thread is one line of control: the execution's top level, a Parallel
// branch or a Map iteration. It owns its variable scope and the id of the
// last event it recorded (the next event's PreviousEventID).
type thread struct {
	ex   *execution
	ctx  context.Context // ends when the execution ends or a sibling branch fails
	vars *scope
	prev int64
}

func (t *thread) emit(typ, key string, details map[string]any) int64 {
	t.prev = t.ex.emit(t.prev, typ, key, details)
	return t.prev
}

// scope holds workflow variables. Parallel branches and Map iterations read
// the enclosing scope and write their own, so nothing they assign leaks out.
type scope struct {
	vars   map[string]any
	parent *scope
}

func (s *scope) lookup(name string) (any, bool) {
	for c := s; c != nil; c = c.parent {
		if v, ok := c.vars[name]; ok {
			return v, true
		}
	}
	return nil, false
}

func (s *scope) all() map[string]any {
	out := map[string]any{}
	var chain []*scope
	for c := s; c != nil; c = c.parent {
		chain = append(chain, c)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		for k, v := range chain[i].vars {
			out[k] = v
		}
	}
	return out
}

func (s *scope) set(vals map[string]any) {
	if s.vars == nil {
		s.vars = make(map[string]any, len(vals))
	}
	for k, v := range vals {
		s.vars[k] = v
	}
}

func (e *Engine) clock() Clock {
	if e.Clock == nil {
		return realClock{}
	}
	return e.Clock
}

func (e *Engine) region() string {
	if e.Region == "" {
		return "us-east-1"
	}
	return e.Region
}

func (e *Engine) account() string {
	if e.Account == "" {
		return "123456789012"
	}
	return e.Account
}

// Execute runs m on input to completion. Cancelling ctx aborts the
// execution (status ABORTED); a machine TimeoutSeconds ends it TIMED_OUT.
func (e *Engine) Execute(ctx context.Context, m *Machine, input []byte, opts ExecutionOptions) Result {
	clock := e.clock()
	typ := opts.Type
	if typ == "" {
		typ = "STANDARD"
	}
	name := opts.Name
	if name == "" {
		name = uuid.NewString()
	}
	smARN := opts.StateMachineARN
	if smARN == "" {
		smARN = fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:local", e.region(), e.account())
	}
	smName := smARN
	if i := lastIndexByte(smARN, ':'); i >= 0 {
		smName = smARN[i+1:]
	}
	execARN := fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", e.region(), e.account(), smName, name)
	if typ == "EXPRESS" {
		execARN = fmt.Sprintf("arn:aws:states:%s:%s:express:%s:%s:%s", e.region(), e.account(), smName, name, uuid.NewString())
	}
	res := Result{ExecutionARN: execARN, Start: clock.Now()}
	var in any
	if len(bytes.TrimSpace(input)) == 0 {
		in = map[string]any{}
	} else if err := json.Unmarshal(input, &in); err != nil {
		res.Status, res.Error, res.Cause = StatusFailed, "States.Runtime", "execution input is not valid JSON: "+err.Error()
		res.Stop = clock.Now()
		return res
	}
	return e.run(ctx, m, in, opts, typ, name, smARN, smName, execARN, res)
}

func (e *Engine) run(ctx context.Context, m *Machine, in any, opts ExecutionOptions, typ, name, smARN, smName, execARN string, res Result) Result {
	clock := e.clock()
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timeout := time.Duration(m.TimeoutSeconds) * time.Second
	// Express workflows run for at most five minutes (AWS quota).
	if typ == "EXPRESS" && (timeout == 0 || timeout > expressMaxDuration) {
		timeout = expressMaxDuration
	}
	if timeout > 0 {
		timer := clock.After(timeout)
		go func() {
			select {
			case <-timer:
				cancel(errExecutionTimedOut)
			case <-rctx.Done():
			}
		}()
	}
	roleARN := fmt.Sprintf("arn:aws:iam::%s:role/StepFunctions-local", e.account())
	ex := &execution{
		eng: e, clock: clock, ctx: rctx, listener: opts.Listener, arn: execARN, typ: typ, onChild: opts.ChildExecution,
		region: e.region(), account: e.account(),
		execCtx: map[string]any{
			"Id": execARN, "Input": in, "Name": name, "RoleArn": roleARN,
			"StartTime": isoTime(res.Start), "RedriveCount": 0.0,
		},
		smCtx: map[string]any{"Id": smARN, "Name": smName},
	}
	t := &thread{ex: ex, ctx: rctx, vars: &scope{}}
	t.emit("ExecutionStarted", "executionStartedEventDetails", map[string]any{
		"input": toJSON(in), "inputDetails": map[string]any{"truncated": false}, "roleArn": roleARN,
	})
	out, f := t.runMachine(m, in)
	timedOut := rctx.Err() != nil && context.Cause(rctx) == errExecutionTimedOut
	t.conclude(out, f, timedOut, &res)
	res.Stop = clock.Now()
	ex.mu.Lock()
	res.History = ex.history
	ex.mu.Unlock()
	return res
}

// conclude records how an execution ended and fills res.
func (t *thread) conclude(out any, f *failure, timedOut bool, res *Result) {
	switch {
	case timedOut:
		res.Status, res.Error, res.Cause = StatusTimedOut, ErrTimeout, "The execution timed out"
		t.emit("ExecutionTimedOut", "executionTimedOutEventDetails", map[string]any{"error": res.Error, "cause": res.Cause})
	case t.ctx.Err() != nil:
		res.Status = StatusAborted
		t.emit("ExecutionAborted", "executionAbortedEventDetails", map[string]any{})
	case f != nil:
		res.Status, res.Error, res.Cause = StatusFailed, f.Error, f.Cause
		d := map[string]any{}
		if f.Error != "" {
			d["error"] = f.Error
		}
		if f.Cause != "" {
			d["cause"] = f.Cause
		}
		t.emit("ExecutionFailed", "executionFailedEventDetails", d)
	default:
		res.Status = StatusSucceeded
		res.Output = json.RawMessage(toJSON(out))
		t.emit("ExecutionSucceeded", "executionSucceededEventDetails", map[string]any{
			"output": string(res.Output), "outputDetails": map[string]any{"truncated": false},
		})
	}
}

// runMachine runs the states of m from StartAt until one ends the flow.
func (t *thread) runMachine(m *Machine, input any) (any, *failure) {
	name := m.StartAt
	for {
		if t.ctx.Err() != nil {
			return nil, &failure{Error: "States.Aborted", Cause: executionAbortedCause, terminal: true}
		}
		st := m.States[name]
		out, next, f := t.runState(st, input)
		if f != nil {
			return nil, f
		}
		if next == "" {
			return out, nil
		}
		input, name = out, next
	}
}

func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// toJSON renders v as AWS does in history and output: compact, without
// Go's HTML escaping.
func toJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "null"
	}
	out := b.Bytes()
	return string(out[:len(out)-1])
}

// sleep waits d on the engine clock unless the thread ends first.
func (t *thread) sleep(d time.Duration) bool {
	if d <= 0 {
		return t.ctx.Err() == nil
	}
	select {
	case <-t.ex.clock.After(d):
		return t.ctx.Err() == nil
	case <-t.ctx.Done():
		return false
	}
}
