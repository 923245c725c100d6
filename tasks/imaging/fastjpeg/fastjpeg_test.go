package fastjpeg

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// stdlibGray is image/jpeg's answer to "what is the gray image": the Y plane
// for YCbCr, the plane itself for gray; ok is false for other colour models.
func stdlibGray(t testing.TB, data []byte) (pix []byte, stride int, ok bool) {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		// image/jpeg rejects 4:4:0 and (Go 1.26) fails on progressive files
		// with restart intervals that libjpeg decodes; those files are
		// covered by TestProgressiveEqualsBaseline instead.
		t.Logf("image/jpeg: %v", err)
		return nil, 0, false
	}
	switch m := m.(type) {
	case *image.YCbCr:
		return m.Y, m.YStride, true
	case *image.Gray:
		return m.Pix, m.Stride, true
	}
	return nil, 0, false
}

// maxDiff compares g with a plane of the same size.
func maxDiff(g *image.Gray, pix []byte, stride int) (maxd, over1 int) {
	b := g.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			d := int(g.Pix[y*g.Stride+x]) - int(pix[y*stride+x])
			if d < 0 {
				d = -d
			}
			maxd = max(maxd, d)
			if d > 1 {
				over1++
			}
		}
	}
	return maxd, over1
}

// TestMatchesStdlib: at scale 1 the gray result equals image/jpeg's Y (or gray)
// plane within +-1. Both decoders compute the IDCT in fixed point with
// different rounding, so an exact match is not expected; +-1 is the bound.
func TestMatchesStdlib(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jpg")
	for _, f := range files {
		data := readFile(t, f)
		ref, stride, ok := stdlibGray(t, data)
		if !ok {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			g, err := DecodeGray(data, 1)
			if err != nil {
				t.Fatal(err)
			}
			if d, n := maxDiff(g, ref, stride); d > 1 {
				t.Errorf("got max difference %d from image/jpeg (%d pixels over 1), want <= 1", d, n)
			}
		})
	}
}

// TestMatchesStdlibCorpus runs the same check on the shared photos (skipped
// when they are absent).
func TestMatchesStdlibCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.jpg"))
	if len(files) == 0 {
		t.Skip("shared corpus not available")
	}
	if testing.Short() {
		t.Skip("slow")
	}
	for _, f := range files {
		data := readFile(t, f)
		ref, stride, ok := stdlibGray(t, data)
		if !ok {
			continue
		}
		g, err := DecodeGray(data, 1)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if d, n := maxDiff(g, ref, stride); d > 1 {
			t.Errorf("%s: got max difference %d from image/jpeg (%d pixels over 1), want <= 1", f, d, n)
		}
	}
}

func readPNGGray(t *testing.T, path string) *image.Gray {
	t.Helper()
	m, err := png.Decode(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	g, ok := m.(*image.Gray)
	if !ok {
		t.Fatalf("%s: got %T, want *image.Gray", path, m)
	}
	return g
}

// TestColourMatchesPillow: RGB, CMYK and YCCK files against Pillow's
// convert('L') of the same file (testdata/golden/*.pillow_L.png, made with
// Pillow 9.4 / libjpeg-turbo 2.1.5). Pillow's libjpeg uses another IDCT and
// smooth ("fancy") chroma upsampling, this package nearest-neighbour, so
// the bound is looser where a component is subsampled.
func TestColourMatchesPillow(t *testing.T) {
	cases := []struct {
		file  string
		color string
		tol   int
	}{
		{"seeding_rgb.jpg", ColorRGB, 1},
		{"seeding_cmyk.jpg", ColorCMYK, 1},
		{"fig_ycck.jpg", ColorYCCK, 2},
		{"flower_cmyk_420.jpg", ColorCMYK, 16}, // M, Y, K subsampled: nearest vs fancy upsampling
		// Y subsampled (1x1 with Cb at 2x2): nearest-neighbour Y against
		// libjpeg's smoothing, and Pillow's L is not Y: loose, but it fails
		// on any misplaced block.
		{"seeding_cb22.jpg", ColorYCbCr, 60},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data := readFile(t, filepath.Join("testdata", c.file))
			cfg, err := DecodeConfig(data)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Color != c.color {
				t.Errorf("got colour %q, want %q", cfg.Color, c.color)
			}
			g, err := DecodeGray(data, 1)
			if err != nil {
				t.Fatal(err)
			}
			want := readPNGGray(t, filepath.Join("testdata", "golden", strings.TrimSuffix(c.file, ".jpg")+".pillow_L.png"))
			if g.Bounds() != want.Bounds() {
				t.Fatalf("got bounds %v, want %v", g.Bounds(), want.Bounds())
			}
			d, n := maxDiff(g, want.Pix, want.Stride)
			if d > c.tol {
				t.Errorf("got max difference %d from Pillow (%d pixels over 1), want <= %d", d, n, c.tol)
			}
			t.Logf("max difference from Pillow %d, %d pixels over 1, psnr %.1f dB", d, n, psnr(g, want))
		})
	}
}

