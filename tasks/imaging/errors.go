package imaging

import (
	"fmt"
	"strings"
)

// UnsupportedFormatError reports input whose magic bytes match no format the
// pipeline decodes, or an output format it cannot encode. It is a permanent
// rejection: retrying cannot help.
type UnsupportedFormatError struct {
	// Format is the detected or requested format; empty when the magic bytes
	// matched nothing.
	Format Format
	// Reason says what was unsupported, for the message.
	Reason string
}

func (e *UnsupportedFormatError) Error() string {
	switch {
	case e.Format == "" && e.Reason == "":
		return "imaging: unsupported format: magic bytes match no known image format"
	case e.Format == "":
		return "imaging: unsupported format: " + e.Reason
	case e.Reason == "":
		return fmt.Sprintf("imaging: unsupported format %q", string(e.Format))
	}
	return fmt.Sprintf("imaging: unsupported format %q: %s", string(e.Format), e.Reason)
}

// LimitError reports input over one of the Limits, found before any pixel
// buffer was allocated.
type LimitError struct {
	Limit string // "bytes", "pixels" or "frames"
	Got   int64
	Max   int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("imaging: too many %s: got %d, limit %d", e.Limit, e.Got, e.Max)
}

// CorruptError reports data that claims to be Format but cannot be decoded:
// truncated, damaged, or inconsistent headers.
type CorruptError struct {
	Format Format
	Err    error
}

func (e *CorruptError) Error() string {
	msg := "<nil>"
	if e.Err != nil {
		// The standard decoders prefix their own package name ("png: ..."):
		// keep the message but do not repeat the format.
		msg = strings.TrimPrefix(e.Err.Error(), string(e.Format)+": ")
	}
	return fmt.Sprintf("imaging: corrupt %s data: %s", e.Format, msg)
}

func (e *CorruptError) Unwrap() error { return e.Err }

func corrupt(f Format, err error) error { return &CorruptError{Format: f, Err: err} }
