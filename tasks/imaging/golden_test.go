package imaging

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var showMetrics = flag.Bool("metrics", false, "log the PSNR and mean difference of every golden comparison")

// The shared corpus sits beside the repository (CI clones into <dir>/main and
// places the corpus in <dir>/shared); testdata/images is always present.
const (
	sharedImages = "../../../shared/testimages"
	localImages  = "../../testdata/images"
	goldenDir    = "../../testdata/golden"
)

// Tolerances against Pillow's exif_transpose().convert("L").resize((256,256)),
// chosen from measured figures (run the golden tests with -args -metrics):
//
//   - Lossless formats (PNG, GIF, BMP, TIFF) decode to the same gray values
//     as Pillow and Resize is Pillow's resampler, so they must be identical.
//   - JPEG and WebP differ by the decoders' IDCT, upsampling and shrink-on-
//     load; the floor below leaves a few dB under the lowest measured file.
type tolerance struct {
	minPSNR    float64 // dB
	maxMeanAbs float64 // gray levels
}

var tolerances = map[Format]tolerance{
	PNG:  {math.Inf(1), 0},
	GIF:  {math.Inf(1), 0},
	BMP:  {math.Inf(1), 0},
	TIFF: {math.Inf(1), 0},
	JPEG: {50, 0.5},
	WebP: {55, 0.2},
}

func sharedDir(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(sharedImages, "good")); err != nil {
		t.Skipf("shared test images not found at %s (they sit beside the repository clone): %v", sharedImages, err)
	}
	return sharedImages
}

func readGolden(t testing.TB, name string) *image.Gray {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, name+".png"))
	if err != nil {
		t.Fatalf("golden for %s: %v", name, err)
	}
	m, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("golden for %s: %v", name, err)
	}
	g, ok := m.(*image.Gray)
	if !ok {
		t.Fatalf("golden for %s is %T, want *image.Gray", name, m)
	}
	return g
}

// compare returns the mean absolute difference, the PSNR in dB (+Inf when
// equal) and the largest difference of two same-sized gray images.
func compare(a, b *image.Gray) (mean, psnr float64, maxd int) {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	var sum, sq float64
	for y := 0; y < h; y++ {
		ra := a.Pix[y*a.Stride : y*a.Stride+w]
		rb := b.Pix[y*b.Stride : y*b.Stride+w]
		for x := range ra {
			d := int(ra[x]) - int(rb[x])
			if d < 0 {
				d = -d
			}
			sum += float64(d)
			sq += float64(d * d)
			maxd = max(maxd, d)
		}
	}
	n := float64(w * h)
	mean = sum / n
	if sq == 0 {
		return mean, math.Inf(1), 0
	}
	return mean, 10 * math.Log10(255*255/(sq/n)), maxd
}

func listDir(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	return names
}

// pipeline runs what the tasks chain: decode with targets, then resize.
func pipeline(t testing.TB, path string, w, h int, mode Mode) (*image.Gray, Info) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, info, err := DecodeGray(bytes.NewReader(data), int64(len(data)), &DecodeOptions{TargetWidth: w, TargetHeight: h})
	if err != nil {
		t.Fatalf("DecodeGray(%s): %v", filepath.Base(path), err)
	}
	return Resize(g, w, h, mode), info
}

func checkGolden(t *testing.T, dir, name string) {
	got, info := pipeline(t, filepath.Join(dir, name), 256, 256, Stretch)
	want := readGolden(t, name)
	if got.Rect != want.Rect {
		t.Fatalf("%s: got bounds %v, want %v", name, got.Rect, want.Rect)
	}
	mean, psnr, maxd := compare(got, want)
	if *showMetrics {
		t.Logf("%-40s PSNR %6.2f dB  mean |d| %.3f  max |d| %d", name, psnr, mean, maxd)
	}
	tol, ok := tolerances[info.Format]
	if !ok {
		t.Fatalf("%s: no tolerance for format %q", name, info.Format)
	}
	if psnr < tol.minPSNR || mean > tol.maxMeanAbs {
		t.Errorf("%s: got PSNR %.2f dB, mean |d| %.3f (max %d) against Pillow; want PSNR >= %.0f dB and mean |d| <= %.1f",
			name, psnr, mean, maxd, tol.minPSNR, tol.maxMeanAbs)
	}
}

// TestGoldenShared compares every good file of the shared corpus with its
// Pillow reference.
func TestGoldenShared(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "good")
	for _, name := range listDir(t, dir) {
		t.Run(name, func(t *testing.T) { checkGolden(t, dir, name) })
	}
}

// TestGoldenLocal does the same for the copies in testdata/images, so the
// comparison runs even where the shared corpus is absent.
func TestGoldenLocal(t *testing.T) {
	n := 0
	for _, name := range listDir(t, localImages) {
		if _, err := os.Stat(filepath.Join(goldenDir, name+".png")); err != nil {
			continue // a bad input, or one without a reference
		}
		n++
		t.Run(name, func(t *testing.T) { checkGolden(t, localImages, name) })
	}
	if n == 0 {
		t.Fatalf("no image in %s has a golden in %s", localImages, goldenDir)
	}
}

func ExampleParseSize() {
	w, h, err := ParseSize("256x256")
	fmt.Println(w, h, err)
	// Output: 256 256 <nil>
}
