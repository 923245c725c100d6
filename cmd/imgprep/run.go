package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/stack"
	"github.com/imgprep/imgprep/tasks"
)

func init() {
	register("run", "process images on the embedded stack and print what became of each", runCmd)
}

type input struct {
	path string // as the user named it, for the summary
	abs  string // what is read: the S3 backend changes the working directory
	key  string
	etag string
}

// runResult is one line of `run --json`.
type runResult struct {
	Input     string   `json:"input"`
	Key       string   `json:"key"`
	Status    string   `json:"status"`
	Output    string   `json:"output,omitempty"`
	Unchanged bool     `json:"unchanged,omitempty"` // an identical output was already there
	Error     string   `json:"error,omitempty"`
	Cause     string   `json:"cause,omitempty"`
	Reason    string   `json:"reason,omitempty"`
	Execution string   `json:"execution,omitempty"`
	StepsMS   stepsMS  `json:"stepsMs,omitempty"`
	TotalMS   float64  `json:"totalMs,omitempty"`
	Record    string   `json:"quarantineRecord,omitempty"`
	order     []string // step names in order, for the text summary
}

type stepsMS map[string]float64

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf stackFlags
	sf.register(fs, false)
	jsonOut := fs.Bool("json", false, "print one JSON object per input on stdout instead of the summary")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up waiting after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: imgprep run [--data DIR] [--size WxH] [--mode stretch|fit|fill] [--format png|jpeg] [--json] PATH...")
		fmt.Fprintln(stderr, "\nUploads every file under each PATH to the input bucket of the embedded stack, waits until")
		fmt.Fprintln(stderr, "each has an output or a quarantine record, and prints what became of it.")
		fmt.Fprintln(stderr, "Exit codes: 0 every input accounted for, 1 some were not (timeout), 2 bad usage, 3 the stack failed.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "imgprep run: no PATH given")
		fs.Usage()
		return exitUsage
	}
	cfg, err := sf.config()
	if err != nil {
		fmt.Fprintln(stderr, "imgprep run:", err)
		return exitUsage
	}
	inputs, err := collectInputs(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "imgprep run:", err)
		return exitUsage
	}
	if len(inputs) == 0 {
		fmt.Fprintln(stderr, "imgprep run: no files under", strings.Join(fs.Args(), ", "))
		return exitUsage
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()

	st, err := stack.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "imgprep run:", err)
		return exitInternal
	}
	defer st.Close()

	w := newWaiter(st)
	started := time.Now()
	if err := upload(ctx, st.S3Client(), st.Config().InputBucket, inputs, w); err != nil {
		fmt.Fprintln(stderr, "imgprep run:", err)
		return exitInternal
	}
	showProgress := !*jsonOut && isTerminal(stderr)
	last := -1
	results, missing := w.wait(ctx, inputs, func(done, total int) {
		if showProgress && done != last {
			fmt.Fprintf(stderr, "\r%d/%d accounted for", done, total)
			last = done
		}
	})
	if showProgress {
		fmt.Fprintln(stderr)
	}
	for i := range results {
		if results[i].Status == "processed" {
			results[i].Output = st.ObjectPath(st.Config().OutputBucket, results[i].Output)
		} else if results[i].Record != "" {
			results[i].Record = st.ObjectPath(st.Config().OutputBucket, results[i].Record)
		}
	}
	if *jsonOut {
		enc := json.NewEncoder(stdout)
		for _, r := range results {
			_ = enc.Encode(r)
		}
	} else {
		printSummary(stdout, results, time.Since(started), tasks.ParamsTag(cfg.Params))
	}
	if missing > 0 {
		fmt.Fprintf(stderr, "imgprep run: %d of %d inputs not accounted for: %v\n", missing, len(inputs), ctx.Err())
		return exitFailure
	}
	return exitOK
}

// collectInputs lists the files under each path. A directory's files are
// keyed by the directory's name and their path inside it; a file by its name.
func collectInputs(paths []string) ([]input, error) {
	var inputs []input
	seen := map[string]string{}
	add := func(path, key string) error {
		if prev, dup := seen[key]; dup {
			return fmt.Errorf("%s and %s would both be uploaded as %q", prev, path, key)
		}
		seen[key] = path
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		inputs = append(inputs, input{path: path, abs: abs, key: key})
		return nil
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			if err := add(p, filepath.Base(p)); err != nil {
				return nil, err
			}
			continue
		}
		base := filepath.Base(filepath.Clean(p))
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			// Hidden files and notes (ATTRIBUTION.md beside sample images) are not inputs.
			if d.IsDir() || !d.Type().IsRegular() || strings.HasPrefix(d.Name(), ".") || strings.HasSuffix(strings.ToLower(d.Name()), ".md") {
				return nil
			}
			rel, err := filepath.Rel(p, path)
			if err != nil {
				return err
			}
			return add(path, base+"/"+filepath.ToSlash(rel))
		})
		if err != nil {
			return nil, err
		}
	}
	return inputs, nil
}

