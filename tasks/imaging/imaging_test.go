package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format
	}{
		{"jpeg", "\xff\xd8\xff\xe0\x00\x10JFIF\x00", JPEG},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", PNG},
		{"gif87a", "GIF87a\x10\x00", GIF},
		{"gif89a", "GIF89a\x10\x00", GIF},
		{"webp", "RIFF\x24\x00\x00\x00WEBPVP8 ", WebP},
		{"bmp", "BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00", BMP},
		{"tiff little-endian", "II*\x00\x08\x00\x00\x00", TIFF},
		{"tiff big-endian", "MM\x00*\x00\x00\x00\x08", TIFF},
		{"empty", "", ""},
		{"text", "hello, this is not an image\n", ""},
		{"text starting BM", "BMW owners club minutes\n", ""},
		{"riff but wave", "RIFF\x24\x00\x00\x00WAVEfmt ", ""},
		{"jpeg soi only", "\xff\xd8", ""},
		{"png signature cut", "\x89PNG\r\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sniff([]byte(tt.head))
			if got != tt.want {
				t.Errorf("Sniff(%q) = %q, want %q", tt.head, got, tt.want)
			}
			var ue *UnsupportedFormatError
			if wantErr := tt.want == ""; wantErr != errors.As(err, &ue) {
				t.Errorf("Sniff(%q) error = %v, want UnsupportedFormatError: %v", tt.head, err, wantErr)
			}
		})
	}
}

// TestBadInputs: every file in the shared bad/ set is refused with the
// right error type, quickly.
func TestBadInputs(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "bad")
	want := map[string]string{
		"empty.jpg":                        "unsupported",
		"text_named.jpg":                   "unsupported",
		"truncated_45pct_1500x997.jpg":     "corrupt",
		"corrupt_midstream_1500x997.jpg":   "corrupt",
		"bomb_50000x50000_valid.png":       "pixels",
		"bomb_50000x50000_header_only.png": "pixels",
	}
	names := listDir(t, dir)
	if len(names) != len(want) {
		t.Errorf("bad/ holds %d files, this test knows %d: update the table", len(names), len(want))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, _, err = DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
			took := time.Since(start)
			if got := errorKind(err); got != want[name] {
				t.Errorf("DecodeGray(%s): got %s error (%v), want %s", name, got, err, want[name])
			}
			if *showMetrics {
				t.Logf("%s: %v in %v", name, err, took)
			}
			if took > 2*time.Second {
				t.Errorf("DecodeGray(%s) took %v, want well under 2s", name, took)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "imaging: ") {
				t.Errorf("message %q does not say where it came from", err)
			}
		})
	}
}

func errorKind(err error) string {
	var (
		ue *UnsupportedFormatError
		le *LimitError
		ce *CorruptError
	)
	switch {
	case err == nil:
		return "no"
	case errors.As(err, &ue):
		return "unsupported"
	case errors.As(err, &le):
		return le.Limit
	case errors.As(err, &ce):
		return "corrupt"
	}
	return "untyped"
}

// TestBombAllocatesLittle: refusing a 50000x50000 PNG must not allocate its
// pixels (2.5-10 GB) or anything close.
func TestBombAllocatesLittle(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "bad")
	for _, name := range []string{"bomb_50000x50000_valid.png", "bomb_50000x50000_header_only.png"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err = DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
		runtime.ReadMemStats(&after)
		var le *LimitError
		if !errors.As(err, &le) || le.Got != 50000*50000 {
			t.Fatalf("%s: got %v, want LimitError with 2500000000 pixels", name, err)
		}
		if *showMetrics {
			t.Logf("%s: refused after allocating %d bytes", name, after.TotalAlloc-before.TotalAlloc)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("%s: allocated %d bytes to refuse it, want < 1 MiB", name, got)
		}
	}
}