// TestProgressiveEqualsBaseline: jpegtran -progressive is lossless, so the
// progressive file must decode to exactly the baseline file's pixels, at
// every scale.
func TestProgressiveEqualsBaseline(t *testing.T) {
	pairs := [][2]string{
		{"testdata/seeding_420.jpg", "testdata/seeding_420_progressive.jpg"},
		{"testdata/seeding_420.jpg", "testdata/seeding_420_progressive_rst.jpg"},
		{"testdata/seeding_444.jpg", "testdata/seeding_444_progressive.jpg"},
		{"testdata/seeding_420.jpg", "testdata/seeding_420_3scans.jpg"}, // baseline, one scan per component
		{"testdata/seeding_gray.jpg", "testdata/seeding_gray_progressive.jpg"},
		{filepath.Join(corpusDir, "photo_1500x997_life.jpg"), filepath.Join(corpusDir, "progressive_1500x997_life.jpg")},
	}
	for _, p := range pairs {
		if _, err := os.Stat(p[1]); err != nil {
			t.Logf("skip %s: %v", p[1], err)
			continue
		}
		base, prog := readFile(t, p[0]), readFile(t, p[1])
		cfg, _ := DecodeConfig(prog)
		if want := strings.Contains(p[1], "progressive"); cfg.Progressive != want {
			t.Errorf("%s: got Progressive %v, want %v", p[1], cfg.Progressive, want)
		}
		for _, s := range []int{1, 2, 4, 8} {
			a, err := DecodeGray(base, s)
			if err != nil {
				t.Fatal(err)
			}
			b, err := DecodeGray(prog, s)
			if err != nil {
				t.Fatalf("%s scale %d: %v", p[1], s, err)
			}
			if d, _ := maxDiff(b, a.Pix, a.Stride); d != 0 || a.Bounds() != b.Bounds() {
				t.Errorf("%s scale %d: got max difference %d (bounds %v vs %v), want identical", p[1], s, d, b.Bounds(), a.Bounds())
			}
		}
	}
}

// boxDown averages s x s squares of g (partial squares at the edges).
func boxDown(g *image.Gray, s int) *image.Gray {
	b := g.Bounds()
	w, h := (b.Dx()+s-1)/s, (b.Dy()+s-1)/s
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for yy := y * s; yy < min(y*s+s, b.Dy()); yy++ {
				for xx := x * s; xx < min(x*s+s, b.Dx()); xx++ {
					sum += int(g.Pix[yy*g.Stride+xx])
					n++
				}
			}
			out.Pix[y*out.Stride+x] = uint8((sum + n/2) / n)
		}
	}
	return out
}

func psnr(a, b *image.Gray) float64 {
	var se float64
	r := a.Bounds()
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			d := float64(a.Pix[y*a.Stride+x]) - float64(b.Pix[y*b.Stride+x])
			se += d * d
		}
	}
	mse := se / float64(r.Dx()*r.Dy())
	if mse == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255/mse)
}

// TestScaledCloseToBox: DCT-domain scaling keeps the 8/s lowest frequencies,
// a sharper low-pass than averaging, so it is close to but not equal to a
// box-downscale of the full decode. Floors are below the figures measured
// on these files (logged); see the report for the corpus figures.
func TestScaledCloseToBox(t *testing.T) {
	floor := map[int]float64{2: 33, 4: 33, 8: 40}
	files := []string{"testdata/seeding_420.jpg", "testdata/seeding_444.jpg", "testdata/seeding_gray.jpg",
		"testdata/seeding_411.jpg", "testdata/seeding_cmyk.jpg", "testdata/fig_ycck.jpg",
		filepath.Join(corpusDir, "photo_2040x1536_picos.jpg")}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Logf("skip %s: %v", f, err)
			continue
		}
		full, err := DecodeGray(data, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []int{2, 4, 8} {
			g, err := DecodeGray(data, s)
			if err != nil {
				t.Fatal(err)
			}
			want := boxDown(full, s)
			if g.Bounds() != want.Bounds() {
				t.Fatalf("%s scale %d: got bounds %v, want %v", f, s, g.Bounds(), want.Bounds())
			}
			p := psnr(g, want)
			t.Logf("%s scale %d: %.1f dB vs box", filepath.Base(f), s, p)
			if p < floor[s] {
				t.Errorf("%s scale %d: got %.1f dB vs box-downscale, want >= %.0f", f, s, p, floor[s])
			}
		}
	}
}

