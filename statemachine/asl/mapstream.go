package asl

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/google/uuid"
)

const (
	// distributedDefaultConcurrency bounds a Distributed Map whose
	// MaxConcurrency is 0. AWS then runs up to 10,000 children at once
	// (state-map-distributed.html); a local engine shares one process and
	// two or so cores, so it runs as many as an inline Map does.
	distributedDefaultConcurrency = 40
	// listPageSize is the MaxKeys of each ListObjectsV2 call: S3's maximum,
	// which is also what Step Functions asks for.
	listPageSize = 1000
	// resultFileBytes is the size at which ResultWriter closes a result
	// file and starts the next (SUCCEEDED_0.json, SUCCEEDED_1.json, ...),
	// so that records do not pile up in memory. AWS splits at 5 GB.
	resultFileBytes = 4 << 20
)

// itemSource yields a Distributed Map's items one at a time, so that a
// listing of millions of objects is never held whole.
type itemSource interface {
	// next returns the next item; ok is false once there are no more.
	next(ctx context.Context) (item any, ok bool, f *failure)
}

// sliceSource yields the items of an array already in memory (ItemsPath,
// Items, or an s3:getObject reader's parsed object). When owned, each slot
// is cleared once handed out, so a consumed item can be collected as soon
// as its child is done with it.
type sliceSource struct {
	items []any
	i     int
	owned bool
}

func (s *sliceSource) next(context.Context) (any, bool, *failure) {
	if s.i >= len(s.items) {
		return nil, false, nil
	}
	v := s.items[s.i]
	if s.owned {
		s.items[s.i] = nil
	}
	s.i++
	return v, true, nil
}

// listSource pages through ListObjectsV2 on demand: the next page is
// requested only when the Map asks for an item past the current one.
type listSource struct {
	s3             S3Client
	bucket, prefix string
	token          string
	page           []S3Object
	i              int
	last           bool // the current page is the last one
	max, n         int  // ReaderConfig.MaxItems (0: all) and items yielded
}

func (s *listSource) fetch(ctx context.Context) *failure {
	page, err := s.s3.ListObjectsV2(ctx, s.bucket, s.prefix, s.token, listPageSize)
	if err != nil {
		return readerFailure("s3 ListObjectsV2 %s/%s: %v", s.bucket, s.prefix, err)
	}
	s.page, s.i, s.token, s.last = page.Objects, 0, page.NextToken, page.NextToken == ""
	return nil
}

func (s *listSource) next(ctx context.Context) (any, bool, *failure) {
	if s.max > 0 && s.n >= s.max {
		return nil, false, nil
	}
	for s.i >= len(s.page) {
		if s.last {
			s.page = nil
			return nil, false, nil
		}
		if f := s.fetch(ctx); f != nil {
			return nil, false, f
		}
	}
	o := s.page[s.i]
	s.i++
	s.n++
	return map[string]any{
		"Key": o.Key, "Etag": o.Etag, "LastModified": float64(o.LastModified.Unix()),
		"Size": float64(o.Size), "StorageClass": o.StorageClass,
	}, true, nil
}

