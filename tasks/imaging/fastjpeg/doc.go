// Package fastjpeg decodes JPEG files (ITU-T T.81, Huffman coded, 8-bit) straight
// to an 8-bit gray image, optionally scaled down by 2, 4 or 8 in the DCT domain.
//
// It exists because the thumbnail pipeline only needs luma at a fraction of the
// size: the standard library's image/jpeg decodes every component at full
// resolution and has no scaled IDCT, which makes a pure-Go pipeline slower than
// Pillow. For YCbCr files only the Y component is transformed; Cb and Cr are
// entropy-decoded (the bit stream leaves no other way) and then dropped. RGB,
// CMYK and YCCK files are converted to gray with Pillow's arithmetic so that the
// result matches the original Python handler.
//
// Untrusted input is the normal case: every index is checked, truncated or
// corrupt scan data is an error (never a gray fill), and allocation is bounded by
// the input size (see DecodeGray). Callers must still check DecodeConfig's
// dimensions against their own limits before decoding.
//
// It must not import anything outside the standard library, and nothing of the
// rest of imgprep: it is a leaf package.
package fastjpeg
