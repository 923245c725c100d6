package jsonata

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unicode"
)

// $formatInteger and $parseInteger are JSONata 1.8/2.x functions (XPath
// F&O 3.1 format-integer) the library lacks. This covers the pictures
// JSONata documents: decimal digit patterns with grouping separators
// ("000", "#,##0"), words (w, W, Ww), roman numerals (i, I), letters
// (a, A), and the ordinal modifier ";o". Wording follows jsonata-js
// (functions.js numberToWords): British "and", commas between groups.

var (
	wordsFew = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	wordsOrdinal = []string{"zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
		"eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth"}
	wordsDecades    = []string{"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	wordsMagnitudes = []string{"thousand", "million", "billion", "trillion"}
)

func numberToWords(n int64, ordinal bool) string {
	var lookup func(n int64, prev, ord bool) string
	lookup = func(n int64, prev, ord bool) string {
		var w string
		switch {
		case n <= 19:
			if prev {
				w = " and "
			}
			if ord {
				w += wordsOrdinal[n]
			} else {
				w += wordsFew[n]
			}
		case n < 100:
			if prev {
				w = " and "
			}
			w += wordsDecades[n/10-2]
			if r := n % 10; r > 0 {
				w += "-" + lookup(r, false, ord)
			} else if ord {
				w = w[:len(w)-1] + "ieth"
			}
		case n < 1000:
			if prev {
				w = ", "
			}
			w += wordsFew[n/100] + " hundred"
			if r := n % 100; r > 0 {
				w += lookup(r, true, ord)
			} else if ord {
				w += "th"
			}
		default:
			mag := int(math.Floor(math.Log10(float64(n)) / 3))
			if mag > len(wordsMagnitudes) {
				mag = len(wordsMagnitudes)
			}
			factor := int64(math.Pow(10, float64(mag*3)))
			mant := n / factor
			r := n - mant*factor
			if prev {
				w = ", "
			}
			w += lookup(mant, false, false) + " " + wordsMagnitudes[mag-1]
			if r > 0 {
				w += lookup(r, true, ord)
			} else if ord {
				w += "th"
			}
		}
		return w
	}
	return lookup(n, false, ordinal)
}

var romanNumerals = []struct {
	v int64
	s string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

func toRoman(n int64) string {
	var b strings.Builder
	for _, r := range romanNumerals {
		for n >= r.v {
			b.WriteString(r.s)
			n -= r.v
		}
	}
	return b.String()
}

func fromRoman(s string) (int64, bool) {
	s = strings.ToLower(s)
	var n int64
	for s != "" {
		matched := false
		for _, r := range romanNumerals {
			if strings.HasPrefix(s, r.s) {
				n += r.v
				s = s[len(r.s):]
				matched = true
				break
			}
		}
		if !matched {
			return 0, false
		}
	}
	return n, true
}

func toLetters(n int64) string {
	var out []byte
	for n > 0 {
		n--
		out = append([]byte{byte('a' + n%26)}, out...)
		n /= 26
	}
	return string(out)
}

func ordinalSuffix(n int64) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

// picture is a parsed format-integer picture.
type picture struct {
	kind    string // "decimal", "words", "roman", "letters"
	upper   bool   // W, I, A
	title   bool   // Ww
	ordinal bool
	// decimal pictures
	mandatory int
	seps      []groupSep // from the right, positions in digits
	regular   int        // repeat every this many digits, 0 if irregular
	regSep    string
}

type groupSep struct {
	pos int // digits to the right of the separator
	sep string
}

func parsePicture(s string) (picture, error) {
	p := picture{}
	if i := strings.LastIndexByte(s, ';'); i >= 0 {
		mod := s[i+1:]
		if strings.HasPrefix(mod, "o") {
			p.ordinal = true
		}
		s = s[:i]
	}
	switch s {
	case "w":
		p.kind = "words"
		return p, nil
	case "W":
		p.kind, p.upper = "words", true
		return p, nil
	case "Ww":
		p.kind, p.title = "words", true
		return p, nil
	case "i":
		p.kind = "roman"
		return p, nil
	case "I":
		p.kind, p.upper = "roman", true
		return p, nil
	case "a":
		p.kind = "letters"
		return p, nil
	case "A":
		p.kind, p.upper = "letters", true
		return p, nil
	}
	p.kind = "decimal"
	digits := 0
	var seps []groupSep
	runes := []rune(s)
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i]
		switch {
		case r >= '0' && r <= '9':
			p.mandatory++
			digits++
		case r == '#':
			digits++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return p, fmt.Errorf("D3130: Formatting or parsing an integer as a sequence starting with %s is not supported by this implementation", string(r))
		default:
			seps = append(seps, groupSep{pos: digits, sep: string(r)})
		}
	}
	if p.mandatory == 0 {
		return p, fmt.Errorf("D3131: In a decimal digit pattern, all digits must be from the same decimal group")
	}
	p.seps = seps
	if len(seps) > 0 {
		regular := seps[0].pos
		for i, g := range seps {
			if g.sep != seps[0].sep || g.pos != regular*(i+1) {
				regular = 0
				break
			}
		}
		if regular > 0 {
			p.regular, p.regSep = regular, seps[0].sep
		}
	}
	return p, nil
}

