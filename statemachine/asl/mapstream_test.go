package asl_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

// lazyS3 is a bucket of n objects that exist only as a count: each
// ListObjectsV2 page is made on demand from the continuation token (the
// index of the page's first object), so the test's own memory does not
// grow with n. It counts the pages it served.
type lazyS3 struct {
	n     int
	pages atomic.Int64
}

func lazyKey(i int) string { return fmt.Sprintf("photos/%08d.jpg", i) }

func (s *lazyS3) ListObjectsV2(_ context.Context, bucket, prefix, token string, maxKeys int) (asl.ListPage, error) {
	if bucket != "in" {
		return asl.ListPage{}, fmt.Errorf("NoSuchBucket: %s", bucket)
	}
	s.pages.Add(1)
	from := 0
	if token != "" {
		var err error
		if from, err = strconv.Atoi(token); err != nil {
			return asl.ListPage{}, fmt.Errorf("bad token %q", token)
		}
	}
	to := min(from+maxKeys, s.n)
	page := asl.ListPage{Objects: make([]asl.S3Object, 0, to-from)}
	for i := from; i < to; i++ {
		page.Objects = append(page.Objects, asl.S3Object{
			Key: lazyKey(i), Etag: `"0123456789abcdef0123456789abcdef"`, LastModified: epoch, Size: int64(1000 + i%5000), StorageClass: "STANDARD",
		})
	}
	if to < s.n {
		page.NextToken = strconv.Itoa(to)
	}
	return page, nil
}

func (s *lazyS3) GetObject(context.Context, string, string) ([]byte, error) {
	return nil, errors.New("NoSuchKey")
}

func (s *lazyS3) PutObject(context.Context, string, string, []byte) error {
	return errors.New("read-only bucket")
}

// listMap is a Distributed Map over the lazy bucket, shaped like
// statemachine/reprocess.asl.json: a listing, an ItemBatcher with
// BatchInput, MaxConcurrencyPath, ToleratedFailurePercentagePath, Express
// children. The child is a Pass with a constant result, so each batch adds
// one small entry to the Map's output.
const listMap = `{"StartAt":"M","States":{"M":{"Type":"Map",
 "ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in","Prefix":"photos/"}},
 "ItemBatcher":{"MaxItemsPerBatchPath":"$.batch","BatchInput":{"job":"j1"}},
 "ItemSelector":{"key.$":"$$.Map.Item.Value.Key","size.$":"$$.Map.Item.Value.Size"},
 "MaxConcurrencyPath":"$.conc","ToleratedFailurePercentagePath":"$.pct",
 "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"ok":1},"End":true}}},
 "End":true}}}`

// heapRun is what one run of listMap measured.
type heapRun struct {
	peakInuse     uint64 // largest HeapInuse after a GC, sampled at child ends
	batches       int    // entries of the Map's output
	children      int
	parentEvents  int
	pages         int64
	maxChildEvent int
}

// runListMap runs listMap over n objects in batches of batch, forcing a
// GC and reading HeapInuse after every sampleEvery-th child, when
// sampleEvery > 0.
func runListMap(t testing.TB, n, batch, sampleEvery int) heapRun {
	t.Helper()
	m, err := asl.Parse([]byte(listMap))
	if err != nil {
		t.Fatal(err)
	}
	s3 := &lazyS3{n: n}
	eng := &asl.Engine{S3: s3, Clock: asltest.NewClock(epoch)}
	var (
		mu  sync.Mutex
		hr  heapRun
		ms  runtime.MemStats
		sam int
	)
	sample := func() {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		hr.peakInuse = max(hr.peakInuse, ms.HeapInuse)
	}
	if sampleEvery > 0 {
		sample()
	}
	res := eng.Execute(context.Background(), m, []byte(fmt.Sprintf(`{"batch":%d,"conc":8,"pct":0}`, batch)), asl.ExecutionOptions{
		Name: "stream",
		ChildExecution: func(_ string, child asl.Result) {
			mu.Lock()
			defer mu.Unlock()
			hr.children++
			hr.maxChildEvent = max(hr.maxChildEvent, len(child.History))
			if child.Status != asl.StatusSucceeded {
				t.Errorf("child %s: got %s %s, want SUCCEEDED", child.ExecutionARN, child.Status, child.Error)
			}
			if sampleEvery > 0 {
				if sam++; sam%sampleEvery == 0 {
					sample()
				}
			}
		},
	})
	if res.Status != asl.StatusSucceeded {
		t.Fatalf("status %s %s: %s", res.Status, res.Error, res.Cause)
	}
	var out []map[string]any
	if err := json.Unmarshal(res.Output, &out); err != nil {
		t.Fatal(err)
	}
	hr.batches = len(out)
	hr.parentEvents = len(res.History)
	hr.pages = s3.pages.Load()
	if sampleEvery > 0 {
		res = asl.Result{}
		out = nil
		sample()
	}
	return hr
}

