package imaging

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/png"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// DecodeOptions tune DecodeGray. A nil *DecodeOptions means defaults.
type DecodeOptions struct {
	Limits Limits
	// TargetWidth and TargetHeight are the size the caller will resize to
	// (as displayed, after orientation). When set, a decoder that can
	// shrink while decoding (JPEG DCT scaling) returns an image of at least
	// the target in both dimensions instead of full resolution, with its
	// exact picture area recorded (see Area); the Lanczos Resize does the
	// rest. Zero means full resolution.
	TargetWidth, TargetHeight int
}

// DecodeGray inspects the input (all limits are enforced before pixels are
// allocated), decodes it, converts it to 8-bit gray as Pillow's
// convert("L") does, and applies the EXIF orientation. Animated GIFs give
// their first frame. The returned Info describes the input as stored.
func DecodeGray(r io.ReaderAt, size int64, opt *DecodeOptions) (img *image.Gray, info Info, err error) {
	if opt == nil {
		opt = &DecodeOptions{}
	}
	info, err = Inspect(r, size, opt.Limits)
	if err != nil {
		return nil, info, err
	}
	defer func() {
		// Decoders of untrusted data have panicked on crafted input in the
		// past; a panic here is bad data, not a bug in the caller.
		if p := recover(); p != nil {
			img, err = nil, corrupt(info.Format, fmt.Errorf("decoder panic: %v", p))
		}
	}()
	g, scale, err := decodeGray(io.NewSectionReader(r, 0, size), info, opt)
	if err != nil {
		return nil, info, classify(info.Format, err)
	}
	if w, h := ceilDiv(info.Width, scale), ceilDiv(info.Height, scale); g.Rect.Dx() != w || g.Rect.Dy() != h {
		return nil, info, corrupt(info.Format, fmt.Errorf("decoded %dx%d, header says %dx%d (scale 1/%d)",
			g.Rect.Dx(), g.Rect.Dy(), info.Width, info.Height, scale))
	}
	out := Orient(g, info.Orientation)
	if scale > 1 {
		a := ImageArea{X1: float64(info.Width) / float64(scale), Y1: float64(info.Height) / float64(scale)}
		setArea(out, orientArea(a, float64(g.Rect.Dx()), float64(g.Rect.Dy()), info.Orientation))
	}
	return out, info, nil
}

// decodeGray returns the stored-orientation gray image and the factor it
// was shrunk by on load (1 except for JPEG with a target).
func decodeGray(sr *io.SectionReader, info Info, opt *DecodeOptions) (*image.Gray, int, error) {
	var (
		m   image.Image
		err error
	)
	switch info.Format {
	case JPEG:
		return decodeJPEG(sr, info, opt)
	case PNG:
		m, err = png.Decode(bufio.NewReader(sr))
	case GIF:
		var p *image.Paletted
		p, err = decodeGIFFirst(io.NewSectionReader(sr, 0, sr.Size()), info)
		if err == nil {
			restoreTransparent(p, io.NewSectionReader(sr, 0, sr.Size()))
		}
		m = p
	case WebP:
		if info.Frames > 1 {
			return nil, 1, &UnsupportedFormatError{Format: WebP, Reason: "animated WebP is not decoded"}
		}
		m, err = webp.Decode(bufio.NewReader(sr))
	case BMP:
		m, err = bmp.Decode(bufio.NewReader(sr))
	case TIFF:
		m, err = tiff.Decode(sr)
	default:
		return nil, 1, &UnsupportedFormatError{Format: info.Format}
	}
	if err != nil {
		return nil, 1, err
	}
	return toGray(m, info.Format == WebP), 1, nil
}

// decodeGIFFirst decodes frame 1 and places it on the logical screen, as
// Pillow does: area outside the frame takes palette entry 0, or the
// transparent entry when the frame has one.
func decodeGIFFirst(r io.Reader, info Info) (*image.Paletted, error) {
	m, err := gif.Decode(bufio.NewReader(r))
	if err != nil {
		return nil, err
	}
	p, ok := m.(*image.Paletted)
	if !ok {
		return nil, fmt.Errorf("gif: unexpected frame type %T", m)
	}
	screen := image.Rect(0, 0, info.Width, info.Height)
	if p.Rect == screen {
		return p, nil
	}
	fill := uint8(0)
	for i, c := range p.Palette {
		if _, _, _, a := c.RGBA(); a == 0 {
			fill = uint8(i)
			break
		}
	}
	canvas := image.NewPaletted(screen, p.Palette)
	for i := range canvas.Pix {
		canvas.Pix[i] = fill
	}
	r0 := p.Rect.Intersect(screen)
	for y := r0.Min.Y; y < r0.Max.Y; y++ {
		copy(canvas.Pix[canvas.PixOffset(r0.Min.X, y):canvas.PixOffset(r0.Max.X, y)], p.Pix[p.PixOffset(r0.Min.X, y):])
	}
	return canvas, nil
}

// restoreTransparent puts back the colour of the transparent palette entry,
// which image/gif replaces with transparent black: Pillow drops alpha, so
// the stored colour decides the gray of those pixels.
func restoreTransparent(p *image.Paletted, r io.Reader) {
	ti := -1
	for i, c := range p.Palette {
		if _, _, _, a := c.RGBA(); a == 0 {
			ti = i
			break
		}
	}
	if ti < 0 {
		return
	}
	table := gifFirstColorTable(r)
	if 3*ti+3 > len(table) {
		return
	}
	pal := append(color.Palette{}, p.Palette...) // the decoder may share it
	pal[ti] = color.RGBA{table[3*ti], table[3*ti+1], table[3*ti+2], 0xFF}
	p.Palette = pal
}

// gifFirstColorTable returns the raw colour table frame 1 uses: its local
// table, else the global one. Errors give nil: the frame already decoded.
func gifFirstColorTable(r io.Reader) []byte {
	br := bufio.NewReader(r)
	var hdr [13]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return nil
	}
	var global []byte
	if hdr[10]&0x80 != 0 {
		global = make([]byte, 3<<(1+hdr[10]&7))
		if _, err := io.ReadFull(br, global); err != nil {
			return nil
		}
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return nil
		}
		switch b {
		case 0x21:
			if _, err := br.ReadByte(); err != nil {
				return nil
			}
			if err := skipSubBlocks(br); err != nil {
				return nil
			}
		case 0x2C:
			var d [9]byte
			if _, err := io.ReadFull(br, d[:]); err != nil {
				return nil
			}
			if d[8]&0x80 == 0 {
				return global
			}
			local := make([]byte, 3<<(1+d[8]&7))
			if _, err := io.ReadFull(br, local); err != nil {
				return nil
			}
			return local
		default:
			return nil
		}
	}
}
