package imaging

import (
	"encoding/binary"
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

// Filter is the resampling kernel of ResizeWith.
type Filter int

const (
	// Lanczos is Pillow's LANCZOS (Lanczos-3: sinc windowed by sinc over
	// [-3, 3]), the default: the benchmark's quality reference uses it, and
	// it lets JPEG shrink-on-load stop at the target size instead of twice it.
	Lanczos Filter = iota
	// Bicubic is Pillow's BICUBIC (a = -0.5, support 2), the seed handler's
	// resize((w, h)) default; bit-exact with Pillow 9.4 on gray input.
	Bicubic
)

// Resize resamples src to the box width x height according to mode with
// the Lanczos filter; see ResizeWith.
func Resize(src *image.Gray, width, height int, mode Mode) *image.Gray {
	return ResizeWith(src, width, height, mode, Lanczos)
}

// ResizeWith resamples src to the box width x height according to mode.
// When shrinking, the kernel is widened by the scale factor so every source
// pixel contributes (an antialiasing convolution, not point sampling).
// Weights are precomputed once per output column and row in Pillow's 22-bit
// fixed point, and the two passes (horizontal, then vertical, 8-bit in
// between) follow Pillow's Resample.c, so a gray input resized here equals
// Pillow's resize with the same filter, bit for bit on the fixtures of
// TestResizeMatchesPillow (for Lanczos a weight could in principle round
// differently where Go's math.Sin and libm's sin differ in the last bit).
//
// The source area is the whole image or, for an image that DecodeGray or
// ReadRaw returned from a DCT-scaled JPEG, the exact part of it that is
// picture (see Area): stretch maps that area, fill crops it, fit measures
// it. Non-positive sizes or an unknown mode panic: callers validate with
// ParseSize and ParseMode.
func ResizeWith(src *image.Gray, width, height int, mode Mode, filter Filter) *image.Gray {
	if width <= 0 || height <= 0 {
		panic(fmt.Sprintf("imaging: Resize to %dx%d", width, height))
	}
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	// box is the source area, in source pixels, that maps onto the output.
	a := Area(src)
	x0, y0, x1, y1 := a.X0, a.Y0, a.X1, a.Y1
	aw, ah := x1-x0, y1-y0
	switch mode {
	case "", Stretch:
	case Fit:
		width, height = fitSizeF(aw, ah, width, height)
	case Fill:
		// Crop the area to the box's aspect ratio around its centre.
		if aw*float64(height) > ah*float64(width) { // area wider than the box
			cw := ah * float64(width) / float64(height)
			x0 += (aw - cw) / 2
			x1 = x0 + cw
		} else {
			ch := aw * float64(height) / float64(width)
			y0 += (ah - ch) / 2
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
		hc := newCoeffs(filter, x0, x1, sw, width)
		// Only the source rows the vertical pass reads need a horizontal pass.
		rowLo, rowHi := 0, sh
		var vc *coeffs
		if needV {
			vc = newCoeffs(filter, y0, y1, sh, height)
			rowLo, rowHi = vc.span()
		}
		cur = resampleH(cur, hc, rowLo, rowHi)
		if needV {
			vc.shift(rowLo)
			return resampleV(cur, vc)
		}
		return cur
	}
	return resampleV(cur, newCoeffs(filter, y0, y1, sh, height))
}

// FitSize returns the largest size with the aspect ratio of w x h that fits
// inside bw x bh (rounded to nearest, at least 1x1).
func FitSize(w, h, bw, bh int) (int, int) {
	return fitSizeF(float64(w), float64(h), bw, bh)
}

// fitSizeF is FitSize for a fractional area (a DCT-scaled image's exact
// extent), so fit gives the size the full-resolution image would.
func fitSizeF(w, h float64, bw, bh int) (int, int) {
	if w <= 0 || h <= 0 {
		return bw, bh
	}
	if w*float64(bh) > h*float64(bw) { // wider than the box: width binds
		return bw, max(1, int(math.Round(h*float64(bw)/w)))
	}
	return max(1, int(math.Round(w*float64(bh)/h))), bh
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

// lanczos3 is Pillow's lanczos_filter, sinc(x)*sinc(x/3) on [-3, 3), with
// one sine instead of two: with s = sin(pi x/3), sin(pi x) = s(3 - 4s^2),
// so the product is 3 s^2 (3 - 4s^2) / (pi x)^2. The sines were a tenth of
// Resize's time; the weights still round to Pillow's fixed point exactly
// (TestResizeMatchesPillow, the golden tests).
func lanczos3(x float64) float64 {
	if x == 0 {
		return 1
	}
	if -3 <= x && x < 3 {
		s := math.Sin(x * (math.Pi / 3))
		px := math.Pi * x
		return 3 * s * s * (3 - 4*s*s) / (px * px)
	}
	return 0
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

// newCoeffs follows Pillow's precompute_coeffs for the filter (support 3
// for Lanczos, 2 for Bicubic) over the source interval [in0, in1) of an
// axis of inSize pixels mapped onto outSize pixels.
func newCoeffs(f Filter, in0, in1 float64, inSize, outSize int) *coeffs {
	kernel, support := lanczos3, 3.0
	if f == Bicubic {
		kernel, support = bicubic, 2.0
	}
	scale := (in1 - in0) / float64(outSize)
	filterScale := max(scale, 1)
	support *= filterScale
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
			w[x] = kernel((float64(x+xmin) - center + 0.5) * ss)
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

// resampleH resizes the rows [rowLo, rowHi) of src horizontally. A
// direct pass (each output pixel a dot product along its row) cost about
// 0.7 ns per tap here; the vertical pass, which streams whole rows with
// one weight at a time, about 0.2 ns. So the rows are taken in bands of
// hBand, each transposed, filtered with the vertical pass and transposed
// back: the same sums in the same fixed point, so still Pillow's output
// bit for bit, with w*hBand bytes of scratch. With the 8x8 transpose, one
// sine per weight and up to eight rows per sweep in vpass, Resize of the
// three seed photos' scaled decodes to 256x256 went from 1.27/1.76/1.09 ms
// to 0.77/1.04/0.66 ms (BenchmarkResizeScaled, -cpu 1).
func resampleH(src *image.Gray, c *coeffs, rowLo, rowHi int) *image.Gray {
	const hBand = 64
	w := src.Rect.Dx()
	outW := len(c.start)
	dst := image.NewGray(image.Rect(0, 0, outW, rowHi-rowLo))
	band := min(hBand, rowHi-rowLo)
	t := make([]byte, w*band)    // a band, transposed: w rows of band pixels
	u := make([]byte, outW*band) // that band filtered: outW rows
	acc := make([]int32, band)
	for y0 := rowLo; y0 < rowHi; y0 += band {
		n := min(band, rowHi-y0)
		transpose(t, n, src.Pix[y0*src.Stride:], src.Stride, w, n)
		vpass(u, n, t, n, n, c, acc)
		transpose(dst.Pix[(y0-rowLo)*dst.Stride:], dst.Stride, u, n, n, outW)
	}
	return dst
}

// resampleV resizes src vertically.
func resampleV(src *image.Gray, c *coeffs) *image.Gray {
	w := src.Rect.Dx()
	dst := image.NewGray(image.Rect(0, 0, w, len(c.start)))
	vpass(dst.Pix, dst.Stride, src.Pix, src.Stride, w, c, make([]int32, w))
	return dst
}

// vpass filters the columns of the width-wide rows of src (stride sStride)
// into len(c.start) rows of dst: it walks output rows and accumulates whole
// source rows, so memory is read in order. acc holds at least width sums.
func vpass(dst []byte, dStride int, src []byte, sStride, width int, c *coeffs, acc []int32) {
	acc = acc[:width]
	for yy := range c.start {
		for x := range acc {
			acc[x] = 1 << (precisionBits - 1)
		}
		k := c.k[yy*c.ksize : yy*c.ksize+c.n[yy]]
		y := c.start[yy]
		// Several source rows per sweep cut the loads and stores of acc:
		// 2 rows instead of 1 saved 6% of Resize on 2040x1536, 4 another
		// 10%, 8 another 4%.
		for ; len(k) >= 8; k, y = k[8:], y+8 {
			r0 := src[y*sStride:]
			r0 = r0[:width]
			r1 := src[(y+1)*sStride:]
			r1 = r1[:width]
			r2 := src[(y+2)*sStride:]
			r2 = r2[:width]
			r3 := src[(y+3)*sStride:]
			r3 = r3[:width]
			r4 := src[(y+4)*sStride:]
			r4 = r4[:width]
			r5 := src[(y+5)*sStride:]
			r5 = r5[:width]
			r6 := src[(y+6)*sStride:]
			r6 = r6[:width]
			r7 := src[(y+7)*sStride:]
			r7 = r7[:width]
			kk := k[:8:8]
			a := acc[:width]
			for x := range a {
				a[x] += int32(r0[x])*kk[0] + int32(r1[x])*kk[1] + int32(r2[x])*kk[2] + int32(r3[x])*kk[3] +
					int32(r4[x])*kk[4] + int32(r5[x])*kk[5] + int32(r6[x])*kk[6] + int32(r7[x])*kk[7]
			}
		}
		for ; len(k) >= 4; k, y = k[4:], y+4 {
			w0, w1, w2, w3 := k[0], k[1], k[2], k[3]
			r0 := src[y*sStride:]
			r0 = r0[:width]
			r1 := src[(y+1)*sStride:]
			r1 = r1[:width]
			r2 := src[(y+2)*sStride:]
			r2 = r2[:width]
			r3 := src[(y+3)*sStride:]
			r3 = r3[:width]
			a := acc[:width]
			for x := range a {
				a[x] += int32(r0[x])*w0 + int32(r1[x])*w1 + int32(r2[x])*w2 + int32(r3[x])*w3
			}
		}
		for ; len(k) >= 2; k, y = k[2:], y+2 {
			w0, w1 := k[0], k[1]
			r0 := src[y*sStride:]
			r0 = r0[:width]
			r1 := src[(y+1)*sStride:]
			r1 = r1[:width]
			a := acc[:width]
			for x := range a {
				a[x] += int32(r0[x])*w0 + int32(r1[x])*w1
			}
		}
		if len(k) == 1 {
			row := src[y*sStride:]
			row = row[:width]
			a := acc[:width]
			for x := range a {
				a[x] += int32(row[x]) * k[0]
			}
		}
		out := dst[yy*dStride:]
		out = out[:width]
		for x := range out {
			out[x] = clip8(acc[x])
		}
	}
}

// transpose writes the w x h bytes of src (h rows, stride sStride) to dst
// as h x w (w rows, stride dStride). Whole 8x8 blocks go through eight
// 64-bit words and three rounds of masked swaps (4x4, then 2x2, then 1x1
// sub-blocks), about a tenth of the cost of moving bytes one at a time.
func transpose(dst []byte, dStride int, src []byte, sStride, w, h int) {
	w8, h8 := w&^7, h&^7
	for y := 0; y < h8; y += 8 {
		for x := 0; x < w8; x += 8 {
			p := src[y*sStride+x:]
			r0 := binary.LittleEndian.Uint64(p)
			r1 := binary.LittleEndian.Uint64(p[sStride:])
			r2 := binary.LittleEndian.Uint64(p[2*sStride:])
			r3 := binary.LittleEndian.Uint64(p[3*sStride:])
			r4 := binary.LittleEndian.Uint64(p[4*sStride:])
			r5 := binary.LittleEndian.Uint64(p[5*sStride:])
			r6 := binary.LittleEndian.Uint64(p[6*sStride:])
			r7 := binary.LittleEndian.Uint64(p[7*sStride:])
			r0, r4 = swapBits(r0, r4, 32, 0x00000000FFFFFFFF)
			r1, r5 = swapBits(r1, r5, 32, 0x00000000FFFFFFFF)
			r2, r6 = swapBits(r2, r6, 32, 0x00000000FFFFFFFF)
			r3, r7 = swapBits(r3, r7, 32, 0x00000000FFFFFFFF)
			r0, r2 = swapBits(r0, r2, 16, 0x0000FFFF0000FFFF)
			r1, r3 = swapBits(r1, r3, 16, 0x0000FFFF0000FFFF)
			r4, r6 = swapBits(r4, r6, 16, 0x0000FFFF0000FFFF)
			r5, r7 = swapBits(r5, r7, 16, 0x0000FFFF0000FFFF)
			r0, r1 = swapBits(r0, r1, 8, 0x00FF00FF00FF00FF)
			r2, r3 = swapBits(r2, r3, 8, 0x00FF00FF00FF00FF)
			r4, r5 = swapBits(r4, r5, 8, 0x00FF00FF00FF00FF)
			r6, r7 = swapBits(r6, r7, 8, 0x00FF00FF00FF00FF)
			q := dst[x*dStride+y:]
			binary.LittleEndian.PutUint64(q, r0)
			binary.LittleEndian.PutUint64(q[dStride:], r1)
			binary.LittleEndian.PutUint64(q[2*dStride:], r2)
			binary.LittleEndian.PutUint64(q[3*dStride:], r3)
			binary.LittleEndian.PutUint64(q[4*dStride:], r4)
			binary.LittleEndian.PutUint64(q[5*dStride:], r5)
			binary.LittleEndian.PutUint64(q[6*dStride:], r6)
			binary.LittleEndian.PutUint64(q[7*dStride:], r7)
		}
	}
	// The ragged right and bottom edges, byte by byte.
	for y := 0; y < h; y++ {
		x0 := w8
		if y >= h8 {
			x0 = 0
		}
		row := src[y*sStride:]
		for x := x0; x < w; x++ {
			dst[x*dStride+y] = row[x]
		}
	}
}

// swapBits exchanges the bits of a selected by mask<<shift with the bits of
// b selected by mask.
func swapBits(a, b uint64, shift uint, mask uint64) (uint64, uint64) {
	t := ((a >> shift) ^ b) & mask
	return a ^ t<<shift, b ^ t
}
