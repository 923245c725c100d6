package imaging

import (
	"bytes"
	"image"
	"image/jpeg"
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

// TestFDCT8: the AAN transform of rows then columns, divided by its output
// scale, is the DCT-II of T.81 A.3.3 (computed from the definition).
func TestFDCT8(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var in, blk [64]float32
	for i := range in {
		in[i] = float32(rng.IntN(256) - 128)
	}
	blk = in
	for i := 0; i < 8; i++ {
		fdct8(&blk, i*8, 1)
	}
	for i := 0; i < 8; i++ {
		fdct8(&blk, i, 8)
	}
	c := func(k int) float64 {
		if k == 0 {
			return 1 / math.Sqrt2
		}
		return 1
	}
	for v := 0; v < 8; v++ {
		for u := 0; u < 8; u++ {
			var s float64
			for y := 0; y < 8; y++ {
				for x := 0; x < 8; x++ {
					s += float64(in[y*8+x]) * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
				}
			}
			want := c(u) * c(v) / 4 * s
			got := float64(blk[v*8+u]) / (8 * float64(aanScale[u]) * float64(aanScale[v]))
			if math.Abs(got-want) > 1e-3*max(1, math.Abs(want)) {
				t.Errorf("coefficient (%d,%d): got %.4f, want %.4f", u, v, got, want)
			}
		}
	}
}

// segments returns the marker segments of a JPEG before its scan data,
// keyed by marker, with their payloads.
func segments(t *testing.T, b []byte) map[byte][]byte {
	t.Helper()
	m := map[byte][]byte{}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			t.Fatalf("no marker at %d", i)
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		m[b[i+1]] = append(m[b[i+1]], b[i+4:i+2+n]...)
		if b[i+1] == 0xDA {
			break
		}
		i += 2 + n
	}
	return m
}

// TestEncodeGrayJPEG: our encoder against image/jpeg's on the same gray
// images: the same quantisation and Huffman tables (image/jpeg writes the
// chrominance quantisation table too, which a gray file does not use), the
// same frame and scan headers, a decode by both image/jpeg and DecodeGray
// (fastjpeg) that is as close to the source, and a similar size.
func TestEncodeGrayJPEG(t *testing.T) {
	src := readPNGGray(t, "testdata/resample/src.png")
	rng := rand.New(rand.NewPCG(5, 6))
	noise := image.NewGray(image.Rect(0, 0, 37, 23)) // ragged edges, high entropy
	for i := range noise.Pix {
		noise.Pix[i] = byte(rng.IntN(256))
	}
	flat := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range flat.Pix {
		flat.Pix[i] = 255 // DC only; 0xFF bytes get stuffed
	}
	sub := src.SubImage(image.Rect(5, 7, 260, 200)).(*image.Gray)
	// A checkerboard is mostly the last zig-zag coefficient: runs of more
	// than 16 zeros (ZRL codes) and blocks that end without an EOB.
	checker := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range checker.Pix {
		checker.Pix[i] = byte(255 * ((i%16 + i/16) % 2))
	}
	for _, tt := range []struct {
		name string
		img  *image.Gray
	}{{"photo", src}, {"sub-image", sub}, {"noise", noise}, {"flat", flat}, {"checker", checker}, {"1x1", image.NewGray(image.Rect(0, 0, 1, 1))}} {
		for _, quality := range []int{JPEGQuality, 95, 10} {
			var ours, std bytes.Buffer
			if err := encodeGrayJPEG(&ours, tt.img, quality); err != nil {
				t.Fatal(err)
			}
			if err := jpeg.Encode(&std, tt.img, &jpeg.Options{Quality: quality}); err != nil {
				t.Fatal(err)
			}
			so, ss := segments(t, ours.Bytes()), segments(t, std.Bytes())
			if !bytes.Equal(so[0xDB], ss[0xDB][:65]) {
				t.Errorf("%s q%d: DQT %x, want image/jpeg's luminance table %x", tt.name, quality, so[0xDB], ss[0xDB][:65])
			}
			for _, m := range []byte{0xC0, 0xC4, 0xDA} {
				if !bytes.Equal(so[m], ss[m]) {
					t.Errorf("%s q%d: segment %02X is %x, want image/jpeg's %x", tt.name, quality, m, so[m], ss[m])
				}
			}
			m, err := jpeg.Decode(bytes.NewReader(ours.Bytes()))
			if err != nil {
				t.Fatalf("%s q%d: image/jpeg cannot decode our output: %v", tt.name, quality, err)
			}
			g, _, err := DecodeGray(bytes.NewReader(ours.Bytes()), int64(ours.Len()), nil)
			if err != nil {
				t.Fatalf("%s q%d: DecodeGray of our output: %v", tt.name, quality, err)
			}
			ms, err := jpeg.Decode(bytes.NewReader(std.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			ref := copyGray(tt.img)
			_, pOurs, _ := compare(toGray(m, false), ref)
			_, pFast, _ := compare(g, ref)
			_, pStd, _ := compare(toGray(ms, false), ref)
			if pOurs < pStd-0.3 || pFast < pStd-0.3 {
				t.Errorf("%s q%d: PSNR against the source %.2f dB (image/jpeg decode), %.2f (fastjpeg); image/jpeg's own file %.2f; want within 0.3 dB", tt.name, quality, pOurs, pFast, pStd)
			}
			if r := float64(ours.Len()) / float64(std.Len()); r > 1.05 {
				t.Errorf("%s q%d: %d bytes, image/jpeg %d: want at most 5%% more", tt.name, quality, ours.Len(), std.Len())
			}
		}
	}
}

func copyGray(g *image.Gray) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		copy(out.Pix[y*out.Stride:], g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):g.PixOffset(b.Max.X, b.Min.Y+y)])
	}
	return out
}

// BenchmarkEncodeJPEG: the 256x256 outputs of the seed photos, encoded by
// Encode's encoder and by image/jpeg.
func BenchmarkEncodeJPEG(b *testing.B) {
	for _, name := range benchFiles {
		data := benchData(b, name)
		g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: 256, TargetHeight: 256})
		if err != nil {
			b.Fatal(err)
		}
		small := Resize(g, 256, 256, Stretch)
		b.Run(shortName(name)+"/imaging", func(b *testing.B) {
			for b.Loop() {
				encodeGrayJPEG(io.Discard, small, JPEGQuality)
			}
		})
		b.Run(shortName(name)+"/image_jpeg", func(b *testing.B) {
			for b.Loop() {
				jpeg.Encode(io.Discard, small, &jpeg.Options{Quality: JPEGQuality})
			}
		})
	}
}