func upload(ctx context.Context, client *s3.Client, bucket string, inputs []input, w *waiter) error {
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(inputs))
	for i := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			in := &inputs[i]
			body, err := os.ReadFile(in.abs)
			if err != nil {
				errs[i] = err
				return
			}
			out, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &in.key, Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body)))})
			if err != nil {
				errs[i] = fmt.Errorf("upload %s: %w", in.path, err)
				return
			}
			in.etag = strings.Trim(aws.ToString(out.ETag), `"`)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// waiter collects execution outcomes by key and ETag as they finish.
type waiter struct {
	mu       sync.Mutex
	outcomes map[string]stack.Outcome
	changed  chan struct{}
}

func newWaiter(st *stack.Stack) *waiter {
	w := &waiter{outcomes: map[string]stack.Outcome{}, changed: make(chan struct{}, 1)}
	st.OnExecution(func(r execstore.Record) {
		o, ok := stack.OutcomeOf(r)
		if !ok {
			return
		}
		w.mu.Lock()
		w.outcomes[o.Key+"\x00"+o.ETag] = o
		w.mu.Unlock()
		select {
		case w.changed <- struct{}{}:
		default:
		}
	})
	return w
}

func (w *waiter) wait(ctx context.Context, inputs []input, progress func(done, total int)) ([]runResult, int) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	collect := func() ([]runResult, int) {
		w.mu.Lock()
		defer w.mu.Unlock()
		results := make([]runResult, len(inputs))
		missing := 0
		for i, in := range inputs {
			o, ok := w.outcomes[in.key+"\x00"+in.etag]
			if !ok {
				missing++
				results[i] = runResult{Input: in.path, Key: in.key, Status: "pending"}
				continue
			}
			results[i] = toResult(in, o)
		}
		return results, missing
	}
	for {
		results, missing := collect()
		progress(len(inputs)-missing, len(inputs))
		if missing == 0 {
			return results, 0
		}
		select {
		case <-ctx.Done():
			return results, missing
		case <-w.changed:
		case <-tick.C:
		}
	}
}

func toResult(in input, o stack.Outcome) runResult {
	r := runResult{
		Input: in.path, Key: in.key, Status: o.Status, Error: o.Error, Cause: o.Cause, Reason: o.Reason,
		Execution: o.Execution, TotalMS: ms(o.Total), Record: o.Quarantine,
	}
	if o.Status == "processed" {
		r.Output, r.Unchanged = o.OutputKey, o.Unchanged
	}
	if len(o.Steps) > 0 {
		r.StepsMS = stepsMS{}
		for _, s := range o.Steps {
			r.StepsMS[s.Name] = ms(s.Duration)
			r.order = append(r.order, s.Name)
		}
	}
	return r
}

// isTerminal reports whether w is a terminal, where a progress line that
// rewrites itself is welcome.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func printSummary(w io.Writer, results []runResult, elapsed time.Duration, params string) {
	counts := map[string]int{}
	sorted := append([]runResult(nil), results...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Key < sorted[j].Key })
	for _, r := range sorted {
		counts[r.Status]++
		fmt.Fprintf(w, "%-10s %s\n", r.Status, r.Key)
		switch r.Status {
		case "processed":
			note := ""
			if r.Unchanged {
				note = " (already there, unchanged)"
			}
			fmt.Fprintf(w, "           -> %s%s\n", r.Output, note)
		case "pending":
			fmt.Fprintf(w, "           not finished\n")
		default:
			fmt.Fprintf(w, "           %s: %s\n", r.Error, r.Reason)
			if r.Record != "" {
				fmt.Fprintf(w, "           record: %s\n", r.Record)
			}
		}
		if len(r.order) > 0 {
			var parts []string
			for _, name := range r.order {
				parts = append(parts, fmt.Sprintf("%s %.1f", name, r.StepsMS[name]))
			}
			fmt.Fprintf(w, "           ms: %s (total %.1f)\n", strings.Join(parts, ", "), r.TotalMS)
		}
	}
	fmt.Fprintf(w, "\n%d inputs (%s): %d processed, %d rejected, %d failed", len(results), params,
		counts["processed"], counts["rejected"], counts["failed"])
	if counts["pending"] > 0 {
		fmt.Fprintf(w, ", %d not finished", counts["pending"])
	}
	fmt.Fprintf(w, " in %.1f s\n", elapsed.Seconds())
}