// TestTruncatedEveryFormat cuts a sample of each format at several points;
// every cut must be refused as corrupt (never decoded into a partly gray
// image). Samples come from testdata/images and, when present, the shared
// corpus, which has every format.
func TestTruncatedEveryFormat(t *testing.T) {
	files := map[Format]string{}
	dirs := []string{localImages}
	_, err := os.Stat(filepath.Join(sharedImages, "good"))
	haveShared := err == nil
	if haveShared {
		dirs = append(dirs, filepath.Join(sharedImages, "good"))
	}
	for _, dir := range dirs {
		for _, name := range listDir(t, dir) {
			path := filepath.Join(dir, name)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Sniff(data)
			if err != nil || files[f] != "" {
				continue
			}
			if _, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), nil); err == nil {
				files[f] = path
			}
		}
	}
	for _, f := range []Format{JPEG, PNG, GIF, WebP, BMP, TIFF} {
		path, ok := files[f]
		if !ok {
			if haveShared {
				t.Errorf("no decodable %s sample in %v", f, dirs)
			}
			continue
		}
		data, _ := os.ReadFile(path)
		for _, frac := range []float64{0.999, 0.9, 0.5, 0.1} {
			cut := data[:int(float64(len(data))*frac)]
			_, _, err := DecodeGray(bytes.NewReader(cut), int64(len(cut)), nil)
			if got := errorKind(err); got != "corrupt" {
				t.Errorf("%s cut to %.1f%% (%d bytes): got %s error (%v), want corrupt", filepath.Base(path), frac*100, len(cut), got, err)
			}
		}
	}
}

func TestLimits(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 100, 50))); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	tests := []struct {
		name string
		lim  Limits
		want string
	}{
		{"defaults", Limits{}, "no"},
		{"pixels at limit", Limits{MaxPixels: 5000}, "no"},
		{"pixels over", Limits{MaxPixels: 4999}, "pixels"},
		{"bytes over", Limits{MaxBytes: int64(len(data) - 1)}, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(bytes.NewReader(data), int64(len(data)), tt.lim)
			if got := errorKind(err); got != tt.want {
				t.Errorf("Inspect: got %s error (%v), want %s", got, err, tt.want)
			}
		})
	}
}

func TestGIFFrames(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "good")
	data, err := os.ReadFile(filepath.Join(dir, "animated_480x320_6frames_seeding.gif"))
	if err != nil {
		t.Fatal(err)
	}
	info, err := Inspect(bytes.NewReader(data), int64(len(data)), Limits{})
	if err != nil || info.Frames != 6 || info.Width != 480 || info.Height != 320 {
		t.Errorf("Inspect: got %+v, %v; want 480x320, 6 frames", info, err)
	}
	_, err = Inspect(bytes.NewReader(data), int64(len(data)), Limits{MaxFrames: 5})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "frames" || le.Max != 5 {
		t.Errorf("Inspect with MaxFrames 5: got %v, want frames LimitError", err)
	}
}

// withEXIF returns a TIFF-structured EXIF block holding one Orientation tag.
func withEXIF(o int, bo binary.ByteOrder) []byte {
	b := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(b, "II*\x00")
	} else {
		copy(b, "MM\x00*")
	}
	bo.PutUint32(b[4:], 8)
	bo.PutUint16(b[8:], 1)
	bo.PutUint16(b[10:], tagOrientation)
	bo.PutUint16(b[12:], 3) // SHORT
	bo.PutUint32(b[14:], 1)
	bo.PutUint16(b[18:], uint16(o))
	return b
}

// pngWithEXIF encodes img and inserts an eXIf chunk after IHDR.
func pngWithEXIF(t *testing.T, img image.Image, exif []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	chunk := make([]byte, 8+len(exif)+4)
	binary.BigEndian.PutUint32(chunk, uint32(len(exif)))
	copy(chunk[4:], "eXIf")
	copy(chunk[8:], exif)
	binary.BigEndian.PutUint32(chunk[8+len(exif):], crc32.ChecksumIEEE(chunk[4:8+len(exif)]))
	const afterIHDR = 8 + 8 + 13 + 4
	return append(append(append([]byte{}, data[:afterIHDR]...), chunk...), data[afterIHDR:]...)
}

// jpegWithEXIF encodes img and inserts an APP1 Exif segment after SOI.
func jpegWithEXIF(t *testing.T, img image.Image, exif []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	return spliceAPP1(t, buf.Bytes(), exif)
}

// spliceAPP1 inserts an APP1 Exif segment after the SOI of a JPEG.
func spliceAPP1(t *testing.T, data, exif []byte) []byte {
	t.Helper()
	seg := append([]byte{0xFF, 0xE1, 0, 0}, "Exif\x00\x00"...)
	seg = append(seg, exif...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(seg)-2))
	return append(append(append([]byte{}, data[:2]...), seg...), data[2:]...)
}

// Expected results from Pillow 9.4's ImageOps.exif_transpose of the stored
// image [[1 2 3] [4 5 6]] (printed with Image.transpose in Python).
var orientWant = map[int][][]uint8{
	1: {{1, 2, 3}, {4, 5, 6}},
	2: {{3, 2, 1}, {6, 5, 4}},
	3: {{6, 5, 4}, {3, 2, 1}},
	4: {{4, 5, 6}, {1, 2, 3}},
	5: {{1, 4}, {2, 5}, {3, 6}},
	6: {{4, 1}, {5, 2}, {6, 3}},
	7: {{6, 3}, {5, 2}, {4, 1}},
	8: {{3, 6}, {2, 5}, {1, 4}},
}

