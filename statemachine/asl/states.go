package asl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// runState visits one state: records its entry, does its work (with Retry
// and Catch where the type has them), records its exit.
func (t *thread) runState(st *State, input any) (out any, next string, f *failure) {
	// An engine bug must fail the execution, not the process that embeds
	// the engine (the local stack runs many executions).
	defer func() {
		if r := recover(); r != nil {
			out, next, f = nil, "", runtimeFailure("internal error of the local engine in state '%s': %v", st.Name, r)
		}
	}()
	now := t.ex.clock.Now()
	sc := &stateRun{t: t, st: st, input: input, enteredAt: isoTime(now)}
	sc.enteredID = t.emit(st.Type+"StateEntered", "stateEnteredEventDetails", map[string]any{
		"name": st.Name, "input": toJSON(input), "inputDetails": map[string]any{"truncated": false},
	})
	next = st.Next
	var assigned map[string]any
	switch st.Type {
	case "Pass":
		out, assigned, f = sc.pass()
	case "Succeed":
		out, f = sc.succeed()
		next = ""
	case "Fail":
		return nil, "", sc.fail()
	case "Choice":
		out, next, assigned, f = sc.choice()
	case "Wait":
		out, assigned, f = sc.wait()
	case "Task", "Parallel", "Map":
		out, next, assigned, f = sc.withRetryCatch()
	default:
		f = sc.runtimef("unsupported state type %q", st.Type)
	}
	if f != nil {
		return nil, "", f
	}
	outJSON := toJSON(out)
	if len(outJSON) > maxPayloadBytes {
		return nil, "", &failure{Error: ErrDataLimitExceeded, terminal: true,
			Cause: fmt.Sprintf("The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", st.Name)}
	}
	if assigned != nil {
		t.vars.set(assigned)
	}
	d := map[string]any{"name": st.Name, "output": outJSON, "outputDetails": map[string]any{"truncated": false}}
	if len(assigned) > 0 {
		av := make(map[string]any, len(assigned))
		for k, v := range assigned {
			av[k] = toJSON(v)
		}
		d["assignedVariables"] = av
		d["assignedVariablesDetails"] = map[string]any{"truncated": false}
	}
	t.emit(st.Type+"StateExited", "stateExitedEventDetails", d)
	return out, next, nil
}

func (sc *stateRun) isJSONata() bool { return sc.st.QueryLanguage == JSONata }

// finishJSONata computes Output and Assign of a JSONata state from the
// same $states (Assign does not see Output and vice versa).
func (sc *stateRun) finishJSONata(states map[string]any, def any) (any, map[string]any, *failure) {
	assigned, f := sc.evalAssign(sc.st.assign, nil, states)
	if f != nil {
		return nil, nil, f
	}
	out := def
	if sc.st.output.set {
		out, f = sc.jaTemplate(sc.st.output.v, states, "Output")
		if f != nil {
			return nil, nil, f
		}
	}
	return out, assigned, nil
}

func (sc *stateRun) pass() (any, map[string]any, *failure) {
	st := sc.st
	if sc.isJSONata() {
		return sc.finishJSONata(sc.statesVar(sc.input, nil), sc.input)
	}
	eff, f := sc.applyPath(st.inputPath, "InputPath", sc.input)
	if f != nil {
		return nil, nil, f
	}
	if st.parameters.set {
		if eff, f = sc.jpTemplate(st.parameters.v, eff); f != nil {
			return nil, nil, f
		}
	}
	result := eff
	if st.result.set {
		result = st.result.v
	}
	assigned, f := sc.evalAssign(st.assign, result, nil)
	if f != nil {
		return nil, nil, f
	}
	out, f := sc.applyResultPath(st.resultPath, sc.input, result)
	if f != nil {
		return nil, nil, f
	}
	out, f = sc.applyPath(st.outputPath, "OutputPath", out)
	return out, assigned, f
}

func (sc *stateRun) succeed() (any, *failure) {
	if sc.isJSONata() {
		out, _, f := sc.finishJSONata(sc.statesVar(sc.input, nil), sc.input)
		return out, f
	}
	eff, f := sc.applyPath(sc.st.inputPath, "InputPath", sc.input)
	if f != nil {
		return nil, f
	}
	return sc.applyPath(sc.st.outputPath, "OutputPath", eff)
}

