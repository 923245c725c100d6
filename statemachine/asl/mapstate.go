package asl

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/google/uuid"
)

const (
	s3GetObject     = "arn:aws:states:::s3:getObject"
	s3ListObjectsV2 = "arn:aws:states:::s3:listObjectsV2"
	s3PutObject     = "arn:aws:states:::s3:putObject"
	// inlineDefaultConcurrency bounds an inline Map whose MaxConcurrency is
	// 0 (unbounded): AWS documents up to 40 concurrent iterations.
	inlineDefaultConcurrency = 40
	maxItemsLimit            = 100000000
)

func (sc *stateRun) mapState() (any, map[string]any, *failure) {
	st := sc.st
	raw := st.raw
	eff, _, states, f := sc.effectiveInput(opt{})
	if f != nil {
		return nil, nil, f
	}
	procCfg, _ := procRaw(raw)["ProcessorConfig"].(map[string]any)
	if mode, _ := procCfg["Mode"].(string); mode == "DISTRIBUTED" {
		return sc.distributedMap(eff, states)
	}

	// An inline Map's items are part of its input (at most 256 KiB), so
	// they are selected up front.
	items, f := sc.mapItems(eff, states)
	if f != nil {
		return nil, nil, f
	}
	maxConc, f := sc.intField("MaxConcurrency", eff, states)
	if f != nil {
		return nil, nil, f
	}
	// Per-item inputs, computed before any iteration runs so the context
	// object's Map.Item never races.
	selector, hasSel := raw["ItemSelector"]
	if !hasSel {
		selector, hasSel = raw["Parameters"]
	}
	inputs := make([]any, len(items))
	for i, it := range items {
		inputs[i] = it
		if !hasSel {
			continue
		}
		sc.mapItem = map[string]any{"Index": float64(i), "Value": it}
		if states != nil {
			s := sc.statesVar(sc.input, nil)
			inputs[i], f = sc.jaTemplate(selector, s, "ItemSelector")
		} else {
			inputs[i], f = sc.jpTemplate(selector, eff)
		}
		sc.mapItem = nil
		if f != nil {
			return nil, nil, f
		}
	}

	t := sc.t
	started := t.emit("MapStateStarted", "mapStateStartedEventDetails", map[string]any{"length": int64(len(inputs))})
	results, first := sc.runIterations(st.Processor, inputs, maxConc, started)
	if first != nil {
		t.emit("MapStateFailed", "", nil)
		return nil, nil, first
	}
	t.emit("MapStateSucceeded", "", nil)
	return sc.finishResult(results, states)
}

func procRaw(raw map[string]any) map[string]any {
	if p, ok := raw["ItemProcessor"].(map[string]any); ok {
		return p
	}
	p, _ := raw["Iterator"].(map[string]any)
	return p
}

// mapItems finds the array to iterate: ItemsPath (JSONPath, default $) or
// Items (JSONata, default the input).
func (sc *stateRun) mapItems(eff any, states map[string]any) ([]any, *failure) {
	raw := sc.st.raw
	var v any = eff
	if states != nil {
		if itv, ok := raw["Items"]; ok {
			expr, isExpr := jsonataExpr(itv)
			var f *failure
			if v, f = sc.jaTemplate(itv, states, "Items"); f != nil {
				return nil, f
			}
			if !isExpr {
				expr = toJSON(itv)
			}
			switch v.(type) {
			case []any:
			case nil, bool, float64, string, map[string]any:
				return nil, &failure{Error: ErrQueryEvaluationError, Cause: fmt.Sprintf("%s The JSONata expression '%s' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '%s' for value: %s", sc.where(), expr, jsonTypeName(v), toJSON(v))}
			default:
				return nil, &failure{Error: ErrQueryEvaluationError, Cause: fmt.Sprintf("%s The JSONata expression '%s' specified for the field 'Items' returned an unsupported result type.", sc.where(), expr)}
			}
		}
	} else if p, ok := raw["ItemsPath"].(string); ok {
		val, found, err := sc.resolve(p, eff)
		if err != nil || !found {
			return nil, sc.runtimef("Invalid path '%s' : No results for path: %s", p, p)
		}
		v = val
	}
	arr, ok := v.([]any)
	if !ok {
		if states != nil {
			return nil, &failure{Error: ErrQueryEvaluationError, Cause: fmt.Sprintf("%s The Items field must be an array, but was '%s' for value: %s", sc.where(), jsonTypeName(v), toJSON(v))}
		}
		p, _ := raw["ItemsPath"].(string)
		if p == "" {
			p = "$"
		}
		return nil, sc.runtimef("Invalid path '%s' : The ItemsPath does not reference an array: %s", p, toJSON(v))
	}
	return arr, nil
}