// openItems prepares a Distributed Map's ItemReader. A listing reads its
// first page here, so that a missing bucket fails the state before any
// child starts, as reading the whole listing up front did. known is the
// item count when it is known before the run, else -1.
func (sc *stateRun) openItems(reader map[string]any, eff any, states map[string]any) (src itemSource, known int, f *failure) {
	ex := sc.t.ex
	res, _ := reader["Resource"].(string)
	var params map[string]any
	if states != nil {
		if a, ok := reader["Arguments"]; ok {
			var v any
			if v, f = sc.jaTemplate(a, states, "ItemReader/Arguments"); f != nil {
				return nil, 0, f
			}
			params, _ = v.(map[string]any)
		}
	} else if p, ok := reader["Parameters"]; ok {
		var v any
		if v, f = sc.jpTemplate(p, eff); f != nil {
			return nil, 0, f
		}
		params, _ = v.(map[string]any)
	}
	cfg, _ := reader["ReaderConfig"].(map[string]any)
	maxItems := 0
	mv, hasMax, f := sc.fieldValueIn(cfg, "MaxItems", eff, states)
	if f != nil {
		return nil, 0, f
	}
	if hasMax {
		n, ok := mv.(float64)
		if !ok || n != math.Trunc(n) {
			return nil, 0, readerFailure("field MaxItems must be an integer")
		}
		if n < 0 {
			return nil, 0, readerFailure("field MaxItems must be positive")
		}
		maxItems = int(math.Min(n, maxItemsLimit))
	}
	if ex.eng.S3 == nil {
		return nil, 0, readerFailure("no S3 client is configured for the local engine")
	}
	bucket, _ := params["Bucket"].(string)
	switch res {
	case s3ListObjectsV2:
		prefix, _ := params["Prefix"].(string)
		ls := &listSource{s3: ex.eng.S3, bucket: bucket, prefix: prefix, max: maxItems}
		if f := ls.fetch(sc.t.ctx); f != nil {
			return nil, 0, f
		}
		return ls, -1, nil
	case s3GetObject:
		// The object is read and parsed whole: its size, not the number
		// of objects in a bucket, bounds what it costs.
		key, _ := params["Key"].(string)
		body, err := ex.eng.S3.GetObject(sc.t.ctx, bucket, key)
		if err != nil {
			return nil, 0, readerFailure("s3 GetObject %s/%s: %v", bucket, key, err)
		}
		inputType, _ := cfg["InputType"].(string)
		items, f := parseItems(body, inputType, cfg)
		if f != nil {
			return nil, 0, f
		}
		if maxItems > 0 && len(items) > maxItems {
			items = items[:maxItems]
		}
		return &sliceSource{items: items, owned: true}, len(items), nil
	}
	return nil, 0, readerFailure("unsupported ItemReader resource %q", res)
}

// batcher groups item inputs for an ItemBatcher as they arrive.
type batcher struct {
	maxItems, maxBytes float64
	batchInput         map[string]any
	cur                []any
	size               int
}

func (sc *stateRun) newBatcher(b map[string]any, eff any, states map[string]any) (*batcher, *failure) {
	maxItems, f := sc.numFieldIn(b, "MaxItemsPerBatch", eff, states)
	if f != nil {
		return nil, f
	}
	maxBytes, f := sc.numFieldIn(b, "MaxInputBytesPerBatch", eff, states)
	if f != nil {
		return nil, f
	}
	bt := &batcher{maxItems: maxItems, maxBytes: maxBytes}
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
		bt.batchInput, _ = v.(map[string]any)
	}
	return bt, nil
}

// add appends in to the current batch. It returns a batch that is ready
// to run: the previous one when in would overflow its byte limit, or the
// current one once it holds MaxItemsPerBatch items (so a full batch starts
// without waiting for the next item, and so for the next page).
func (b *batcher) add(in any) (ready any, readyLen int) {
	n := 0
	if b.maxBytes > 0 {
		n = len(toJSON(in))
		if len(b.cur) > 0 && float64(b.size+n) > b.maxBytes {
			ready, readyLen = b.flush()
		}
	}
	b.cur = append(b.cur, in)
	b.size += n
	if readyLen == 0 && b.maxItems > 0 && float64(len(b.cur)) >= b.maxItems {
		ready, readyLen = b.flush()
	}
	return ready, readyLen
}

// flush returns the current batch and its item count (0: no batch) and
// starts a new one.
func (b *batcher) flush() (any, int) {
	if len(b.cur) == 0 {
		return nil, 0
	}
	m := map[string]any{"Items": b.cur}
	if b.batchInput != nil {
		m["BatchInput"] = b.batchInput
	}
	n := len(b.cur)
	b.cur, b.size = nil, 0
	return m, n
}

// mapRun is one Distributed Map run: children in flight, the counts the
// tolerated failure threshold is judged on, and the results.
type mapRun struct {
	sc               *stateRun
	proc             *Machine
	childType, arn   string
	tolCount, tolPct float64
	ctx              context.Context
	cancel           context.CancelFunc
	wg               sync.WaitGroup
	mu               sync.Mutex
	results          []any // one per child, in start order; nil with a result sink
	sink             *resultSink
	started          int  // children started
	failedItems      int  // items of failed children
	total            int  // items: an array's length, or a listing's items read so far
	known, exceeded  bool // the item count is final; the threshold was exceeded
	sem              chan struct{}
}

