package s3event

import (
	"fmt"
	"net/url"
	"strings"
)

// EncodeEventKey encodes an object key as S3 puts it in event
// notifications: form encoding (letters, digits and "-_.*" kept, space as
// "+", every other byte of the UTF-8 form as %XX), except that "/" is kept
// so that key paths stay readable, as in the events S3 sends.
func EncodeEventKey(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '*', c == '/':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// DecodeEventKey turns an event's key back into the object key: "+" is a
// space and %XX a byte. A malformed escape is an error, never guessed at.
func DecodeEventKey(encoded string) (string, error) {
	key, err := url.QueryUnescape(encoded)
	if err != nil {
		return "", fmt.Errorf("s3event: key %q is not URL-encoded as S3 events encode keys: %w", encoded, err)
	}
	return key, nil
}
