package imaging_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/imgprep/imgprep/tasks/imaging"
)

// The three task steps back to back: Grayscale (DecodeGray, WriteRaw), then
// Resize (ReadRaw, Resize, Encode).
func Example() {
	data, err := os.ReadFile("../../testdata/images/exif_orient6_1200x800_wine.jpg")
	if err != nil {
		panic(err)
	}
	gray, info, err := imaging.DecodeGray(bytes.NewReader(data), int64(len(data)),
		&imaging.DecodeOptions{TargetWidth: 256, TargetHeight: 256})
	if err != nil {
		panic(err)
	}
	var raw bytes.Buffer
	if err := imaging.WriteRaw(&raw, gray); err != nil {
		panic(err)
	}
	small, err := imaging.ReadRaw(&raw, imaging.Limits{})
	if err != nil {
		panic(err)
	}
	small = imaging.Resize(small, 256, 256, imaging.Fit)
	var out bytes.Buffer
	if err := imaging.Encode(&out, small, imaging.JPEG); err != nil {
		panic(err)
	}
	w, h := info.Oriented()
	fmt.Printf("%s stored %dx%d, orientation %d, shown %dx%d -> %v\n",
		info.Format, info.Width, info.Height, info.Orientation, w, h, small.Rect.Size())
	// Output: jpeg stored 1200x800, orientation 6, shown 800x1200 -> (171,256)
}

func ExampleInspect() {
	data, err := os.ReadFile("../../testdata/images/bomb_50000x50000_header_only.png")
	if err != nil {
		panic(err)
	}
	_, err = imaging.Inspect(bytes.NewReader(data), int64(len(data)), imaging.DefaultLimits())
	var le *imaging.LimitError
	fmt.Println(errors.As(err, &le), le.Limit, err)
	// Output: true pixels imaging: too many pixels: got 2500000000, limit 50000000
}