// fieldValue reads a Map number field from its literal, its JSONata
// expression or its *Path variant. ok is false when the field is absent.
func (sc *stateRun) fieldValue(name string, eff any, states map[string]any) (any, bool, *failure) {
	return sc.fieldValueIn(sc.st.raw, name, eff, states)
}

// fieldValueIn reads the field from raw, a part of the state's definition
// (ItemBatcher, ReaderConfig). Definitions are shared by concurrent
// executions, so they are only ever read.
func (sc *stateRun) fieldValueIn(raw map[string]any, name string, eff any, states map[string]any) (any, bool, *failure) {
	if p, ok := raw[name+"Path"].(string); ok && states == nil {
		v, found, err := sc.resolve(p, eff)
		if err != nil || !found {
			return nil, false, sc.runtimef("The %sPath field references an invalid value: %s", name, p)
		}
		if s, ok := v.(string); ok { // AWS accepts numeric strings here
			var n float64
			if _, err := fmt.Sscan(s, &n); err == nil {
				v = n
			}
		}
		return v, true, nil
	}
	v, ok := raw[name]
	if !ok {
		return nil, false, nil
	}
	if _, isExpr := jsonataExpr(v); isExpr && states != nil {
		var f *failure
		if v, f = sc.jaTemplate(v, states, name); f != nil {
			return nil, false, f
		}
	}
	return v, true, nil
}

func (sc *stateRun) intField(name string, eff any, states map[string]any) (int, *failure) {
	v, ok, f := sc.fieldValue(name, eff, states)
	if f != nil || !ok {
		return 0, f
	}
	n, isNum := v.(float64)
	if !isNum || n < 0 || n != math.Trunc(n) {
		return 0, sc.runtimef("The %s field must be a non-negative integer, but was %s", name, toJSON(v))
	}
	return int(n), nil
}

func (sc *stateRun) numField(name string, eff any, states map[string]any) (float64, *failure) {
	return sc.numFieldIn(sc.st.raw, name, eff, states)
}

func (sc *stateRun) numFieldIn(raw map[string]any, name string, eff any, states map[string]any) (float64, *failure) {
	v, ok, f := sc.fieldValueIn(raw, name, eff, states)
	if f != nil || !ok {
		return 0, f
	}
	n, isNum := v.(float64)
	if !isNum || n < 0 {
		return 0, sc.runtimef("The %s field must be a non-negative number, but was %s", name, toJSON(v))
	}
	return n, nil
}

// runIterations runs an inline Map's processor over inputs, each iteration
// a thread with its own variable scope, recording iteration events.
func (sc *stateRun) runIterations(proc *Machine, inputs []any, maxConc int, started int64) ([]any, *failure) {
	t := sc.t
	results := make([]any, len(inputs))
	if maxConc <= 0 || maxConc > inlineDefaultConcurrency {
		maxConc = inlineDefaultConcurrency
	}
	sem := make(chan struct{}, maxConc)
	// A failing iteration stops the others, as AWS does.
	ctx, cancel := context.WithCancel(t.ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first *failure
	)
	for i, in := range inputs {
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			it := &thread{ex: t.ex, ctx: ctx, vars: &scope{parent: t.vars}, prev: started}
			ev := map[string]any{"name": sc.st.Name, "index": int64(i)}
			it.emit("MapIterationStarted", "mapIterationStartedEventDetails", ev)
			out, f := it.runMachine(proc, in)
			if f != nil {
				it.emit("MapIterationFailed", "mapIterationFailedEventDetails", ev)
				mu.Lock()
				if first == nil {
					first = f
					cancel()
				}
				mu.Unlock()
				return
			}
			it.emit("MapIterationSucceeded", "mapIterationSucceededEventDetails", ev)
			results[i] = out
		}()
		if maxConc == 1 {
			wg.Wait()
		}
	}
	wg.Wait()
	return results, first
}

