package sfnapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/statemachine/asl"
)

// Execution statuses besides the engine's final ones.
const StatusRunning = "RUNNING"

// Machine types.
const (
	TypeStandard = "STANDARD"
	TypeExpress  = "EXPRESS"
)

// StateMachine is a registered state machine as DescribeStateMachine shows it.
type StateMachine struct {
	ARN          string
	Name         string
	Type         string // STANDARD or EXPRESS
	RoleARN      string
	Definition   []byte
	CreationDate time.Time

	machine *asl.Machine
}

// Service starts, stops and records executions of the state machines
// registered with it. It is the one place the embedded stack starts
// executions, so every run ends up in the store with its full history.
type Service struct {
	engine *asl.Engine
	store  *execstore.Store
	log    *slog.Logger

	// ctx bounds asynchronous executions: they must outlive the request
	// that started them, but not the Service (Close).
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	machines map[string]*StateMachine
	order    []string // machine ARNs in creation order
	live     map[string]*liveExec
	mapRuns  map[string][]string // map run ARN -> child execution ARNs
	parents  map[string]string   // map run ARN -> parent execution ARN
	aliases  map[string]string   // ARN given at start -> ARN recorded (Express)
	onEnd    []func(execstore.Record)
}

// liveExec is an execution still running: its record and the history so
// far, fed by the engine's Listener.
type liveExec struct {
	arn      string // the ARN callers were given
	finalARN bool   // whether the engine will report the same ARN (see begin)
	done     chan struct{}
	cancel   context.CancelCauseFunc

	mu        sync.Mutex
	rec       execstore.Record // History left empty; events holds it
	events    []asl.HistoryEvent
	stopped   bool
	stopError string
	stopCause string
	final     execstore.Record
}

var errStopped = errors.New("sfnapi: execution stopped")

// abandonedCause is recorded for executions that were RUNNING when the
// process ended: the local engine cannot resume them.
const abandonedCause = "The local process ended before the execution did; it cannot be resumed."

// NewService returns a Service running executions on engine and recording
// them in store. Executions the store holds as RUNNING were cut short by a
// previous process; they are recorded as ABORTED, since nothing resumes
// them. A nil logger discards.
func NewService(engine *asl.Engine, store *execstore.Store, logger *slog.Logger) *Service {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{
		engine: engine, store: store, log: logger, ctx: ctx, cancel: cancel,
		machines: map[string]*StateMachine{},
		live:     map[string]*liveExec{},
		mapRuns:  map[string][]string{},
		parents:  map[string]string{},
		aliases:  map[string]string{},
	}
	for _, r := range store.List("") {
		if r.Status == StatusRunning {
			if full, ok := store.Get(r.ExecutionARN); ok {
				r = full // List leaves histories on disk
			}
			s.abandon(r)
		}
	}
	return s
}

func (s *Service) abandon(r execstore.Record) {
	now := s.now()
	events, err := DecodeHistory(r.History)
	if err != nil {
		s.log.Error("decode history of an abandoned execution", "arn", r.ExecutionARN, "err", err)
	}
	var last int64
	if n := len(events); n > 0 {
		last = events[n-1].ID
	}
	events = append(events, asl.HistoryEvent{
		ID: last + 1, PreviousEventID: last, Timestamp: now, Type: "ExecutionAborted",
		DetailsKey: "executionAbortedEventDetails", Details: map[string]any{"cause": abandonedCause},
	})
	r.Status, r.Cause, r.StopDate = asl.StatusAborted, abandonedCause, now.UTC()
	if h, err := json.Marshal(events); err == nil {
		r.History = h
	}
	if err := s.store.Put(&r); err != nil {
		s.log.Error("record abandoned execution", "arn", r.ExecutionARN, "err", err)
	}
}

// Close aborts the running executions, waits until they are recorded and
// stops accepting asynchronous starts.
func (s *Service) Close() {
	s.cancel()
	s.mu.Lock()
	live := make([]*liveExec, 0, len(s.live))
	for _, lx := range s.live {
		live = append(live, lx)
	}
	s.mu.Unlock()
	for _, lx := range live {
		lx.cancel(context.Canceled)
	}
	s.wg.Wait()
	for _, lx := range live {
		<-lx.done
	}
}