func TestDecodeConfig(t *testing.T) {
	cases := []struct {
		file string
		want Config
	}{
		{"seeding_420.jpg", Config{Width: 101, Height: 77, Components: 3, AdobeTransform: -1, JFIF: true, Color: ColorYCbCr}},
		{"seeding_420_progressive.jpg", Config{Width: 101, Height: 77, Components: 3, Progressive: true, AdobeTransform: -1, JFIF: true, Color: ColorYCbCr}},
		{"seeding_gray.jpg", Config{Width: 101, Height: 77, Components: 1, AdobeTransform: -1, JFIF: true, Color: ColorGray}},
		{"seeding_rgb.jpg", Config{Width: 101, Height: 77, Components: 3, AdobeTransform: 0, Color: ColorRGB}},
		{"seeding_cmyk.jpg", Config{Width: 101, Height: 77, Components: 4, AdobeTransform: 0, Color: ColorCMYK}},
		{"fig_ycck.jpg", Config{Width: 96, Height: 64, Components: 4, AdobeTransform: 2, Color: ColorYCCK}},
	}
	for _, c := range cases {
		got, err := DecodeConfig(readFile(t, filepath.Join("testdata", c.file)))
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		got.JFIF = got.JFIF && c.want.JFIF // cjpeg -rgb and Pillow CMYK may or may not write JFIF
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.file, got, c.want)
		}
	}
}

func TestOutputSize(t *testing.T) {
	data := readFile(t, "testdata/seeding_420.jpg") // 101 x 77
	for _, c := range []struct{ s, w, h int }{{1, 101, 77}, {2, 51, 39}, {4, 26, 20}, {8, 13, 10}} {
		g, err := DecodeGray(data, c.s)
		if err != nil {
			t.Fatal(err)
		}
		if g.Bounds() != image.Rect(0, 0, c.w, c.h) {
			t.Errorf("scale %d: got %v, want %dx%d", c.s, g.Bounds(), c.w, c.h)
		}
	}
	if _, err := DecodeGray(data, 3); err == nil {
		t.Errorf("scale 3: got no error, want one")
	}
}

