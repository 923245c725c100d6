package imaging

import (
	"bytes"
	"errors"
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
