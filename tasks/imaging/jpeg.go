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
// least the target on both axes; the Lanczos Resize that follows does the
// rest. It also returns the picture's exact extent in scaled pixels (see
// ImageArea). Files fastjpeg does not implement (arithmetic coding, 12-bit,
// lossless) go to image/jpeg, which refuses most of them too, with a clear
// message.
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
	return g, scale, nil
}

// jpegScale returns the largest of 8, 4, 2 that keeps the scaled, oriented
// image at least the target in both dimensions, else 1 (also when there is
// no target). The scaled size counts the partial last pixel, as the decoder
// does (ceil); Resize then reads the exact area.
func jpegScale(info Info, tw, th int) int {
	if tw <= 0 || th <= 0 {
		return 1
	}
	w, h := info.Oriented()
	for _, s := range []int{8, 4, 2} {
		if ceilDiv(w, s) >= tw && ceilDiv(h, s) >= th {
			return s
		}
	}
	return 1
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