func TestOrientation(t *testing.T) {
	const cell = 16 // JPEG cells: flat 16x16 blocks survive quality-100 coding
	for o := 1; o <= 8; o++ {
		want := orientWant[o]
		for _, f := range []Format{PNG, JPEG} {
			for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
				scale := 1
				if f == JPEG {
					scale = cell
				}
				stored := image.NewGray(image.Rect(0, 0, 3*scale, 2*scale))
				for y := 0; y < 2*scale; y++ {
					for x := 0; x < 3*scale; x++ {
						stored.SetGray(x, y, color.Gray{uint8(40 * (1 + x/scale + 3*(y/scale)))})
					}
				}
				var data []byte
				if f == PNG {
					data = pngWithEXIF(t, stored, withEXIF(o, bo))
				} else {
					data = jpegWithEXIF(t, stored, withEXIF(o, bo))
				}
				g, info, err := DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
				if err != nil {
					t.Fatalf("orientation %d %s %v: %v", o, f, bo, err)
				}
				if info.Orientation != o {
					t.Errorf("orientation %d %s %v: Info.Orientation = %d", o, f, bo, info.Orientation)
				}
				if ow, oh := info.Oriented(); g.Rect.Dx() != ow || g.Rect.Dy() != oh {
					t.Errorf("orientation %d %s: got %v, Info.Oriented says %dx%d", o, f, g.Rect, ow, oh)
				}
				for y, row := range want {
					for x, v := range row {
						got := g.GrayAt(x*scale+scale/2, y*scale+scale/2).Y
						if d := int(got) - 40*int(v); d < -3 || d > 3 {
							t.Errorf("orientation %d %s %v: cell (%d,%d) = %d, want %d", o, f, bo, x, y, got, 40*v)
						}
					}
				}
			}
		}
	}
}

func TestResizeSizes(t *testing.T) {
	tests := []struct {
		sw, sh, w, h int
		mode         Mode
		ww, wh       int
	}{
		{1200, 800, 256, 256, Stretch, 256, 256},
		{1200, 800, 256, 256, "", 256, 256},
		{1200, 800, 256, 256, Fit, 256, 171},
		{800, 1200, 256, 256, Fit, 171, 256},
		{1200, 800, 256, 256, Fill, 256, 256},
		{1500, 997, 300, 200, Fit, 300, 199},
		{64, 64, 256, 256, Stretch, 256, 256},
		{64, 64, 256, 256, Fit, 256, 256},
		{64, 64, 256, 128, Fit, 128, 128},
		{64, 64, 256, 128, Fill, 256, 128},
		{64, 32, 256, 256, Fit, 256, 128},
		{1, 1000, 256, 256, Fit, 1, 256},
		{5, 5, 5, 5, Stretch, 5, 5},
	}
	for _, tt := range tests {
		src := image.NewGray(image.Rect(0, 0, tt.sw, tt.sh))
		got := Resize(src, tt.w, tt.h, tt.mode)
		if got.Rect.Dx() != tt.ww || got.Rect.Dy() != tt.wh {
			t.Errorf("Resize(%dx%d, %dx%d, %q): got %dx%d, want %dx%d", tt.sw, tt.sh, tt.w, tt.h, tt.mode, got.Rect.Dx(), got.Rect.Dy(), tt.ww, tt.wh)
		}
	}
}

func readPNGGray(t testing.TB, path string) *image.Gray {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return m.(*image.Gray)
}

