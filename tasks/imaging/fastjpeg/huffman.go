package fastjpeg

import "encoding/binary"

// lutBits is how many leading bits one table lookup resolves. Ten bits cover
// nearly every symbol of the tables photographs use (standard and optimised)
// and most short coefficients whole; measured 5-10% faster than 9 or 11 here.
const lutBits = 10

// huffTable is one DHT table prepared for decoding (T.81 Annex C and F.2.2.3).
type huffTable struct {
	// lut maps the next lutBits bits to length<<8 | symbol; 0 means the code
	// is longer than lutBits (or not assigned).
	lut [1 << lutBits]uint16
	// fast maps the next lutBits bits to what the sequential decoder needs
	// with one load: a whole coefficient when its code and magnitude bits
	// both fit (value<<16 | run<<8 | bits used, bit 7 clear), else the
	// symbol (symbol<<8 | 0x80 | code length), or 0x80 alone for a code
	// longer than lutBits.
	fast [1 << lutBits]int32
	// pair, for AC tables, decodes one or two whole coefficients with one
	// load when their codes and magnitudes fit in lutBits: the decoder is
	// bound by the latency of lookup -> shift -> next lookup, so two
	// coefficients per step nearly halve it for the short codes that
	// dominate. Layout: bits 0-4 total bits, 5 two coefficients, 6 one (or
	// two), 8-11 and 12-15 the runs, 16-31 and 32-47 the values, 56-60 the
	// bits of the first alone. 0: use fast.
	pair [1 << lutBits]uint64
	// maxcode[l] is the largest code of length l, or -1; valoff[l] turns a
	// code of length l into an index of symbols.
	maxcode [17]int32
	valoff  [17]int32
	symbols [256]uint8
	defined bool
}

// build prepares t from the 16 code-length counts and the symbol values of a
// DHT segment, generating codes as T.81 Annex C does.
func (t *huffTable) build(counts *[16]uint8, symbols []uint8) error {
	*t = huffTable{}
	total := 0
	for _, c := range counts {
		total += int(c)
	}
	if total == 0 || total > 256 || total != len(symbols) {
		return FormatError("bad Huffman table size")
	}
	copy(t.symbols[:], symbols)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		t.maxcode[l] = -1
		if n > 0 {
			t.valoff[l] = k - code
			for i := int32(0); i < n; i++ {
				if code >= 1<<l {
					return FormatError("bad Huffman table: code space overflow")
				}
				if l <= lutBits {
					e := uint16(l)<<8 | uint16(symbols[k])
					lo := code << (lutBits - l)
					for j := lo; j < lo+1<<(lutBits-l); j++ {
						t.lut[j] = e
					}
				}
				code++
				k++
			}
			t.maxcode[l] = code - 1
		}
		code <<= 1
	}
	t.defined = true
	return nil
}

// buildFast fills fast; a DC table's symbol is a magnitude with no run,
// which the same layout expresses with run 0.
func (t *huffTable) buildFast(isAC bool) {
	for i, e := range t.lut {
		if e == 0 {
			t.fast[i] = 0x80
			continue
		}
		l := uint(e >> 8)
		sym := uint8(e)
		run, s := uint(sym>>4), uint(sym&15)
		if !isAC {
			run, s = 0, uint(sym)
		}
		if s == 0 || s > 15 || l+s > lutBits {
			t.fast[i] = int32(sym)<<8 | 0x80 | int32(l)
			continue
		}
		bits := int32(i>>(lutBits-l-s)) & (1<<s - 1)
		t.fast[i] = extend(bits, s)<<16 | int32(run)<<8 | int32(l+s)
	}
	if !isAC {
		return
	}
	for i, f := range t.fast {
		if f&0x80 != 0 {
			continue
		}
		l1 := uint64(f & 0x1F)
		e := pairOne | l1<<56 | l1 | uint64(f>>8&15)<<8 | uint64(uint16(f>>16))<<16
		// The rest of the index is the start of the next code: usable when
		// that code and its magnitude lie inside it.
		if f2 := t.fast[(i<<l1)&(1<<lutBits-1)]; f2&0x80 == 0 && uint64(f2&0x1F) <= lutBits-l1 {
			e = pairOne | pairTwo | l1<<56 | (l1 + uint64(f2&0x1F)) | uint64(f>>8&15)<<8 |
				uint64(f2>>8&15)<<12 | uint64(uint16(f>>16))<<16 | uint64(uint16(f2>>16))<<32
		}
		t.pair[i] = e
	}
}

const (
	pairTwo = 1 << 5
	pairOne = 1 << 6
)

