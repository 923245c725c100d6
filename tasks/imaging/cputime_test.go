//go:build linux

package imaging

import (
	"bytes"
	"image"
	"image/jpeg"
	"syscall"
	"testing"
	"time"

	"github.com/anthonynsimon/bild/transform"
	"golang.org/x/image/draw"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestCPUTimes logs, with -metrics, the median CPU time (user+sys of the
// process, GC included) per operation over 7 rounds of 10. CPU time, unlike
// wall time, is barely moved by other jobs on a shared machine; that is how
// ../shared/bench/RESULTS.md reports its one-core figures too.
//
//	go test ./tasks/imaging -run CPUTimes -v -cpu 1 -args -metrics
func TestCPUTimes(t *testing.T) {
	if !*showMetrics {
		t.Skip("run with -args -metrics to measure")
	}
	measure := func(fn func()) time.Duration {
		fn() // warm-up
		var rounds []time.Duration
		for r := 0; r < 7; r++ {
			start := cpuNow()
			for i := 0; i < 10; i++ {
				fn()
			}
			rounds = append(rounds, (cpuNow()-start)/10)
		}
		for i := range rounds { // insertion sort: 7 values
			for j := i; j > 0 && rounds[j] < rounds[j-1]; j-- {
				rounds[j], rounds[j-1] = rounds[j-1], rounds[j]
			}
		}
		return rounds[3]
	}
	for _, name := range benchFiles {
		data := benchData(t, name)
		opt := &DecodeOptions{TargetWidth: 256, TargetHeight: 256}
		g := fullGray(t, name)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		t.Logf("%-10s DecodeGray fastjpeg %6.2f ms | image/jpeg Y plane %6.2f ms | Resize full-res: imaging %5.2f, x/image/draw CatmullRom %5.2f, bild CatmullRom %6.2f ms | pipeline (decode, raw, resize, JPEG encode) %6.2f ms",
			shortName(name),
			ms(measure(func() { DecodeGray(bytes.NewReader(data), int64(len(data)), opt) })),
			ms(measure(func() { m, _ := jpeg.Decode(bytes.NewReader(data)); toGray(m, false) })),
			ms(measure(func() { Resize(g, 256, 256, Stretch) })),
			ms(measure(func() {
				dst := image.NewGray(image.Rect(0, 0, 256, 256))
				draw.CatmullRom.Scale(dst, dst.Rect, g, g.Rect, draw.Src, nil)
			})),
			ms(measure(func() { transform.Resize(g, 256, 256, transform.CatmullRom) })),
			ms(measure(func() {
				var raw, out bytes.Buffer
				s, _, _ := DecodeGray(bytes.NewReader(data), int64(len(data)), opt)
				WriteRaw(&raw, s)
				s, _ = ReadRaw(&raw, Limits{})
				Encode(&out, Resize(s, 256, 256, Stretch), JPEG)
			})),
		)
	}
}
