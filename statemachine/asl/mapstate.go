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
	proc := st.Processor
	procCfg, _ := procRaw(raw)["ProcessorConfig"].(map[string]any)
	mode, _ := procCfg["Mode"].(string)
	distributed := mode == "DISTRIBUTED"
	childType, _ := procCfg["ExecutionType"].(string)

	var items []any
	if reader, ok := raw["ItemReader"].(map[string]any); ok {
		items, f = sc.readItems(reader, eff, states)
	} else {
		items, f = sc.mapItems(eff, states)
	}
	if f != nil {
		return nil, nil, f
	}
	maxConc, f := sc.intField("MaxConcurrency", eff, states)
	if f != nil {
		return nil, nil, f
	}
	tolCount, f := sc.numField("ToleratedFailureCount", eff, states)
	if f != nil {
		return nil, nil, f
	}
	tolPct, f := sc.numField("ToleratedFailurePercentage", eff, states)
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
	if distributed {
		if b, ok := raw["ItemBatcher"].(map[string]any); ok {
			if inputs, f = sc.batch(b, inputs, eff, states); f != nil {
				return nil, nil, f
			}
		}
	}

	t := sc.t
	started := t.emit("MapStateStarted", "mapStateStartedEventDetails", map[string]any{"length": int64(len(inputs))})
	var (
		results []any
		failed  int
		first   *failure
		errs    []*failure
	)
	if distributed {
		label := st.Name
		if l, ok := raw["Label"].(string); ok && l != "" {
			label = l
		}
		mapRunARN := fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/%s:%s", t.ex.region, t.ex.account, t.ex.smCtx["Name"], label, uuid.NewString())
		t.emit("MapRunStarted", "mapRunStartedEventDetails", map[string]any{"mapRunArn": mapRunARN})
		tolerated := func(failed int) bool {
			return failed == 0 ||
				(tolCount > 0 && float64(failed) <= tolCount) ||
				(tolPct > 0 && float64(failed)*100 <= tolPct*float64(len(inputs)))
		}
		results, errs, failed = sc.runChildren(proc, inputs, maxConc, childType, mapRunARN, tolerated)
		if !tolerated(failed) {
			mf := &failure{Error: ErrExceedToleratedFailure, Cause: "The specified tolerated failure threshold was exceeded"}
			t.emit("MapRunFailed", "mapRunFailedEventDetails", map[string]any{"error": mf.Error, "cause": mf.Cause})
			t.emit("MapStateFailed", "", nil)
			return nil, nil, mf
		}
		t.emit("MapRunSucceeded", "", nil)
		if w, ok := raw["ResultWriter"].(map[string]any); ok {
			out, f := sc.writeResults(w, mapRunARN, inputs, results, errs, eff, states)
			if f != nil {
				t.emit("MapStateFailed", "", nil)
				return nil, nil, f
			}
			t.emit("MapStateSucceeded", "", nil)
			return sc.finishResult(out, states)
		}
	} else {
		results, first = sc.runIterations(proc, inputs, maxConc, started)
		if first != nil {
			t.emit("MapStateFailed", "", nil)
			return nil, nil, first
		}
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

// runChildren runs a Distributed Map's items as child executions with
// their own histories, as AWS does.
// A failed child's slot in the results holds its error output.
// Once failures exceed the tolerance the map run stops, as on AWS.
func (sc *stateRun) runChildren(proc *Machine, inputs []any, maxConc int, childType, mapRunARN string, tolerated func(int) bool) ([]any, []*failure, int) {
	ctx, cancel := context.WithCancel(sc.t.ctx)
	defer cancel()
	if childType == "" {
		childType = "STANDARD"
	}
	if maxConc <= 0 {
		maxConc = 1000
	}
	results := make([]any, len(inputs))
	errs := make([]*failure, len(inputs))
	sem := make(chan struct{}, maxConc)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		failed int
	)
	for i, in := range inputs {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			mu.Lock()
			failed++
			errs[i] = &failure{Error: "States.Aborted", Cause: "map run stopped"}
			results[i] = errs[i].output()
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, f := sc.runChild(ctx, proc, in, childType, mapRunARN)
			mu.Lock()
			defer mu.Unlock()
			if f != nil {
				failed++
				errs[i] = f
				results[i] = f.output()
				if !tolerated(failed) {
					cancel()
				}
				return
			}
			results[i] = out
		}()
	}
	wg.Wait()
	return results, errs, failed
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