// OnEnd registers fn to be called with the record of every execution
// started through the Service once it has ended and been saved.
func (s *Service) OnEnd(fn func(execstore.Record)) {
	s.mu.Lock()
	s.onEnd = append(s.onEnd, fn)
	s.mu.Unlock()
}

func (s *Service) region() string {
	if s.engine.Region == "" {
		return "us-east-1" // the engine's default
	}
	return s.engine.Region
}

func (s *Service) account() string {
	if s.engine.Account == "" {
		return "123456789012" // the engine's default
	}
	return s.engine.Account
}

func (s *Service) now() time.Time {
	if s.engine.Clock != nil {
		return s.engine.Clock.Now()
	}
	return time.Now()
}

// AddStateMachine parses definition and registers it under name. Adding
// the same name again with the same definition and type returns the same
// ARN, as CreateStateMachine does; a different one is
// StateMachineAlreadyExists.
func (s *Service) AddStateMachine(name, typ string, definition []byte, roleARN string) (string, error) {
	if err := validName("state machine", name); err != nil {
		return "", err
	}
	if typ == "" {
		typ = TypeStandard
	}
	if typ != TypeStandard && typ != TypeExpress {
		return "", apiErr(ErrValidation, "type %q is not STANDARD or EXPRESS", typ)
	}
	m, err := asl.Parse(definition)
	if err != nil {
		return "", apiErr(ErrInvalidDefinition, "%v", err)
	}
	if roleARN == "" {
		roleARN = fmt.Sprintf("arn:aws:iam::%s:role/StepFunctions-local", s.account())
	}
	arn := fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", s.region(), s.account(), name)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.machines[arn]; ok {
		if old.Type == typ && bytes.Equal(old.Definition, definition) {
			return arn, nil
		}
		return "", apiErr(ErrStateMachineAlreadyExists, "State Machine Already Exists: '%s'", arn)
	}
	s.machines[arn] = &StateMachine{
		ARN: arn, Name: name, Type: typ, RoleARN: roleARN,
		Definition: bytes.Clone(definition), CreationDate: s.now().UTC(), machine: m,
	}
	s.order = append(s.order, arn)
	return arn, nil
}

// StateMachine returns the machine registered under arn.
func (s *Service) StateMachine(arn string) (StateMachine, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sm, ok := s.machines[arn]
	if !ok {
		return StateMachine{}, false
	}
	return *sm, true
}

// StateMachines returns the registered machines in the order they were added.
func (s *Service) StateMachines() []StateMachine {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]StateMachine, 0, len(s.order))
	for _, arn := range s.order {
		out = append(out, *s.machines[arn])
	}
	return out
}

// Start starts an execution that runs in its own goroutine and returns at
// once. A Standard execution's record is saved RUNNING now and again when
// it ends; an Express one is saved when it ends, under the ARN the engine
// gave it (see the package doc). In between, Get, History and List show
// the events recorded so far. An empty
// name gets a UUID, an empty input is {}. Starting a Standard machine
// with the name of an execution that is still running with the same input
// returns that execution, as AWS does; any other reuse of a name is
// ExecutionAlreadyExists.
func (s *Service) Start(ctx context.Context, smARN, name, input string) (string, time.Time, error) {
	if err := s.ctx.Err(); err != nil {
		return "", time.Time{}, apiErr(ErrValidation, "the service is closed")
	}
	rctx, cancel := context.WithCancelCause(s.ctx)
	lx, existing, err := s.begin(smARN, name, input, cancel)
	if err != nil || existing != nil {
		cancel(nil)
		if err != nil {
			return "", time.Time{}, err
		}
		return existing.ExecutionARN, existing.StartDate, nil
	}
	sm, _ := s.StateMachine(smARN)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel(nil)
		s.run(rctx, sm, lx)
	}()
	return lx.arn, lx.rec.StartDate, nil
}

