package imaging

import "math"

// Limits bound the work one input may cause. Each is checked from headers,
// before any pixel buffer is allocated. A zero field means the default.
type Limits struct {
	MaxBytes  int64 // encoded input size
	MaxPixels int64 // stored width x height
	MaxFrames int   // frames of an animation (GIF); still images have 1
}

// Defaults, chosen for a 128-512 MB Lambda: 50 MiB is more than any camera
// JPEG; 50 MP covers 48 MP phone sensors (a full-resolution Y plane is then
// 50 MB, plus the decoder's own buffers); 1000 frames bounds the header walk
// of a GIF (only frame 1 is decoded).
const (
	DefaultMaxBytes  int64 = 50 << 20
	DefaultMaxPixels int64 = 50_000_000
	DefaultMaxFrames       = 1000
)

// DefaultLimits returns MaxBytes 50 MiB, MaxPixels 50,000,000, MaxFrames 1000.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPixels: DefaultMaxPixels, MaxFrames: DefaultMaxFrames}
}

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = d.MaxPixels
	}
	if l.MaxFrames <= 0 {
		l.MaxFrames = d.MaxFrames
	}
	return l
}

func (l Limits) checkBytes(n int64) error {
	if n > l.MaxBytes {
		return &LimitError{Limit: "bytes", Got: n, Max: l.MaxBytes}
	}
	return nil
}

func (l Limits) checkPixels(w, h int) error {
	if w <= 0 || h <= 0 {
		return nil // the caller reports empty images as corrupt
	}
	if p := pixelCount(uint64(w), uint64(h)); p > l.MaxPixels {
		return &LimitError{Limit: "pixels", Got: p, Max: l.MaxPixels}
	}
	return nil
}

// pixelCount multiplies header dimensions (each below 2^32, so the uint64
// product cannot wrap) and saturates at the largest int64.
func pixelCount(w, h uint64) int64 {
	if p := w * h; p <= math.MaxInt64 {
		return int64(p)
	}
	return math.MaxInt64
}