// batch groups item inputs for an ItemBatcher.
func (sc *stateRun) batch(b map[string]any, inputs []any, eff any, states map[string]any) ([]any, *failure) {
	get := func(name string) (float64, *failure) {
		return sc.numFieldIn(b, name, eff, states)
	}
	maxItems, f := get("MaxItemsPerBatch")
	if f != nil {
		return nil, f
	}
	maxBytes, f := get("MaxInputBytesPerBatch")
	if f != nil {
		return nil, f
	}
	var batchInput map[string]any
	if bi, ok := b["BatchInput"]; ok {
		var v any
		if states != nil {
			v, f = sc.jaTemplate(bi, states, "BatchInput")
		} else {
			v, f = sc.jpTemplate(bi, eff)
		}
		if f != nil {
			return nil, f
		}
		batchInput, _ = v.(map[string]any)
	}
	var out []any
	var cur []any
	size := 0
	flush := func() {
		if len(cur) == 0 {
			return
		}
		m := map[string]any{"Items": cur}
		if batchInput != nil {
			m["BatchInput"] = batchInput
		}
		out = append(out, m)
		cur, size = nil, 0
	}
	for _, in := range inputs {
		n := len(toJSON(in))
		if len(cur) > 0 && ((maxItems > 0 && float64(len(cur)) >= maxItems) || (maxBytes > 0 && float64(size+n) > maxBytes)) {
			flush()
		}
		cur = append(cur, in)
		size += n
	}
	flush()
	return out, nil
}

func readerFailure(format string, args ...any) *failure {
	return &failure{Error: ErrItemReaderFailed, Cause: fmt.Sprintf(format, args...)}
}

