package fastjpeg

import (
	"encoding/binary"
	"image"
)

// FormatError reports input that is not a valid JPEG (T.81) stream.
type FormatError string

func (e FormatError) Error() string { return "fastjpeg: invalid JPEG: " + string(e) }

// UnsupportedError reports a valid JPEG feature this package does not decode
// (arithmetic coding, lossless and hierarchical modes, 12-bit samples, ...).
type UnsupportedError string

func (e UnsupportedError) Error() string { return "fastjpeg: unsupported JPEG: " + string(e) }

// ErrTruncated is returned when the data ends before the image does. It is a
// FormatError, so errors.As(err, new(FormatError)) also matches it.
var ErrTruncated error = FormatError("truncated data")

// Colour interpretations, named as in Config.Color.
const (
	ColorGray  = "gray"  // one component
	ColorYCbCr = "ycbcr" // gray is the Y component
	ColorRGB   = "rgb"
	ColorCMYK  = "cmyk" // Adobe-inverted CMYK, as Photoshop writes it
	ColorYCCK  = "ycck" // Adobe transform 2
)

// Config is what the header says about an image.
type Config struct {
	Width, Height  int
	Components     int
	Progressive    bool
	AdobeTransform int    // from the APP14 "Adobe" segment; -1 when there is none
	JFIF           bool   // an APP0 "JFIF" segment is present
	Color          string // how DecodeGray interprets the components (Color* constants)
}

// DecodeConfig reads the headers up to the first scan. It allocates nothing
// that depends on the claimed dimensions, so it is safe on any input.
func DecodeConfig(data []byte) (Config, error) {
	d := decoder{data: data, configOnly: true}
	if err := d.run(); err != nil {
		return Config{}, err
	}
	return d.config(), nil
}

// DecodeGray decodes data to an 8-bit gray image scaled by 1/scale (scale is
// 1, 2, 4 or 8), of size ceil(Width/scale) x ceil(Height/scale). Scaling is done
// in the DCT domain, so a 1/8 decode never holds a full-resolution buffer.
//
// Memory: baseline files are decoded straight into the output plane (padded
// to whole blocks); nothing else grows with the image. Progressive files must
// keep coefficients until the last scan: 8 bytes of non-zero map per block of
// every component, plus 2*(8/scale)^2 bytes per block of the components that
// are needed (the Y plane only, for YCbCr). Measured peak RSS of a whole
// process on a 24 MP 4:2:0 progressive file: 12 MiB at scale 8, 16 MiB at
// scale 4, 85 MiB at scale 1 (48 MB of coefficients + the 24 MB plane).
// Allocation is refused when the header claims more blocks than the data
// could code (one bit per block at least), so a small input cannot make it
// allocate much; callers still bound Width*Height from DecodeConfig.
func DecodeGray(data []byte, scale int) (*image.Gray, error) {
	if scale != 1 && scale != 2 && scale != 4 && scale != 8 {
		return nil, UnsupportedError("scale must be 1, 2, 4 or 8")
	}
	d := decoder{data: data, scale: scale, bs: 8 / scale}
	if err := d.run(); err != nil {
		return nil, err
	}
	return d.compose()
}

type component struct {
	id      byte
	h, v    int // sampling factors
	tq      int // quantization table
	bw, bh  int // blocks in the MCU-padded grid
	cbw     int // blocks covering the component itself (non-interleaved scans)
	cbh     int
	need    bool   // its pixels are part of the gray result
	plane   []byte // decoded samples at 1/scale, bw*bs x bh*bs
	stride  int
	scanned bool // appeared in a scan (progressive: in a DC scan)

	// progressive only
	nz   []uint64 // per block: bit k set when zig-zag coefficient k is non-zero
	coef []int16  // per block: the keep x keep lowest coefficients, natural order
	keep int
}

// maxScans bounds the scans of one image (see decoder.scan).
const maxScans = 256

type scanHeader struct {
	ns     int
	comp   [4]int // indexes into decoder.comps
	td, ta [4]int
	ss, se int
	ah, al uint
}