func (p picture) format(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	var s string
	switch p.kind {
	case "words":
		s = numberToWords(n, p.ordinal)
		switch {
		case p.upper:
			s = strings.ToUpper(s)
		case p.title:
			s = titleWords(s)
		}
		if neg {
			s = "minus " + s
		}
		return s
	case "roman":
		s = toRoman(n)
	case "letters":
		s = toLetters(n)
	default:
		digits := strconv.FormatInt(n, 10)
		for len(digits) < p.mandatory {
			digits = "0" + digits
		}
		var b strings.Builder
		for i, d := range digits {
			right := len(digits) - i // digits from here to the end
			b.WriteRune(d)
			if right <= 1 {
				continue
			}
			if p.regular > 0 {
				if (right-1)%p.regular == 0 {
					b.WriteString(p.regSep)
				}
				continue
			}
			for _, g := range p.seps {
				if g.pos == right-1 {
					b.WriteString(g.sep)
				}
			}
		}
		s = b.String()
		if p.ordinal {
			s += ordinalSuffix(n)
		}
	}
	if p.upper {
		s = strings.ToUpper(s)
	}
	if neg {
		s = "-" + s
	}
	return s
}

func titleWords(s string) string {
	out := []rune(s)
	start := true
	for i, r := range out {
		if start && unicode.IsLetter(r) && wordAt(out, i) != "and" {
			out[i] = unicode.ToUpper(r)
		}
		start = r == ' ' || r == '-'
	}
	return string(out)
}

func wordAt(r []rune, i int) string {
	j := i
	for j < len(r) && unicode.IsLetter(r[j]) {
		j++
	}
	return string(r[i:j])
}

func formatInteger(args []reflect.Value) (any, error) {
	if err := argCount("formatInteger", args, 2, 2); err != nil {
		return nil, err
	}
	v, ok, err := arg(args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	f, isNum := v.(float64)
	if !isNum {
		return nil, signatureErr("formatInteger", 1)
	}
	pv, _, err := arg(args, 1)
	if err != nil {
		return nil, err
	}
	ps, isStr := pv.(string)
	if !isStr {
		return nil, signatureErr("formatInteger", 2)
	}
	p, err := parsePicture(ps)
	if err != nil {
		return nil, err
	}
	return p.format(int64(math.Floor(f))), nil
}

func parseInteger(args []reflect.Value) (any, error) {
	if err := argCount("parseInteger", args, 2, 2); err != nil {
		return nil, err
	}
	v, ok, err := arg(args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	s, isStr := v.(string)
	if !isStr {
		return nil, signatureErr("parseInteger", 1)
	}
	pv, _, err := arg(args, 1)
	if err != nil {
		return nil, err
	}
	ps, isStr := pv.(string)
	if !isStr {
		return nil, signatureErr("parseInteger", 2)
	}
	p, err := parsePicture(ps)
	if err != nil {
		return nil, err
	}
	var n int64
	switch p.kind {
	case "words":
		n, ok = wordsToNumber(s)
	case "roman":
		n, ok = fromRoman(s)
	case "letters":
		for _, r := range strings.ToLower(s) {
			if r < 'a' || r > 'z' {
				ok = false
				break
			}
			n = n*26 + int64(r-'a'+1)
			ok = true
		}
	default:
		neg := strings.HasPrefix(s, "-")
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.TrimPrefix(s, "-"))
		if p.ordinal {
			digits = strings.TrimRight(digits, "stndrh")
		}
		n, err = strconv.ParseInt(digits, 10, 64)
		ok = err == nil
		if neg {
			n = -n
		}
	}
	if !ok {
		return undefined, nil
	}
	return float64(n), nil
}

// wordsToNumber reads what numberToWords writes.
func wordsToNumber(s string) (int64, bool) {
	values := map[string]int64{}
	for i, w := range wordsFew {
		values[w] = int64(i)
	}
	for i, w := range wordsOrdinal {
		values[w] = int64(i)
	}
	for i, w := range wordsDecades {
		values[w] = int64(i+2) * 10
		values[strings.TrimSuffix(w, "y")+"ieth"] = int64(i+2) * 10
	}
	mags := map[string]int64{"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
	var total, current int64
	seen := false
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == ',' || r == '-' }) {
		w = strings.TrimSuffix(w, "th")
		switch {
		case w == "and":
		case w == "hundred":
			current *= 100
		case mags[w] > 0:
			total += current * mags[w]
			current = 0
		default:
			v, ok := values[w]
			if !ok {
				v, ok = values[w+"th"]
			}
			if !ok {
				return 0, false
			}
			current += v
		}
		seen = true
	}
	return total + current, seen
}
