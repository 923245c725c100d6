package imaging

import (
	"fmt"
	"image"
	"math"
)

// Mode says how Resize maps the source onto the requested box.
type Mode string

const (
	// Stretch scales each axis to the box, ignoring the aspect ratio: the
	// original project's resize((w, h)). The default.
	Stretch Mode = "stretch"
	// Fit keeps the aspect ratio and fits inside the box; one side is
	// smaller than the box unless the aspects agree.
	Fit Mode = "fit"
	// Fill keeps the aspect ratio, covers the box and crops the overflow
	// around the centre; the output is exactly the box.
	Fill Mode = "fill"
)

// ParseMode accepts "", "stretch", "fit" and "fill" ("" is Stretch).
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Stretch:
		return Stretch, nil
	case Fit, Fill:
		return Mode(s), nil
	}
	return "", fmt.Errorf("imaging: unknown resize mode %q (want stretch, fit or fill)", s)
}

// Resize resamples src to the box width x height according to mode, with
// Pillow's BICUBIC resampling (a = -0.5): when shrinking, the kernel is
// widened by the scale factor so every source pixel contributes (an
// antialiasing convolution, not point sampling). Weights are precomputed
// once per output column and row in Pillow's 22-bit fixed point, and the
// two passes (horizontal, then vertical, 8-bit in between) match Pillow's
// Resample.c, so a gray input resized here equals Pillow's resize bit for
// bit. Non-positive sizes or an unknown mode panic: callers validate with
// ParseSize and ParseMode.
func Resize(src *image.Gray, width, height int, mode Mode) *image.Gray {
	if width <= 0 || height <= 0 {
		panic(fmt.Sprintf("imaging: Resize to %dx%d", width, height))
	}
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	// box is the source area, in source pixels, that maps onto the output.
	x0, y0, x1, y1 := 0.0, 0.0, float64(sw), float64(sh)
	switch mode {
	case "", Stretch:
	case Fit:
		width, height = FitSize(sw, sh, width, height)
	case Fill:
		// Crop the source to the box's aspect ratio around the centre.
		if sw*height > sh*width { // source wider than the box
			cw := float64(sh) * float64(width) / float64(height)
			x0 = (float64(sw) - cw) / 2
			x1 = x0 + cw
		} else {
			ch := float64(sw) * float64(height) / float64(width)
			y0 = (float64(sh) - ch) / 2
			y1 = y0 + ch
		}
	default:
		panic(fmt.Sprintf("imaging: unknown resize mode %q", mode))
	}
	if sw == 0 || sh == 0 {
		return image.NewGray(image.Rect(0, 0, width, height))
	}
	// Work on a view anchored at (0,0).
	s := &image.Gray{Pix: src.Pix[src.PixOffset(b.Min.X, b.Min.Y):], Stride: src.Stride, Rect: image.Rect(0, 0, sw, sh)}
	needH := width != sw || x0 != 0 || x1 != float64(sw)
	needV := height != sh || y0 != 0 || y1 != float64(sh)
	if !needH && !needV {
		out := image.NewGray(image.Rect(0, 0, sw, sh))
		for y := 0; y < sh; y++ {
			copy(out.Pix[y*out.Stride:y*out.Stride+sw], s.Pix[y*s.Stride:])
		}
		return out
	}
	cur := s
	if needH {
		hc := newCoeffs(x0, x1, sw, width)
		// Only the source rows the vertical pass reads need a horizontal pass.
		rowLo, rowHi := 0, sh
		var vc *coeffs
		if needV {
			vc = newCoeffs(y0, y1, sh, height)
			rowLo, rowHi = vc.span()
		}
		cur = resampleH(cur, hc, rowLo, rowHi)
		if needV {
			vc.shift(rowLo)
			return resampleV(cur, vc)
		}
		return cur
	}
	return resampleV(cur, newCoeffs(y0, y1, sh, height))
}

// FitSize returns the largest size with the aspect ratio of w x h that fits
// inside bw x bh (rounded to nearest, at least 1x1).
func FitSize(w, h, bw, bh int) (int, int) {
	if w <= 0 || h <= 0 {
		return bw, bh
	}
	if w*bh > h*bw { // wider than the box: width binds
		return bw, max(1, int(math.Round(float64(h)*float64(bw)/float64(w))))
	}
	return max(1, int(math.Round(float64(w)*float64(bh)/float64(h)))), bh
}

const precisionBits = 32 - 8 - 2 // Pillow's PRECISION_BITS for 8-bit images

// coeffs holds, for each output pixel, the first source index and the
// fixed-point weights of the source pixels it reads.
type coeffs struct {
	start []int   // first source index per output pixel
	n     []int   // weights used per output pixel
	k     []int32 // ksize weights per output pixel
	ksize int
}