type decoder struct {
	data       []byte
	configOnly bool
	scale, bs  int

	sof        byte
	width      int
	height     int
	comps      []component
	hmax, vmax int
	mcusX      int
	mcusY      int
	adobe      bool
	transform  int
	jfif       bool
	color      string

	q      [4][64]int32 // zig-zag order
	qdef   [4]bool
	dc, ac [4]huffTable
	ri     int
	ready  bool // planes allocated (at the first scan)
	sawEOI bool
	// huffmanOnly marks every component unneeded (the entropy-decoding benchmark).
	huffmanOnly bool
	br          bitReader
	err         error // sticky error from the hot loops
	eobrun      int
	blk         [64]int32
	scanBuf     scanHeader
	scans       int
}

func (d *decoder) progressive() bool { return d.sof == 0xC2 }

func (d *decoder) config() Config {
	c := Config{Width: d.width, Height: d.height, Components: len(d.comps),
		Progressive: d.progressive(), AdobeTransform: -1, JFIF: d.jfif, Color: d.color}
	if d.adobe {
		c.AdobeTransform = d.transform
	}
	return c
}

// run walks the marker segments (T.81 B.2) and decodes every scan.
func (d *decoder) run() error {
	data := d.data
	if len(data) < 2 || data[0] != 0xFF || data[1] != 0xD8 {
		return FormatError("missing SOI marker")
	}
	pos := 2
	for {
		if pos >= len(data) {
			return ErrTruncated
		}
		if data[pos] != 0xFF {
			return FormatError("expected a marker")
		}
		for pos < len(data) && data[pos] == 0xFF {
			pos++ // fill bytes
		}
		if pos >= len(data) {
			return ErrTruncated
		}
		m := data[pos]
		pos++
		switch {
		case m == 0xD9:
			if d.configOnly {
				return FormatError("no frame before EOI")
			}
			return d.finish()
		case m == 0xD8:
			return FormatError("unexpected SOI marker")
		case m >= 0xD0 && m <= 0xD7, m == 0x01:
			continue // parameterless; a stray RST between segments is harmless
		case m == 0x00:
			return FormatError("stuffed zero outside a scan")
		}
		if pos+2 > len(data) {
			return ErrTruncated
		}
		n := int(binary.BigEndian.Uint16(data[pos:]))
		if n < 2 {
			return FormatError("bad segment length")
		}
		if pos+n > len(data) {
			return ErrTruncated
		}
		seg := data[pos+2 : pos+n]
		pos += n
		var err error
		switch m {
		case 0xC0, 0xC1, 0xC2:
			err = d.parseSOF(m, seg)
		case 0xC3, 0xC5, 0xC6, 0xC7, 0xCB, 0xCD, 0xCE, 0xCF:
			err = UnsupportedError("lossless or hierarchical JPEG")
		case 0xC9, 0xCA, 0xCC:
			err = UnsupportedError("arithmetic coding")
		case 0xC4:
			err = d.parseDHT(seg)
		case 0xDB:
			err = d.parseDQT(seg)
		case 0xDD:
			if len(seg) != 2 {
				err = FormatError("bad DRI length")
			} else {
				d.ri = int(binary.BigEndian.Uint16(seg))
			}
		case 0xDC:
			err = UnsupportedError("DNL marker")
		case 0xE0:
			if len(seg) >= 5 && string(seg[:5]) == "JFIF\x00" {
				d.jfif = true
			}
		case 0xEE:
			if len(seg) >= 12 && string(seg[:5]) == "Adobe" {
				d.adobe = true
				d.transform = int(seg[11])
			}
		case 0xDA:
			if d.sof == 0 {
				return FormatError("scan before frame header")
			}
			if d.configOnly {
				return d.decideColor()
			}
			pos, err = d.scan(seg, pos)
		}
		if err != nil {
			return err
		}
	}
}

