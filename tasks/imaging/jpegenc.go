package imaging

import (
	"errors"
	"image"
	"io"
	"math"
	"math/bits"
)

// A baseline JPEG encoder for 8-bit gray only. image/jpeg's encoder was
// ~14% of `imgprep convert`'s CPU on the seed photos (perf, 1200x800 batch):
// it divides every coefficient by its quantiser, and emits bits through a
// byte-at-a-time writer. This one uses the floating-point AAN forward DCT
// (Arai, Agui and Nakajima 1988; the form of IJG libjpeg's jfdctflt.c), with
// the AAN scale factors and the quantiser folded into one multiplier per
// coefficient, and a 64-bit bit buffer. The tables are the standard ones
// (ITU-T T.81 Annex K: luminance quantisation scaled by quality as libjpeg
// and image/jpeg do, and the luminance Huffman tables), so the headers
// equal image/jpeg's for a gray image, and the file is the same size
// within a few percent (TestEncodeGrayJPEG).

// stdLumaQuant is T.81 Table K.1, in natural (row-major) order.
var stdLumaQuant = [64]int{
	16, 11, 10, 16, 24, 40, 51, 61,
	12, 12, 14, 19, 26, 58, 60, 55,
	14, 13, 16, 24, 40, 57, 69, 56,
	14, 17, 22, 29, 51, 87, 80, 62,
	18, 22, 37, 56, 68, 109, 103, 77,
	24, 35, 55, 64, 81, 104, 113, 92,
	49, 64, 78, 87, 103, 121, 120, 101,
	72, 92, 95, 98, 112, 100, 103, 99,
}

