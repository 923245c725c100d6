package fastjpeg

// Inverse DCTs, written from the definition in T.81 A.3.3:
//
//	f(x,y) = 1/4 sum_u sum_v C(u) C(v) F(u,v) cos((2x+1)u pi/16) cos((2y+1)v pi/16)
//
// which is separable into two 1-D passes x[n] = sum_k c_k X[k] cos((2n+1)k pi/16)
// with c_0 = 1/(2 sqrt 2) and c_k = 1/2. The 8-point pass splits into an even
// half (X0, X2, X4, X6) and an odd half (X1, X3, X5, X7) using
// cos((2(7-n)+1)k pi/16) = (-1)^k cos((2n+1)k pi/16).
//
// Scaled output (1/2, 1/4): output sample n of a 1/s block sits at the centre
// of input pixels s*n .. s*n+s-1, where the 8-point basis becomes
// cos((2n+1)k pi/(16/s)). Keeping only the 8/s lowest frequencies gives an
// (8/s)-point IDCT of those coefficients with the same c_k: a low-pass filter and
// decimation in one step, without the aliasing of plain subsampling. The 1/8 case
// is the block mean, X0/8.

// kj = round(2^13 * cos(j pi/16) / 2); TestIDCTConstants checks them.
const (
	k1 = 4017
	k2 = 3784
	k3 = 3406
	k4 = 2896
	k5 = 2276
	k6 = 1567
	k7 = 799

	constBits = 13
	pass1Bits = 3 // fraction bits kept between the passes
	pass1Down = constBits - pass1Bits
	pass2Down = constBits + pass1Bits
	// bias adds the +128 level shift (T.81 A.3.1) and rounding in one constant.
	bias2 = 128<<pass2Down + 1<<(pass2Down-1)
)

// clamp8 saturates v to 0..255.
func clamp8(v int) uint8 {
	if uint(v) > 255 {
		return uint8(^(v >> 63) & 255)
	}
	return uint8(v)
}

// dcPixel is the value of every pixel of a block whose only non-zero coefficient
// is the dequantized DC term dc.
func dcPixel(dc int32) uint8 {
	return clamp8(int((dc+4)>>3) + 128)
}

// fill writes v into an n x n square of dst.
func fill(dst []byte, stride, n int, v uint8) {
	for y := 0; y < n; y++ {
		row := dst[y*stride : y*stride+n]
		for x := range row {
			row[x] = v
		}
	}
}

// zzRows[k] and zzCols[k] are how many rows and columns of the block the
// zig-zag indexes 0..k reach: when the last non-zero coefficient is early in
// zig-zag order (most blocks), whole halves of the input are zero and the
// passes drop their terms.
var zzRows, zzCols [64]uint8

func init() {
	var r, c uint8
	for k := 0; k < 64; k++ {
		r = max(r, unzig[k]/8+1)
		c = max(c, unzig[k]%8+1)
		zzRows[k], zzCols[k] = r, c
	}
}