func (d *decoder) parseSOF(m byte, seg []byte) error {
	if d.sof != 0 {
		return FormatError("more than one frame header")
	}
	if len(seg) < 6 {
		return FormatError("short SOF")
	}
	if seg[0] != 8 {
		return UnsupportedError("sample precision other than 8 bits")
	}
	d.height = int(binary.BigEndian.Uint16(seg[1:]))
	d.width = int(binary.BigEndian.Uint16(seg[3:]))
	nf := int(seg[5])
	if d.height == 0 {
		return UnsupportedError("height defined by a DNL marker")
	}
	if d.width == 0 {
		return FormatError("zero width")
	}
	if nf < 1 || nf > 4 {
		return UnsupportedError("component count other than 1 to 4")
	}
	if len(seg) != 6+3*nf {
		return FormatError("bad SOF length")
	}
	d.sof = m
	d.comps = make([]component, nf)
	d.hmax, d.vmax = 1, 1
	for i := range d.comps {
		c := &d.comps[i]
		p := seg[6+3*i:]
		c.id = p[0]
		c.h, c.v = int(p[1]>>4), int(p[1]&15)
		c.tq = int(p[2])
		if c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return FormatError("bad sampling factor")
		}
		if c.tq > 3 {
			return FormatError("bad quantization table selector")
		}
		for j := 0; j < i; j++ {
			if d.comps[j].id == c.id {
				return FormatError("repeated component identifier")
			}
		}
		d.hmax, d.vmax = max(d.hmax, c.h), max(d.vmax, c.v)
	}
	if nf == 1 {
		// One component is always coded non-interleaved, one block per MCU
		// (T.81 A.2.2), whatever factors it declares.
		d.comps[0].h, d.comps[0].v, d.hmax, d.vmax = 1, 1, 1, 1
	}
	d.mcusX = (d.width + 8*d.hmax - 1) / (8 * d.hmax)
	d.mcusY = (d.height + 8*d.vmax - 1) / (8 * d.vmax)
	for i := range d.comps {
		c := &d.comps[i]
		if d.hmax%c.h != 0 || d.vmax%c.v != 0 {
			return UnsupportedError("sampling factors that do not divide the largest")
		}
		c.bw, c.bh = d.mcusX*c.h, d.mcusY*c.v
		cw := (d.width*c.h + d.hmax - 1) / d.hmax
		ch := (d.height*c.v + d.vmax - 1) / d.vmax
		c.cbw, c.cbh = (cw+7)/8, (ch+7)/8
	}
	return nil
}

func (d *decoder) parseDQT(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, int(seg[0]&15)
		if tq > 3 || pq > 1 {
			return FormatError("bad DQT table header")
		}
		seg = seg[1:]
		n := 64 << pq
		if len(seg) < n {
			return FormatError("short DQT")
		}
		for k := 0; k < 64; k++ {
			if pq == 0 {
				d.q[tq][k] = int32(seg[k])
			} else {
				d.q[tq][k] = int32(binary.BigEndian.Uint16(seg[2*k:]))
			}
		}
		d.qdef[tq] = true
		seg = seg[n:]
	}
	return nil
}

func (d *decoder) parseDHT(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return FormatError("short DHT")
		}
		tc, th := seg[0]>>4, int(seg[0]&15)
		if tc > 1 || th > 3 {
			return FormatError("bad DHT table header")
		}
		var counts [16]uint8
		copy(counts[:], seg[1:17])
		total := 0
		for _, c := range counts {
			total += int(c)
		}
		if len(seg) < 17+total {
			return FormatError("short DHT")
		}
		t := &d.dc[th]
		if tc == 1 {
			t = &d.ac[th]
		}
		if err := t.build(&counts, seg[17:17+total]); err != nil {
			return err
		}
		t.buildFast(tc == 1)
		seg = seg[17+total:]
	}
	return nil
}

// decideColor picks how the components become gray, following what libjpeg
// (and so Pillow) assumes for each marker combination.
func (d *decoder) decideColor() error {
	switch len(d.comps) {
	case 1:
		d.color = ColorGray
	case 3:
		d.color = ColorYCbCr
		if d.adobe && d.transform == 0 {
			d.color = ColorRGB
		} else if !d.adobe && !d.jfif && d.comps[0].id == 'R' && d.comps[1].id == 'G' && d.comps[2].id == 'B' {
			d.color = ColorRGB
		}
	case 4:
		d.color = ColorCMYK
		if d.adobe && d.transform != 0 {
			d.color = ColorYCCK
		}
	default:
		return UnsupportedError("2-component image")
	}
	return nil
}