// TestDistributedMapMemoryDoesNotGrow runs the same Distributed Map over
// 20,000 and 100,000 listed objects and compares the largest live heap
// seen at child ends. Reading the whole listing first (as the engine did)
// holds every item, about 1 KiB each, so 80,000 more objects cost tens of
// MiB; streamed, the only thing that grows is the Map's output, one small
// entry per batch of 100 (800 more here), well under the bound.
func TestDistributedMapMemoryDoesNotGrow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 120,000 items")
	}
	const batch, bound = 100, 2 << 20
	small := runListMap(t, 20000, batch, 10)
	large := runListMap(t, 100000, batch, 10)
	for _, c := range []struct {
		n  int
		hr heapRun
	}{{20000, small}, {100000, large}} {
		if want := c.n / batch; c.hr.batches != want || c.hr.children != want {
			t.Errorf("n=%d: got %d results from %d children, want %d", c.n, c.hr.batches, c.hr.children, want)
		}
		if want := int64(c.n / 1000); c.hr.pages != want {
			t.Errorf("n=%d: got %d ListObjectsV2 pages, want %d", c.n, c.hr.pages, want)
		}
	}
	if small.parentEvents != large.parentEvents {
		t.Errorf("parent history: got %d events for 20,000 objects and %d for 100,000, want the same", small.parentEvents, large.parentEvents)
	}
	t.Logf("peak HeapInuse after GC: n=20000 %d B, n=100000 %d B, difference %d B (bound %d B)",
		small.peakInuse, large.peakInuse, int64(large.peakInuse)-int64(small.peakInuse), bound)
	if large.peakInuse > small.peakInuse+bound {
		t.Errorf("peak heap grew by %d B from 20,000 to 100,000 objects, want under %d B", large.peakInuse-small.peakInuse, bound)
	}
}

// TestDistributedMapBackPressure checks that no more than MaxConcurrency
// children run at once and that the listing is read no further ahead than
// the page the next child needs.
func TestDistributedMapBackPressure(t *testing.T) {
	const n, conc = 5000, 4
	s3 := &lazyS3{n: n}
	var running, peak, started atomic.Int64
	var mu sync.Mutex
	inv := invokerFunc(func(_ context.Context, _ string, payload []byte) ([]byte, error) {
		r := running.Add(1)
		defer running.Add(-1)
		k := started.Add(1)
		mu.Lock()
		peak.Store(max(peak.Load(), r))
		mu.Unlock()
		// k children have been invoked, so at most k+conc items were read:
		// the pages holding them are all that may have been listed.
		if pages, want := s3.pages.Load(), (k+conc)/1000+1; pages > want {
			t.Errorf("child %d started with %d pages listed, want at most %d", k, pages, want)
		}
		time.Sleep(50 * time.Microsecond)
		return payload, nil
	})
	eng := &asl.Engine{S3: s3, Lambda: inv, Clock: asltest.NewClock(epoch)}
	def := distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in"}},`,
		fmt.Sprintf(`"MaxConcurrency":%d,"ResultSelector":{"n.$":"States.ArrayLength($)"},`, conc), `{"Type":"Task","Resource":"`+fnARN+`","End":true}`)
	wantOutput(t, run(t, eng, def, `{}`), fmt.Sprintf(`{"n":%d}`, n))
	if p := peak.Load(); p > conc || p < 2 {
		t.Errorf("concurrent children: got a peak of %d, want between 2 and %d", p, conc)
	}
}

