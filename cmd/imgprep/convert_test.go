package main

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func TestConvertSamples(t *testing.T) {
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := runConvert([]string{"--size", "128x96", "--mode", "fit", "-o", out, "../../testdata/images"}, &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit code: got %d, want %d (testdata/images holds bad inputs)", code, exitFailure)
	}
	// One stderr line per bad input, naming it.
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	bad := []string{"bomb_50000x50000_header_only.png", "text_named.jpg", "truncated_45pct_1500x997.jpg"}
	if len(lines) != len(bad) {
		t.Fatalf("stderr: got %d lines, want %d:\n%s", len(lines), len(bad), stderr.String())
	}
	for i, name := range bad {
		if !strings.Contains(lines[i], name) {
			t.Errorf("stderr line %d: got %q, want it to name %s", i, lines[i], name)
		}
	}
	want := map[string]image.Point{
		// fit 128x96: landscape 3:2 binds on width; the EXIF-rotated portrait on height
		"photo_1200x800_flower.jpeg":      {128, 85},
		"exif_orient6_1200x800_wine.jpeg": {64, 96},
		"rgb16_64x64_nikon_raw.png":       {96, 96},
		"rgba_500x500_tulips.png":         {96, 96},
		"webp_lossy_1500x997_cups.png":    {128, 85},
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	sort.Strings(got)
	if len(got) != len(want) {
		t.Errorf("outputs: got %v, want %d files", got, len(want))
	}
	for name, size := range want {
		f, err := os.Open(filepath.Join(out, name))
		if err != nil {
			t.Errorf("output %s: %v", name, err)
			continue
		}
		var cfg image.Config
		if strings.HasSuffix(name, ".jpeg") {
			cfg, err = jpeg.DecodeConfig(f)
		} else {
			cfg, err = png.DecodeConfig(f)
		}
		f.Close()
		if err != nil || cfg.Width != size.X || cfg.Height != size.Y {
			t.Errorf("output %s: got %dx%d (%v), want %dx%d", name, cfg.Width, cfg.Height, err, size.X, size.Y)
		}
	}
}

func TestConvertFormatFlagAndCollision(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("../../testdata/images/rgba_500x500_tulips.png")
	if err != nil {
		t.Fatal(err)
	}
	// Same base name, two inputs: the second must not overwrite the first.
	for _, n := range []string{"a.png", "a.tulips"} {
		if err := os.WriteFile(filepath.Join(dir, n), src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := runConvert([]string{"--format", "jpeg", "-o", out, filepath.Join(dir, "a.png"), filepath.Join(dir, "a.tulips")}, &stdout, &stderr)
	if code != exitFailure || !strings.Contains(stderr.String(), "overwrite") {
		t.Errorf("got exit %d, stderr %q; want %d and an overwrite message", code, stderr.String(), exitFailure)
	}
	if _, err := os.Stat(filepath.Join(out, "a.jpeg")); err != nil {
		t.Errorf("--format jpeg: %v", err)
	}
}

func TestConvertUsage(t *testing.T) {
	for _, args := range [][]string{
		{"x.jpg"},                                 // no -o
		{"-o", "out"},                             // no input
		{"--size", "256", "-o", "out", "x.jpg"},   // bad size
		{"--mode", "crop", "-o", "out", "x.jpg"},  // bad mode
		{"--format", "gif", "-o", "out", "x.jpg"}, // cannot encode
	} {
		var stdout, stderr bytes.Buffer
		if code := runConvert(args, &stdout, &stderr); code != exitUsage {
			t.Errorf("convert %v: got exit %d, want %d", args, code, exitUsage)
		}
	}
}