func (sc *stateRun) runChild(ctx context.Context, proc *Machine, in any, childType, mapRunARN string) (any, *failure) {
	parent := sc.t.ex
	name := uuid.NewString()
	kind := "execution"
	if childType == "EXPRESS" {
		kind = "express"
	}
	// Child ARNs name the parent machine and the Map state, as the map
	// run's ARN does.
	label := strings.TrimPrefix(mapRunARN[:strings.LastIndexByte(mapRunARN, ':')], fmt.Sprintf("arn:aws:states:%s:%s:mapRun:", parent.region, parent.account))
	arn := fmt.Sprintf("arn:aws:states:%s:%s:%s:%s:%s", parent.region, parent.account, kind, label, name)
	start := parent.clock.Now()
	ex := &execution{
		eng: parent.eng, clock: parent.clock, ctx: ctx, arn: arn, typ: childType,
		region: parent.region, account: parent.account, smCtx: parent.smCtx, onChild: parent.onChild,
		execCtx: map[string]any{
			"Id": arn, "Input": in, "Name": name, "RoleArn": parent.execCtx["RoleArn"],
			"StartTime": isoTime(start), "RedriveCount": 0.0,
		},
	}
	// Children see the variables visible at the Map state, as AWS passes
	// them into the child workflow.
	t := &thread{ex: ex, ctx: ctx, vars: &scope{parent: sc.t.vars}}
	t.emit("ExecutionStarted", "executionStartedEventDetails", map[string]any{
		"input": toJSON(in), "inputDetails": map[string]any{"truncated": false}, "roleArn": parent.execCtx["RoleArn"],
	})
	out, f := t.runMachine(proc, in)
	if parent.onChild != nil {
		res := Result{ExecutionARN: arn, Start: start}
		t.conclude(out, f, false, &res)
		res.Stop = parent.clock.Now()
		ex.mu.Lock()
		res.History = ex.history
		ex.mu.Unlock()
		parent.onChild(mapRunARN, res)
	}
	return out, f
}

func readerFailure(format string, args ...any) *failure {
	return &failure{Error: ErrItemReaderFailed, Cause: fmt.Sprintf(format, args...)}
}

func parseItems(body []byte, inputType string, cfg map[string]any) ([]any, *failure) {
	switch inputType {
	case "JSON", "":
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, readerFailure("The object is not valid JSON: %v", err)
		}
		arr, ok := v.([]any)
		if !ok {
			return nil, readerFailure("Attempting to map over non-iterable node.")
		}
		return arr, nil
	case "JSONL":
		var out []any
		dec := json.NewDecoder(bytes.NewReader(body))
		for dec.More() {
			var v any
			if err := dec.Decode(&v); err != nil {
				return nil, readerFailure("The object is not valid JSON Lines: %v", err)
			}
			out = append(out, v)
		}
		return out, nil
	case "CSV":
		r := csv.NewReader(bytes.NewReader(body))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		if d, ok := cfg["CSVDelimiter"].(string); ok {
			switch d {
			case "COMMA":
			case "PIPE":
				r.Comma = '|'
			case "SEMICOLON":
				r.Comma = ';'
			case "SPACE":
				r.Comma = ' '
			case "TAB":
				r.Comma = '\t'
			}
		}
		rows, err := r.ReadAll()
		if err != nil {
			return nil, readerFailure("The object is not valid CSV: %v", err)
		}
		var headers []string
		if loc, _ := cfg["CSVHeaderLocation"].(string); loc == "GIVEN" {
			hs, _ := cfg["CSVHeaders"].([]any)
			for _, h := range hs {
				s, _ := h.(string)
				headers = append(headers, s)
			}
		} else if len(rows) > 0 {
			headers, rows = rows[0], rows[1:]
		}
		seen := map[string]bool{}
		for _, h := range headers {
			if seen[h] {
				return nil, readerFailure("CSV headers cannot contain duplicates.")
			}
			seen[h] = true
		}
		out := make([]any, 0, len(rows))
		for _, row := range rows {
			m := make(map[string]any, len(headers))
			for i, h := range headers {
				if i < len(row) {
					m[h] = row[i]
				} else {
					m[h] = ""
				}
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, readerFailure("unsupported InputType %q", inputType)
}