// tolerated reports whether failed items are within the threshold for
// an item count of total. AWS: the run fails when failed items exceed the
// count, or exceed the percentage of the total number of items, either
// one when both are set; with neither set any failure fails it
// (maprun-fail-threshold.html).
func (r *mapRun) tolerated(failed, total int) bool {
	switch {
	case failed == 0:
		return true
	case r.tolCount == 0 && r.tolPct == 0:
		return false
	case r.tolCount > 0 && float64(failed) > r.tolCount:
		return false
	case r.tolPct > 0 && float64(failed)*100 > r.tolPct*float64(total):
		return false
	}
	return true
}

// checkLocked stops the run once it cannot end within the threshold. The
// percentage is of the total, which a listing only knows at its end; until
// then the items read so far are a lower bound of the total, so only the
// count (and "no failure tolerated") can stop a run early. AWS documents
// that children may go on running after the threshold is crossed.
func (r *mapRun) checkLocked() {
	if r.exceeded || r.failedItems == 0 {
		return
	}
	certain := r.known ||
		(r.tolCount == 0 && r.tolPct == 0) ||
		(r.tolCount > 0 && float64(r.failedItems) > r.tolCount)
	if certain && !r.tolerated(r.failedItems, r.total) {
		r.exceeded = true
		r.cancel()
	}
}

// start runs in, made of n items, as a child once fewer than MaxConcurrency
// are running. It blocks until then: that wait is what keeps the reader
// from fetching pages ahead of the children. false: the run was stopped.
func (r *mapRun) start(in any, n int) bool {
	select {
	case r.sem <- struct{}{}:
	case <-r.ctx.Done():
		return false
	}
	if r.ctx.Err() != nil {
		<-r.sem
		return false
	}
	r.mu.Lock()
	slot := r.started
	r.started++
	if r.sink == nil {
		r.results = append(r.results, nil)
	}
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer func() { <-r.sem; r.wg.Done() }()
		out, f := r.sc.runChild(r.ctx, r.proc, in, r.childType, r.arn)
		r.mu.Lock()
		defer r.mu.Unlock()
		if f != nil {
			r.failedItems += n
			r.checkLocked()
		}
		if r.sink != nil {
			r.sink.addLocked(slot, in, out, f)
			return
		}
		if f != nil {
			r.results[slot] = f.output()
		} else {
			r.results[slot] = out
		}
	}()
	return true
}

