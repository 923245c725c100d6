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
	"sort"
	"strings"

	"github.com/imgprep/imgprep/tasks/imaging"
)

func init() {
	register("convert", "run the image steps on local files (decode, gray, resize, encode), no AWS", runConvert)
}

// convertJob is one input file and the output it will become.
type convertJob struct{ in, out string }

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
	taken := map[string]string{} // output path -> the input that claimed it
	for _, in := range inputs {
		out, info, err := convertOne(in, *outDir, w, h, mode, format, taken)
		if err != nil {
			fmt.Fprintf(stderr, "imgprep convert: %s: %v\n", in, err)
			failed = true
			continue
		}
		fmt.Fprintf(stdout, "%s -> %s (%s %dx%d)\n", in, out, info.Format, info.Width, info.Height)
	}
	if failed {
		return exitFailure
	}
	return exitOK
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
func convertOne(in, outDir string, w, h int, mode imaging.Mode, format imaging.Format, taken map[string]string) (string, imaging.Info, error) {
	f, err := os.Open(in)
	if err != nil {
		return "", imaging.Info{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", imaging.Info{}, err
	}
	lim := imaging.DefaultLimits()
	gray, info, err := imaging.DecodeGray(f, st.Size(), &imaging.DecodeOptions{Limits: lim, TargetWidth: w, TargetHeight: h})
	if err != nil {
		return "", info, err
	}
	outFormat := imaging.OutputFormat(info.Format, format)
	base := filepath.Base(in)
	out := filepath.Join(outDir, strings.TrimSuffix(base, filepath.Ext(base))+"."+string(outFormat))
	if prev, dup := taken[out]; dup {
		return "", info, fmt.Errorf("output %s would overwrite the one from %s", out, prev)
	}
	taken[out] = in

	var raw bytes.Buffer
	raw.Grow(int(imaging.RawSize(gray.Rect.Dx(), gray.Rect.Dy())))
	if err := imaging.WriteRaw(&raw, gray); err != nil {
		return "", info, err
	}
	var small *image.Gray
	if small, err = imaging.ReadRaw(&raw, lim); err != nil {
		return "", info, err
	}
	small = imaging.Resize(small, w, h, mode)

	// Write beside the target and rename, so a failed run leaves no
	// half-written output under the final name.
	tmp, err := os.CreateTemp(outDir, ".convert-*")
	if err != nil {
		return "", info, err
	}
	defer os.Remove(tmp.Name())
	if err := imaging.Encode(tmp, small, outFormat); err != nil {
		tmp.Close()
		return "", info, err
	}
	if err := tmp.Close(); err != nil {
		return "", info, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes 0600
		return "", info, err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return "", info, err
	}
	return out, info, nil
}