// TestResizeMatchesPillow: on a gray input, ResizeWith must equal Pillow
// 9.4's resize with the same filter, for down- and upscaling, extreme
// ratios and a box (fill), exactly for both filters.
func TestResizeMatchesPillow(t *testing.T) {
	src := readPNGGray(t, "testdata/resample/src.png")
	tests := []struct {
		file string
		w, h int
		mode Mode
	}{
		{"256x256.png", 256, 256, Stretch},
		{"97x61.png", 97, 61, Stretch},
		{"640x480.png", 640, 480, Stretch},
		{"301x50.png", 301, 50, Stretch},
		{"7x203.png", 7, 203, Stretch},
		{"1x1.png", 1, 1, Stretch},
		{"100x100_fill.png", 100, 100, Fill},
	}
	for _, f := range []struct {
		filter  Filter
		prefix  string
		maxDiff int
	}{{Bicubic, "", 0}, {Lanczos, "lanczos_", 0}} {
		for _, tt := range tests {
			want := readPNGGray(t, filepath.Join("testdata/resample", f.prefix+tt.file))
			got := ResizeWith(src, tt.w, tt.h, tt.mode, f.filter)
			if mean, psnr, maxd := compare(got, want); maxd > f.maxDiff {
				t.Errorf("ResizeWith(filter %d) to %s: differs from Pillow: max |d| %d, mean %.3f, PSNR %.1f dB; want max |d| <= %d", f.filter, tt.file, maxd, mean, psnr, f.maxDiff)
			}
		}
		if got, want := Resize(src, 97, 61, Stretch), ResizeWith(src, 97, 61, Stretch, Lanczos); !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("Resize differs from ResizeWith(Lanczos)")
		}
	}
	// A sub-image (non-zero origin, stride wider than the width) resizes
	// like a copy of itself.
	sub := src.SubImage(image.Rect(10, 20, 110, 120)).(*image.Gray)
	cp := image.NewGray(image.Rect(0, 0, 100, 100))
	for y := 0; y < 100; y++ {
		copy(cp.Pix[y*100:], sub.Pix[sub.PixOffset(10, 20+y):sub.PixOffset(110, 20+y)])
	}
	if _, _, maxd := compare(Resize(sub, 37, 53, Stretch), Resize(cp, 37, 53, Stretch)); maxd != 0 {
		t.Errorf("Resize of a sub-image differs from Resize of its copy by up to %d", maxd)
	}
}

