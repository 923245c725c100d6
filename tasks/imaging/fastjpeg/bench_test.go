package fastjpeg

import (
	"bytes"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// The benchmarks read the shared corpus (not committed here: the photos are
// large and some licences forbid embedding); they skip when it is absent.
const corpusDir = "/work/shared/testimages/good"

var benchFiles = []string{
	"photo_1200x800_aitzgorri.jpg",
	"photo_1500x997_life.jpg",
	"photo_2040x1536_picos.jpg",
	"progressive_1500x997_life.jpg",
	"photo_24mp_6000x4000_seeding.jpg",
}

func readCorpus(b *testing.B, name string) []byte {
	data, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	return data
}

// BenchmarkDecodeGray covers each seed resolution at each scale.
func BenchmarkDecodeGray(b *testing.B) {
	for _, f := range benchFiles {
		data := readCorpus(b, f)
		for _, s := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("%s/scale%d", f[:len(f)-4], s), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					if _, err := DecodeGray(data, s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkStdlib is image/jpeg's full decode of the same files, for comparison
// in the same run.
func BenchmarkStdlib(b *testing.B) {
	for _, f := range benchFiles {
		data := readCorpus(b, f)
		b.Run(f[:len(f)-4], func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHuffman is entropy decoding alone: every block is decoded with
// nothing stored and no IDCT (the 1/8 path without its DC writes).
func BenchmarkHuffman(b *testing.B) {
	for _, f := range benchFiles[:3] {
		data := readCorpus(b, f)
		b.Run(f[:len(f)-4], func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if err := huffmanOnly(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// huffmanOnly decodes every scan of a baseline file with all components
// marked unneeded, so only the entropy decoder runs.
func huffmanOnly(data []byte) error {
	d := decoder{data: data, scale: 8, bs: 1, huffmanOnly: true}
	return d.run()
}