// setup allocates the output planes (and progressive coefficient storage)
// at the first scan, once every header that matters has been seen.
func (d *decoder) setup() error {
	if err := d.decideColor(); err != nil {
		return err
	}
	blocks := 0
	for i := range d.comps {
		blocks += d.comps[i].cbw * d.comps[i].cbh
	}
	// Every coded block costs at least one bit in the first scan that covers
	// it, so a header claiming more blocks than bits is lying.
	if blocks > 8*len(d.data) {
		return FormatError("image dimensions too large for the data")
	}
	for i := range d.comps {
		c := &d.comps[i]
		c.need = (d.color != ColorGray && d.color != ColorYCbCr || i == 0) && !d.huffmanOnly
		if c.need {
			c.stride = c.bw * d.bs
			c.plane = make([]byte, c.stride*c.bh*d.bs)
		}
		if d.progressive() {
			c.nz = make([]uint64, c.bw*c.bh)
			if c.need {
				c.keep = d.bs
				c.coef = make([]int16, c.bw*c.bh*c.keep*c.keep)
			}
		}
	}
	d.ready = true
	return nil
}

func (d *decoder) parseSOS(seg []byte) (*scanHeader, error) {
	if len(seg) < 1 {
		return nil, FormatError("short SOS")
	}
	sc := &d.scanBuf
	*sc = scanHeader{ns: int(seg[0])}
	if sc.ns < 1 || sc.ns > 4 || len(seg) != 4+2*sc.ns {
		return nil, FormatError("bad SOS length")
	}
	blocks := 0
	for i := 0; i < sc.ns; i++ {
		id := seg[1+2*i]
		idx := -1
		for j := range d.comps {
			if d.comps[j].id == id {
				idx = j
			}
		}
		if idx < 0 {
			return nil, FormatError("scan names an unknown component")
		}
		for j := 0; j < i; j++ {
			if sc.comp[j] == idx {
				return nil, FormatError("scan names a component twice")
			}
		}
		sc.comp[i] = idx
		sc.td[i], sc.ta[i] = int(seg[2+2*i]>>4), int(seg[2+2*i]&15)
		if sc.td[i] > 3 || sc.ta[i] > 3 {
			return nil, FormatError("bad Huffman table selector")
		}
		blocks += d.comps[idx].h * d.comps[idx].v
	}
	if sc.ns > 1 && blocks > 10 {
		return nil, FormatError("too many blocks in an MCU")
	}
	p := seg[1+2*sc.ns:]
	sc.ss, sc.se = int(p[0]), int(p[1])
	sc.ah, sc.al = uint(p[2]>>4), uint(p[2]&15)
	if !d.progressive() {
		if sc.ss != 0 || sc.se != 63 || sc.ah != 0 || sc.al != 0 {
			return nil, FormatError("bad spectral selection for a sequential scan")
		}
		for i := 0; i < sc.ns; i++ {
			if !d.dc[sc.td[i]].defined || !d.ac[sc.ta[i]].defined {
				return nil, FormatError("scan uses an undefined Huffman table")
			}
		}
		return sc, nil
	}
	if sc.ss > sc.se || sc.se > 63 || (sc.ss == 0) != (sc.se == 0) || sc.al > 13 || sc.ah > 13 {
		return nil, FormatError("bad progressive scan parameters")
	}
	if sc.ss > 0 && sc.ns != 1 {
		return nil, FormatError("interleaved AC scan")
	}
	for i := 0; i < sc.ns; i++ {
		if sc.ss == 0 && sc.ah == 0 && !d.dc[sc.td[i]].defined {
			return nil, FormatError("scan uses an undefined Huffman table")
		}
		if sc.ss > 0 && !d.ac[sc.ta[i]].defined {
			return nil, FormatError("scan uses an undefined Huffman table")
		}
	}
	return sc, nil
}