func TestRawRoundTrip(t *testing.T) {
	src := readPNGGray(t, "testdata/resample/src.png")
	sub := src.SubImage(image.Rect(3, 5, 203, 105)).(*image.Gray) // stride != width
	for _, img := range []*image.Gray{src, sub} {
		var buf bytes.Buffer
		if err := WriteRaw(&buf, img); err != nil {
			t.Fatal(err)
		}
		if got, want := int64(buf.Len()), RawSize(img.Rect.Dx(), img.Rect.Dy()); got != want {
			t.Errorf("WriteRaw wrote %d bytes, want %d", got, want)
		}
		got, err := ReadRaw(&buf, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if got.Rect.Dx() != img.Rect.Dx() || got.Rect.Dy() != img.Rect.Dy() {
			t.Fatalf("ReadRaw: got %v, want size of %v", got.Rect, img.Rect)
		}
		for y := 0; y < got.Rect.Dy(); y++ {
			for x := 0; x < got.Rect.Dx(); x++ {
				if a, b := got.GrayAt(x, y), img.GrayAt(img.Rect.Min.X+x, img.Rect.Min.Y+y); a != b {
					t.Fatalf("ReadRaw: pixel (%d,%d) = %d, want %d", x, y, a.Y, b.Y)
				}
			}
		}
	}
}

func TestReadRawRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRaw(&buf, readPNGGray(t, "testdata/resample/src.png")); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte{}, good...)) }
	tests := []struct {
		name string
		data []byte
		lim  Limits
		want string
	}{
		{"good", good, Limits{}, "no"},
		{"empty", nil, Limits{}, "corrupt"},
		{"short header", good[:10], Limits{}, "corrupt"},
		{"bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), Limits{}, "corrupt"},
		{"png instead", func() []byte {
			var b bytes.Buffer
			png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)))
			return b.Bytes()
		}(), Limits{}, "corrupt"},
		{"zero width", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b[8:], 0); return b }), Limits{}, "corrupt"},
		{"huge claims", edit(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[8:], 0xFFFFFFFF)
			binary.BigEndian.PutUint32(b[12:], 0xFFFFFFFF)
			return b
		}), Limits{}, "pixels"},
		{"over limit", good, Limits{MaxPixels: 301*203 - 1}, "pixels"},
		{"truncated pixels", good[:len(good)-1], Limits{}, "corrupt"},
		{"trailing byte", append(append([]byte{}, good...), 0), Limits{}, "corrupt"},
		{"flipped pixel", edit(func(b []byte) []byte { b[1000] ^= 1; return b }), Limits{}, "corrupt"},
		{"wrong width", edit(func(b []byte) []byte {
			binary.BigEndian.PutUint32(b[8:], 203)
			binary.BigEndian.PutUint32(b[12:], 301)
			return b
		}), Limits{}, "corrupt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			before := m.TotalAlloc
			_, err := ReadRaw(bytes.NewReader(tt.data), tt.lim)
			runtime.ReadMemStats(&m)
			if got := errorKind(err); got != tt.want {
				t.Errorf("ReadRaw: got %s error (%v), want %s", got, err, tt.want)
			}
			if d := m.TotalAlloc - before; d > 1<<20 {
				t.Errorf("ReadRaw allocated %d bytes, want < 1 MiB", d)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in     string
		w, h   int
		wantOK bool
	}{
		{"256x256", 256, 256, true},
		{"640X480", 640, 480, true},
		{" 1×2 ", 1, 2, true},
		{"16384x1", 16384, 1, true},
		{"16385x1", 0, 0, false},
		{"0x10", 0, 0, false},
		{"-1x10", 0, 0, false},
		{"256", 0, 0, false},
		{"axb", 0, 0, false},
		{"256x", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		w, h, err := ParseSize(tt.in)
		if (err == nil) != tt.wantOK || w != tt.w || h != tt.h {
			t.Errorf("ParseSize(%q) = %d, %d, %v; want %d, %d, ok=%v", tt.in, w, h, err, tt.w, tt.h, tt.wantOK)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": Stretch, "stretch": Stretch, "fit": Fit, "fill": Fill} {
		if got, err := ParseMode(in); got != want || err != nil {
			t.Errorf("ParseMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseMode("crop"); err == nil {
		t.Errorf("ParseMode(crop): got no error, want one")
	}
}

func TestEncode(t *testing.T) {
	src := readPNGGray(t, "testdata/resample/src.png")
	for _, f := range []Format{JPEG, PNG} {
		var buf bytes.Buffer
		if err := Encode(&buf, src, f); err != nil {
			t.Fatalf("Encode %s: %v", f, err)
		}
		g, info, err := DecodeGray(bytes.NewReader(buf.Bytes()), int64(buf.Len()), nil)
		if err != nil || info.Format != f {
			t.Fatalf("Encode %s then DecodeGray: %v, format %q", f, err, info.Format)
		}
		_, psnr, _ := compare(g, src)
		if min := map[Format]float64{JPEG: 30, PNG: 1000}[f]; psnr < min {
			t.Errorf("Encode %s round trip: PSNR %.1f dB, want >= %.0f", f, psnr, min)
		}
	}
	var ue *UnsupportedFormatError
	if err := Encode(&bytes.Buffer{}, src, GIF); !errors.As(err, &ue) {
		t.Errorf("Encode gif: got %v, want UnsupportedFormatError", err)
	}
}

// TestInspectGood checks Info for every good file against what its name and
// MANIFEST.md say, and that reading headers allocates next to nothing.
func TestInspectGood(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "good")
	dims := regexp.MustCompile(`_(\d+)x(\d+)_`)
	byExt := map[string]Format{".jpg": JPEG, ".png": PNG, ".gif": GIF, ".webp": WebP, ".bmp": BMP, ".tif": TIFF}
	for _, name := range listDir(t, dir) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		info, err := Inspect(bytes.NewReader(data), int64(len(data)), Limits{})
		runtime.ReadMemStats(&ms)
		allocated := ms.TotalAlloc - before
		if err != nil {
			t.Errorf("Inspect(%s): %v", name, err)
			continue
		}
		m := dims.FindStringSubmatch(name)
		w, _ := strconv.Atoi(m[1])
		h, _ := strconv.Atoi(m[2])
		want := Info{Format: byExt[filepath.Ext(name)], Width: w, Height: h, Orientation: 1, Frames: 1}
		switch {
		case strings.HasPrefix(name, "exif_orient6"):
			want.Orientation = 6
		case strings.HasPrefix(name, "exif_orient8"):
			want.Orientation = 8
		case strings.HasPrefix(name, "animated_"):
			want.Frames = 6
		}
		if info != want {
			t.Errorf("Inspect(%s) = %+v, want %+v", name, info, want)
		}
		if allocated > 256<<10 {
			t.Errorf("Inspect(%s) allocated %d bytes, want < 256 KiB (headers only)", name, allocated)
		}
	}
}

// TestGIFFrameLimitIsCheap: a GIF of 100,000 one-pixel frames is refused
// after MaxFrames+1 descriptors, without decoding any of them.
func TestGIFFrameLimitIsCheap(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff")
	frame := "\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00"
	for i := 0; i < 100000; i++ {
		b.WriteString(frame)
	}
	b.WriteString("\x3b")
	data := b.Bytes()
	start := time.Now()
	_, err := Inspect(bytes.NewReader(data), int64(len(data)), Limits{})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != "frames" || le.Got != DefaultMaxFrames+1 {
		t.Errorf("Inspect: got %v, want frames LimitError at %d", err, DefaultMaxFrames+1)
	}
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("Inspect took %v, want < 100ms", d)
	}
	// Under the limit the same stream decodes (frame 1 only).
	small := append(append([]byte{}, data[:19+len(frame)*3]...), 0x3b)
	g, info, err := DecodeGray(bytes.NewReader(small), int64(len(small)), nil)
	if err != nil || info.Frames != 3 || g.Rect.Dx() != 1 {
		t.Errorf("DecodeGray of a 3-frame GIF: got %v, %+v, %v; want a 1x1 image, 3 frames", g, info, err)
	}
}

// TestGIFTransparentIndex: Pillow's convert("L") uses the stored colour of
// the transparent palette entry; image/gif replaces it with transparent
// black. The file and the expected values come from Pillow 9.4 (a 4x2 GIF,
// index 1 = RGB(200,30,40) marked transparent).
func TestGIFTransparentIndex(t *testing.T) {
	data := []byte("\x47\x49\x46\x38\x39\x61\x04\x00\x02\x00\x81\x00\x00\x00\x00\x00\xc8\x1e\x28\x0a\xc8\x5a\x00\x00\x00\x21\xf9\x04\x01\x00\x00\x01\x00\x2c\x00\x00\x00\x00\x04\x00\x02\x00\x00\x08\x0b\x00\x01\x04\x10\x10\xa0\xa0\x00\x00\x01\x01\x00\x3b")
	want := []uint8{0, 82, 131, 82, 82, 82, 131, 0}
	g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.Pix, want) {
		t.Errorf("got %v, want %v (Pillow)", g.Pix, want)
	}
}

