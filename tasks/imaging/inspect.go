package imaging

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// Info is what the headers say about an image.
type Info struct {
	Format        Format
	Width, Height int // as stored, before Orientation is applied
	Orientation   int // EXIF orientation 1-8; 1 when absent
	Frames        int // 1 for still images; frames of an animated GIF or WebP
}

// Oriented returns the width and height as displayed, after Orientation:
// 5-8 swap the axes.
func (i Info) Oriented() (w, h int) {
	if i.Orientation >= 5 && i.Orientation <= 8 {
		return i.Height, i.Width
	}
	return i.Width, i.Height
}

// Inspect reads only headers: it sniffs the format, reads the dimensions,
// counts GIF frames by walking the block structure (no LZW decoding), reads
// the EXIF orientation, and enforces every limit in lim. It allocates no
// pixel buffers, so it is safe on any input up to lim.MaxBytes.
func Inspect(r io.ReaderAt, size int64, lim Limits) (info Info, err error) {
	defer func() {
		// Header parsers of untrusted data must not take the process down.
		if p := recover(); p != nil {
			info, err = Info{}, corrupt(info.Format, fmt.Errorf("header parser panic: %v", p))
		}
	}()
	lim = lim.withDefaults()
	if err := lim.checkBytes(size); err != nil {
		return Info{}, err
	}
	head := make([]byte, min(size, SniffLen))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return Info{}, fmt.Errorf("imaging: read header: %w", err)
	}
	f, err := Sniff(head)
	if err != nil {
		return Info{}, err
	}
	info = Info{Format: f, Orientation: 1, Frames: 1}
	sr := io.NewSectionReader(r, 0, size)
	var cfg image.Config
	switch f {
	case JPEG:
		cfg, err = jpeg.DecodeConfig(bufio.NewReader(sr))
		if err == nil {
			info.Orientation = jpegOrientation(r, size)
		}
	case PNG:
		cfg, err = png.DecodeConfig(bufio.NewReader(sr))
		if err == nil {
			info.Orientation = pngOrientation(r, size)
		}
	case GIF:
		cfg, info.Frames, err = gifConfig(sr, lim.MaxFrames)
	case WebP:
		cfg, err = webp.DecodeConfig(bufio.NewReader(sr))
		if err == nil {
			info.Orientation, info.Frames = webpMeta(r, size)
		}
	case BMP:
		cfg, err = bmp.DecodeConfig(bufio.NewReader(sr))
	case TIFF:
		// x/image/tiff reads the IFD through io.ReaderAt when it can, so
		// pass the section reader itself, not a buffered stream.
		cfg, err = tiff.DecodeConfig(sr)
		if err == nil {
			info.Orientation = tiffOrientation(r, 0, size)
		}
	}
	if err != nil {
		return Info{}, classify(f, err)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if info.Width <= 0 || info.Height <= 0 {
		return Info{}, corrupt(f, fmt.Errorf("empty image %dx%d", info.Width, info.Height))
	}
	if err := lim.checkPixels(info.Width, info.Height); err != nil {
		return Info{}, err
	}
	if info.Frames > lim.MaxFrames {
		return Info{}, &LimitError{Limit: "frames", Got: int64(info.Frames), Max: int64(lim.MaxFrames)}
	}
	return info, nil
}

// classify turns a decoder's error into one of the package's error types.
func classify(f Format, err error) error {
	var (
		le *LimitError
		ue *UnsupportedFormatError
		ce *CorruptError
	)
	switch {
	case errors.As(err, &le), errors.As(err, &ue), errors.As(err, &ce):
		return err
	}
	var (
		pngU  png.UnsupportedError
		jpegU jpeg.UnsupportedError
		tiffU tiff.UnsupportedError
	)
	switch {
	case errors.As(err, &pngU), errors.As(err, &jpegU), errors.As(err, &tiffU),
		errors.Is(err, bmp.ErrUnsupported),
		// x/image/webp reports unimplemented features as plain strings.
		strings.Contains(err.Error(), "not implemented"), strings.Contains(err.Error(), "unsupported"):
		return &UnsupportedFormatError{Format: f, Reason: strings.TrimPrefix(err.Error(), string(f)+": ")}
	case errors.Is(err, io.EOF):
		// A stream that ends where a header should be is truncated, not empty.
		return corrupt(f, io.ErrUnexpectedEOF)
	}
	return corrupt(f, err)
}

// gifConfig reads the logical screen size and counts image descriptors by
// skipping data sub-blocks. It stops as soon as the count passes maxFrames,
// so the work is bounded by the limit, not by the file.
func gifConfig(r io.Reader, maxFrames int) (image.Config, int, error) {
	br := bufio.NewReader(r)
	var hdr [13]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return image.Config{}, 0, err
	}
	cfg := image.Config{
		Width:  int(binary.LittleEndian.Uint16(hdr[6:])),
		Height: int(binary.LittleEndian.Uint16(hdr[8:])),
	}
	if hdr[10]&0x80 != 0 {
		if _, err := br.Discard(3 << (1 + hdr[10]&7)); err != nil {
			return cfg, 0, err
		}
	}
	frames := 0
	for {
		b, err := br.ReadByte()
		if err != nil {
			// A missing trailer after complete frames is tolerated by every
			// decoder we compare with; decoding frame 1 catches real damage.
			if frames > 0 && errors.Is(err, io.EOF) {
				return cfg, frames, nil
			}
			return cfg, frames, err
		}
		switch b {
		case 0x3B: // trailer
			if frames == 0 {
				return cfg, 0, errors.New("gif: no image in file")
			}
			return cfg, frames, nil
		case 0x21: // extension: label, then sub-blocks
			if _, err := br.ReadByte(); err != nil {
				return cfg, frames, err
			}
		case 0x2C: // image descriptor
			frames++
			if frames > maxFrames {
				return cfg, frames, &LimitError{Limit: "frames", Got: int64(frames), Max: int64(maxFrames)}
			}
			var d [9]byte
			if _, err := io.ReadFull(br, d[:]); err != nil {
				return cfg, frames, err
			}
			if d[8]&0x80 != 0 {
				if _, err := br.Discard(3 << (1 + d[8]&7)); err != nil {
					return cfg, frames, err
				}
			}
			if _, err := br.ReadByte(); err != nil { // LZW minimum code size
				return cfg, frames, err
			}
		default:
			return cfg, frames, fmt.Errorf("gif: unknown block type 0x%02x", b)
		}
		if err := skipSubBlocks(br); err != nil {
			return cfg, frames, err
		}
	}
}

func skipSubBlocks(br *bufio.Reader) error {
	for {
		n, err := br.ReadByte()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if _, err := br.Discard(int(n)); err != nil {
			return err
		}
	}
}

// webpMeta walks the RIFF chunks for an EXIF chunk and animation frames.
func webpMeta(r io.ReaderAt, size int64) (orientation, frames int) {
	orientation, frames = 1, 0
	var h [8]byte
	for off := int64(12); off+8 <= size; {
		if _, err := r.ReadAt(h[:], off); err != nil {
			break
		}
		n := int64(binary.LittleEndian.Uint32(h[4:]))
		switch string(h[:4]) {
		case "EXIF":
			body := off + 8
			// Some writers keep JPEG's "Exif\0\0" prefix in the chunk.
			var id [6]byte
			if _, err := r.ReadAt(id[:], body); err == nil && string(id[:]) == "Exif\x00\x00" {
				body, n = body+6, n-6
			}
			orientation = tiffOrientation(r, body, min(n, size-body))
		case "ANMF":
			frames++
		}
		off += 8 + n + n&1
	}
	return orientation, max(frames, 1)
}
