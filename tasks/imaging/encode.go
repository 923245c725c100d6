package imaging

import (
	"image"
	"image/png"
	"io"
)

// JPEGQuality is the quality Encode writes JPEG at: 75, the libjpeg default
// that Pillow's save() uses when no quality is given (as the seed did).
const JPEGQuality = 75

// Encode writes img as f. JPEG is written as a one-component (gray) baseline
// JPEG at JPEGQuality, by this package's encoder (jpegenc.go: the standard
// tables, as image/jpeg writes them, at under half its time; doc.go); PNG as 8-bit
// gray with the default compression. Other formats give an
// *UnsupportedFormatError.
func Encode(w io.Writer, img *image.Gray, f Format) error {
	switch f {
	case JPEG:
		return encodeGrayJPEG(w, img, JPEGQuality)
	case PNG:
		return png.Encode(w, img)
	}
	return &UnsupportedFormatError{Format: f, Reason: "cannot encode (only jpeg and png)"}
}
