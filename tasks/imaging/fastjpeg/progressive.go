package fastjpeg

import "math/bits"

// keepIndex[keep][k] is where zig-zag coefficient k is stored in a block that
// keeps only its keep x keep lowest frequencies, or -1 when it is not kept.
var keepIndex [9][64]int8

// keepMask[keep] has bit k set for the zig-zag indexes that are kept.
var keepMask [9]uint64

func init() {
	for _, keep := range []int{1, 2, 4, 8} {
		for k := 0; k < 64; k++ {
			r, c := int(unzig[k])/8, int(unzig[k])%8
			keepIndex[keep][k] = -1
			if r < keep && c < keep {
				keepIndex[keep][k] = int8(r*keep + c)
				keepMask[keep] |= 1 << k
			}
		}
	}
}

// scanProgressive decodes one scan of a progressive frame (T.81 G.1.2) into
// the coefficient store. Blocks of components that are not needed keep only
// their non-zero map, which AC refinement scans need to stay in step.
func (d *decoder) scanProgressive(sc *scanHeader) error {
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
					d.eobrun = 0
					left = d.ri
				}
				left--
			}
			for i := 0; i < sc.ns; i++ {
				c := &d.comps[sc.comp[i]]
				h, v := c.h, c.v
				if sc.ns == 1 {
					h, v = 1, 1
				}
				for by := 0; by < v; by++ {
					for bx := 0; bx < h; bx++ {
						bi := (y*v+by)*c.bw + x*h + bx
						if bi >= len(c.nz) {
							return FormatError("block outside the component")
						}
						var coef []int16
						if c.coef != nil {
							coef = c.coef[bi*c.keep*c.keep : (bi+1)*c.keep*c.keep]
						}
						switch {
						case sc.ss == 0 && sc.ah == 0:
							d.dcFirst(&d.dc[sc.td[i]], &preds[i], coef, sc.al)
						case sc.ss == 0:
							if br.bits(1) != 0 && coef != nil {
								coef[0] |= 1 << sc.al
							}
						case sc.ah == 0:
							d.acFirst(&d.ac[sc.ta[i]], sc, &c.nz[bi], coef, c.keep)
						default:
							d.acRefine(&d.ac[sc.ta[i]], sc, &c.nz[bi], coef, c.keep)
						}
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

func (d *decoder) dcFirst(t *huffTable, pred *int32, coef []int16, al uint) {
	s, ok := d.br.decode(t)
	if !ok {
		d.err = errBadCode
		return
	}
	if s > 15 {
		d.err = FormatError("corrupt scan data: DC magnitude too large")
		return
	}
	*pred += d.br.receive(uint(s))
	if coef != nil {
		coef[0] = int16(*pred << al)
	}
}

// acFirst decodes the first pass over a spectral band (T.81 G.1.2.2).
func (d *decoder) acFirst(t *huffTable, sc *scanHeader, nz *uint64, coef []int16, keep int) {
	if d.eobrun > 0 {
		d.eobrun--
		return
	}
	br := &d.br
	for k := sc.ss; k <= sc.se; k++ {
		if br.n < 32 {
			br.fill()
		}
		if f := t.fast[br.acc>>(64-lutBits)]; f&0x80 == 0 {
			// Code and magnitude in one entry, as in sequential scans.
			l := uint(f & 0x1F)
			br.acc <<= l
			br.n -= l
			k += int(f>>8) & 15
			if k > sc.se {
				d.err = errBadRun
				return
			}
			*nz |= 1 << uint(k)
			if coef != nil {
				if p := keepIndex[keep][k&63]; p >= 0 && int(p) < len(coef) {
					coef[p] = int16((f >> 16) << sc.al)
				}
			}
			continue
		}
		rs, ok := br.decode(t)
		if !ok {
			d.err = errBadCode
			return
		}
		r, s := int(rs>>4), uint(rs&15)
		if s == 0 {
			if r < 15 {
				d.eobrun = 1<<r - 1 + int(br.bits(uint(r)))
				return
			}
			k += 15
			continue
		}
		k += r
		if k > sc.se {
			d.err = errBadRun
			return
		}
		v := br.receive(s) << sc.al
		*nz |= 1 << k
		if coef != nil {
			if p := keepIndex[keep][k]; p >= 0 && int(p) < len(coef) {
				coef[p] = int16(v)
			}
		}
	}
}

// band returns the bits k..se of a zig-zag mask.
func band(k, se int) uint64 {
	if k > se {
		return 0
	}
	return (^uint64(0) >> uint(63-se)) & (^uint64(0) << uint(k))
}

// acRefine decodes a successive-approximation pass (T.81 G.1.2.3): one more
// bit for each coefficient already non-zero, and new coefficients of +-1<<al
// placed after runs of zero-history ones. The non-zero map lets it jump
// between non-zero coefficients instead of visiting every index: most of a
// refinement scan is end-of-band runs over blocks with few non-zero terms.
func (d *decoder) acRefine(t *huffTable, sc *scanHeader, nz *uint64, coef []int16, keep int) {
	br := &d.br
	p1 := int16(1) << sc.al
	// refine reads the correction bits of the non-zero coefficients in mask.
	refine := func(mask uint64) {
		for mask != 0 {
			k := bits.TrailingZeros64(mask)
			mask &= mask - 1
			if br.bit() == 0 || coef == nil {
				continue
			}
			p := keepIndex[keep][k]
			if p < 0 || int(p) >= len(coef) {
				continue
			}
			if cv := coef[p]; cv&p1 == 0 {
				if cv >= 0 {
					coef[p] = cv + p1
				} else {
					coef[p] = cv - p1
				}
			}
		}
	}
	k, se := sc.ss, sc.se
	if d.eobrun == 0 {
		for k <= se {
			rs, ok := br.decode(t)
			if !ok {
				d.err = errBadCode
				return
			}
			r, s := int(rs>>4), rs&15
			var val int16
			if s != 0 {
				if s != 1 {
					d.err = FormatError("corrupt scan data: refinement magnitude is not 1")
					return
				}
				val = p1
				if br.bit() == 0 {
					val = -p1
				}
			} else if r != 15 {
				d.eobrun = 1<<r + int(br.bits(uint(r)))
				break
			}
			// The target is the (r+1)-th zero-history coefficient from k
			// (ZRL: the 16th, skipped); the non-zero ones before it are
			// refined on the way.
			zeros := ^*nz & band(k, se)
			for ; r > 0 && zeros != 0; r-- {
				zeros &= zeros - 1
			}
			pos := se + 1
			if zeros != 0 {
				pos = bits.TrailingZeros64(zeros)
			}
			refine(*nz & band(k, pos-1))
			k = pos
			if val != 0 && k <= se {
				*nz |= 1 << uint(k)
				if coef != nil {
					if p := keepIndex[keep][k]; p >= 0 && int(p) < len(coef) {
						coef[p] = val
					}
				}
			}
			k++
		}
	}
	if d.eobrun > 0 {
		refine(*nz & band(k, se))
		d.eobrun--
	}
}

// progressiveIDCT turns the stored coefficients of c into pixels.
func (d *decoder) progressiveIDCT(c *component) {
	var qn [64]int32 // natural order
	for k := 0; k < 64; k++ {
		qn[unzig[k]] = d.q[c.tq][k]
	}
	keep := c.keep
	mask := keepMask[keep] &^ 1
	for row := 0; row < c.bh; row++ {
		for col := 0; col < c.bw; col++ {
			bi := row*c.bw + col
			coef := c.coef[bi*keep*keep : (bi+1)*keep*keep]
			if keep == 1 || c.nz[bi]&mask == 0 {
				fill(d.blockPlane(c, col, row), c.stride, d.bs, dcPixel(int32(coef[0])*qn[0]))
				continue
			}
			for r := 0; r < keep; r++ {
				for cc := 0; cc < keep; cc++ {
					d.blk[r*8+cc] = int32(coef[r*keep+cc]) * qn[r*8+cc]
				}
			}
			// The highest non-zero zig-zag index, for the IDCT's shortcuts.
			d.putBlock(c, col, row, 63-bits.LeadingZeros64(c.nz[bi]|2))
		}
	}
}