func (sc *stateRun) fail() *failure {
	raw := sc.st.raw
	f := &failure{}
	if sc.isJSONata() {
		states := sc.statesVar(sc.input, nil)
		for _, fld := range []struct {
			name string
			dst  *string
		}{{"Error", &f.Error}, {"Cause", &f.Cause}} {
			v, ok := raw[fld.name]
			if !ok {
				continue
			}
			val, ff := sc.jaTemplate(v, states, fld.name)
			if ff != nil {
				return ff
			}
			s, ok := val.(string)
			if !ok {
				return &failure{Error: ErrQueryEvaluationError, Cause: fmt.Sprintf("%s The JSONata expression specified for the field '%s' returned an unexpected result type. Expected 'string', but was '%s' for value: %s", sc.where(), fld.name, jsonTypeName(val), toJSON(val))}
			}
			*fld.dst = s
		}
		return f
	}
	f.Error, _ = raw["Error"].(string)
	f.Cause, _ = raw["Cause"].(string)
	for _, fld := range []struct {
		name string
		dst  *string
	}{{"ErrorPath", &f.Error}, {"CausePath", &f.Cause}} {
		p, ok := raw[fld.name].(string)
		if !ok {
			continue
		}
		var val any
		if isIntrinsic(p) {
			v, ff := sc.jpValue(p, fld.name, sc.input)
			if ff != nil {
				return ff
			}
			val = v
		} else {
			v, found, err := sc.resolve(p, sc.input)
			if err != nil || !found {
				return sc.runtimef("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", p, fld.name, toJSON(sc.input))
			}
			val = v
		}
		s, ok := val.(string)
		if !ok {
			return sc.runtimef("The JSONPath '%s' specified for the field '%s' must resolve to a string, but was %s", p, fld.name, jsonTypeName(val))
		}
		*fld.dst = s
	}
	return f
}

func (sc *stateRun) wait() (any, map[string]any, *failure) {
	raw := sc.st.raw
	var (
		eff      = sc.input
		states   map[string]any
		f        *failure
		deadline time.Time
		dur      time.Duration
		useDur   bool
	)
	if sc.isJSONata() {
		states = sc.statesVar(sc.input, nil)
	} else if eff, f = sc.applyPath(sc.st.inputPath, "InputPath", sc.input); f != nil {
		return nil, nil, f
	}
	secs := func(v any, field string) *failure {
		n, ok := v.(float64)
		if !ok || n < 0 || n != math.Trunc(n) {
			if sc.isJSONata() {
				return &failure{Error: ErrQueryEvaluationError, Cause: fmt.Sprintf("%s The JSONata expression specified for the field '%s' returned an unexpected result type. Expected 'integer', but was '%s' for value: %s", sc.where(), field, jsonTypeName(v), toJSON(v))}
			}
			return sc.runtimef("The %s parameter must be a non-negative integer, but was %s", field, toJSON(v))
		}
		dur, useDur = time.Duration(n)*time.Second, true
		return nil
	}
	stamp := func(v any, field string) *failure {
		s, _ := v.(string)
		ts, ok := parseTimestamp(s)
		if !ok {
			return sc.runtimef("The %s parameter does not reference a valid ISO-8601 extended offset date-time format string: %s", field, toJSON(v))
		}
		deadline = ts
		return nil
	}
	switch {
	case raw["Seconds"] != nil:
		v := raw["Seconds"]
		if _, ok := jsonataExpr(v); ok && states != nil {
			if v, f = sc.jaTemplate(v, states, "Seconds"); f != nil {
				return nil, nil, f
			}
		}
		f = secs(v, "Seconds")
	case raw["Timestamp"] != nil:
		v := raw["Timestamp"]
		if _, ok := jsonataExpr(v); ok && states != nil {
			if v, f = sc.jaTemplate(v, states, "Timestamp"); f != nil {
				return nil, nil, f
			}
		}
		f = stamp(v, "Timestamp")
	case raw["SecondsPath"] != nil:
		p, _ := raw["SecondsPath"].(string)
		v, ok, err := sc.resolve(p, eff)
		if err != nil || !ok {
			return nil, nil, sc.runtimef("The SecondsPath parameter does not reference an input value: %s", p)
		}
		f = secs(v, "SecondsPath")
	case raw["TimestampPath"] != nil:
		p, _ := raw["TimestampPath"].(string)
		v, ok, err := sc.resolve(p, eff)
		if err != nil || !ok {
			return nil, nil, sc.runtimef("The TimestampPath parameter does not reference an input value: %s", p)
		}
		f = stamp(v, "TimestampPath")
	}
	if f != nil {
		return nil, nil, f
	}
	if !useDur {
		dur = deadline.Sub(sc.t.ex.clock.Now())
	}
	if !sc.t.sleep(dur) {
		return nil, nil, &failure{Error: "States.Aborted", Cause: executionAbortedCause, terminal: true}
	}
	if states != nil {
		return sc.finishJSONata(states, sc.input)
	}
	assigned, f := sc.evalAssign(sc.st.assign, eff, nil)
	if f != nil {
		return nil, nil, f
	}
	out, f := sc.applyPath(sc.st.outputPath, "OutputPath", eff)
	return out, assigned, f
}