func TestJPEGScale(t *testing.T) {
	tests := []struct {
		w, h, o, tw, th int
		want            int
	}{
		{1200, 800, 1, 256, 256, 2},  // 600x400; 1/4 gives 300x200, under 256 high
		{1500, 997, 1, 256, 256, 2},  // 750x499 (498.5 of picture)
		{2040, 1536, 1, 256, 256, 4}, // 510x384
		{4272, 2848, 1, 256, 256, 8}, // 534x356
		{6000, 4000, 1, 256, 256, 8}, // 750x500
		{1200, 800, 1, 600, 400, 2},  // exactly the target at 1/2
		{1200, 800, 1, 601, 400, 1},
		{1000, 1000, 1, 126, 126, 4}, // 250 at 1/4; 1/8 gives 125 (ceil of 125), under 126
		{1001, 1000, 1, 126, 125, 8}, // ceil(1001/8) = 126: the partial pixel counts
		{4000, 1000, 6, 256, 256, 2}, // shown 1000x4000: width binds, 500 at 1/2
		{4000, 1000, 6, 100, 256, 8}, // 125x500 at 1/8
		{4000, 2000, 6, 250, 500, 8}, // shown 2000x4000 -> 250x500 at 1/8: exactly the target
		{6000, 4000, 1, 0, 0, 1},     // no target: full resolution
		{100, 100, 1, 256, 256, 1},   // upscaling
	}
	for _, tt := range tests {
		got := jpegScale(Info{Width: tt.w, Height: tt.h, Orientation: tt.o}, tt.tw, tt.th)
		if got != tt.want {
			t.Errorf("jpegScale(%dx%d orientation %d, target %dx%d) = %d, want %d", tt.w, tt.h, tt.o, tt.tw, tt.th, got, tt.want)
		}
	}
}

// TestToGrayMatchesPillow: per-pixel values from Pillow 9.4's convert("L")
// of the same colours (CMYK through cmyk2rgb; RGBA with alpha dropped, not
// composited), and the JPEG Y plane taken as it is.
func TestToGrayMatchesPillow(t *testing.T) {
	cmyk := &image.CMYK{Pix: []uint8{10, 200, 30, 40, 255, 0, 0, 0, 0, 0, 0, 255, 128, 64, 32, 16, 0, 255, 255, 0}, Stride: 20, Rect: image.Rect(0, 0, 5, 1)}
	nrgba := &image.NRGBA{Pix: []uint8{255, 0, 0, 128, 10, 200, 30, 0, 1, 2, 3, 255}, Stride: 12, Rect: image.Rect(0, 0, 3, 1)}
	ycc := image.NewYCbCr(image.Rect(0, 0, 3, 1), image.YCbCrSubsampleRatio444)
	copy(ycc.Y, []uint8{0, 77, 255})
	copy(ycc.Cb, []uint8{10, 128, 250})
	tests := []struct {
		name string
		img  image.Image
		want []uint8
	}{
		{"cmyk", cmyk, []uint8{111, 179, 0, 164, 76}},
		{"nrgba", nrgba, []uint8{76, 124, 2}},
		{"jpeg ycbcr", ycc, []uint8{0, 77, 255}},
	}
	for _, tt := range tests {
		g := toGray(tt.img, false)
		if !bytes.Equal(g.Pix[:len(tt.want)], tt.want) {
			t.Errorf("%s: got %v, want %v (Pillow)", tt.name, g.Pix[:len(tt.want)], tt.want)
		}
	}
}