// distributedMap runs a Distributed Map: items are read, selected, batched
// and started as children one after another, never more than
// MaxConcurrency at once, so memory follows the concurrency and not the
// number of items. Only the results array (one entry per child) grows.
func (sc *stateRun) distributedMap(eff any, states map[string]any) (any, map[string]any, *failure) {
	st, raw, t := sc.st, sc.st.raw, sc.t
	procCfg, _ := procRaw(raw)["ProcessorConfig"].(map[string]any)
	childType, _ := procCfg["ExecutionType"].(string)
	if childType == "" {
		childType = "STANDARD"
	}
	var (
		src   itemSource
		known int
		f     *failure
	)
	if reader, ok := raw["ItemReader"].(map[string]any); ok {
		src, known, f = sc.openItems(reader, eff, states)
	} else {
		var items []any
		items, f = sc.mapItems(eff, states)
		src, known = &sliceSource{items: items}, len(items)
	}
	if f != nil {
		return nil, nil, f
	}
	maxConc, f := sc.intField("MaxConcurrency", eff, states)
	if f != nil {
		return nil, nil, f
	}
	if maxConc <= 0 {
		maxConc = distributedDefaultConcurrency
	}
	tolCount, f := sc.numField("ToleratedFailureCount", eff, states)
	if f != nil {
		return nil, nil, f
	}
	tolPct, f := sc.numField("ToleratedFailurePercentage", eff, states)
	if f != nil {
		return nil, nil, f
	}
	var bt *batcher
	if b, ok := raw["ItemBatcher"].(map[string]any); ok {
		if bt, f = sc.newBatcher(b, eff, states); f != nil {
			return nil, nil, f
		}
	}
	label := st.Name
	if l, ok := raw["Label"].(string); ok && l != "" {
		label = l
	}
	mapRunARN := fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/%s:%s", t.ex.region, t.ex.account, t.ex.smCtx["Name"], label, uuid.NewString())
	var sink *resultSink
	if w, ok := raw["ResultWriter"].(map[string]any); ok {
		if sink, f = sc.openResultSink(w, mapRunARN, eff, states); f != nil {
			return nil, nil, f
		}
	}
	selector, hasSel := raw["ItemSelector"]
	if !hasSel {
		selector, hasSel = raw["Parameters"]
	}

	// The length is the item count when it is known before the first
	// child starts; a listing learns it only at its last page.
	length := int64(0)
	if known >= 0 && bt == nil {
		length = int64(known)
	}
	t.emit("MapStateStarted", "mapStateStartedEventDetails", map[string]any{"length": length})
	t.emit("MapRunStarted", "mapRunStartedEventDetails", map[string]any{"mapRunArn": mapRunARN})

	ctx, cancel := context.WithCancel(t.ctx)
	defer cancel()
	r := &mapRun{
		sc: sc, proc: st.Processor, childType: childType, arn: mapRunARN,
		tolCount: tolCount, tolPct: tolPct, ctx: ctx, cancel: cancel,
		sink: sink, sem: make(chan struct{}, maxConc),
	}
	if known >= 0 {
		// An array's length is the total from the start, so a percentage
		// can stop the run as early as a count can.
		r.total, r.known = known, true
	}
	var stop *failure // an ItemReader or ItemSelector failure
	for index := 0; ; index++ {
		item, ok, rf := src.next(ctx)
		if rf != nil {
			if ctx.Err() == nil { // else the run was stopped, not the reader
				stop = rf
			}
			break
		}
		if !ok {
			r.mu.Lock()
			r.known = true // a listing's total is what it yielded
			r.checkLocked()
			r.mu.Unlock()
			if bt != nil {
				if b, n := bt.flush(); n > 0 {
					r.start(b, n)
				}
			}
			break
		}
		in := item
		if hasSel {
			// Items are selected one at a time on this goroutine, so the
			// context object's Map.Item never races.
			sc.mapItem = map[string]any{"Index": float64(index), "Value": item}
			if states != nil {
				in, f = sc.jaTemplate(selector, sc.statesVar(sc.input, nil), "ItemSelector")
			} else {
				in, f = sc.jpTemplate(selector, eff)
			}
			sc.mapItem = nil
			if f != nil {
				stop = f
				break
			}
		}
		if known < 0 {
			r.mu.Lock()
			r.total++
			r.mu.Unlock()
		}
		if bt == nil {
			if !r.start(in, 1) {
				break
			}
			continue
		}
		if b, n := bt.add(in); n > 0 && !r.start(b, n) {
			break
		}
	}
	if stop != nil {
		cancel()
	}
	r.wg.Wait()
	if stop != nil {
		t.emit("MapRunFailed", "mapRunFailedEventDetails", map[string]any{"error": stop.Error, "cause": stop.Cause})
		t.emit("MapStateFailed", "", nil)
		return nil, nil, stop
	}
	if r.exceeded || !r.tolerated(r.failedItems, r.total) {
		mf := &failure{Error: ErrExceedToleratedFailure, Cause: "The specified tolerated failure threshold was exceeded"}
		t.emit("MapRunFailed", "mapRunFailedEventDetails", map[string]any{"error": mf.Error, "cause": mf.Cause})
		t.emit("MapStateFailed", "", nil)
		return nil, nil, mf
	}
	t.emit("MapRunSucceeded", "", nil)
	if sink != nil {
		out, f := sink.finish()
		if f != nil {
			t.emit("MapStateFailed", "", nil)
			return nil, nil, f
		}
		t.emit("MapStateSucceeded", "", nil)
		return sc.finishResult(out, states)
	}
	results := r.results
	if results == nil {
		results = []any{}
	}
	t.emit("MapStateSucceeded", "", nil)
	return sc.finishResult(results, states)
}

