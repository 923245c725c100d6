package main

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkOne is the whole per-image path (read, decode, resize, encode) of
// one seed photo per resolution.
func BenchmarkOne(b *testing.B) {
	for _, f := range []string{"photo_1200x800_aitzgorri.jpg", "photo_1500x997_life.jpg", "photo_2040x1536_picos.jpg"} {
		p := filepath.Join("/work/shared/testimages/good", f)
		if _, err := os.Stat(p); err != nil {
			b.Skip("corpus not available")
		}
		out := b.TempDir()
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if err := one(p, out, f, 256, "lanczos3", false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
