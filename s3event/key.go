package s3event

import (
	"fmt"
	"net/url"
	"strings"
)

// EncodeEventKey encodes an object key as S3 writes it into event
// notifications: application/x-www-form-urlencoded, so a space becomes "+",
// and "+", "%", "=", "&" and every non-ASCII byte of the UTF-8 form become
// %XX. Letters, digits, "-", "_", ".", "*" and "/" stay as they are, which is
// what S3 events show for keys such as "photos/2024/a b.jpg"
// ("photos/2024/a+b.jpg").
func EncodeEventKey(key string) string {
	var b strings.Builder
	b.Grow(len(key) + len(key)/4)
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '*', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// DecodeEventKey turns the key of an S3 event (detail.object.key) back into
// the object key that S3 API calls take. It is the inverse of EncodeEventKey
// and accepts any form-urlencoded key, as real S3 events carry. Keys from
// ListObjectsV2 are raw already and must not be decoded.
func DecodeEventKey(encoded string) (string, error) {
	key, err := url.QueryUnescape(encoded)
	if err != nil {
		return "", fmt.Errorf("s3event: decode key %q: %w", encoded, err)
	}
	return key, nil
}
