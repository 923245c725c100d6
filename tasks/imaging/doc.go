// Package imaging holds the pure image operations of the pipeline: sniff the
// format from magic bytes, check limits from the header, decode to 8-bit
// gray with the EXIF orientation applied, resize, encode, and the cheap raw
// intermediate between the Grayscale and Resize tasks.
//
// It works on io.ReaderAt / io.Writer and *image.Gray only. It must not
// import AWS packages, tasks/, local/, statemachine/ or cmd/: the Lambda
// handlers and the CLI call it, never the other way round.
//
// # Flow used by the tasks
//
//	Validate:  Inspect(r, size, lim)                     -> Info or a typed error
//	Grayscale: DecodeGray(r, size, &DecodeOptions{...})  -> WriteRaw
//	Resize:    ReadRaw -> Resize(img, w, h, mode) -> Encode(w, img, JPEG|PNG)
//
// # Behaviour, pinned to the original (Pillow 9.4) handler
//
//   - JPEG is decoded by the fastjpeg subpackage straight to gray. With a
//     target (DecodeOptions.TargetWidth/Height) it scales by 1/2, 1/4 or
//     1/8 in the DCT domain, the largest factor that keeps the oriented
//     image at least the target on both axes (for 256x256: 1200x800 and
//     1500x997 at 1/2, 2040x1536 at 1/4, 12 MP and 24 MP at 1/8); the
//     Lanczos Resize does the rest. When the size is not a multiple of the
//     scale, the last scaled row or column is only partly picture: the exact
//     area (W/s x H/s, through the orientation) travels with the image (see
//     ImageArea and Area) and through the raw intermediate's header, and
//     Resize maps exactly that area, else the far edge drifts by up to half
//     an output pixel. JPEG features fastjpeg does not implement go to
//     image/jpeg (at full size: its Y plane is the gray image). Other
//     formats decode at full resolution with image/* and golang.org/x/image;
//     no shrink-on-load there, so they match Pillow exactly.
//   - Formats: JPEG (baseline, progressive, gray, Adobe CMYK/YCCK), PNG
//     (all bit depths, palette, alpha), GIF (first frame), WebP (lossy and
//     lossless, still), BMP, TIFF. Detected only from magic bytes (Sniff).
//   - Limits (DefaultLimits: 50 MiB, 50,000,000 pixels, 1000 frames) are
//     checked from headers before any pixel buffer is allocated; GIF frames
//     are counted by walking blocks, without LZW decoding.
//   - Gray: Pillow's convert("L"): L = (R*19595 + G*38470 + B*7471 +
//     0x8000) >> 16, i.e. BT.601 0.299/0.587/0.114 rounded. (The integer
//     form R*299/1000 + ... with rounding differs from Pillow 9.4 on about
//     0.07% of random colours by one level, so the 16-bit form is used.)
//     Alpha is dropped, not composited (as Pillow). CMYK goes through
//     Pillow's cmyk2rgb. 16-bit samples keep their high byte (Pillow's
//     "RGB;16B" unpacker); for 16-bit *gray* Pillow clips the value at 255
//     (mode "I" -> "L"), which whitens the image, so we take the high byte
//     there too: a deliberate difference. JPEG YCbCr gives its Y plane
//     directly; lossy WebP goes through libwebp's limited-range formulas.
//   - Orientation: EXIF tag 0x0112 from JPEG APP1, PNG eXIf (before IDAT),
//     WebP EXIF and TIFF IFD0, applied as ImageOps.exif_transpose does.
//     A 60-line reader of that one tag replaces github.com/dsoprea/go-exif/v3:
//     its go.mod requires go-logging, go-utility, go-errors, golang/geo,
//     go-flags, yaml.v2 and x/net, and its errors travel as panics through
//     go-logging, all for a single SHORT value.
//   - Resize: Pillow's LANCZOS resampling (Lanczos-3, support 3 widened by
//     the downscale factor), same fixed-point weights and pass order, so a
//     gray input gives Pillow's resize(..., LANCZOS) bit for bit. Lanczos,
//     not the seed's BICUBIC, because the quality reference is Pillow's
//     Lanczos of the full image and it tolerates a decode at only >= 1x the
//     target (the seed itself scores 47.6 dB against that reference).
//     ResizeWith(..., Bicubic) keeps the seed's resize((w,h)) bit for bit.
//     Modes: stretch (the seed's resize((w,h))), fit, fill (centre crop,
//     done by resampling only the crop box, as Pillow's box argument).
//   - Encode: JPEG quality 75 (Pillow's default) with the standard tables,
//     by a small gray-only baseline encoder (float AAN DCT, branch-free
//     rounding, a bit mask of the non-zero coefficients): 0.27/0.35/0.29 ms
//     for the seed photos' 256x256 outputs against image/jpeg's 0.64/0.90/
//     0.71 (BenchmarkEncodeJPEG, -cpu 1);
//     PNG default compression.
//   - Not handled: animated WebP (Inspect counts its frames; DecodeGray
//     refuses it, x/image/webp has no animation), TIFF pages after the
//     first (Frames is 1), EXIF kept in PNG text chunks ("Raw profile type
//     exif"), arithmetic-coded and 12-bit JPEG.
//
// Libraries: image/* and golang.org/x/image decode; fastjpeg decodes JPEG.
// github.com/anthonynsimon/bild is not used: it works on RGBA, so a gray
// resize costs a conversion each way; with its CatmullRom (the same cubic
// as Pillow's BICUBIC) it matched our quality but took 18/27/48 ms per
// full-resolution 1200x800/1500x997/2040x1536 gray image against 3.0/4.4/
// 8.3 ms for ResizeWith(..., Bicubic) (x/image/draw CatmullRom: 7.4/8.9/
// 20.4 ms and 8-9 dB further from Pillow's output); see bench_test.go.
// Resize (Lanczos, banded transposes) takes 2.2/3.2/6.2 ms at full
// resolution, and 0.78/1.05/0.65 ms on the DCT-scaled decodes the pipeline
// actually resizes (TestCPUTimes, BenchmarkResizeScaled, -cpu 1).
//
// Errors callers test with errors.As: *UnsupportedFormatError,
// *LimitError, *CorruptError. All three are permanent: retrying the same
// bytes gives the same answer.
package imaging
