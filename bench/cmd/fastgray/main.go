// Command fastgray is the benchmark's probe of the decoder alone: every JPEG of
// a directory -> fastjpeg.DecodeGray at the smallest DCT scale that keeps at
// least -min pixels on each side -> Lanczos-3 (or x/image/draw CatmullRom) to 256x256 ->
// JPEG q75 (or PNG with -png). It is not the product (imgprep convert is); it
// separates the decoder's share of the time from the rest of the pipeline.
//
//	fastgray [-png] [-min 256] [-kernel lanczos3|catmullrom] INDIR OUTDIR
package main

import (
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/image/draw"

	"github.com/imgprep/imgprep/tasks/imaging/fastjpeg"
)

func main() {
	asPNG := flag.Bool("png", false, "write lossless PNG (for the quality check)")
	minSide := flag.Int("min", 256, "smallest decoded side before resizing (picks the DCT scale)")
	kernel := flag.String("kernel", "lanczos3", "resize: lanczos3 (separable, exact image area) or catmullrom (x/image/draw Scale onto the whole decoded rectangle)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: fastgray [-png] [-min N] INDIR OUTDIR")
		os.Exit(2)
	}
	in, out := flag.Arg(0), flag.Arg(1)
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ents, err := os.ReadDir(in)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	failed := 0
	for _, n := range names {
		if err := one(filepath.Join(in, n), out, n, *minSide, *kernel, *asPNG); err != nil {
			failed++
			fmt.Fprintf(os.Stderr, "FAIL %s: %v\n", n, err)
		}
	}
	if failed > 0 {
		os.Exit(1)
	}
}

func one(path, outDir, name string, minSide int, kernel string, asPNG bool) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	cfg, err := fastjpeg.DecodeConfig(data)
	if err != nil {
		return err
	}
	scale := 8
	for scale > 1 && ((cfg.Width+scale-1)/scale < minSide || (cfg.Height+scale-1)/scale < minSide) {
		scale /= 2
	}
	g, err := fastjpeg.DecodeGray(data, scale)
	if err != nil {
		return err
	}
	var dst *image.Gray
	if kernel == "catmullrom" {
		dst = image.NewGray(image.Rect(0, 0, 256, 256))
		draw.CatmullRom.Scale(dst, dst.Rect, g, g.Rect, draw.Src, nil)
	} else {
		// The 1/scale decode covers Width/scale x Height/scale of real image,
		// ceil'd to whole pixels: with an odd side the last pixel is half
		// image, and stretching it onto the box costs up to 7 dB.
		dst = resizeExact(g, float64(cfg.Width)/float64(scale), float64(cfg.Height)/float64(scale), 256, 256)
	}
	stem := strings.TrimSuffix(name, filepath.Ext(name))
	if asPNG {
		f, err := os.Create(filepath.Join(outDir, stem+".png"))
		if err != nil {
			return err
		}
		defer f.Close()
		return png.Encode(f, dst)
	}
	f, err := os.Create(filepath.Join(outDir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	return jpeg.Encode(f, dst, &jpeg.Options{Quality: 75})
}