// StartSync runs an execution to its end in the caller's goroutine and
// returns its record; cancelling ctx aborts it. Any machine type may be run
// this way (the HTTP API allows only EXPRESS, as AWS does).
func (s *Service) StartSync(ctx context.Context, smARN, name, input string) (execstore.Record, error) {
	rctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lx, existing, err := s.begin(smARN, name, input, cancel)
	if err != nil {
		return execstore.Record{}, err
	}
	if existing != nil {
		return s.Wait(ctx, existing.ExecutionARN)
	}
	sm, _ := s.StateMachine(smARN)
	return s.run(rctx, sm, lx), nil
}

// begin validates a start and registers the execution as live; for a
// Standard name already running with the same input it returns that
// record instead.
func (s *Service) begin(smARN, name, input string, cancel context.CancelCauseFunc) (*liveExec, *execstore.Record, error) {
	if err := validARN(smARN, "stateMachine"); err != nil {
		return nil, nil, err
	}
	if name == "" {
		name = uuid.NewString()
	} else if err := validName("execution", name); err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(input) == "" {
		input = "{}"
	}
	if !json.Valid([]byte(input)) {
		return nil, nil, apiErr(ErrInvalidExecutionInput, "Invalid State Machine Execution Input: the input is not valid JSON")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sm, ok := s.machines[smARN]
	if !ok {
		return nil, nil, apiErr(ErrStateMachineDoesNotExist, "State Machine Does Not Exist: '%s'", smARN)
	}
	var arn string
	finalARN := true
	if sm.Type == TypeExpress {
		// The engine draws its own UUID for an Express ARN and tells it
		// only at the end. Until then the execution goes by this one; the
		// record is saved under the engine's, the one $$.Execution.Id
		// showed, and this one stays an alias of it (see the package doc).
		arn = fmt.Sprintf("arn:aws:states:%s:%s:express:%s:%s:%s", s.region(), s.account(), sm.Name, name, uuid.NewString())
		finalARN = false
	} else {
		arn = fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", s.region(), s.account(), sm.Name, name)
		if lx, ok := s.live[arn]; ok {
			lx.mu.Lock()
			rec := lx.rec
			lx.mu.Unlock()
			if jsonEqual(rec.Input, []byte(input)) {
				return nil, &rec, nil
			}
			return nil, nil, apiErr(ErrExecutionAlreadyExists, "Execution Already Exists: '%s'", arn)
		}
		if _, ok := s.store.Get(arn); ok {
			return nil, nil, apiErr(ErrExecutionAlreadyExists, "Execution Already Exists: '%s'", arn)
		}
	}
	lx := &liveExec{
		arn: arn, finalARN: finalARN, done: make(chan struct{}), cancel: cancel,
		rec: execstore.Record{
			ExecutionARN: arn, StateMachineARN: sm.ARN, Name: name, Type: sm.Type,
			Status: StatusRunning, Input: json.RawMessage(input), StartDate: s.now().UTC(),
		},
	}
	if finalARN {
		rec := lx.rec
		if err := s.store.Put(&rec); err != nil {
			return nil, nil, fmt.Errorf("sfnapi: record start of %s: %w", arn, err)
		}
	}
	s.live[arn] = lx
	return lx, nil, nil
}

func (lx *liveExec) add(e asl.HistoryEvent) {
	lx.mu.Lock()
	lx.events = append(lx.events, e)
	lx.mu.Unlock()
}

// snapshot is the live record with the history so far.
func (lx *liveExec) snapshot(withHistory bool) execstore.Record {
	lx.mu.Lock()
	defer lx.mu.Unlock()
	r := lx.rec
	if withHistory {
		if h, err := json.Marshal(lx.events); err == nil {
			r.History = h
		}
	}
	return r
}

func (s *Service) run(ctx context.Context, sm StateMachine, lx *liveExec) execstore.Record {
	res := s.engine.Execute(ctx, sm.machine, lx.rec.Input, asl.ExecutionOptions{
		StateMachineARN: sm.ARN, Name: lx.rec.Name, Type: sm.Type, Listener: lx.add,
		ChildExecution: func(mapRunARN string, child asl.Result) { s.recordChild(sm, lx.arn, mapRunARN, child) },
	})
	return s.finish(lx, res)
}

// finish saves the final record, drops the live one and wakes waiters.
func (s *Service) finish(lx *liveExec, res asl.Result) execstore.Record {
	lx.mu.Lock()
	rec := lx.rec
	stopped, stopErr, stopCause := lx.stopped, lx.stopError, lx.stopCause
	lx.mu.Unlock()
	if res.ExecutionARN != "" && res.ExecutionARN != rec.ExecutionARN {
		if lx.finalARN {
			s.log.Warn("engine named the execution differently", "arn", rec.ExecutionARN, "engine", res.ExecutionARN)
		}
		rec.ExecutionARN = res.ExecutionARN
	}
	rec.Status, rec.Output, rec.Error, rec.Cause = res.Status, res.Output, res.Error, res.Cause
	// StartDate stays the one the start answered with: AWS reports one
	// start date throughout.
	rec.StopDate = res.Stop.UTC()
	history := res.History
	if res.Status == asl.StatusAborted && stopped {
		rec.Error, rec.Cause = stopErr, stopCause
		history = withAbortDetails(history, stopErr, stopCause)
	}
	h, err := json.Marshal(history)
	if err != nil {
		s.log.Error("encode history", "arn", rec.ExecutionARN, "err", err)
	}
	rec.History = h
	if err := s.store.Put(&rec); err != nil {
		s.log.Error("record execution", "arn", rec.ExecutionARN, "err", err)
	}
	s.mu.Lock()
	delete(s.live, lx.arn)
	if rec.ExecutionARN != lx.arn {
		s.aliases[lx.arn] = rec.ExecutionARN
	}
	hooks := append([]func(execstore.Record){}, s.onEnd...)
	s.mu.Unlock()
	lx.mu.Lock()
	lx.final = rec
	lx.mu.Unlock()
	close(lx.done)
	s.log.Info("execution ended", "arn", rec.ExecutionARN, "status", rec.Status, "error", rec.Error)
	for _, fn := range hooks {
		fn(rec)
	}
	return rec
}

// withAbortDetails puts the error and cause given to StopExecution into
// the ExecutionAborted event, where AWS reports them.
func withAbortDetails(history []asl.HistoryEvent, errStr, cause string) []asl.HistoryEvent {
	out := append([]asl.HistoryEvent(nil), history...)
	for i := len(out) - 1; i >= 0; i-- {
		if out[i].Type != "ExecutionAborted" {
			continue
		}
		d := map[string]any{}
		if errStr != "" {
			d["error"] = errStr
		}
		if cause != "" {
			d["cause"] = cause
		}
		out[i].Details, out[i].DetailsKey = d, "executionAbortedEventDetails"
		break
	}
	return out
}

// recordChild saves a Distributed Map child execution. Its state machine
// ARN names the parent and the Map state's label, as AWS names the child
// workflow (stateMachine:<parent>/<label>).
func (s *Service) recordChild(parent StateMachine, parentARN, mapRunARN string, child asl.Result) {
	label := parent.Name
	if i := strings.Index(mapRunARN, ":mapRun:"); i >= 0 {
		rest := mapRunARN[i+len(":mapRun:"):]
		if j := strings.LastIndexByte(rest, ':'); j >= 0 {
			label = rest[:j]
		}
	}
	typ := TypeStandard
	if strings.Contains(child.ExecutionARN, ":express:") {
		typ = TypeExpress
	}
	rec := execstore.Record{
		ExecutionARN:    child.ExecutionARN,
		StateMachineARN: fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", s.region(), s.account(), label),
		Name:            child.ExecutionARN[strings.LastIndexByte(child.ExecutionARN, ':')+1:],
		Type:            typ,
		Status:          child.Status, Output: child.Output, Error: child.Error, Cause: child.Cause,
		StartDate: child.Start.UTC(), StopDate: child.Stop.UTC(),
	}
	if len(child.History) > 0 && child.History[0].Type == "ExecutionStarted" {
		if in, ok := child.History[0].Details["input"].(string); ok && json.Valid([]byte(in)) {
			rec.Input = json.RawMessage(in)
		}
	}
	if h, err := json.Marshal(child.History); err == nil {
		rec.History = h
	}
	if err := s.store.Put(&rec); err != nil {
		s.log.Error("record child execution", "arn", rec.ExecutionARN, "err", err)
	}
	s.mu.Lock()
	s.mapRuns[mapRunARN] = append(s.mapRuns[mapRunARN], rec.ExecutionARN)
	s.parents[mapRunARN] = parentARN
	s.mu.Unlock()
}

// Stop aborts a running execution with the given error and cause and waits
// until it is recorded; it returns the stop date. Stopping an execution
// that has already ended changes nothing and returns its stop date.
func (s *Service) Stop(executionARN, errStr, cause string) (time.Time, error) {
	if err := validARN(executionARN, "execution", "express"); err != nil {
		return time.Time{}, err
	}
	lx, executionARN := s.lookup(executionARN)
	if lx == nil {
		rec, ok := s.store.Get(executionARN)
		if !ok {
			return time.Time{}, apiErr(ErrExecutionDoesNotExist, "Execution Does Not Exist: '%s'", executionARN)
		}
		return rec.StopDate, nil
	}
	lx.mu.Lock()
	if !lx.stopped {
		lx.stopped, lx.stopError, lx.stopCause = true, errStr, cause
	}
	lx.mu.Unlock()
	lx.cancel(errStopped)
	<-lx.done
	lx.mu.Lock()
	defer lx.mu.Unlock()
	return lx.final.StopDate, nil
}

// lookup finds a live execution, or else the ARN its record is kept under.
func (s *Service) lookup(arn string) (*liveExec, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if lx, ok := s.live[arn]; ok {
		return lx, arn
	}
	if a, ok := s.aliases[arn]; ok {
		return nil, a
	}
	return nil, arn
}

// Wait blocks until the execution has ended or ctx is done and returns its
// record.
func (s *Service) Wait(ctx context.Context, executionARN string) (execstore.Record, error) {
	lx, executionARN := s.lookup(executionARN)
	if lx == nil {
		rec, ok := s.store.Get(executionARN)
		if !ok {
			return execstore.Record{}, apiErr(ErrExecutionDoesNotExist, "Execution Does Not Exist: '%s'", executionARN)
		}
		return rec, nil
	}
	select {
	case <-lx.done:
		lx.mu.Lock()
		defer lx.mu.Unlock()
		return lx.final, nil
	case <-ctx.Done():
		return execstore.Record{}, ctx.Err()
	}
}

// Get returns an execution's record, with the history so far while it runs.
func (s *Service) Get(executionARN string) (execstore.Record, bool) {
	lx, executionARN := s.lookup(executionARN)
	if lx != nil {
		return lx.snapshot(true), true
	}
	return s.store.Get(executionARN)
}

// History returns an execution's events so far.
func (s *Service) History(executionARN string) ([]asl.HistoryEvent, error) {
	lx, executionARN := s.lookup(executionARN)
	if lx != nil {
		lx.mu.Lock()
		defer lx.mu.Unlock()
		return append([]asl.HistoryEvent(nil), lx.events...), nil
	}
	rec, ok := s.store.Get(executionARN)
	if !ok {
		return nil, apiErr(ErrExecutionDoesNotExist, "Execution Does Not Exist: '%s'", executionARN)
	}
	return DecodeHistory(rec.History)
}

// List returns the executions of a state machine ("" for all), running
// ones included, newest first. Histories are left out.
func (s *Service) List(stateMachineARN string) []execstore.Record {
	recs := s.store.List(stateMachineARN)
	idx := make(map[string]int, len(recs))
	for i := range recs {
		recs[i].History = nil
		idx[recs[i].ExecutionARN] = i
	}
	s.mu.Lock()
	live := make([]*liveExec, 0, len(s.live))
	for _, lx := range s.live {
		live = append(live, lx)
	}
	s.mu.Unlock()
	for _, lx := range live {
		r := lx.snapshot(false)
		if stateMachineARN != "" && r.StateMachineARN != stateMachineARN {
			continue
		}
		if i, ok := idx[r.ExecutionARN]; ok {
			recs[i] = r
		} else {
			recs = append(recs, r)
		}
	}
	sortNewestFirst(recs)
	return recs
}

// MapRunExecutions returns the child executions a Distributed Map run
// started in this process, newest first. The store keeps no map run index,
// so children of runs before a restart are found by their state machine
// (parent/label) only.
func (s *Service) MapRunExecutions(mapRunARN string) ([]execstore.Record, bool) {
	s.mu.Lock()
	arns, ok := s.mapRuns[mapRunARN]
	arns = append([]string(nil), arns...)
	s.mu.Unlock()
	var out []execstore.Record
	for _, a := range arns {
		if r, ok := s.store.Get(a); ok {
			r.History = nil
			out = append(out, r)
		}
	}
	sortNewestFirst(out)
	return out, ok
}

// MapRunParent returns the execution whose Distributed Map started a map
// run, if known.
func (s *Service) MapRunParent(mapRunARN string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.parents[mapRunARN]
}

// MapRunOf returns the map run that started a child execution, if known.
func (s *Service) MapRunOf(executionARN string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for run, arns := range s.mapRuns {
		for _, a := range arns {
			if a == executionARN {
				return run
			}
		}
	}
	return ""
}

func sortNewestFirst(recs []execstore.Record) {
	sort.SliceStable(recs, func(i, j int) bool {
		if !recs[i].StartDate.Equal(recs[j].StartDate) {
			return recs[i].StartDate.After(recs[j].StartDate)
		}
		return recs[i].ExecutionARN < recs[j].ExecutionARN
	})
}

// validName applies the API reference's rules for execution and state
// machine names: 1-80 characters, none of whitespace, brackets, wildcards,
// the listed specials or control characters.
func validName(what, name string) error {
	if n := len([]rune(name)); n < 1 || n > 80 {
		return apiErr(ErrInvalidName, "Invalid Name: '%s' (a %s name has 1 to 80 characters)", name, what)
	}
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsControl(r) || (r >= 0x7f && r <= 0x9f) || strings.ContainsRune("<>{}[]?*\"#%\\^|~`$&,;:/", r) {
			return apiErr(ErrInvalidName, "Invalid Name: '%s'", name)
		}
	}
	return nil
}

