package imaging

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxOutputSide bounds each side of a requested output size, so a typo in
// a flag or an event cannot ask for a gigapixel output.
const MaxOutputSide = 16384

// ParseSize parses "WxH" (also "W×H" and upper-case X), e.g. "256x256",
// into positive dimensions of at most MaxOutputSide.
func ParseSize(s string) (width, height int, err error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.ReplaceAll(t, "×", "x")
	ws, hs, ok := strings.Cut(t, "x")
	if !ok {
		return 0, 0, fmt.Errorf("imaging: size %q: want WxH, e.g. 256x256", s)
	}
	width, err1 := strconv.Atoi(ws)
	height, err2 := strconv.Atoi(hs)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("imaging: size %q: want WxH with whole numbers, e.g. 256x256", s)
	}
	if width < 1 || height < 1 || width > MaxOutputSide || height > MaxOutputSide {
		return 0, 0, fmt.Errorf("imaging: size %q: each side must be 1..%d", s, MaxOutputSide)
	}
	return width, height, nil
}