// TestDistributedMapStreamedThreshold checks the tolerated failure
// threshold over a listing whose total is known only at its end: a
// percentage is judged on the total (the first 100 of 3,000 items failing
// is 3.3%), and a count stops the run early.
func TestDistributedMapStreamedThreshold(t *testing.T) {
	const n = 3000
	tests := []struct {
		name, tolerance string
		failing         int
		wantErr         string
		wantRun         string // "all" children, "fewer", or "" (either)
	}{
		{"percentage of the total, not of the items read so far", `"ToleratedFailurePercentage":5,`, 100, "", "all"},
		{"percentage exceeded", `"ToleratedFailurePercentage":5,`, 400, "States.ExceedToleratedFailureThreshold", ""},
		{"count exceeded stops the run early", `"ToleratedFailureCount":10,`, 100, "States.ExceedToleratedFailureThreshold", "fewer"},
		{"count within", `"ToleratedFailureCount":100,`, 100, "", "all"},
		{"both set: exceeding either fails", `"ToleratedFailureCount":50,"ToleratedFailurePercentage":50,`, 100, "States.ExceedToleratedFailureThreshold", "fewer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			inv := invokerFunc(func(_ context.Context, _ string, payload []byte) ([]byte, error) {
				calls.Add(1)
				var item struct{ Key string }
				if err := json.Unmarshal(payload, &item); err != nil {
					return nil, err
				}
				var i int
				if _, err := fmt.Sscanf(item.Key, "photos/%d.jpg", &i); err != nil {
					return nil, err
				}
				if i < tc.failing {
					return nil, &asl.LambdaFunctionError{ErrorType: "CorruptImageError", ErrorMessage: "bad"}
				}
				return []byte(`1`), nil
			})
			eng := &asl.Engine{S3: &lazyS3{n: n}, Lambda: inv, Clock: asltest.NewClock(epoch)}
			def := distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in"}},`,
				`"MaxConcurrency":4,`+tc.tolerance+`"ResultSelector":{"n.$":"States.ArrayLength($)"},`, `{"Type":"Task","Resource":"`+fnARN+`","End":true}`)
			res := run(t, eng, def, `{}`)
			if tc.wantErr == "" {
				wantOutput(t, res, fmt.Sprintf(`{"n":%d}`, n))
			} else {
				wantError(t, res, tc.wantErr)
			}
			if got := calls.Load(); (tc.wantRun == "all" && got != n) || (tc.wantRun == "fewer" && got >= n) {
				t.Errorf("children run: got %d of %d, want %s", got, n, tc.wantRun)
			}
		})
	}
}

// TestDistributedMapListingFailsMidway: a listing page that fails after
// children have started fails the state with States.ItemReaderFailed.
func TestDistributedMapListingFailsMidway(t *testing.T) {
	eng := &asl.Engine{S3: &brokenPages{lazyS3: lazyS3{n: 2500}, failAt: 2}, Clock: asltest.NewClock(epoch)}
	def := distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in"}},`, `"ToleratedFailurePercentage":100,`, "")
	wantError(t, run(t, eng, def, `{}`), "States.ItemReaderFailed")
}

// brokenPages serves pages until the failAt-th call, which fails.
type brokenPages struct {
	lazyS3
	failAt int64
}

func (b *brokenPages) ListObjectsV2(ctx context.Context, bucket, prefix, token string, maxKeys int) (asl.ListPage, error) {
	if b.pages.Load()+1 == b.failAt {
		b.pages.Add(1)
		return asl.ListPage{}, errors.New("InternalError")
	}
	return b.lazyS3.ListObjectsV2(ctx, bucket, prefix, token, maxKeys)
}

// TestDistributedMapListingMaxItems: ReaderConfig.MaxItems stops the
// listing, and no page past the one holding the last item is read.
func TestDistributedMapListingMaxItems(t *testing.T) {
	s3 := &lazyS3{n: 5000}
	eng := &asl.Engine{S3: s3, Clock: asltest.NewClock(epoch)}
	def := distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","ReaderConfig":{"MaxItems":1500},"Parameters":{"Bucket":"in"}},`,
		`"ResultSelector":{"n.$":"States.ArrayLength($)"},`, "")
	wantOutput(t, run(t, eng, def, `{}`), `{"n":1500}`)
	if got := s3.pages.Load(); got != 2 {
		t.Errorf("pages listed: got %d, want 2", got)
	}
}

