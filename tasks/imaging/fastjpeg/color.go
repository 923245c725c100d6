package fastjpeg

// Gray from colour components, with the arithmetic of the original handler:
// libjpeg (libjpeg-turbo 2.1, which Pillow 9.4 uses) turns the samples into
// RGB or CMYK, Pillow reads CMYK inverted ("CMYK;I": Adobe's convention),
// converts CMYK to RGB (Convert.c cmyk2rgb) and RGB to L with
// L = (19595 R + 38470 G + 7471 B + 0x8000) >> 16 (Convert.c L24, the ITU-R
// 601-2 weights 0.299/0.587/0.114 in 16-bit fixed point).

// luma is Pillow's RGB to L.
func luma(r, g, b int) uint8 {
	return uint8((r*19595 + g*38470 + b*7471 + 0x8000) >> 16)
}

// YCbCr to RGB as libjpeg computes it (JFIF: R = Y + 1.402 Cr',
// G = Y - 0.34414 Cb' - 0.71414 Cr', B = Y + 1.772 Cb'), in 16-bit fixed point
// with the constants rounded to nearest.
const (
	fixCrR = 91881  // 1.40200 * 65536
	fixCbB = 116130 // 1.77200 * 65536
	fixCrG = 46802  // 0.71414 * 65536
	fixCbG = 22554  // 0.34414 * 65536
)

func yccToRGB(y, cb, cr int) (r, g, b int) {
	cb -= 128
	cr -= 128
	r = y + (fixCrR*cr+32768)>>16
	g = y + (-fixCbG*cb-fixCrG*cr+32768)>>16
	b = y + (fixCbB*cb+32768)>>16
	return int(clamp8(r)), int(clamp8(g)), int(clamp8(b))
}

// mulDiv255 is a*b/255 rounded, as Pillow's MULDIV255 computes it.
func mulDiv255(a, b int) int {
	t := a*b + 128
	return ((t >> 8) + t) >> 8
}

// cmykToGray takes Pillow's CMYK (already inverted from the file's samples).
func cmykToGray(c, m, y, k int) uint8 {
	nk := 255 - k
	r := int(clamp8(nk - mulDiv255(c, nk)))
	g := int(clamp8(nk - mulDiv255(m, nk)))
	b := int(clamp8(nk - mulDiv255(y, nk)))
	return luma(r, g, b)
}

// convertRow fills dst from the first n component rows, each sampled at its
// own horizontal factor (nearest neighbour for subsampled components).
func (d *decoder) convertRow(dst []byte, rows *[4][]byte, n int) {
	var s [4]int
	for x := range dst {
		for i := 0; i < n; i++ {
			cx := x * d.comps[i].h / d.hmax
			if cx < len(rows[i]) {
				s[i] = int(rows[i][cx])
			}
		}
		switch d.color {
		case ColorGray, ColorYCbCr:
			dst[x] = uint8(s[0])
		case ColorRGB:
			dst[x] = luma(s[0], s[1], s[2])
		case ColorCMYK:
			// The file holds inverted CMYK; Pillow inverts it back.
			dst[x] = cmykToGray(255-s[0], 255-s[1], 255-s[2], 255-s[3])
		case ColorYCCK:
			// libjpeg outputs C = 255-R, M = 255-G, Y = 255-B and K as
			// stored; Pillow's inversion makes that R, G, B and 255-K.
			r, g, b := yccToRGB(s[0], s[1], s[2])
			dst[x] = cmykToGray(r, g, b, 255-s[3])
		}
	}
}