// idct8 writes the 8x8 pixels of the dequantized block b (natural order),
// whose last non-zero coefficient in zig-zag order is at or before last.
func idct8(b *[64]int32, dst []byte, stride, last int) {
	var ws [64]int32
	halfRows := zzRows[last&63] <= 4 // rows 4-7 of b are zero
	ncols := 8
	if zzCols[last&63] <= 4 {
		ncols = 4 // columns 4-7 of b are zero, so are those of ws
	}
	const r1 = 1 << (pass1Down - 1)
	for c := 0; c < ncols; c++ {
		x0, x1, x2, x3 := int(b[c]), int(b[8+c]), int(b[16+c]), int(b[24+c])
		if halfRows {
			if x1|x2|x3 == 0 {
				v := int32((x0*k4 + r1) >> pass1Down)
				for r := 0; r < 8; r++ {
					ws[r*8+c] = v
				}
				continue
			}
			// The full pass with X4-X7 = 0.
			a, p, q := x0*k4, x2*k2, x2*k6
			e0, e1, e2, e3 := a+p, a+q, a-q, a-p
			o0 := x1*k1 + x3*k3
			o1 := x1*k3 - x3*k7
			o2 := x1*k5 - x3*k1
			o3 := x1*k7 - x3*k5
			ws[c] = int32((e0 + o0 + r1) >> pass1Down)
			ws[56+c] = int32((e0 - o0 + r1) >> pass1Down)
			ws[8+c] = int32((e1 + o1 + r1) >> pass1Down)
			ws[48+c] = int32((e1 - o1 + r1) >> pass1Down)
			ws[16+c] = int32((e2 + o2 + r1) >> pass1Down)
			ws[40+c] = int32((e2 - o2 + r1) >> pass1Down)
			ws[24+c] = int32((e3 + o3 + r1) >> pass1Down)
			ws[32+c] = int32((e3 - o3 + r1) >> pass1Down)
			continue
		}
		x4, x5, x6, x7 := int(b[32+c]), int(b[40+c]), int(b[48+c]), int(b[56+c])
		if x1|x2|x3|x4|x5|x6|x7 == 0 {
			v := int32((x0*k4 + r1) >> pass1Down)
			for r := 0; r < 8; r++ {
				ws[r*8+c] = v
			}
			continue
		}
		a, bb := (x0+x4)*k4, (x0-x4)*k4
		p, q := x2*k2+x6*k6, x2*k6-x6*k2
		e0, e1, e2, e3 := a+p, bb+q, bb-q, a-p
		o0 := x1*k1 + x3*k3 + x5*k5 + x7*k7
		o1 := x1*k3 - x3*k7 - x5*k1 - x7*k5
		o2 := x1*k5 - x3*k1 + x5*k7 + x7*k3
		o3 := x1*k7 - x3*k5 + x5*k3 - x7*k1
		ws[c] = int32((e0 + o0 + r1) >> pass1Down)
		ws[56+c] = int32((e0 - o0 + r1) >> pass1Down)
		ws[8+c] = int32((e1 + o1 + r1) >> pass1Down)
		ws[48+c] = int32((e1 - o1 + r1) >> pass1Down)
		ws[16+c] = int32((e2 + o2 + r1) >> pass1Down)
		ws[40+c] = int32((e2 - o2 + r1) >> pass1Down)
		ws[24+c] = int32((e3 + o3 + r1) >> pass1Down)
		ws[32+c] = int32((e3 - o3 + r1) >> pass1Down)
	}
	for y := 0; y < 8; y++ {
		w := ws[y*8 : y*8+8 : y*8+8]
		out := dst[y*stride : y*stride+8 : y*stride+8]
		x0, x1, x2, x3 := int(w[0]), int(w[1]), int(w[2]), int(w[3])
		if ncols == 4 {
			if x1|x2|x3 == 0 {
				v := clamp8((x0*k4 + bias2) >> pass2Down)
				for i := range out {
					out[i] = v
				}
				continue
			}
			a, p, q := x0*k4+bias2, x2*k2, x2*k6
			e0, e1, e2, e3 := a+p, a+q, a-q, a-p
			o0 := x1*k1 + x3*k3
			o1 := x1*k3 - x3*k7
			o2 := x1*k5 - x3*k1
			o3 := x1*k7 - x3*k5
			out[0] = clamp8((e0 + o0) >> pass2Down)
			out[7] = clamp8((e0 - o0) >> pass2Down)
			out[1] = clamp8((e1 + o1) >> pass2Down)
			out[6] = clamp8((e1 - o1) >> pass2Down)
			out[2] = clamp8((e2 + o2) >> pass2Down)
			out[5] = clamp8((e2 - o2) >> pass2Down)
			out[3] = clamp8((e3 + o3) >> pass2Down)
			out[4] = clamp8((e3 - o3) >> pass2Down)
			continue
		}
		x4, x5, x6, x7 := int(w[4]), int(w[5]), int(w[6]), int(w[7])
		if x1|x2|x3|x4|x5|x6|x7 == 0 {
			v := clamp8((x0*k4 + bias2) >> pass2Down)
			for i := range out {
				out[i] = v
			}
			continue
		}
		a, bb := (x0+x4)*k4+bias2, (x0-x4)*k4+bias2
		p, q := x2*k2+x6*k6, x2*k6-x6*k2
		e0, e1, e2, e3 := a+p, bb+q, bb-q, a-p
		o0 := x1*k1 + x3*k3 + x5*k5 + x7*k7
		o1 := x1*k3 - x3*k7 - x5*k1 - x7*k5
		o2 := x1*k5 - x3*k1 + x5*k7 + x7*k3
		o3 := x1*k7 - x3*k5 + x5*k3 - x7*k1
		out[0] = clamp8((e0 + o0) >> pass2Down)
		out[7] = clamp8((e0 - o0) >> pass2Down)
		out[1] = clamp8((e1 + o1) >> pass2Down)
		out[6] = clamp8((e1 - o1) >> pass2Down)
		out[2] = clamp8((e2 + o2) >> pass2Down)
		out[5] = clamp8((e2 - o2) >> pass2Down)
		out[3] = clamp8((e3 + o3) >> pass2Down)
		out[4] = clamp8((e3 - o3) >> pass2Down)
	}
}

