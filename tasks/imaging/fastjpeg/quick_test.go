package fastjpeg

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

func TestQuick(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/testimages/good/*.jpg")
	for _, f := range files {
		data, _ := os.ReadFile(f)
		cfg, err := DecodeConfig(data)
		if err != nil {
			t.Errorf("%s: config %v", f, err)
			continue
		}
		g, err := DecodeGray(data, 1)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		ref, _ := jpeg.Decode(bytes.NewReader(data))
		var y []byte
		var ys int
		switch m := ref.(type) {
		case *image.YCbCr:
			y, ys = m.Y, m.YStride
		case *image.Gray:
			y, ys = m.Pix, m.Stride
		default:
			t.Logf("%s: %+v %T", f, cfg, ref)
			continue
		}
		b := g.Bounds()
		hist := map[int]int{}
		for yy := 0; yy < b.Dy(); yy++ {
			for xx := 0; xx < b.Dx(); xx++ {
				dd := int(g.Pix[yy*g.Stride+xx]) - int(y[yy*ys+xx])
				hist[dd]++
			}
		}
		t.Logf("%s: %+v %v %v", filepath.Base(f), cfg, b, hist)
	}
}
