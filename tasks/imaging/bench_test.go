package imaging

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anthonynsimon/bild/transform"
	"golang.org/x/image/draw"
)

// The seed resolutions of the shared corpus (DESIGN.md §6).
var benchFiles = []string{
	"photo_1200x800_aitzgorri.jpg",
	"photo_1500x997_life.jpg",
	"photo_2040x1536_picos.jpg",
}

func benchData(b testing.TB, name string) []byte {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(sharedDir(b), "good", name))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func shortName(name string) string { return strings.Split(name, "_")[1] }

// BenchmarkDecodeGray: decode to gray with the 256x256 target, as the
// Grayscale task calls it.
func BenchmarkDecodeGray(b *testing.B) {
	for _, name := range benchFiles {
		data := benchData(b, name)
		b.Run(shortName(name)+"/fastjpeg", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: 256, TargetHeight: 256}); err != nil {
					b.Fatal(err)
				}
			}
		})
		// For comparison: the standard library's full YCbCr decode, Y plane kept.
		b.Run(shortName(name)+"/image_jpeg", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m, err := jpeg.Decode(bytes.NewReader(data))
				if err != nil {
					b.Fatal(err)
				}
				toGray(m, false)
			}
		})
	}
}

func fullGray(b testing.TB, name string) *image.Gray {
	data := benchData(b, name)
	g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkResize: full-resolution gray to 256x256, this package's
// resampler and the two library alternatives on the same input.
func BenchmarkResize(b *testing.B) {
	for _, name := range benchFiles {
		g := fullGray(b, name)
		b.Run(shortName(name)+"/imaging", func(b *testing.B) {
			for b.Loop() {
				Resize(g, 256, 256, Stretch)
			}
		})
		b.Run(shortName(name)+"/xdraw_catmullrom", func(b *testing.B) {
			for b.Loop() {
				dst := image.NewGray(image.Rect(0, 0, 256, 256))
				draw.CatmullRom.Scale(dst, dst.Rect, g, g.Rect, draw.Src, nil)
			}
		})
		b.Run(shortName(name)+"/bild_catmullrom", func(b *testing.B) {
			for b.Loop() {
				transform.Resize(g, 256, 256, transform.CatmullRom)
			}
		})
	}
}

// BenchmarkResizeScaled: what the pipeline resizes, the DCT-scaled decode
// (750x499 for 1500x997), to 256x256.
func BenchmarkResizeScaled(b *testing.B) {
	for _, name := range benchFiles {
		data := benchData(b, name)
		g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: 256, TargetHeight: 256})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(shortName(name), func(b *testing.B) {
			for b.Loop() {
				Resize(g, 256, 256, Stretch)
			}
		})
	}
}

// BenchmarkPipeline: bytes in, encoded 256x256 JPEG out, through the raw
// intermediate, as the Grayscale and Resize tasks run it back to back.
func BenchmarkPipeline(b *testing.B) {
	for _, name := range benchFiles {
		data := benchData(b, name)
		b.Run(shortName(name), func(b *testing.B) {
			var raw, out bytes.Buffer
			for b.Loop() {
				g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: 256, TargetHeight: 256})
				if err != nil {
					b.Fatal(err)
				}
				raw.Reset()
				out.Reset()
				if err := WriteRaw(&raw, g); err != nil {
					b.Fatal(err)
				}
				g, err = ReadRaw(&raw, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				if err := Encode(&out, Resize(g, 256, 256, Stretch), JPEG); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestResizeAlternativesQuality logs, with -metrics, how close the library
// resamplers come to Pillow on the same gray input (the figures behind
// choosing our own resampler).
func TestResizeAlternativesQuality(t *testing.T) {
	if !*showMetrics {
		t.Skip("run with -metrics to log the comparison")
	}
	dir := filepath.Join(sharedDir(t), "good")
	for _, name := range benchFiles {
		data, _ := os.ReadFile(filepath.Join(dir, name))
		g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := readGolden(t, goldenDir, name) // the seed's bicubic
		xd := image.NewGray(image.Rect(0, 0, 256, 256))
		draw.CatmullRom.Scale(xd, xd.Rect, g, g.Rect, draw.Src, nil)
		bl := transform.Resize(g, 256, 256, transform.CatmullRom)
		blg := image.NewGray(bl.Rect)
		draw.Draw(blg, blg.Rect, bl, image.Point{}, draw.Src)
		for _, c := range []struct {
			name string
			img  *image.Gray
		}{{"imaging_bicubic", ResizeWith(g, 256, 256, Stretch, Bicubic)}, {"xdraw_catmullrom", xd}, {"bild_catmullrom", blg}} {
			mean, psnr, maxd := compare(c.img, want)
			t.Logf("%-30s %-18s PSNR %6.2f dB  mean |d| %.3f  max |d| %d", name, c.name, psnr, mean, maxd)
		}
	}
}