// TestShrinkOnLoadOriented: the target is compared with the image as shown,
// so a portrait stored sideways shrinks by the same factor as an upright one
// and comes back upright.
func TestShrinkOnLoadOriented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(localImages, "exif_orient6_1200x800_wine.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tw, th int
		want   image.Point
	}{
		{0, 0, image.Pt(800, 1200)},
		{256, 256, image.Pt(400, 600)}, // 1/4 would be 200 wide, under 256
		{400, 600, image.Pt(400, 600)}, // 1/2: exactly the target
		{401, 600, image.Pt(800, 1200)},
		{200, 300, image.Pt(200, 300)}, // 1/4
		{64, 64, image.Pt(100, 150)},   // 1/8 is the smallest
		{10, 10, image.Pt(100, 150)},
	}
	for _, tt := range tests {
		g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: tt.tw, TargetHeight: tt.th})
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Rect.Size(); got != tt.want {
			t.Errorf("target %dx%d: got %v, want %v", tt.tw, tt.th, got, tt.want)
		}
	}
}

// TestShrinkOnLoadOddSize: an image whose size is not a multiple of the DCT
// scale must resize close to the full-resolution decode, in every EXIF
// orientation (a flip moves the partial row or column to the near edge).
// Measured: 40.5-52.0 dB with the exact area; 30.2-36.4 dB in stretch mode
// when Resize maps the whole scaled grid (the far edge drifts by up to half
// an output pixel). The rest is the DCT scaling itself: a 1/8 decode is a
// block average, and the Lanczos pass after it shrinks by only ~1.5-2.3
// here (fill at 64: 40.5 dB). Closer to 1 it costs more: fill at 200 from
// a 299x200 decode measured 35.7 dB, so that case is not tested here (the
// golden tests pin quality at the production size, 256x256).
func TestShrinkOnLoadOddSize(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(localImages, "photo_1200x800_flower.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	full, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 1195x797 is odd on both axes and not a multiple of 2, 4 or 8.
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, full.SubImage(image.Rect(0, 0, 1195, 797)), &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	for o := 1; o <= 8; o++ {
		odd := buf.Bytes()
		if o > 1 {
			odd = spliceAPP1(t, odd, withEXIF(o, binary.BigEndian))
		}
		ref, _, err := DecodeGray(bytes.NewReader(odd), int64(len(odd)), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, target := range []int{128, 64, 32} { // scales 4, 8, 8
			for _, mode := range []Mode{Stretch, Fill, Fit} {
				want := Resize(ref, target, target, mode)
				g, _, err := DecodeGray(bytes.NewReader(odd), int64(len(odd)), &DecodeOptions{TargetWidth: target, TargetHeight: target})
				if err != nil {
					t.Fatal(err)
				}
				if max(g.Rect.Dx(), g.Rect.Dy()) >= 1195 {
					t.Fatalf("orientation %d target %d: decoded %v, want a DCT-scaled image", o, target, g.Rect)
				}
				got := Resize(g, target, target, mode)
				if got.Rect != want.Rect {
					t.Fatalf("orientation %d target %d %s: got %v, want %v", o, target, mode, got.Rect, want.Rect)
				}
				_, psnr, maxd := compare(got, want)
				if *showMetrics {
					t.Logf("orientation %d target %d %s (decoded %v): PSNR %.2f dB, max |d| %d", o, target, mode, g.Rect.Size(), psnr, maxd)
				}
				if psnr < 39 {
					t.Errorf("orientation %d target %d %s (decoded %v): PSNR %.2f dB (max |d| %d) against the full-resolution decode, want >= 39", o, target, mode, g.Rect.Size(), psnr, maxd)
				}
			}
		}
	}
}

// rawV1 re-encodes a version 2 intermediate in the version 1 layout
// (20-byte header, no trims), as WriteRaw wrote it before the area.
func rawV1(v2 []byte) []byte {
	out := append([]byte(rawMagicV1), v2[8:16]...)
	out = binary.BigEndian.AppendUint32(out, 0)
	out = append(out, v2[rawHeaderLen:]...)
	sum := crc32.Update(crc32.Checksum(out[:16], castagnoli), castagnoli, out[rawHeaderLenV1:])
	binary.BigEndian.PutUint32(out[16:], sum)
	return out
}

// withTrims rewrites the trims of a version 2 intermediate and its checksum.
func withTrims(v2 []byte, t [4]uint16) []byte {
	b := append([]byte{}, v2...)
	for i, v := range t {
		binary.BigEndian.PutUint16(b[16+2*i:], v)
	}
	sum := crc32.Update(crc32.Checksum(b[:24], castagnoli), castagnoli, b[rawHeaderLen:])
	binary.BigEndian.PutUint32(b[24:], sum)
	return b
}

// TestRawArea: the exact area of a shrunk-on-load JPEG survives WriteRaw and
// ReadRaw; version 1 objects still read (whole area); trims that leave no
// picture are rejected; a copy of the image does not inherit the area.
func TestRawArea(t *testing.T) {
	full := readPNGGray(t, "testdata/resample/src.png") // 301x203
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, full, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	for _, o := range []int{1, 3, 6} {
		data := enc.Bytes()
		if o > 1 {
			data = spliceAPP1(t, data, withEXIF(o, binary.LittleEndian))
		}
		g, _, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: 70, TargetHeight: 50})
		if err != nil {
			t.Fatal(err)
		}
		// 301x203 at 1/4 keeps 76x51 (75.25 x 50.75 of picture); shown
		// sideways (6) the 70 px width binds: 1/2, 102x151 (101.5 x 150.5).
		want := map[int]ImageArea{1: {0, 0, 75.25, 50.75}, 3: {0.75, 0.25, 76, 51}, 6: {0.5, 0, 102, 150.5}}[o]
		if got := Area(g); got != want {
			t.Errorf("orientation %d: Area after DecodeGray = %+v, want %+v", o, got, want)
		}
		var buf bytes.Buffer
		if err := WriteRaw(&buf, g); err != nil {
			t.Fatal(err)
		}
		v2 := append([]byte{}, buf.Bytes()...)
		r, err := ReadRaw(&buf, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if got := Area(r); got != want {
			t.Errorf("orientation %d: Area after ReadRaw = %+v, want %+v", o, got, want)
		}
		if got, want := Resize(r, 64, 64, Fill), Resize(g, 64, 64, Fill); !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("orientation %d: Resize after ReadRaw differs from Resize of the decoded image", o)
		}
		cp := &image.Gray{Pix: append([]byte{}, r.Pix...), Stride: r.Stride, Rect: r.Rect}
		if got, want := Area(cp), fullArea(r); got != want {
			t.Errorf("orientation %d: Area of a copy = %+v, want the whole image %+v", o, got, want)
		}
		v1, err := ReadRaw(bytes.NewReader(rawV1(v2)), Limits{})
		if err != nil {
			t.Fatalf("version 1: %v", err)
		}
		if !bytes.Equal(v1.Pix, r.Pix) || Area(v1) != fullArea(v1) {
			t.Errorf("version 1: got area %+v and %d pixel bytes, want the whole image and the same pixels", Area(v1), len(v1.Pix))
		}
		for _, tr := range [][4]uint16{{0x8000, 0, 0x8000, 0}, {0, 0xFFFF, 0, 1}} {
			_, err := ReadRaw(bytes.NewReader(withTrims(v2, tr)), Limits{})
			if got := errorKind(err); got != "corrupt" {
				t.Errorf("trims %v: got %s error (%v), want corrupt", tr, got, err)
			}
		}
	}
}

// TestTranspose: the 8x8-block transpose against the definition, for sizes
// around the block edges and strides wider than the rows.
func TestTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, sz := range [][2]int{{1, 1}, {8, 8}, {7, 9}, {9, 7}, {16, 24}, {33, 17}, {64, 5}, {3, 70}} {
		w, h := sz[0], sz[1]
		sStride, dStride := w+3, h+5
		src := make([]byte, h*sStride)
		for i := range src {
			src[i] = byte(rng.IntN(256))
		}
		dst := make([]byte, w*dStride)
		transpose(dst, dStride, src, sStride, w, h)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				if got, want := dst[x*dStride+y], src[y*sStride+x]; got != want {
					t.Fatalf("%dx%d: dst(%d,%d) = %d, want src(%d,%d) = %d", w, h, y, x, got, x, y, want)
				}
			}
		}
	}
}
