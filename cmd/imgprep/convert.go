package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/imgprep/imgprep/tasks/imaging"
)

func init() {
	register("convert", "run the image steps on local files (decode, gray, resize, encode), no AWS", runConvert)
}

func runConvert(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sizeFlag := fs.String("size", "256x256", "output box `WxH`")
	modeFlag := fs.String("mode", "stretch", "resize `mode`: stretch (as the original project), fit (inside the box) or fill (cover, centre crop)")
	formatFlag := fs.String("format", "", "output `format`, jpeg or png (default: the input's when it is one of those, else png)")
	outDir := fs.String("o", "", "output `directory` (created if missing)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: imgprep convert [--size WxH] [--mode M] [--format jpeg|png] -o OUTDIR INPUT...")
		fmt.Fprintln(stderr, "\nRuns the pipeline's image steps in one process: DecodeGray (shrink-on-load to the")
		fmt.Fprintln(stderr, "target), the raw intermediate, Resize, Encode. INPUT is a file or a directory (its")
		fmt.Fprintln(stderr, "files, not recursive; hidden and *.md files skipped). Writes OUTDIR/<name>.<format>.")
		fmt.Fprintln(stderr, "A bad input gets one line on stderr; the rest still run; exit 1 if any failed.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "imgprep convert: "+format+"\n", a...)
		fs.Usage()
		return exitUsage
	}
	w, h, err := imaging.ParseSize(*sizeFlag)
	if err != nil {
		return usageErr("%v", err)
	}
	mode, err := imaging.ParseMode(*modeFlag)
	if err != nil {
		return usageErr("%v", err)
	}
	var format imaging.Format
	if *formatFlag != "" {
		if format, err = imaging.ParseFormat(*formatFlag); err != nil {
			return usageErr("--format %q: want jpeg or png", *formatFlag)
		}
	}
	if *outDir == "" {
		return usageErr("-o OUTDIR is required")
	}
	if fs.NArg() == 0 {
		return usageErr("no INPUT given")
	}
	inputs, failed := listInputs(fs.Args(), stderr)
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		fmt.Fprintf(stderr, "imgprep convert: %v\n", err)
		return exitFailure
	}
	jobs := planOutputs(inputs, *outDir, format)
	// Decode and resize on every core; report in input order.
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range jobs {
		j := &jobs[i]
		j.done = make(chan struct{})
		if j.err != nil {
			close(j.done)
			continue
		}
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; close(j.done) }()
			j.info, j.err = convertOne(j.in, j.out, j.format, w, h, mode)
		}()
	}
	for i := range jobs {
		j := &jobs[i]
		<-j.done
		if j.err != nil {
			fmt.Fprintf(stderr, "imgprep convert: %s: %v\n", j.in, j.err)
			failed = true
			continue
		}
		fmt.Fprintf(stdout, "%s -> %s (%s %dx%d)\n", j.in, j.out, j.info.Format, j.info.Width, j.info.Height)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// convertJob is one input, the output it becomes, and how it went.
type convertJob struct {
	in, out string
	format  imaging.Format
	info    imaging.Info
	err     error
	done    chan struct{}
}

// planOutputs names each output before any work starts, from the input's
// magic bytes, so two inputs that would write the same file are caught
// deterministically (the second one fails) whatever order workers finish in.
func planOutputs(inputs []string, outDir string, requested imaging.Format) []convertJob {
	jobs := make([]convertJob, len(inputs))
	taken := map[string]string{} // output path -> the input that claimed it
	for i, in := range inputs {
		j := &jobs[i]
		j.in = in
		head, err := readHead(in)
		if err != nil {
			j.err = err
			continue
		}
		f, err := imaging.Sniff(head)
		if err != nil {
			j.err = err // DecodeGray would say the same
			continue
		}
		j.format = imaging.OutputFormat(f, requested)
		base := filepath.Base(in)
		j.out = filepath.Join(outDir, strings.TrimSuffix(base, filepath.Ext(base))+"."+string(j.format))
		if prev, dup := taken[j.out]; dup {
			j.err = fmt.Errorf("output %s would overwrite the one from %s", j.out, prev)
			continue
		}
		taken[j.out] = in
	}
	return jobs
}

func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, imaging.SniffLen)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return head[:n], nil
}

// listInputs expands directories into their files, sorted, skipping hidden
// and *.md files (the READMEs and attributions that sit beside test images).
func listInputs(args []string, stderr io.Writer) (files []string, failed bool) {
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			fmt.Fprintf(stderr, "imgprep convert: %v\n", err)
			failed = true
			continue
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			fmt.Fprintf(stderr, "imgprep convert: %v\n", err)
			failed = true
			continue
		}
		var names []string
		for _, e := range ents {
			n := e.Name()
			if !e.Type().IsRegular() || strings.HasPrefix(n, ".") || strings.EqualFold(filepath.Ext(n), ".md") {
				continue
			}
			names = append(names, filepath.Join(a, n))
		}
		sort.Strings(names)
		files = append(files, names...)
	}
	return files, failed
}

// convertOne chains the steps as the state machine does: Grayscale's
// DecodeGray and WriteRaw, then Resize's ReadRaw, Resize and Encode; the
// intermediate stays in memory instead of a scratch bucket.
func convertOne(in, out string, outFormat imaging.Format, w, h int, mode imaging.Mode) (imaging.Info, error) {
	f, err := os.Open(in)
	if err != nil {
		return imaging.Info{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return imaging.Info{}, err
	}
	lim := imaging.DefaultLimits()
	gray, info, err := imaging.DecodeGray(f, st.Size(), &imaging.DecodeOptions{Limits: lim, TargetWidth: w, TargetHeight: h})
	if err != nil {
		return info, err
	}
	var raw bytes.Buffer
	raw.Grow(int(imaging.RawSize(gray.Rect.Dx(), gray.Rect.Dy())))
	if err := imaging.WriteRaw(&raw, gray); err != nil {
		return info, err
	}
	var small *image.Gray
	if small, err = imaging.ReadRaw(&raw, lim); err != nil {
		return info, err
	}
	small = imaging.Resize(small, w, h, mode)

	// Write beside the target and rename, so a failed run leaves no
	// half-written output under the final name.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".convert-*")
	if err != nil {
		return info, err
	}
	defer os.Remove(tmp.Name())
	if err := imaging.Encode(tmp, small, outFormat); err != nil {
		tmp.Close()
		return info, err
	}
	if err := tmp.Close(); err != nil {
		return info, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes 0600
		return info, err
	}
	return info, os.Rename(tmp.Name(), out)
}
