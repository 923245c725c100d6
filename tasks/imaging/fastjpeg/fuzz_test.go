package fastjpeg

import (
	"image"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecodeGray: no input may panic or hang, and a successful decode has the
// size DecodeConfig announces. Seeds: testdata/fuzz/FuzzDecodeGray (tiny
// baseline, progressive, restart, gray and CMYK files) plus testdata/*.jpg.
func FuzzDecodeGray(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.jpg")
	for i, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, s uint8) {
		scale := 1 << (s & 3)
		cfg, cerr := DecodeConfig(data)
		g, err := DecodeGray(data, scale)
		if err != nil {
			return
		}
		if cerr != nil {
			t.Fatalf("DecodeGray succeeded but DecodeConfig failed: %v", cerr)
		}
		want := image.Rect(0, 0, (cfg.Width+scale-1)/scale, (cfg.Height+scale-1)/scale)
		if g.Bounds() != want {
			t.Fatalf("got bounds %v, want %v", g.Bounds(), want)
		}
		if len(g.Pix) < (want.Dy()-1)*g.Stride+want.Dx() {
			t.Fatalf("got %d bytes of pixels for %v stride %d", len(g.Pix), want, g.Stride)
		}
	})
}
