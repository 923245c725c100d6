package imaging

import (
	"bytes"
	"errors"
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeGray: on any bytes, DecodeGray returns an image whose size
// agrees with Info or one of the three error types; it never panics or
// returns an untyped error. Seeds: the local samples (cut to 64 KiB).
func FuzzDecodeGray(f *testing.F) {
	ents, _ := os.ReadDir(localImages)
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(localImages, e.Name()))
		if err == nil {
			f.Add(data[:min(len(data), 64<<10)])
		}
	}
	lim := Limits{MaxPixels: 4 << 20, MaxFrames: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, info, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{Limits: lim, TargetWidth: 16, TargetHeight: 16})
		if err != nil {
			var (
				ue *UnsupportedFormatError
				le *LimitError
				ce *CorruptError
			)
			if !errors.As(err, &ue) && !errors.As(err, &le) && !errors.As(err, &ce) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		w, h := info.Oriented()
		if g.Rect.Dx() > w || g.Rect.Dy() > h || g.Rect.Dx() < 1 || g.Rect.Dy() < 1 {
			t.Fatalf("decoded %v for Info %+v", g.Rect, info)
		}
		Resize(g, 7, 5, Fill)
	})
}

// FuzzReadRaw: on any bytes, ReadRaw returns an image (whose area, the
// header's trims, Resize accepts) or a *CorruptError or *LimitError; it
// never panics. Seeds: a version 2 file with trims and a version 1 file.
func FuzzReadRaw(f *testing.F) {
	full := image.NewGray(image.Rect(0, 0, 13, 9))
	for i := range full.Pix {
		full.Pix[i] = byte(i * 7)
	}
	setArea(full, ImageArea{0.25, 0, 12.5, 8.875})
	var buf bytes.Buffer
	if err := WriteRaw(&buf, full); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(rawV1(buf.Bytes()))
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadRaw(bytes.NewReader(data), Limits{MaxPixels: 1 << 20})
		if err != nil {
			var (
				le *LimitError
				ce *CorruptError
			)
			if !errors.As(err, &le) && !errors.As(err, &ce) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		if a := Area(g); !(a.X0 >= 0 && a.X0 < a.X1 && a.X1 <= float64(g.Rect.Dx()) && a.Y0 >= 0 && a.Y0 < a.Y1 && a.Y1 <= float64(g.Rect.Dy())) {
			t.Fatalf("area %+v outside the %v image", a, g.Rect)
		}
		for _, m := range []Mode{Stretch, Fit, Fill} {
			Resize(g, 7, 5, m)
		}
	})
}
