package fastjpeg

// unzig maps a zig-zag index (T.81 Figure A.6) to the natural (row-major)
// index of the 8x8 block; 16 spare entries absorb a run past 63 without a
// bounds check failing (such a block is reported as corrupt).
var unzig = [80]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}

var errBadCode error = FormatError("corrupt scan data: invalid Huffman code")
var errBadRun error = FormatError("corrupt scan data: coefficient index past 63")

// decodeBlock decodes one sequential block (T.81 F.2.2) into d.blk, dequantized
// and in natural order, and returns the last zig-zag index it set (0 when
// only DC is present). With store false it only advances the bit stream and the
// DC predictor, for components (or frequencies) that are not needed.
// The bit buffer lives in locals: the compiler keeps them in registers.
func (d *decoder) decodeBlock(dcT, acT *huffTable, pred *int32, q *[64]int32, store bool) int {
	br := &d.br
	acc, n := br.acc, br.n
	if n < 32 {
		br.acc, br.n = acc, n
		br.fill()
		acc, n = br.acc, br.n
	}
	if f := dcT.fast[acc>>(64-lutBits)]; f&0x80 == 0 {
		// Small difference: code and magnitude in one entry.
		l := uint(f & 0x1F)
		acc <<= l
		n -= l
		*pred += f >> 16
	} else {
		var s uint
		if l := uint(f & 0x1F); l != 0 {
			s = uint(f>>8) & 0xFF
			acc <<= l
			n -= l
		} else {
			sym, l := dcT.slow(acc)
			if l == 0 {
				d.err = errBadCode
				l = 16
			}
			s = uint(sym)
			acc <<= l
			n -= l
		}
		if s != 0 {
			if s > 15 {
				d.err = FormatError("corrupt scan data: DC magnitude too large")
				s = 15
			}
			if n < 32 {
				br.acc, br.n = acc, n
				br.fill()
				acc, n = br.acc, br.n
			}
			v := int32(acc >> (64 - s))
			acc <<= s
			n -= s
			if v < 1<<(s-1) {
				v -= 1<<s - 1
			}
			*pred += v
		}
	}
	blk := &d.blk
	blk[0] = *pred * q[0]
	last := 0
	for k := 1; k < 64; {
		if n < 32 {
			br.acc, br.n = acc, n
			br.fill()
			acc, n = br.acc, br.n
		}
		idx := acc >> (64 - lutBits)
		if e := acT.pair[idx]; e != 0 {
			k += int(e>>8) & 15
			if k > 63 {
				d.err = errBadRun
				break
			}
			if store {
				blk[unzig[k]&63] = int32(int16(e>>16)) * q[k&63]
				last = k
			}
			k++
			if k == 64 {
				// The block is full: the next code belongs to the next block.
				l := uint(e>>56) & 31
				acc <<= l
				n -= l
				continue
			}
			// Without branching on one or two coefficients (unpredictable):
			// a single entry has total bits = its own, run2 = 0 and
			// value2 = 0, so it writes a zero where a zero already is.
			l := uint(e & 31)
			acc <<= l
			n -= l
			two := int(e>>5) & 1
			k += int(e>>12) & 15
			if k > 63 {
				d.err = errBadRun
				break
			}
			if store {
				blk[unzig[k]&63] = int32(int16(e>>32)) * q[k&63]
				last |= k * two
			}
			k += two
			continue
		}
		f := acT.fast[idx]
		var rs uint
		if l := uint(f & 0x1F); l != 0 {
			rs = uint(f>>8) & 0xFF
			acc <<= l
			n -= l
		} else {
			sym, l := acT.slow(acc)
			if l == 0 {
				d.err = errBadCode
				break
			}
			rs = uint(sym)
			acc <<= l
			n -= l
		}
		r, s := int(rs>>4), rs&15
		if s == 0 {
			if r != 15 {
				break // end of block
			}
			k += 16
			continue
		}
		k += r
		if k > 63 {
			d.err = errBadRun
			break
		}
		v := int32(acc >> (64 - s))
		acc <<= s
		n -= s
		if v < 1<<(s-1) {
			v -= 1<<s - 1
		}
		if store {
			blk[unzig[k]&63] = v * q[k&63]
			last = k
		}
		k++
	}
	br.acc, br.n = acc, n
	return last
}

// putBlock writes d.blk (whose last zig-zag index is last) as pixels of c at
// block (col, row), at the decoder's scale, and clears d.blk.
func (d *decoder) putBlock(c *component, col, row, last int) {
	dst := d.blockPlane(c, col, row)
	blk := &d.blk
	if last == 0 {
		fill(dst, c.stride, d.bs, dcPixel(blk[0]))
		blk[0] = 0
		return
	}
	switch d.bs {
	case 8:
		idct8(blk, dst, c.stride, last)
	case 4:
		idct4(blk, dst, c.stride)
	case 2:
		idct2(blk, dst, c.stride)
	}
	*blk = [64]int32{}
}

func (d *decoder) scanBaseline(sc *scanHeader) error {
	br := &d.br
	mx, my := d.mcusX, d.mcusY
	if sc.ns == 1 {
		c := &d.comps[sc.comp[0]]
		mx, my = c.cbw, c.cbh
	}
	var preds [4]int32
	left, rst := d.ri, 0
	for y := 0; y < my; y++ {
		for x := 0; x < mx; x++ {
			if d.ri > 0 {
				if left == 0 {
					if err := br.restart(rst); err != nil {
						return err
					}
					rst++
					preds = [4]int32{}
					left = d.ri
				}
				left--
			}
			for i := 0; i < sc.ns; i++ {
				c := &d.comps[sc.comp[i]]
				dcT, acT := &d.dc[sc.td[i]], &d.ac[sc.ta[i]]
				q := &d.q[c.tq]
				h, v := c.h, c.v
				if sc.ns == 1 {
					h, v = 1, 1
				}
				for by := 0; by < v; by++ {
					for bx := 0; bx < h; bx++ {
						if !c.need {
							d.decodeBlock(dcT, acT, &preds[i], q, false)
							continue
						}
						col, row := x*h+bx, y*v+by
						if d.bs == 1 {
							d.decodeBlock(dcT, acT, &preds[i], q, false)
							c.plane[row*c.stride+col] = dcPixel(preds[i] * q[0])
							continue
						}
						last := d.decodeBlock(dcT, acT, &preds[i], q, true)
						d.putBlock(c, col, row, last)
					}
				}
			}
			if d.err != nil {
				if err := br.overrun(); err != nil {
					return err
				}
				return d.err
			}
			if br.n < br.fake {
				return br.overrun()
			}
		}
	}
	return nil
}
