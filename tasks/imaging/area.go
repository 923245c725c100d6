package imaging

import (
	"image"
	"runtime"
	"sync"
	"weak"
)

// ImageArea is the part of a gray image that holds picture, in pixels
// relative to the image's top-left corner: X0 <= x < X1, Y0 <= y < Y1.
type ImageArea struct{ X0, Y0, X1, Y1 float64 }

// A JPEG decoded at 1/s in the DCT domain is ceil(W/s) x ceil(H/s) pixels,
// but only W/s x H/s of it is picture: when W is not a multiple of s the
// last column stands for fewer than s source columns (the rest is the
// encoder's padding). Resizing the whole grid stretches the picture by up to
// half a scaled pixel at the far edge (18 dB lost on photo_1500x997_life
// at 1/2, measured when this was a separate resampling pass). The tasks
// pass the image between DecodeGray, WriteRaw, ReadRaw and Resize as a
// plain *image.Gray, so the exact area travels beside it: a table keyed by
// a weak pointer to the image, checked against the image's size and pixel
// buffer so a copied, cropped or reassigned image does not inherit it,
// and dropped when the image is collected. The raw intermediate stores it
// in its header.
var areas sync.Map // weak.Pointer[image.Gray] -> areaEntry

type areaEntry struct {
	a    ImageArea
	size image.Point
	pix  *uint8
}

func fullArea(img *image.Gray) ImageArea {
	return ImageArea{0, 0, float64(img.Rect.Dx()), float64(img.Rect.Dy())}
}

// Area returns the part of img that is picture: the whole image, except
// for one that DecodeGray or ReadRaw returned from a JPEG shrunk on load
// whose size is not a multiple of the scale. Resize maps this area onto
// the output.
func Area(img *image.Gray) ImageArea {
	v, ok := areas.Load(weak.Make(img))
	if !ok || len(img.Pix) == 0 {
		return fullArea(img)
	}
	e := v.(areaEntry)
	if e.size != img.Rect.Size() || e.pix != &img.Pix[0] {
		return fullArea(img)
	}
	return e.a
}

// setArea records a for img (a no-op for the full area or an empty image).
func setArea(img *image.Gray, a ImageArea) {
	if a == fullArea(img) || len(img.Pix) == 0 {
		return
	}
	k := weak.Make(img)
	areas.Store(k, areaEntry{a: a, size: img.Rect.Size(), pix: &img.Pix[0]})
	runtime.AddCleanup(img, func(k weak.Pointer[image.Gray]) { areas.Delete(k) }, k)
}

// orientArea maps an area of a w x h stored image through the EXIF
// orientation o, as Orient maps the pixels.
func orientArea(a ImageArea, w, h float64, o int) ImageArea {
	flipX := func(a ImageArea, w float64) ImageArea { return ImageArea{w - a.X1, a.Y0, w - a.X0, a.Y1} }
	flipY := func(a ImageArea, h float64) ImageArea { return ImageArea{a.X0, h - a.Y1, a.X1, h - a.Y0} }
	tr := ImageArea{a.Y0, a.X0, a.Y1, a.X1} // transposed: w and h swap
	switch o {
	case 2:
		return flipX(a, w)
	case 3:
		return flipY(flipX(a, w), h)
	case 4:
		return flipY(a, h)
	case 5:
		return tr
	case 6:
		return flipX(tr, h)
	case 7:
		return flipY(flipX(tr, h), w)
	case 8:
		return flipY(tr, w)
	}
	return a
}
