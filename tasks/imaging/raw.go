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
// plane behind a 20-byte header, not a PNG: encoding a 12 MP gray PNG costs
// ~0.3 s (DESIGN.md §3), writing these bytes costs a copy.
//
//	offset size
//	0      8    magic "IMGPGRY1" (the trailing 1 is the version)
//	8      4    width,  big-endian uint32
//	12     4    height, big-endian uint32
//	16     4    CRC-32C (Castagnoli) of bytes 0-15 then the pixels, big-endian
//	20     w*h  pixels, row by row, no padding
//
// The checksum catches truncated, damaged or mixed-up scratch objects
// (including a swapped width and height), which would otherwise resize into
// a plausible but wrong picture. CRC-32C runs in hardware on amd64 and arm64.

// RawFormat is the Format reported in errors about the intermediate.
const RawFormat Format = "imgprep-raw"

const (
	rawMagic     = "IMGPGRY1"
	rawHeaderLen = 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// RawSize is the encoded size of a w x h intermediate.
func RawSize(w, h int) int64 { return rawHeaderLen + int64(w)*int64(h) }

// WriteRaw writes img in the intermediate format.
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
	sum := crc32.Checksum(hdr[:16], castagnoli)
	rows(func(p []byte) { sum = crc32.Update(sum, castagnoli, p) })
	binary.BigEndian.PutUint32(hdr[16:], sum)
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

// ReadRaw reads an intermediate written by WriteRaw. It checks the magic,
// the dimensions against lim (before allocating), the length and the
// checksum; any mismatch is a *CorruptError with Format RawFormat, an
// oversize plane a *LimitError. Bytes after the plane are an error too.
func ReadRaw(r io.Reader, lim Limits) (*image.Gray, error) {
	lim = lim.withDefaults()
	var hdr [rawHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, corrupt(RawFormat, fmt.Errorf("header: %w", err))
	}
	if string(hdr[:8]) != rawMagic {
		return nil, corrupt(RawFormat, fmt.Errorf("bad magic %q", hdr[:8]))
	}
	w := int64(binary.BigEndian.Uint32(hdr[8:]))
	h := int64(binary.BigEndian.Uint32(hdr[12:]))
	if w == 0 || h == 0 {
		return nil, corrupt(RawFormat, fmt.Errorf("empty image %dx%d", w, h))
	}
	if err := lim.checkPixels(int(w), int(h)); err != nil {
		return nil, err
	}
	img := image.NewGray(image.Rect(0, 0, int(w), int(h)))
	if _, err := io.ReadFull(r, img.Pix); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, corrupt(RawFormat, fmt.Errorf("pixels: %w", err))
	}
	if n, _ := r.Read(make([]byte, 1)); n != 0 {
		return nil, corrupt(RawFormat, errors.New("trailing bytes after the pixel plane"))
	}
	if got, want := crc32.Update(crc32.Checksum(hdr[:16], castagnoli), castagnoli, img.Pix), binary.BigEndian.Uint32(hdr[16:]); got != want {
		return nil, corrupt(RawFormat, fmt.Errorf("checksum mismatch: got %08x, header says %08x", got, want))
	}
	return img, nil
}