// idct4 writes the 4x4 pixels of the 1/2-scaled block from the 16 lowest
// coefficients of b. In 4-point terms: E0,1 = c0(X0 +- X2) because
// cos(2pi/8) = cos(pi/4); O0 = X1 cos(pi/8) + X3 cos(3pi/8) and
// O1 = X1 cos(3pi/8) - X3 cos(pi/8), halved, which are k2 and k6.
func idct4(b *[64]int32, dst []byte, stride int) {
	var ws [16]int32
	for c := 0; c < 4; c++ {
		x0, x1, x2, x3 := int(b[c]), int(b[8+c]), int(b[16+c]), int(b[24+c])
		e0, e1 := (x0+x2)*k4, (x0-x2)*k4
		o0, o1 := x1*k2+x3*k6, x1*k6-x3*k2
		const r = 1 << (pass1Down - 1)
		ws[c] = int32((e0 + o0 + r) >> pass1Down)
		ws[12+c] = int32((e0 - o0 + r) >> pass1Down)
		ws[4+c] = int32((e1 + o1 + r) >> pass1Down)
		ws[8+c] = int32((e1 - o1 + r) >> pass1Down)
	}
	for y := 0; y < 4; y++ {
		w := ws[y*4 : y*4+4 : y*4+4]
		out := dst[y*stride : y*stride+4 : y*stride+4]
		x0, x1, x2, x3 := int(w[0]), int(w[1]), int(w[2]), int(w[3])
		e0, e1 := (x0+x2)*k4+bias2, (x0-x2)*k4+bias2
		o0, o1 := x1*k2+x3*k6, x1*k6-x3*k2
		out[0] = clamp8((e0 + o0) >> pass2Down)
		out[3] = clamp8((e0 - o0) >> pass2Down)
		out[1] = clamp8((e1 + o1) >> pass2Down)
		out[2] = clamp8((e1 - o1) >> pass2Down)
	}
}

// idct2 writes the 2x2 pixels of the 1/4-scaled block. With two points,
// c0 = c1 cos(pi/4) = 1/(2 sqrt 2) in each pass, so the 2-D factor is exactly 1/8.
func idct2(b *[64]int32, dst []byte, stride int) {
	x00, x01, x10, x11 := int(b[0]), int(b[1]), int(b[8]), int(b[9])
	const r = 4 + 128<<3
	dst[0] = clamp8((x00 + x01 + x10 + x11 + r) >> 3)
	dst[1] = clamp8((x00 - x01 + x10 - x11 + r) >> 3)
	dst[stride] = clamp8((x00 + x01 - x10 - x11 + r) >> 3)
	dst[stride+1] = clamp8((x00 - x01 - x10 + x11 + r) >> 3)
}
