package imaging

import "bytes"

// Format names an image encoding. Its values are the lower-case names the
// CLI and the task JSON use.
type Format string

// The formats Sniff recognises. Only JPEG and PNG can be encoded.
const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
	BMP  Format = "bmp"
	TIFF Format = "tiff"
)

// SniffLen is how many leading bytes Sniff needs to tell every format apart.
const SniffLen = 16

// Sniff names the format from the first bytes of the data (SniffLen are
// enough). It never looks at a file name: a key's extension is chosen by
// whoever uploads it. Unknown data gives an *UnsupportedFormatError.
func Sniff(head []byte) (Format, error) {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return JPEG, nil
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return PNG, nil
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return GIF, nil
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WEBP":
		return WebP, nil
	case len(head) >= 14 && head[0] == 'B' && head[1] == 'M':
		// "BM" alone also starts plenty of text; require the reserved
		// header fields (bytes 6-9) to be zero as the BMP spec says.
		if head[6]|head[7]|head[8]|head[9] == 0 {
			return BMP, nil
		}
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return TIFF, nil
	}
	if len(head) == 0 {
		return "", &UnsupportedFormatError{Reason: "empty input"}
	}
	return "", &UnsupportedFormatError{}
}

// Encodable reports whether Encode can write f.
func (f Format) Encodable() bool { return f == JPEG || f == PNG }

// OutputFormat picks the format to write: requested when set, else the
// input's format when Encode can write it, else PNG (lossless, so a BMP or
// TIFF input does not pick up JPEG artefacts on the way).
func OutputFormat(input, requested Format) Format {
	if requested != "" {
		return requested
	}
	if input.Encodable() {
		return input
	}
	return PNG
}

// ParseFormat accepts the names the CLI and task inputs use for an output
// format: "jpeg" (or "jpg") and "png".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "jpeg", "jpg":
		return JPEG, nil
	case "png":
		return PNG, nil
	}
	return "", &UnsupportedFormatError{Format: Format(s), Reason: "cannot encode (only jpeg and png)"}
}