func bicubic(x float64) float64 {
	const a = -0.5
	if x < 0 {
		x = -x
	}
	if x < 1 {
		return ((a+2)*x-(a+3))*x*x + 1
	}
	if x < 2 {
		return (((x-5)*x+8)*x - 4) * a
	}
	return 0
}

// newCoeffs follows Pillow's precompute_coeffs for the BICUBIC filter
// (support 2) over the source interval [in0, in1) of an axis of inSize
// pixels mapped onto outSize pixels.
func newCoeffs(in0, in1 float64, inSize, outSize int) *coeffs {
	scale := (in1 - in0) / float64(outSize)
	filterScale := max(scale, 1)
	support := 2 * filterScale
	ksize := int(math.Ceil(support))*2 + 1
	c := &coeffs{start: make([]int, outSize), n: make([]int, outSize), k: make([]int32, outSize*ksize), ksize: ksize}
	w := make([]float64, ksize)
	ss := 1 / filterScale
	for xx := 0; xx < outSize; xx++ {
		center := in0 + (float64(xx)+0.5)*scale
		xmin := max(int(center-support+0.5), 0)
		xmax := min(int(center+support+0.5), inSize) - xmin
		xmax = min(xmax, ksize)
		total := 0.0
		for x := 0; x < xmax; x++ {
			w[x] = bicubic((float64(x+xmin) - center + 0.5) * ss)
			total += w[x]
		}
		kk := c.k[xx*ksize : xx*ksize+ksize]
		for x := 0; x < xmax; x++ {
			v := w[x]
			if total != 0 {
				v /= total
			}
			// Pillow rounds half away from zero when it converts to fixed point.
			if v < 0 {
				kk[x] = int32(-0.5 + v*(1<<precisionBits))
			} else {
				kk[x] = int32(0.5 + v*(1<<precisionBits))
			}
		}
		c.start[xx], c.n[xx] = xmin, max(xmax, 0)
	}
	return c
}

// span is the range of source indices any output pixel reads.
func (c *coeffs) span() (lo, hi int) {
	lo, hi = c.start[0], c.start[0]+c.n[0]
	for i := range c.start {
		lo = min(lo, c.start[i])
		hi = max(hi, c.start[i]+c.n[i])
	}
	return lo, hi
}

func (c *coeffs) shift(d int) {
	for i := range c.start {
		c.start[i] -= d
	}
}

func clip8(v int32) uint8 {
	v >>= precisionBits
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return uint8(v)
}

// resampleH resizes the rows [rowLo, rowHi) of src horizontally.
func resampleH(src *image.Gray, c *coeffs, rowLo, rowHi int) *image.Gray {
	outW := len(c.start)
	dst := image.NewGray(image.Rect(0, 0, outW, rowHi-rowLo))
	for y := rowLo; y < rowHi; y++ {
		row := src.Pix[y*src.Stride : y*src.Stride+src.Rect.Dx()]
		out := dst.Pix[(y-rowLo)*dst.Stride : (y-rowLo)*dst.Stride+outW]
		for xx := range out {
			k := c.k[xx*c.ksize : xx*c.ksize+c.n[xx]]
			in := row[c.start[xx] : c.start[xx]+len(k)]
			// Four independent sums let the CPU overlap the multiplies;
			// integer addition is associative, so the result is unchanged.
			s0, s1, s2, s3 := int32(1<<(precisionBits-1)), int32(0), int32(0), int32(0)
			i := 0
			for ; i+4 <= len(k); i += 4 {
				kk := k[i : i+4 : i+4]
				ii := in[i : i+4 : i+4]
				s0 += int32(ii[0]) * kk[0]
				s1 += int32(ii[1]) * kk[1]
				s2 += int32(ii[2]) * kk[2]
				s3 += int32(ii[3]) * kk[3]
			}
			for ; i < len(k); i++ {
				s0 += int32(in[i]) * k[i]
			}
			out[xx] = clip8(s0 + s1 + s2 + s3)
		}
	}
	return dst
}

// resampleV resizes src vertically; it walks output rows and accumulates
// whole source rows so memory is read in order.
func resampleV(src *image.Gray, c *coeffs) *image.Gray {
	w := src.Rect.Dx()
	outH := len(c.start)
	dst := image.NewGray(image.Rect(0, 0, w, outH))
	acc := make([]int32, w)
	for yy := 0; yy < outH; yy++ {
		for x := range acc {
			acc[x] = 1 << (precisionBits - 1)
		}
		k := c.k[yy*c.ksize : yy*c.ksize+c.n[yy]]
		for i, wt := range k {
			row := src.Pix[(c.start[yy]+i)*src.Stride:]
			row = row[:w]
			for x, p := range row {
				acc[x] += int32(p) * wt
			}
		}
		out := dst.Pix[yy*dst.Stride : yy*dst.Stride+w]
		for x := range out {
			out[x] = clip8(acc[x])
		}
	}
	return dst
}
