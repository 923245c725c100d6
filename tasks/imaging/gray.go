package imaging

import (
	"image"
	"image/color"
)

// Gray conversion follows Pillow 9.4's Image.convert("L"), the seed handler's
// behaviour, so outputs stay comparable with the original project:
//
//   - RGB: L = (R*19595 + G*38470 + B*7471 + 0x8000) >> 16 (Pillow's rgb2l,
//     ITU-R BT.601 weights 0.299/0.587/0.114 in 16-bit fixed point).
//   - Alpha is dropped, not composited: the stored colour of a transparent
//     pixel decides its gray (Pillow's RGBA->L ignores A).
//   - CMYK: Pillow's cmyk2rgb, then rgb2l.
//   - 16-bit channels: the high byte, as Pillow's "RGB;16B" unpacker does.
//   - JPEG YCbCr: the Y plane itself (that is the BT.601 luma the RGB
//     weights would recompute, without the round trip through RGB).
//   - Lossy WebP YCbCr: libwebp's limited-range YUV->RGB (what Pillow gets
//     from libwebp), then rgb2l.

func luma(r, g, b uint32) uint8 {
	return uint8((r*19595 + g*38470 + b*7471 + 0x8000) >> 16)
}

// toGray converts a decoded image to 8-bit gray. webpYCbCr marks YCbCr
// planes that use VP8's limited range rather than JPEG's full range.
func toGray(m image.Image, webpYCbCr bool) *image.Gray {
	b := m.Bounds()
	switch src := m.(type) {
	case *image.Gray:
		return src
	case *image.YCbCr:
		if webpYCbCr {
			return webpGray(src, nil)
		}
		// The Y plane is the answer: share it, no copy.
		return &image.Gray{Pix: src.Y, Stride: src.YStride, Rect: b}
	case *image.NYCbCrA:
		if webpYCbCr {
			return webpGray(&src.YCbCr, nil)
		}
		return &image.Gray{Pix: src.Y, Stride: src.YStride, Rect: b}
	}
	dst := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	w, h := b.Dx(), b.Dy()
	switch src := m.(type) {
	case *image.NRGBA:
		rgbRows(dst, src.Pix, src.Stride, 4, w, h)
	case *image.RGBA:
		// Opaque pixels (all of BMP and most TIFF) need no un-premultiplying.
		rgbaRows(dst, src, w, h)
	case *image.NRGBA64:
		rgbRows16(dst, src.Pix, src.Stride, 8, w, h)
	case *image.RGBA64:
		rgbRows16(dst, src.Pix, src.Stride, 8, w, h)
	case *image.Gray16:
		// Pillow opens 16-bit gray PNG as mode "I" and its I->L clips at
		// 255, which turns nearly every such image white; take the high
		// byte instead, as it does for 16-bit colour.
		for y := 0; y < h; y++ {
			s := src.Pix[y*src.Stride:]
			d := dst.Pix[y*dst.Stride:]
			for x := 0; x < w; x++ {
				d[x] = s[2*x]
			}
		}
	case *image.CMYK:
		for y := 0; y < h; y++ {
			s := src.Pix[y*src.Stride:]
			d := dst.Pix[y*dst.Stride:]
			for x := 0; x < w; x++ {
				p := s[4*x : 4*x+4 : 4*x+4]
				nk := 255 - uint32(p[3])
				d[x] = luma(nk-muldiv255(uint32(p[0]), nk), nk-muldiv255(uint32(p[1]), nk), nk-muldiv255(uint32(p[2]), nk))
			}
		}
	case *image.Paletted:
		var lut [256]uint8
		for i, c := range src.Palette {
			n := color.NRGBAModel.Convert(c).(color.NRGBA)
			lut[i] = luma(uint32(n.R), uint32(n.G), uint32(n.B))
		}
		for y := 0; y < h; y++ {
			s := src.Pix[y*src.Stride:]
			d := dst.Pix[y*dst.Stride:]
			for x := 0; x < w; x++ {
				d[x] = lut[s[x]]
			}
		}
	default:
		for y := 0; y < h; y++ {
			d := dst.Pix[y*dst.Stride:]
			for x := 0; x < w; x++ {
				n := color.NRGBA64Model.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA64)
				d[x] = luma(uint32(n.R>>8), uint32(n.G>>8), uint32(n.B>>8))
			}
		}
	}
	return dst
}

// muldiv255 is Pillow's MULDIV255: a*b/255 rounded, without a division.
func muldiv255(a, b uint32) uint32 {
	t := a*b + 128
	return ((t >> 8) + t) >> 8
}

func rgbRows(dst *image.Gray, pix []byte, stride, bpp, w, h int) {
	for y := 0; y < h; y++ {
		s := pix[y*stride:]
		d := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			p := s[bpp*x : bpp*x+3 : bpp*x+3]
			d[x] = luma(uint32(p[0]), uint32(p[1]), uint32(p[2]))
		}
	}
}

func rgbRows16(dst *image.Gray, pix []byte, stride, bpp, w, h int) {
	for y := 0; y < h; y++ {
		s := pix[y*stride:]
		d := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			p := s[bpp*x : bpp*x+5 : bpp*x+5] // big-endian: high bytes at 0, 2, 4
			d[x] = luma(uint32(p[0]), uint32(p[2]), uint32(p[4]))
		}
	}
}

func rgbaRows(dst *image.Gray, src *image.RGBA, w, h int) {
	for y := 0; y < h; y++ {
		s := src.Pix[y*src.Stride:]
		d := dst.Pix[y*dst.Stride:]
		for x := 0; x < w; x++ {
			p := s[4*x : 4*x+4 : 4*x+4]
			r, g, b, a := uint32(p[0]), uint32(p[1]), uint32(p[2]), uint32(p[3])
			if a != 255 {
				if a == 0 {
					r, g, b = 0, 0, 0
				} else {
					r, g, b = (r*255+a/2)/a, (g*255+a/2)/a, (b*255+a/2)/a
				}
			}
			d[x] = luma(r, g, b)
		}
	}
}

// webpGray converts VP8 limited-range YCbCr with libwebp's fixed-point
// formulas (src/dsp/yuv.h: VP8YUVToR/G/B, 14-bit coefficients, 6 fraction
// bits) and then rgb2l. Chroma is taken at the nearest sample; libwebp's
// "fancy" upsampling interpolates it, which changes gray only by a level or
// two at saturated edges.
func webpGray(src *image.YCbCr, dst *image.Gray) *image.Gray {
	b := src.Rect
	if dst == nil {
		dst = image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		d := dst.Pix[(y-b.Min.Y)*dst.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			yy := int32(src.Y[src.YOffset(x, y)])
			ci := src.COffset(x, y)
			u, v := int32(src.Cb[ci]), int32(src.Cr[ci])
			yt := (yy * 19077) >> 8
			r := vp8Clip8(yt + (v*26149)>>8 - 14234)
			g := vp8Clip8(yt - (u*6419)>>8 - (v*13320)>>8 + 8708)
			bl := vp8Clip8(yt + (u*33050)>>8 - 17685)
			d[x-b.Min.X] = luma(r, g, bl)
		}
	}
	return dst
}

func vp8Clip8(v int32) uint32 {
	if v&^((256<<6)-1) == 0 {
		return uint32(v >> 6)
	}
	if v < 0 {
		return 0
	}
	return 255
}
