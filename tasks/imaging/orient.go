package imaging

import "image"

// Orient applies an EXIF orientation (1-8) so the result is upright, with
// the same transposes Pillow's ImageOps.exif_transpose uses. Orientation 1
// and unknown values return img itself.
func Orient(img *image.Gray, orientation int) *image.Gray {
	if orientation < 2 || orientation > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if orientation >= 5 {
		dw, dh = h, w
	}
	dst := image.NewGray(image.Rect(0, 0, dw, dh))
	// srcAt maps a destination pixel to its source pixel.
	var srcAt func(x, y int) (int, int)
	switch orientation {
	case 2: // mirror horizontally
		srcAt = func(x, y int) (int, int) { return w - 1 - x, y }
	case 3: // rotate 180
		srcAt = func(x, y int) (int, int) { return w - 1 - x, h - 1 - y }
	case 4: // mirror vertically
		srcAt = func(x, y int) (int, int) { return x, h - 1 - y }
	case 5: // transpose
		srcAt = func(x, y int) (int, int) { return y, x }
	case 6: // rotate 90 clockwise
		srcAt = func(x, y int) (int, int) { return y, h - 1 - x }
	case 7: // transverse
		srcAt = func(x, y int) (int, int) { return w - 1 - y, h - 1 - x }
	case 8: // rotate 90 counter-clockwise
		srcAt = func(x, y int) (int, int) { return w - 1 - y, x }
	}
	// Walk in tiles so the column-wise reads of 5-8 stay in cache.
	const tile = 64
	for ty := 0; ty < dh; ty += tile {
		for tx := 0; tx < dw; tx += tile {
			for y := ty; y < min(ty+tile, dh); y++ {
				row := dst.Pix[y*dst.Stride:]
				for x := tx; x < min(tx+tile, dw); x++ {
					sx, sy := srcAt(x, y)
					row[x] = img.Pix[(sy)*img.Stride+sx]
				}
			}
		}
	}
	return dst
}
