package main

import (
	"image"
	"math"
)

// A separable Lanczos-3 resampler, only for this probe: it shows what quality
// the DCT-scaled planes allow when the resize maps the output onto the exact
// image area (Width/scale x Height/scale, fractional), which x/image/draw's
// Scale cannot express and its Transform does slowly. The product's resize
// lives in tasks/imaging.

func lanczos3At(t float64) float64 {
	if t == 0 {
		return 1
	}
	if t <= -3 || t >= 3 {
		return 0
	}
	pt := math.Pi * t
	return 3 * math.Sin(pt) * math.Sin(pt/3) / (pt * pt)
}

// taps holds, per output pixel, the first source index and normalised weights.
type taps struct {
	first []int
	w     [][]float32
}

// newTaps maps outN output pixels onto the source interval [0, span) of a
// line of inN pixels, widening the kernel by the shrink factor (antialiasing).
func newTaps(span float64, inN, outN int) taps {
	scale := span / float64(outN)
	fs := math.Max(scale, 1)
	support := 3 * fs
	t := taps{first: make([]int, outN), w: make([][]float32, outN)}
	for o := 0; o < outN; o++ {
		c := (float64(o) + 0.5) * scale
		lo := max(int(math.Floor(c-support+0.5)), 0)
		hi := min(int(math.Floor(c+support+0.5)), inN)
		ws := make([]float32, 0, hi-lo)
		var sum float64
		for i := lo; i < hi; i++ {
			v := lanczos3At((float64(i) + 0.5 - c) / fs)
			ws = append(ws, float32(v))
			sum += v
		}
		for i := range ws {
			ws[i] /= float32(sum)
		}
		t.first[o], t.w[o] = lo, ws
	}
	return t
}

func clampRound(v float32) uint8 {
	if v <= 0 {
		return 0
	}
	if v >= 255 {
		return 255
	}
	return uint8(v + 0.5)
}

// resizeExact resamples the area [0,spanW) x [0,spanH) of src to w x h.
func resizeExact(src *image.Gray, spanW, spanH float64, w, h int) *image.Gray {
	sb := src.Bounds()
	th := newTaps(spanW, sb.Dx(), w)
	tv := newTaps(spanH, sb.Dy(), h)
	// Horizontal pass over only the rows the vertical pass reads.
	rowLo, rowHi := tv.first[0], tv.first[h-1]+len(tv.w[h-1])
	mid := make([]float32, (rowHi-rowLo)*w)
	for y := rowLo; y < rowHi; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+sb.Dx()]
		out := mid[(y-rowLo)*w : (y-rowLo+1)*w]
		for x := 0; x < w; x++ {
			var s float32
			in := row[th.first[x]:]
			for i, wt := range th.w[x] {
				s += wt * float32(in[i])
			}
			out[x] = s
		}
	}
	dst := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w]
		base := tv.first[y] - rowLo
		for x := 0; x < w; x++ {
			var s float32
			for i, wt := range tv.w[y] {
				s += wt * mid[(base+i)*w+x]
			}
			out[x] = clampRound(s)
		}
	}
	return dst
}