// readItems reads a Distributed Map's items from S3.
func (sc *stateRun) readItems(reader map[string]any, eff any, states map[string]any) ([]any, *failure) {
	ex := sc.t.ex
	res, _ := reader["Resource"].(string)
	var params map[string]any
	var f *failure
	if states != nil {
		if a, ok := reader["Arguments"]; ok {
			var v any
			if v, f = sc.jaTemplate(a, states, "ItemReader/Arguments"); f != nil {
				return nil, f
			}
			params, _ = v.(map[string]any)
		}
	} else if p, ok := reader["Parameters"]; ok {
		var v any
		if v, f = sc.jpTemplate(p, eff); f != nil {
			return nil, f
		}
		params, _ = v.(map[string]any)
	}
	cfg, _ := reader["ReaderConfig"].(map[string]any)
	maxItems := 0
	mv, hasMax, f := sc.fieldValueIn(cfg, "MaxItems", eff, states)
	if f != nil {
		return nil, f
	}
	if hasMax {
		n, ok := mv.(float64)
		if !ok || n != math.Trunc(n) {
			return nil, readerFailure("field MaxItems must be an integer")
		}
		if n < 0 {
			return nil, readerFailure("field MaxItems must be positive")
		}
		maxItems = int(math.Min(n, maxItemsLimit))
	}
	if ex.eng.S3 == nil {
		return nil, readerFailure("no S3 client is configured for the local engine")
	}
	bucket, _ := params["Bucket"].(string)
	var items []any
	switch res {
	case s3ListObjectsV2:
		prefix, _ := params["Prefix"].(string)
		token := ""
		for {
			page, err := ex.eng.S3.ListObjectsV2(sc.t.ctx, bucket, prefix, token, 1000)
			if err != nil {
				return nil, readerFailure("s3 ListObjectsV2 %s/%s: %v", bucket, prefix, err)
			}
			for _, o := range page.Objects {
				items = append(items, map[string]any{
					"Key": o.Key, "Etag": o.Etag, "LastModified": float64(o.LastModified.Unix()),
					"Size": float64(o.Size), "StorageClass": o.StorageClass,
				})
			}
			if page.NextToken == "" || (maxItems > 0 && len(items) >= maxItems) {
				break
			}
			token = page.NextToken
		}
	case s3GetObject:
		key, _ := params["Key"].(string)
		body, err := ex.eng.S3.GetObject(sc.t.ctx, bucket, key)
		if err != nil {
			return nil, readerFailure("s3 GetObject %s/%s: %v", bucket, key, err)
		}
		inputType, _ := cfg["InputType"].(string)
		if items, f = parseItems(body, inputType, cfg); f != nil {
			return nil, f
		}
	default:
		return nil, readerFailure("unsupported ItemReader resource %q", res)
	}
	if maxItems > 0 && len(items) > maxItems {
		items = items[:maxItems]
	}
	return items, nil
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

// writeResults stores a Distributed Map's results as AWS's ResultWriter
// does: a manifest plus SUCCEEDED/FAILED files under Prefix/<run id>/.
func (sc *stateRun) writeResults(w map[string]any, mapRunARN string, inputs, results []any, errs []*failure, eff any, states map[string]any) (any, *failure) {
	ex := sc.t.ex
	var params map[string]any
	var f *failure
	if states != nil {
		if a, ok := w["Arguments"]; ok {
			var v any
			if v, f = sc.jaTemplate(a, states, "ResultWriter/Arguments"); f != nil {
				return nil, f
			}
			params, _ = v.(map[string]any)
		}
	} else if p, ok := w["Parameters"]; ok {
		var v any
		if v, f = sc.jpTemplate(p, eff); f != nil {
			return nil, f
		}
		params, _ = v.(map[string]any)
	}
	if params == nil {
		return results, nil
	}
	if ex.eng.S3 == nil {
		return nil, &failure{Error: ErrResultWriterFailed, Cause: "no S3 client is configured for the local engine"}
	}
	bucket, _ := params["Bucket"].(string)
	prefix, _ := params["Prefix"].(string)
	runID := mapRunARN[strings.LastIndexByte(mapRunARN, ':')+1:]
	base := strings.TrimSuffix(prefix, "/")
	if base != "" {
		base += "/"
	}
	base += runID + "/"
	smARN, _ := ex.smCtx["Id"].(string)
	now := isoTime(ex.clock.Now())
	var succeeded, failedItems []any
	for i, r := range results {
		item := map[string]any{
			"ExecutionArn": fmt.Sprintf("%s:%d", mapRunARN, i), "Name": fmt.Sprint(i),
			"Input": toJSON(inputs[i]), "InputDetails": map[string]any{"Included": true},
			"StateMachineArn": smARN, "StartDate": now, "StopDate": now, "RedriveCount": 0.0,
		}
		if errs[i] != nil {
			item["Status"], item["Error"], item["Cause"] = "FAILED", errs[i].Error, errs[i].Cause
			failedItems = append(failedItems, item)
			continue
		}
		item["Status"], item["Output"], item["OutputDetails"] = "SUCCEEDED", toJSON(r), map[string]any{"Included": true}
		succeeded = append(succeeded, item)
	}
	ctx := context.WithoutCancel(sc.t.ctx)
	files := map[string]any{"FAILED": []any{}, "PENDING": []any{}, "SUCCEEDED": []any{}}
	for _, group := range []struct {
		status string
		items  []any
	}{{"SUCCEEDED", succeeded}, {"FAILED", failedItems}} {
		if len(group.items) == 0 {
			continue
		}
		key := base + group.status + "_0.json"
		body := []byte(toJSON(group.items))
		if err := ex.eng.S3.PutObject(ctx, bucket, key, body); err != nil {
			return nil, &failure{Error: ErrResultWriterFailed, Cause: fmt.Sprintf("s3 PutObject %s/%s: %v", bucket, key, err)}
		}
		files[group.status] = []any{map[string]any{"Key": key, "Size": float64(len(body))}}
	}
	manifest := map[string]any{"DestinationBucket": bucket, "MapRunArn": mapRunARN, "ResultFiles": files}
	if err := ex.eng.S3.PutObject(ctx, bucket, base+"manifest.json", []byte(toJSON(manifest))); err != nil {
		return nil, &failure{Error: ErrResultWriterFailed, Cause: fmt.Sprintf("s3 PutObject %s/%s: %v", bucket, base+"manifest.json", err)}
	}
	return map[string]any{
		"MapRunArn":           mapRunARN,
		"ResultWriterDetails": map[string]any{"Bucket": bucket, "Key": base + "manifest.json"},
	}, nil
}
