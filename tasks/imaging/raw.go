package imaging

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"io"
)

// The intermediate between the Grayscale and Resize tasks is a raw 8-bit
// plane behind a 28-byte header, not a PNG: encoding a 12 MP gray PNG costs
// ~0.3 s (DESIGN.md §3), writing these bytes costs a copy.
//
//	offset size
//	0      8    magic "IMGPGRY2" (the trailing digit is the version)
//	8      4    width,  big-endian uint32
//	12     4    height, big-endian uint32
//	16     8    trims left, top, right, bottom: big-endian uint16 each, in
//	            1/65536 pixel, each side's pair summing to under one pixel
//	24     4    CRC-32C (Castagnoli) of bytes 0-23 then the pixels, big-endian
//	28     w*h  pixels, row by row, no padding
//
// The trims carry the exact picture area of a JPEG shrunk on load (see
// ImageArea; its partial last row or column); they are zero otherwise.
// Version 1 (magic "IMGPGRY1", 20 bytes: no trims, the CRC at 16 over bytes
// 0-15 then the pixels) is still read, so scratch objects written before an
// upgrade resize as before.
//
// The checksum catches truncated, damaged or mixed-up scratch objects
// (including a swapped width and height), which would otherwise resize into
// a plausible but wrong picture. CRC-32C runs in hardware on amd64 and arm64.

// RawFormat is the Format reported in errors about the intermediate.
const RawFormat Format = "imgprep-raw"

const (
	rawMagic       = "IMGPGRY2"
	rawMagicV1     = "IMGPGRY1"
	rawHeaderLen   = 28
	rawHeaderLenV1 = 20
	trimOne        = 1 << 16 // one pixel in trim units
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// RawSize is the encoded size of a w x h intermediate.
func RawSize(w, h int) int64 { return rawHeaderLen + int64(w)*int64(h) }

// trims turns an area into the header's fixed-point trims, clamped so a
// stray area can never make an unreadable header.
func trims(a ImageArea, w, h int) [4]uint16 {
	var t [4]uint16
	for i, v := range []float64{a.X0, a.Y0, float64(w) - a.X1, float64(h) - a.Y1} {
		t[i] = uint16(min(max(int(v*trimOne+0.5), 0), trimOne-1))
	}
	// A pair must sum to under one pixel; only a corrupted area breaks that.
	if int(t[0])+int(t[2]) >= trimOne {
		t[0], t[2] = 0, 0
	}
	if int(t[1])+int(t[3]) >= trimOne {
		t[1], t[3] = 0, 0
	}
	return t
}

// WriteRaw writes img, with its picture area (Area), in the intermediate
// format.
func WriteRaw(w io.Writer, img *image.Gray) error {
	b := img.Bounds()
	wd, ht := b.Dx(), b.Dy()
	rows := func(fn func([]byte)) {
		for y := b.Min.Y; y < b.Max.Y; y++ {
			i := img.PixOffset(b.Min.X, y)
			fn(img.Pix[i : i+wd])
		}
	}
	var hdr [rawHeaderLen]byte
	copy(hdr[:], rawMagic)
	binary.BigEndian.PutUint32(hdr[8:], uint32(wd))
	binary.BigEndian.PutUint32(hdr[12:], uint32(ht))
	for i, t := range trims(Area(img), wd, ht) {
		binary.BigEndian.PutUint16(hdr[16+2*i:], t)
	}
	sum := crc32.Checksum(hdr[:24], castagnoli)
	rows(func(p []byte) { sum = crc32.Update(sum, castagnoli, p) })
	binary.BigEndian.PutUint32(hdr[24:], sum)
	if _, err := w.Write(hdr[:]); err != nil {
		return fmt.Errorf("imaging: write raw header: %w", err)
	}
	if img.Stride == wd {
		i := img.PixOffset(b.Min.X, b.Min.Y)
		if _, err := w.Write(img.Pix[i : i+wd*ht]); err != nil {
			return fmt.Errorf("imaging: write raw pixels: %w", err)
		}
		return nil
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	rows(func(p []byte) {
		if err == nil {
			_, err = bw.Write(p)
		}
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("imaging: write raw pixels: %w", err)
	}
	return nil
}

// ReadRaw reads an intermediate written by WriteRaw (version 2, or the
// older version 1). It checks the magic, the dimensions against lim (before
// allocating), the trims, the length and the checksum; any mismatch is a
// *CorruptError with Format RawFormat, an oversize plane a *LimitError.
// Bytes after the plane are an error too. The picture area the header
// records comes back through Area.
func ReadRaw(r io.Reader, lim Limits) (*image.Gray, error) {
	lim = lim.withDefaults()
	var hdr [rawHeaderLen]byte
	fail := func(what string, err error) (*image.Gray, error) {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, corrupt(RawFormat, fmt.Errorf("%s: %w", what, err))
	}
	if _, err := io.ReadFull(r, hdr[:rawHeaderLenV1]); err != nil {
		return fail("header", err)
	}
	var n int // header length
	switch string(hdr[:8]) {
	case rawMagic:
		if _, err := io.ReadFull(r, hdr[rawHeaderLenV1:]); err != nil {
			return fail("header", err)
		}
		n = rawHeaderLen
	case rawMagicV1:
		n = rawHeaderLenV1
	default:
		return nil, corrupt(RawFormat, fmt.Errorf("bad magic %q", hdr[:8]))
	}
	w := int64(binary.BigEndian.Uint32(hdr[8:]))
	h := int64(binary.BigEndian.Uint32(hdr[12:]))
	if w == 0 || h == 0 {
		return nil, corrupt(RawFormat, fmt.Errorf("empty image %dx%d", w, h))
	}
	var t [4]int
	if n == rawHeaderLen {
		for i := range t {
			t[i] = int(binary.BigEndian.Uint16(hdr[16+2*i:]))
		}
		if t[0]+t[2] >= trimOne || t[1]+t[3] >= trimOne {
			return nil, corrupt(RawFormat, fmt.Errorf("trims %v: a side's pair must sum to under one pixel (%d)", t, trimOne))
		}
	}
	if err := lim.checkPixels(int(w), int(h)); err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		return fail("pixels", err)
	}
	if n, _ := r.Read(make([]byte, 1)); n != 0 {
		return nil, corrupt(RawFormat, errors.New("trailing bytes after the pixel plane"))
	}
	if got, want := crc32.Update(crc32.Checksum(hdr[:n-4], castagnoli), castagnoli, img.Pix), binary.BigEndian.Uint32(hdr[n-4:]); got != want {
		return nil, corrupt(RawFormat, fmt.Errorf("checksum mismatch: got %08x, header says %08x", got, want))
	}
	const one = float64(trimOne)
	setArea(img, ImageArea{float64(t[0]) / one, float64(t[1]) / one, float64(w) - float64(t[2])/one, float64(h) - float64(t[3])/one})
	return img, nil
}