// resultSink is a ResultWriter: it writes each child's record to S3 as the
// child ends, in files of about resultFileBytes, and the manifest at the
// end, as AWS lays them out under <Prefix>/<map run id>/.
type resultSink struct {
	s3                   S3Client
	ctx                  context.Context
	clock                Clock
	bucket, base, mapRun string
	smARN                string
	bufs                 map[string]*bytes.Buffer // open file per status
	files                map[string][]any         // written files per status
	err                  *failure
}

func (sc *stateRun) openResultSink(w map[string]any, mapRunARN string, eff any, states map[string]any) (*resultSink, *failure) {
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
		// Nothing to write to: the Map's output is the results array.
		return nil, nil
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
	return &resultSink{
		s3: ex.eng.S3, ctx: context.WithoutCancel(sc.t.ctx), clock: ex.clock,
		bucket: bucket, base: base, mapRun: mapRunARN, smARN: smARN,
		bufs:  map[string]*bytes.Buffer{},
		files: map[string][]any{"FAILED": {}, "PENDING": {}, "SUCCEEDED": {}},
	}, nil
}

// addLocked records one child's end; the caller holds the run's lock.
func (s *resultSink) addLocked(slot int, in, out any, f *failure) {
	now := isoTime(s.clock.Now())
	item := map[string]any{
		"ExecutionArn": fmt.Sprintf("%s:%d", s.mapRun, slot), "Name": fmt.Sprint(slot),
		"Input": toJSON(in), "InputDetails": map[string]any{"Included": true},
		"StateMachineArn": s.smARN, "StartDate": now, "StopDate": now, "RedriveCount": 0.0,
	}
	status := "SUCCEEDED"
	if f != nil {
		status = "FAILED"
		item["Status"], item["Error"], item["Cause"] = status, f.Error, f.Cause
	} else {
		item["Status"], item["Output"], item["OutputDetails"] = status, toJSON(out), map[string]any{"Included": true}
	}
	b := s.bufs[status]
	if b == nil {
		b = &bytes.Buffer{}
		b.WriteByte('[')
		s.bufs[status] = b
	} else {
		b.WriteByte(',')
	}
	b.WriteString(toJSON(item))
	if b.Len() >= resultFileBytes {
		s.writeFile(status)
	}
}

// writeFile writes the open file of status and closes it.
func (s *resultSink) writeFile(status string) {
	b := s.bufs[status]
	if b == nil {
		return
	}
	delete(s.bufs, status)
	if s.err != nil {
		return
	}
	b.WriteByte(']')
	key := fmt.Sprintf("%s%s_%d.json", s.base, status, len(s.files[status]))
	if err := s.s3.PutObject(s.ctx, s.bucket, key, b.Bytes()); err != nil {
		s.err = &failure{Error: ErrResultWriterFailed, Cause: fmt.Sprintf("s3 PutObject %s/%s: %v", s.bucket, key, err)}
		return
	}
	s.files[status] = append(s.files[status], map[string]any{"Key": key, "Size": float64(b.Len())})
}

// finish writes the open files and the manifest and returns the Map's
// output. Children have all ended, so no lock is needed.
func (s *resultSink) finish() (any, *failure) {
	s.writeFile("SUCCEEDED")
	s.writeFile("FAILED")
	if s.err != nil {
		return nil, s.err
	}
	manifest := map[string]any{"DestinationBucket": s.bucket, "MapRunArn": s.mapRun, "ResultFiles": s.files}
	if err := s.s3.PutObject(s.ctx, s.bucket, s.base+"manifest.json", []byte(toJSON(manifest))); err != nil {
		return nil, &failure{Error: ErrResultWriterFailed, Cause: fmt.Sprintf("s3 PutObject %s/%s: %v", s.bucket, s.base+"manifest.json", err)}
	}
	return map[string]any{
		"MapRunArn":           s.mapRun,
		"ResultWriterDetails": map[string]any{"Bucket": s.bucket, "Key": s.base + "manifest.json"},
	}, nil
}
