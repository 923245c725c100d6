package imaging

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"io"

	"github.com/imgprep/imgprep/tasks/imaging/fastjpeg"
)

// decodeJPEG decodes with fastjpeg, which produces gray directly and can
// scale by 1/2, 1/4 or 1/8 in the DCT domain (as libjpeg does for Pillow's
// draft mode). It picks the largest scale that keeps the oriented image at
// least twice the target on both axes, so the bicubic Resize that follows
// still sees more than one source pixel per output pixel. Files fastjpeg
// does not implement (arithmetic coding, 12-bit, lossless) go to
// image/jpeg, which refuses most of them too, with a clear message.
func decodeJPEG(sr *io.SectionReader, info Info, opt *DecodeOptions) (*image.Gray, int, error) {
	data := make([]byte, sr.Size())
	if _, err := sr.ReadAt(data, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, 1, err
	}
	scale := jpegScale(info, opt.TargetWidth, opt.TargetHeight)
	g, err := fastjpeg.DecodeGray(data, scale)
	var unsupported fastjpeg.UnsupportedError
	if errors.As(err, &unsupported) {
		m, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, 1, err
		}
		return toGray(m, false), 1, nil
	}
	if err != nil {
		return nil, scale, err
	}
	if scale > 1 && (info.Width%scale != 0 || info.Height%scale != 0) {
		g = exactExtent(g, float64(info.Width)/float64(scale), float64(info.Height)/float64(scale))
	}
	return g, scale, nil
}

// exactExtent fixes the geometry of a DCT-scaled image whose size is not a
// multiple of the scale. Its last column (row) stands for fewer source
// pixels than the others, so resizing it as if every pixel were equal
// shifts the content by up to half an output pixel at the far edge; on
// photo_1500x997_life.jpg at 1/2 that cost 18 dB (35 dB against Pillow
// instead of 53). This resamples the image onto its own size from the true
// extent w x h (in scaled pixels), as Pillow does with the box that draft()
// returns. The near-identity bicubic pass blurs a little; the downscale
// that follows hides most of it (50.6 dB on that file, against 53.2 for
// passing the box through to the final resize, which the raw intermediate
// cannot carry).
func exactExtent(g *image.Gray, w, h float64) *image.Gray {
	gw, gh := g.Rect.Dx(), g.Rect.Dy()
	if w < float64(gw) {
		g = resampleH(g, newCoeffs(0, w, gw, gw), 0, gh)
	}
	if h < float64(gh) {
		g = resampleV(g, newCoeffs(0, h, gh, gh))
	}
	return g
}

// jpegScale returns the largest of 8, 4, 2 that keeps the scaled, oriented
// image >= 2x the target in both dimensions, else 1 (also when there is no
// target).
func jpegScale(info Info, tw, th int) int {
	if tw <= 0 || th <= 0 {
		return 1
	}
	w, h := info.Oriented()
	for _, s := range []int{8, 4, 2} {
		if ceilDiv(w, s) >= 2*tw && ceilDiv(h, s) >= 2*th {
			return s
		}
	}
	return 1
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