// TestBadShared: every JPEG of the shared bad set is rejected.
func TestBadShared(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/testimages/bad/*")
	if len(files) == 0 {
		t.Skip("shared bad set not available")
	}
	for _, f := range files {
		data := readFile(t, f)
		if _, err := DecodeGray(data, 1); err == nil {
			t.Errorf("%s: got no error, want one", f)
		} else {
			t.Logf("%s: %v", filepath.Base(f), err)
		}
		if strings.HasPrefix(filepath.Base(f), "truncated") {
			if _, err := DecodeGray(data, 8); !errors.Is(err, ErrTruncated) {
				t.Errorf("%s: got %v, want ErrTruncated", f, err)
			}
		}
	}
}

// TestTruncatedEverywhere: every proper prefix of each test file is an error
// (never a partial image), at every scale.
func TestTruncatedEverywhere(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.jpg")
	for _, f := range files {
		data := readFile(t, f)
		for n := 0; n < len(data); n++ {
			for _, s := range []int{1, 8} {
				if g, err := DecodeGray(data[:n], s); err == nil {
					t.Fatalf("%s cut at %d of %d, scale %d: got a %v image, want an error", f, n, len(data), s, g.Bounds())
				}
			}
		}
	}
}

// TestCorruptScan overwrites the middle of the scan data with bytes that do
// not form a valid stream, as the shared corrupt_midstream file does.
func TestCorruptScan(t *testing.T) {
	cases := []struct {
		name  string
		patch []byte
	}{
		{"marker inside the scan", []byte{0xFF, 0xD9}},
		{"restart marker without DRI", []byte{0xFF, 0xD3}},
		{"unassigned code", bytes.Repeat([]byte{0xFF, 0x00}, 8)},
	}
	data := readFile(t, "testdata/seeding_420.jpg")
	for _, c := range cases {
		bad := bytes.Clone(data)
		copy(bad[len(bad)/2:], c.patch)
		if _, err := DecodeGray(bad, 1); err == nil {
			t.Errorf("%s: got no error, want one", c.name)
		}
	}
}

// TestRestartMarkerOrder: RSTn must count 0..7 in order; a wrong number is
// corruption (libjpeg would resynchronise and fill with gray).
func TestRestartMarkerOrder(t *testing.T) {
	data := readFile(t, "testdata/seeding_420_rst3.jpg")
	i := bytes.Index(data, []byte{0xFF, 0xD0})
	if i < 0 {
		t.Fatal("no RST0 marker in the test file")
	}
	if _, err := DecodeGray(data, 1); err != nil {
		t.Fatalf("unmodified file: %v", err)
	}
	bad := bytes.Clone(data)
	bad[i+1] = 0xD1
	if _, err := DecodeGray(bad, 1); err == nil {
		t.Errorf("RST1 in place of RST0: got no error, want one")
	}
}

// TestScanLimit: a progressive file with 300 scans is refused (each scan walks
// every block, so scans, not bytes, bound the work).
func TestScanLimit(t *testing.T) {
	data := readFile(t, "testdata/seeding_gray_progressive.jpg")
	sos := bytes.Index(data, []byte{0xFF, 0xDA})
	if sos < 0 {
		t.Fatal("no SOS")
	}
	id := data[sos+5] // the first scan's component
	// A DC refinement scan (Ss=Se=0, Ah=1, Al=0): one bit for each of the
	// 13x10 blocks, all zero.
	refine := append([]byte{0xFF, 0xDA, 0, 8, 1, id, 0, 0, 0, 0x10}, make([]byte, 17)...)
	build := func(n int) []byte {
		var b bytes.Buffer
		b.Write(data[:sos])
		for i := 0; i < n; i++ {
			b.Write(refine)
		}
		b.Write(data[sos:])
		return b.Bytes()
	}
	if _, err := DecodeGray(build(10), 8); err != nil {
		t.Fatalf("10 extra scans: %v", err)
	}
	var ue UnsupportedError
	if _, err := DecodeGray(build(300), 8); !errors.As(err, &ue) {
		t.Errorf("300 extra scans: got %v, want an UnsupportedError", err)
	}
}

func TestErrorTypes(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want any
	}{
		{"empty", nil, FormatError("")},
		{"text", []byte("hello, world\n"), FormatError("")},
		{"arithmetic", []byte{0xFF, 0xD8, 0xFF, 0xC9, 0, 11, 8, 0, 8, 0, 8, 1, 1, 0x11, 0}, UnsupportedError("")},
		{"12-bit", []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 12, 0, 8, 0, 8, 1, 1, 0x11, 0}, UnsupportedError("")},
	}
	for _, c := range cases {
		_, err := DecodeGray(c.data, 1)
		switch c.want.(type) {
		case FormatError:
			var fe FormatError
			if !errors.As(err, &fe) {
				t.Errorf("%s: got %v (%T), want a FormatError", c.name, err, err)
			}
		case UnsupportedError:
			var ue UnsupportedError
			if !errors.As(err, &ue) {
				t.Errorf("%s: got %v (%T), want an UnsupportedError", c.name, err, err)
			}
		}
	}
}

func TestIDCTConstants(t *testing.T) {
	got := []int{k1, k2, k3, k4, k5, k6, k7}
	for j, g := range got {
		want := int(math.Round(math.Cos(float64(j+1)*math.Pi/16) / 2 * (1 << constBits)))
		if g != want {
			t.Errorf("k%d: got %d, want %d", j+1, g, want)
		}
	}
}

// TestIDCTAgainstDefinition compares idct8 with the floating-point formula of
// T.81 A.3.3 on pseudo-random blocks: the result must be the rounded exact
// value within 1.
func TestIDCTAgainstDefinition(t *testing.T) {
	seed := uint32(1)
	rnd := func() int32 {
		seed = seed*1664525 + 1013904223
		return int32(seed>>20) - 2048
	}
	for trial := 0; trial < 400; trial++ {
		// Blocks that end at various zig-zag positions, so that the
		// half-row and half-column shortcuts are exercised as well.
		var b [64]int32
		last := []int{63, 9, 20, 2, 35}[trial%5]
		for k := 0; k <= last; k++ {
			b[unzig[k]] = rnd() >> (uint(k) / 8)
		}
		in := b
		var out [64]byte
		idct8(&b, out[:], 8, last)
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				var f float64
				for v := 0; v < 8; v++ {
					for u := 0; u < 8; u++ {
						cu, cv := 1.0, 1.0
						if u == 0 {
							cu = 1 / math.Sqrt2
						}
						if v == 0 {
							cv = 1 / math.Sqrt2
						}
						f += cu * cv * float64(in[v*8+u]) * math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) * math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
					}
				}
				want := math.Max(0, math.Min(255, math.Round(f/4+128)))
				if d := math.Abs(float64(out[y*8+x]) - want); d > 1 {
					t.Fatalf("trial %d (%d,%d): got %d, want %v", trial, x, y, out[y*8+x], want)
				}
			}
		}
	}
}

func ExampleDecodeGray() {
	data, _ := os.ReadFile("testdata/seeding_420.jpg")
	cfg, _ := DecodeConfig(data)
	g, err := DecodeGray(data, 4)
	fmt.Println(cfg.Width, cfg.Height, cfg.Color, g.Bounds(), err)
	// Output: 101 77 ycbcr (0,0)-(26,20) <nil>
}