// T.81 Table K.3 (DC) and K.5 (AC), luminance: code counts per length 1-16,
// then the symbols in code order.
var (
	lumaDCBits = [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	lumaDCVals = []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	lumaACBits = [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125}
	lumaACVals = []byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
)

// zigzag[i] is the natural index of the i-th coefficient in zig-zag order.
var zigzag = func() (z [64]int) {
	i := 0
	for s := 0; s < 15; s++ { // anti-diagonals x+y = s, alternating direction
		for k := 0; k <= s; k++ {
			y := k
			if s%2 == 0 {
				y = s - k
			}
			x := s - y
			if x < 8 && y < 8 {
				z[i] = y*8 + x
				i++
			}
		}
	}
	return z
}()

// huffCode is a code (right-aligned) and its length, per symbol.
type huffCode struct {
	code uint32
	size uint8
}

// huffTable builds the codes of T.81 Annex C from counts and symbols.
func huffTable(counts [16]byte, vals []byte) (t [256]huffCode) {
	code, k := uint32(0), 0
	for n := 1; n <= 16; n++ {
		for i := 0; i < int(counts[n-1]); i++ {
			t[vals[k]] = huffCode{code, uint8(n)}
			code++
			k++
		}
		code <<= 1
	}
	return t
}

var (
	lumaDC = huffTable(lumaDCBits, lumaDCVals)
	lumaAC = huffTable(lumaACBits, lumaACVals)
)

// quantTable scales Table K.1 by quality as libjpeg's jpeg_quality_scaling
// (and image/jpeg) do, clamped to 1..255 for baseline.
func quantTable(quality int) (q [64]int) {
	quality = min(max(quality, 1), 100)
	scale := 200 - 2*quality
	if quality < 50 {
		scale = 5000 / quality
	}
	for i, v := range stdLumaQuant {
		q[i] = min(max((v*scale+50)/100, 1), 255)
	}
	return q
}

// aanScale[k] is cos(k*pi/16)*sqrt(2) (1 for k = 0): the AAN DCT's output
// for coefficient (u, v) is the true DCT times 8*aanScale[u]*aanScale[v].
var aanScale = [8]float32{1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.541196100, 0.275899379}

// fdct8 is the AAN forward DCT of 8 values spaced by stride in b.
func fdct8(b *[64]float32, o, stride int) {
	d0, d1, d2, d3 := b[o], b[o+stride], b[o+2*stride], b[o+3*stride]
	d4, d5, d6, d7 := b[o+4*stride], b[o+5*stride], b[o+6*stride], b[o+7*stride]
	tmp0, tmp7 := d0+d7, d0-d7
	tmp1, tmp6 := d1+d6, d1-d6
	tmp2, tmp5 := d2+d5, d2-d5
	tmp3, tmp4 := d3+d4, d3-d4
	// Even part.
	tmp10, tmp13 := tmp0+tmp3, tmp0-tmp3
	tmp11, tmp12 := tmp1+tmp2, tmp1-tmp2
	b[o] = tmp10 + tmp11
	b[o+4*stride] = tmp10 - tmp11
	z1 := (tmp12 + tmp13) * 0.707106781
	b[o+2*stride] = tmp13 + z1
	b[o+6*stride] = tmp13 - z1
	// Odd part.
	tmp10 = tmp4 + tmp5
	tmp11 = tmp5 + tmp6
	tmp12 = tmp6 + tmp7
	z5 := (tmp10 - tmp12) * 0.382683433
	z2 := 0.541196100*tmp10 + z5
	z4 := 1.306562965*tmp12 + z5
	z3 := tmp11 * 0.707106781
	z11, z13 := tmp7+z3, tmp7-z3
	b[o+5*stride] = z13 + z2
	b[o+3*stride] = z13 - z2
	b[o+stride] = z11 + z4
	b[o+7*stride] = z11 - z4
}

// bitWriter packs Huffman codes MSB first, stuffing a zero after each 0xFF
// data byte (T.81 F.1.2.3). It keeps up to 63 bits and writes 32 at a time,
// byte by byte only when one of the four is 0xFF.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

// put appends the low size bits of code; size is at most 32.
func (w *bitWriter) put(code uint32, size uint8) {
	w.acc = w.acc<<size | uint64(code)&(1<<size-1)
	w.nacc += uint(size)
	if w.nacc >= 32 {
		w.nacc -= 32
		v := uint32(w.acc >> w.nacc)
		// A byte of v is 0xFF iff that byte of ^v is zero.
		if x := ^v; (x-0x01010101)&^x&0x80808080 == 0 {
			w.out = append(w.out, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
			return
		}
		for sh := 24; sh >= 0; sh -= 8 {
			c := byte(v >> sh)
			w.out = append(w.out, c)
			if c == 0xFF {
				w.out = append(w.out, 0)
			}
		}
	}
}

// flush writes the bits left, the last byte padded with one bits.
func (w *bitWriter) flush() {
	if pad := (8 - w.nacc%8) % 8; pad > 0 {
		w.acc = w.acc<<pad | 1<<pad - 1
		w.nacc += pad
	}
	for w.nacc >= 8 {
		w.nacc -= 8
		c := byte(w.acc >> w.nacc)
		w.out = append(w.out, c)
		if c == 0xFF {
			w.out = append(w.out, 0)
		}
	}
}

// encodeGrayJPEG writes img as a baseline, one-component JPEG at quality.
// Blocks past the right and bottom edges repeat the last column and row.
func encodeGrayJPEG(w io.Writer, img *image.Gray, quality int) error {
	r := img.Bounds()
	wd, ht := r.Dx(), r.Dy()
	if wd <= 0 || ht <= 0 || wd >= 1<<16 || ht >= 1<<16 {
		return errors.New("imaging: jpeg: image size out of range for a baseline JPEG")
	}
	q := quantTable(quality)
	// mult folds the AAN output scale and the quantiser: coefficient =
	// round(aan / (8 * aanScale[u] * aanScale[v] * q)).
	var mult, multZ [64]float32 // natural and zig-zag order
	for i := range mult {
		mult[i] = 1 / (8 * aanScale[i/8] * aanScale[i%8] * float32(q[i]))
	}
	for k, n := range zigzag {
		multZ[k] = mult[n]
	}
	out := make([]byte, 0, 1024+wd*ht/4)
	out = append(out, 0xFF, 0xD8)
	out = append(out, 0xFF, 0xDB, 0, 67, 0)
	for _, n := range zigzag {
		out = append(out, byte(q[n]))
	}
	out = append(out, 0xFF, 0xC0, 0, 11, 8, byte(ht>>8), byte(ht), byte(wd>>8), byte(wd), 1, 1, 0x11, 0)
	out = append(out, 0xFF, 0xC4, 0, byte(2+1+16+len(lumaDCVals)+1+16+len(lumaACVals)), 0x00)
	out = append(append(out, lumaDCBits[:]...), lumaDCVals...)
	out = append(out, 0x10)
	out = append(append(out, lumaACBits[:]...), lumaACVals...)
	out = append(out, 0xFF, 0xDA, 0, 8, 1, 1, 0x00, 0, 63, 0)

	bw := bitWriter{out: out}
	var blk [64]float32
	prevDC := 0
	for by := 0; by < ht; by += 8 {
		for bx := 0; bx < wd; bx += 8 {
			for y := 0; y < 8; y++ {
				sy := min(by+y, ht-1)
				row := img.Pix[img.PixOffset(r.Min.X, r.Min.Y+sy):]
				row = row[:wd]
				b := blk[y*8 : y*8+8 : y*8+8]
				if bx+8 <= wd {
					p := row[bx : bx+8 : bx+8]
					for x := range b {
						b[x] = float32(int(p[x]) - 128)
					}
					continue
				}
				for x := range b {
					b[x] = float32(int(row[min(bx+x, wd-1)]) - 128)
				}
			}
			for i := 0; i < 8; i++ {
				fdct8(&blk, i*8, 1) // rows
			}
			for i := 0; i < 8; i++ {
				fdct8(&blk, i, 8) // columns
			}
			// DC: the difference from the previous block's DC.
			dc := quantize(blk[0] * mult[0])
			emitValue(&bw, &lumaDC, 0, dc-prevDC)
			prevDC = dc
			// AC: quantise all 63 in zig-zag order and note which are
			// non-zero in a bit mask, then walk the mask: no branch on
			// each coefficient's value, whose outcome is hard to predict.
			var zz [64]int
			var nz uint64
			for k := 1; k < 64; k++ {
				v := quantize(blk[zigzag[k]] * multZ[k])
				zz[k] = v
				nz |= uint64(v|-v) >> 63 << k
			}
			last := 0
			for nz != 0 {
				k := bits.TrailingZeros64(nz)
				nz &= nz - 1
				run := k - last - 1
				for ; run > 15; run -= 16 {
					bw.put(lumaAC[0xF0].code, lumaAC[0xF0].size) // ZRL: 16 zeros
				}
				emitValue(&bw, &lumaAC, run, zz[k])
				last = k
			}
			if last < 63 {
				bw.put(lumaAC[0x00].code, lumaAC[0x00].size) // EOB
			}
		}
	}
	bw.flush()
	out = append(bw.out, 0xFF, 0xD9)
	_, err := w.Write(out)
	return err
}

// quantize rounds half away from zero: it adds 0.5 with v's sign, then
// truncates. Without a branch: the signs of AC coefficients are random, and
// the branchy form was over half of the encoder's time.
func quantize(v float32) int {
	half := math.Float32frombits(math.Float32bits(v)&0x80000000 | 0x3F000000)
	return int(v + half)
}

// emitValue writes the Huffman code of (run, size category of v) and then
// v's low bits, negative values as v-1 (T.81 F.1.2.1 and F.1.2.2).
func emitValue(bw *bitWriter, t *[256]huffCode, run, v int) {
	neg := v >> 63 // -1 for a negative v, else 0; no branch on the sign
	a := (v ^ neg) - neg
	v += neg
	size := bits.Len(uint(a)) // at most 11 (DC difference) or 10 (AC)
	c := t[run<<4|size]
	bw.put(c.code<<size|uint32(v)&(1<<size-1), c.size+uint8(size)) // at most 16+11 bits
}