// BenchmarkDistributedMap reports items per second through a Distributed
// Map over a 10,000-object listing with Pass children, one item per child
// and in batches of 100. Run:
// go test -run ^$ -bench DistributedMap -benchmem ./statemachine/asl
func BenchmarkDistributedMap(b *testing.B) {
	const n = 10000
	for _, batch := range []int{1, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				runListMap(b, n, batch, 0)
			}
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "items/s")
		})
	}
}

// listedBucket lists the lazy bucket and keeps what is written, for
// ResultWriter.
type listedBucket struct {
	*lazyS3
	out *asltest.S3
}

func (b listedBucket) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	return b.out.PutObject(ctx, bucket, key, body)
}

// TestDistributedMapResultWriterFiles: ResultWriter writes records as
// children end, starting a new SUCCEEDED_<n>.json at about 4 MiB, and the
// manifest lists every file; together they hold each child once.
func TestDistributedMapResultWriterFiles(t *testing.T) {
	const n = 12000
	out := &asltest.S3{Now: func() time.Time { return epoch }}
	out.Put("out", "keep", nil)
	eng := &asl.Engine{S3: listedBucket{&lazyS3{n: n}, out}, Clock: asltest.NewClock(epoch)}
	def := distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in"}},`,
		`"MaxConcurrency":8,"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"runs"}},`, "")
	res := run(t, eng, def, `{}`)
	if res.Status != asl.StatusSucceeded {
		t.Fatalf("status %s %s: %s", res.Status, res.Error, res.Cause)
	}
	var details struct{ ResultWriterDetails struct{ Key string } }
	_ = json.Unmarshal(res.Output, &details)
	body, ok := out.Get("out", details.ResultWriterDetails.Key)
	if !ok {
		t.Fatalf("manifest %q not written", details.ResultWriterDetails.Key)
	}
	var manifest struct {
		ResultFiles map[string][]struct{ Key string }
	}
	if err := json.Unmarshal(body, &manifest); err != nil {
		t.Fatal(err)
	}
	files := manifest.ResultFiles["SUCCEEDED"]
	if len(files) < 2 {
		t.Errorf("SUCCEEDED files: got %d, want at least 2 for %d records", len(files), n)
	}
	names := map[string]bool{}
	for i, f := range files {
		if want := fmt.Sprintf("/SUCCEEDED_%d.json", i); len(f.Key) < len(want) || f.Key[len(f.Key)-len(want):] != want {
			t.Errorf("file %d: got %s, want a key ending %s", i, f.Key, want)
		}
		b, _ := out.Get("out", f.Key)
		var recs []struct{ Name, Status string }
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("%s: %v", f.Key, err)
		}
		for _, r := range recs {
			names[r.Name] = true
		}
	}
	if len(names) != n {
		t.Errorf("records: got %d distinct children, want %d", len(names), n)
	}
}

// TestDistributedMapBatchBytes: MaxInputBytesPerBatch closes a batch before
// an item that would take it over the limit, while items are streamed.
func TestDistributedMapBatchBytes(t *testing.T) {
	eng := &asl.Engine{S3: &lazyS3{n: 10}, Clock: asltest.NewClock(epoch)}
	// Each selected item is {"k":"photos/0000000i.jpg"}: 27 bytes, so three
	// fit in 81 and a fourth does not.
	def := distributedMap(`"ItemReader":{"Resource":"arn:aws:states:::s3:listObjectsV2","Parameters":{"Bucket":"in"}},`,
		`"ItemSelector":{"k.$":"$$.Map.Item.Value.Key"},"ItemBatcher":{"MaxInputBytesPerBatch":81},`,
		`{"Type":"Pass","Parameters":{"n.$":"States.ArrayLength($.Items)"},"End":true}`)
	res := run(t, eng, def, `{}`)
	wantOutput(t, res, `[{"n":3},{"n":3},{"n":3},{"n":1}]`)
}
