package eventbus

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
)

// Numbers compare the way event-ruler's ComparableNumber compares them
// (github.com/aws/event-ruler, ComparableNumber.java, current version):
// exactly, as whole millionths, for values within ±5e11 with at most six
// digits after the decimal point. Other numbers have no comparable form:
// they match no numeric range, and exact matches fall back to their text.
const (
	numericLimit      = 5e11
	microLimit        = 500_000_000_000_000_000 // numericLimit in millionths
	maxMicroDigits    = 18                      // digits of microLimit
	decimalsSupported = 6
)

// errNotComparable is why a number has no comparable form.
var errNotComparable = errors.New("numbers must lie within ±5e11 and have at most 6 decimal places")

// toMicro converts a JSON number's text into millionths, exactly: no
// floating point, so 0.3 - 0.1 questions never arise.
func toMicro(text string) (int64, error) {
	s := text
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	// Gather the significant digits and the power of ten they are scaled by.
	var digits []byte
	exp := 0
	i := 0
	seenDigit := false
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		seenDigit = true
		if len(digits) > 0 || s[i] != '0' {
			digits = append(digits, s[i])
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			seenDigit = true
			exp--
			if len(digits) > 0 || s[i] != '0' {
				digits = append(digits, s[i])
			}
		}
	}
	if !seenDigit {
		return 0, strconv.ErrSyntax
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, strconv.ErrSyntax
		}
		if err != nil || e > 1000 || e < -1000 {
			if len(digits) == 0 {
				return 0, nil
			}
			return 0, errNotComparable
		}
		exp += e
		i = len(s)
	}
	if i != len(s) {
		return 0, strconv.ErrSyntax
	}
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if len(digits) == 0 {
		return 0, nil
	}
	shift := exp + decimalsSupported
	if shift < 0 || len(digits)+shift > maxMicroDigits {
		return 0, errNotComparable
	}
	var v int64
	for _, d := range digits {
		v = v*10 + int64(d-'0')
	}
	for range shift {
		v *= 10
	}
	if v > microLimit {
		return 0, errNotComparable
	}
	if neg {
		v = -v
	}
	return v, nil
}

// numberText returns the JSON text of a number value: json.Number's own
// text, or the shortest text of a Go number. goValue reports the latter,
// whose text the event never had.
func numberText(v any) (text string, goValue, ok bool) {
	switch t := v.(type) {
	case json.Number:
		return t.String(), false, true
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return "", true, false
		}
		return strconv.FormatFloat(t, 'g', -1, 64), true, true
	case string, bool, nil, map[string]any, []any:
		return "", false, false
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true, true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10), true, true
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return "", true, false
		}
		bits := 64
		if rv.Kind() == reflect.Float32 {
			bits = 32
		}
		return strconv.FormatFloat(f, 'g', -1, bits), true, true
	}
	return "", false, false
}

// microOf returns an event value's comparable form, if it is a number that
// has one.
func microOf(v any) (int64, bool) {
	text, _, ok := numberText(v)
	if !ok {
		return 0, false
	}
	m, err := toMicro(text)
	return m, err == nil
}