// slow decodes a code longer than lutBits from the top of acc. It returns the
// symbol and the code length, or length 0 for a bit pattern that is no code.
func (t *huffTable) slow(acc uint64) (uint8, uint) {
	for l := lutBits + 1; l <= 16; l++ {
		code := int32(acc >> (64 - uint(l)))
		if code <= t.maxcode[l] {
			return t.symbols[uint8(code+t.valoff[l])], uint(l)
		}
	}
	return 0, 0
}

// extend turns s magnitude bits into a signed value (T.81 F.2.2.1, EXTEND).
func extend(v int32, s uint) int32 {
	if v < 1<<(s-1) {
		v -= 1<<s - 1
	}
	return v
}

// Why the bit reader stopped feeding real data.
const (
	stopNone = iota
	stopMarker
	stopEOF
)

// bitReader reads entropy-coded data MSB first through a 64-bit buffer.
// Byte stuffing (FF 00) is removed as bytes are loaded; eight bytes at a time
// when they hold no FF. At a marker or the end of data it appends zero bits,
// counted in fake, so that decoding never needs a bounds check per bit;
// consuming any of them (n < fake) means the scan was truncated or corrupt.
type bitReader struct {
	data []byte
	pos  int    // next byte to load
	acc  uint64 // unconsumed bits, left-aligned
	n    uint   // valid bits in acc, real and fake
	fake uint   // zero bits appended after the data stopped
	stop int
}

func (b *bitReader) reset(data []byte, pos int) {
	*b = bitReader{data: data, pos: pos}
}

// fill tops acc up to at least 57 bits (with zeros once the data stopped).
func (b *bitReader) fill() {
	for b.stop == stopNone && b.n <= 56 {
		if b.pos+8 <= len(b.data) {
			w := binary.BigEndian.Uint64(b.data[b.pos:])
			t := ^w // a byte of w is FF where a byte of t is 0
			if (t-0x0101010101010101)&^t&0x8080808080808080 == 0 {
				k := (64 - b.n) >> 3
				b.acc |= (w >> (64 - 8*k)) << (64 - b.n - 8*k)
				b.n += 8 * k
				b.pos += int(k)
				return
			}
		}
		if b.pos >= len(b.data) {
			b.stop = stopEOF
			break
		}
		c := b.data[b.pos]
		if c == 0xFF {
			if b.pos+1 >= len(b.data) {
				b.stop = stopEOF
				break
			}
			if b.data[b.pos+1] != 0 {
				b.stop = stopMarker
				break
			}
			b.pos += 2
		} else {
			b.pos++
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
	if b.stop != stopNone && b.n < 64 {
		b.fake += 64 - b.n
		b.n = 64
	}
}

// overrun reports the error for a scan that consumed bits past its data.
func (b *bitReader) overrun() error {
	if b.n >= b.fake {
		return nil
	}
	if b.stop == stopEOF {
		return ErrTruncated
	}
	return FormatError("corrupt scan data: unexpected marker inside the scan")
}

// bit, bits and receive are for the progressive paths, which are less hot.
func (b *bitReader) bits(s uint) int32 {
	if s == 0 {
		return 0
	}
	if b.n < 32 {
		b.fill()
	}
	v := int32(b.acc >> (64 - s))
	b.acc <<= s
	b.n -= s
	return v
}

func (b *bitReader) bit() int32 {
	if b.n < 32 {
		b.fill()
	}
	v := int32(b.acc >> 63)
	b.acc <<= 1
	b.n--
	return v
}

func (b *bitReader) receive(s uint) int32 {
	if s == 0 {
		return 0
	}
	return extend(b.bits(s), s)
}

// decode returns the next symbol of t; ok is false for an invalid code.
func (b *bitReader) decode(t *huffTable) (uint8, bool) {
	if b.n < 32 {
		b.fill()
	}
	if e := t.lut[b.acc>>(64-lutBits)]; e != 0 {
		l := uint(e >> 8)
		b.acc <<= l
		b.n -= l
		return uint8(e), true
	}
	sym, l := t.slow(b.acc)
	if l == 0 {
		return 0, false
	}
	b.acc <<= l
	b.n -= l
	return sym, true
}

// restart ends a restart interval: only the padding of the last byte may be
// left, and the next marker must be RSTn with the expected n (T.81 F.1.2.3).
func (b *bitReader) restart(n int) error {
	if err := b.overrun(); err != nil {
		return err
	}
	if b.n-b.fake >= 8 {
		return FormatError("corrupt scan data: unused bytes before a restart marker")
	}
	p := b.pos
	for p+1 < len(b.data) && b.data[p] == 0xFF && b.data[p+1] == 0xFF {
		p++ // fill bytes before a marker
	}
	if p+1 >= len(b.data) {
		return ErrTruncated
	}
	if b.data[p] != 0xFF || b.data[p+1] != byte(0xD0+n&7) {
		return FormatError("missing or out-of-order restart marker")
	}
	b.reset(b.data, p+2)
	return nil
}