// validARN checks the shape arn:aws:states:<region>:<account>:<kind>:...
func validARN(arn string, kinds ...string) error {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) == 7 && parts[0] == "arn" && parts[2] == "states" && parts[6] != "" {
		for _, k := range kinds {
			if parts[5] == k {
				return nil
			}
		}
	}
	return apiErr(ErrInvalidArn, "Invalid Arn: '%s'", arn)
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return bytes.Equal(a, b)
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// DecodeHistory parses a stored history (asl.HistoryEvent's JSON form)
// back into events.
func DecodeHistory(raw json.RawMessage) ([]asl.HistoryEvent, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var objs []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &objs); err != nil {
		return nil, fmt.Errorf("sfnapi: decode history: %w", err)
	}
	out := make([]asl.HistoryEvent, 0, len(objs))
	for _, o := range objs {
		var e asl.HistoryEvent
		var ts string
		for k, v := range o {
			var err error
			switch {
			case k == "id":
				err = json.Unmarshal(v, &e.ID)
			case k == "previousEventId":
				err = json.Unmarshal(v, &e.PreviousEventID)
			case k == "type":
				err = json.Unmarshal(v, &e.Type)
			case k == "timestamp":
				if err = json.Unmarshal(v, &ts); err == nil {
					e.Timestamp, err = time.Parse(time.RFC3339Nano, ts)
				}
			case strings.HasSuffix(k, "EventDetails"):
				e.DetailsKey = k
				err = json.Unmarshal(v, &e.Details)
			}
			if err != nil {
				return nil, fmt.Errorf("sfnapi: decode history event %s: %w", k, err)
			}
		}
		out = append(out, e)
	}
	return out, nil
}