// scan decodes one scan whose entropy-coded data starts at pos and returns the
// position of the marker that follows it.
func (d *decoder) scan(seg []byte, pos int) (int, error) {
	sc, err := d.parseSOS(seg)
	if err != nil {
		return 0, err
	}
	// A progressive scan visits every block of its component even when an
	// end-of-band run codes thousands of them in a few bits, so scan count,
	// not data size, bounds the work: cap it. Encoders write about 10
	// (jpegtran, mozjpeg); one scan per coefficient and component is 195.
	if d.scans++; d.scans > maxScans {
		return 0, UnsupportedError("more than 256 scans")
	}
	if !d.ready {
		if err := d.setup(); err != nil {
			return 0, err
		}
	}
	for i := 0; i < sc.ns; i++ {
		c := &d.comps[sc.comp[i]]
		if c.need && !d.progressive() && !d.qdef[c.tq] {
			return 0, FormatError("undefined quantization table")
		}
		if d.progressive() && sc.ss == 0 && sc.ah == 0 {
			c.scanned = true
		} else if !d.progressive() {
			c.scanned = true
		}
	}
	d.br.reset(d.data, pos)
	d.eobrun = 0
	d.err = nil
	if d.progressive() {
		err = d.scanProgressive(sc)
	} else {
		err = d.scanBaseline(sc)
	}
	if err != nil {
		return 0, err
	}
	// Skip to the next marker: the scan's last byte padding, and any bytes an
	// encoder left before it.
	p := d.br.pos
	for p < len(d.data) {
		if d.data[p] == 0xFF && p+1 < len(d.data) && d.data[p+1] != 0 && d.data[p+1] != 0xFF {
			break
		}
		if d.data[p] == 0xFF && p+1 < len(d.data) && d.data[p+1] == 0xFF {
			break // fill bytes, then a marker
		}
		p++
	}
	return p, nil
}

// blockPlane returns where block (col, row) of c starts in its plane.
func (d *decoder) blockPlane(c *component, col, row int) []byte {
	return c.plane[row*d.bs*c.stride+col*d.bs:]
}

// finish runs after EOI: progressive coefficients become pixels.
func (d *decoder) finish() error {
	if !d.ready {
		return FormatError("no scan before EOI")
	}
	for i := range d.comps {
		c := &d.comps[i]
		if c.need && !c.scanned {
			return ErrTruncated
		}
	}
	d.sawEOI = true
	if !d.progressive() {
		return nil
	}
	for i := range d.comps {
		c := &d.comps[i]
		if !c.need {
			continue
		}
		if !d.qdef[c.tq] {
			return FormatError("undefined quantization table")
		}
		d.progressiveIDCT(c)
	}
	return nil
}

// compose turns the decoded planes into the gray result.
func (d *decoder) compose() (*image.Gray, error) {
	ow := (d.width + d.scale - 1) / d.scale
	oh := (d.height + d.scale - 1) / d.scale
	c0 := &d.comps[0]
	if (d.color == ColorGray || d.color == ColorYCbCr) && c0.h == d.hmax && c0.v == d.vmax {
		return &image.Gray{Pix: c0.plane[:(oh-1)*c0.stride+ow], Stride: c0.stride,
			Rect: image.Rect(0, 0, ow, oh)}, nil
	}
	out := image.NewGray(image.Rect(0, 0, ow, oh))
	var rows [4][]byte
	n := 1
	if d.color != ColorGray && d.color != ColorYCbCr {
		n = len(d.comps)
	}
	for y := 0; y < oh; y++ {
		for i := 0; i < n; i++ {
			c := &d.comps[i]
			cy := y * c.v / d.vmax
			rows[i] = c.plane[cy*c.stride : cy*c.stride+c.stride]
		}
		dst := out.Pix[y*out.Stride : y*out.Stride+ow]
		d.convertRow(dst, &rows, n)
	}
	return out, nil
}
