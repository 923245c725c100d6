package asl

import (
	"context"
	"sync"
)

// finishResult turns the raw result of a Task, Parallel or Map state into
// its output: ResultSelector, Assign, ResultPath and OutputPath for
// JSONPath; Output and Assign over $states.result for JSONata.
func (sc *stateRun) finishResult(result any, states map[string]any) (any, map[string]any, *failure) {
	st := sc.st
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

// effectiveInput applies InputPath and Parameters (JSONPath) or Arguments
// (JSONata) and returns the $states binding for JSONata states.
func (sc *stateRun) effectiveInput(params opt) (eff, payload any, states map[string]any, f *failure) {
	st := sc.st
	if sc.isJSONata() {
		states = sc.statesVar(sc.input, nil)
		payload = sc.input
		if st.arguments.set {
			payload, f = sc.jaTemplate(st.arguments.v, states, "Arguments")
		}
		return sc.input, payload, states, f
	}
	if eff, f = sc.applyPath(st.inputPath, "InputPath", sc.input); f != nil {
		return nil, nil, nil, f
	}
	payload = eff
	if params.set {
		payload, f = sc.jpTemplate(params.v, eff)
	}
	return eff, payload, nil, f
}

func (sc *stateRun) parallel() (any, map[string]any, *failure) {
	_, in, states, f := sc.effectiveInput(sc.st.parameters)
	if f != nil {
		return nil, nil, f
	}
	t := sc.t
	started := t.emit("ParallelStateStarted", "", nil)
	// A failing branch stops its siblings, as AWS does.
	ctx, cancel := context.WithCancel(t.ctx)
	defer cancel()
	results := make([]any, len(sc.st.Branches))
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first *failure
	)
	for i, br := range sc.st.Branches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bt := &thread{ex: t.ex, ctx: ctx, vars: &scope{parent: t.vars}, prev: started}
			out, bf := bt.runMachine(br, in)
			mu.Lock()
			defer mu.Unlock()
			if bf != nil {
				if first == nil {
					first = bf
					cancel()
				}
				return
			}
			results[i] = out
			if bt.prev > t.prev {
				t.prev = bt.prev
			}
		}()
	}
	wg.Wait()
	if first != nil {
		t.emit("ParallelStateFailed", "", nil)
		return nil, nil, first
	}
	t.emit("ParallelStateSucceeded", "", nil)
	return sc.finishResult(results, states)
}