// withRetryCatch runs the work of a Task, Parallel or Map state, retrying
// and catching its failures as the state's Retry and Catch say.
func (sc *stateRun) withRetryCatch() (any, string, map[string]any, *failure) {
	st := sc.st
	counts := make([]int, len(st.Retry))
	for {
		var (
			out      any
			assigned map[string]any
			f        *failure
		)
		switch st.Type {
		case "Task":
			out, assigned, f = sc.task()
		case "Parallel":
			out, assigned, f = sc.parallel()
		case "Map":
			out, assigned, f = sc.mapState()
		}
		if f == nil {
			return out, st.Next, assigned, nil
		}
		if f.terminal || sc.t.ctx.Err() != nil {
			return nil, "", nil, f
		}
		if delay, ok := sc.retryDelay(counts, f); ok {
			if !sc.t.sleep(delay) {
				return nil, "", nil, f
			}
			sc.retryCount++
			continue
		}
		return sc.catch(f)
	}
}

// retryDelay picks the first retrier naming f. AWS stops at that retrier
// even when its attempts are used up.
func (sc *stateRun) retryDelay(counts []int, f *failure) (time.Duration, bool) {
	for i, r := range sc.st.Retry {
		if !matches(r.ErrorEquals, f) {
			continue
		}
		if counts[i] >= r.MaxAttempts {
			return 0, false
		}
		secs := r.IntervalSeconds * math.Pow(r.BackoffRate, float64(counts[i]))
		if r.MaxDelaySeconds > 0 && secs > r.MaxDelaySeconds {
			secs = r.MaxDelaySeconds
		}
		if r.JitterStrategy == "FULL" {
			secs = rand.Float64() * secs
		}
		counts[i]++
		return time.Duration(secs * float64(time.Second)), true
	}
	return 0, false
}

func (sc *stateRun) catch(f *failure) (any, string, map[string]any, *failure) {
	for _, c := range sc.st.Catch {
		if !matches(c.ErrorEquals, f) {
			continue
		}
		errOut := f.output()
		if sc.isJSONata() {
			states := sc.statesVar(sc.input, map[string]any{"errorOutput": errOut})
			assigned, ff := sc.evalAssign(c.assign, nil, states)
			if ff != nil {
				return nil, "", nil, ff
			}
			var out any = errOut
			if c.output.set {
				if out, ff = sc.jaTemplate(c.output.v, states, "Output"); ff != nil {
					return nil, "", nil, ff
				}
			}
			return out, c.Next, assigned, nil
		}
		assigned, ff := sc.evalAssign(c.assign, errOut, nil)
		if ff != nil {
			return nil, "", nil, ff
		}
		out, ff := sc.applyResultPath(c.resultPath, sc.input, errOut)
		if ff != nil {
			return nil, "", nil, ff
		}
		return out, c.Next, assigned, nil
	}
	return nil, "", nil, f
}
