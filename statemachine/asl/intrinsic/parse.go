package intrinsic

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// node is one parsed argument or call. Exactly one of the kinds is set.
type node struct {
	call string // function name without "States.", for calls
	args []node // call arguments

	path string // a path argument, resolved by the caller

	lit    any  // a literal value (string, float64, bool or nil)
	isLit  bool // lit is meaningful (nil is a valid literal)
	format []formatPart
}

// formatPart is a piece of a literal States.Format template: text, or a {}
// placeholder. Kept from the raw literal so an escaped \{\} stays text.
type formatPart struct {
	text        string
	placeholder bool
}

// Error is a failure of an intrinsic function: Name is the States error name,
// Cause the reason in AWS's form, "The function '<expression>' had the
// following error: <detail>".
type Error struct {
	Name, Cause string
	err         error // the resolver's error, for errors.Is/As
}

func (e *Error) Error() string { return e.Name + ": " + e.Cause }

// Unwrap gives the resolver's error when a path argument failed.
func (e *Error) Unwrap() error { return e.err }

// errorName is what a failing intrinsic is called; the developer guide lists
// it among the States errors for "an intrinsic function failed". A path
// argument that matches nothing is States.Runtime instead, which AWS was
// recorded answering (see Eval).
const (
	errorName   = "States.IntrinsicFailure"
	runtimeName = "States.Runtime"
)

func failf(format string, a ...any) *Error {
	return &Error{Name: errorName, Cause: fmt.Sprintf(format, a...)}
}

// IsIntrinsic reports whether s looks like an intrinsic function call, the
// test the engine needs to tell "States.Format(...)" from a path in a ".$"
// field.
func IsIntrinsic(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "States.") {
		return false
	}
	i := strings.IndexByte(s, '(')
	if i < len("States.")+1 || !strings.HasSuffix(s, ")") {
		return false
	}
	return isName(s[len("States."):i])
}

func isName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// parsed caches parse results by expression: definitions are fixed, so the
// same few strings are evaluated over and over. At most maxParsed are kept,
// so generated expressions cannot grow it without bound.
var (
	parsed      sync.Map // string -> node
	parsedCount atomic.Int64
)

const maxParsed = 10000

func parse(expr string) (node, error) {
	if n, ok := parsed.Load(expr); ok {
		return n.(node), nil
	}
	p := &parser{s: expr}
	p.space()
	n, err := p.call()
	if err != nil {
		return node{}, err
	}
	p.space()
	if p.i != len(p.s) {
		return node{}, p.errorf("unexpected text %q after the call", p.s[p.i:])
	}
	if parsedCount.Load() < maxParsed {
		if _, loaded := parsed.LoadOrStore(expr, n); !loaded {
			parsedCount.Add(1)
		}
	}
	return n, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) errorf(format string, a ...any) *Error {
	return failf("invalid intrinsic function %q at offset %d: %s", p.s, p.i, fmt.Sprintf(format, a...))
}

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) call() (node, error) {
	if !strings.HasPrefix(p.s[p.i:], "States.") {
		return node{}, p.errorf("expected States.<Function>(")
	}
	p.i += len("States.")
	start := p.i
	for p.i < len(p.s) && isName(p.s[p.i:p.i+1]) {
		p.i++
	}
	name := p.s[start:p.i]
	if name == "" {
		return node{}, p.errorf("missing function name")
	}
	if _, ok := functions[name]; !ok {
		return node{}, p.errorf("unknown function States.%s", name)
	}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '(' {
		return node{}, p.errorf("expected ( after States.%s", name)
	}
	p.i++
	n := node{call: name}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ')' {
		p.i++
		return n, nil
	}
	for {
		p.space()
		arg, err := p.arg()
		if err != nil {
			return node{}, err
		}
		n.args = append(n.args, arg)
		p.space()
		if p.i >= len(p.s) {
			return node{}, p.errorf("missing ) after the arguments of States.%s", name)
		}
		switch p.s[p.i] {
		case ',':
			p.i++
		case ')':
			p.i++
			return n, nil
		default:
			return node{}, p.errorf("expected , or ) after an argument of States.%s", name)
		}
	}
}

func (p *parser) arg() (node, error) {
	if p.i >= len(p.s) {
		return node{}, p.errorf("missing argument")
	}
	rest := p.s[p.i:]
	switch {
	case rest[0] == '\'':
		return p.str()
	case rest[0] == '$':
		return p.pathArg()
	case strings.HasPrefix(rest, "States."):
		return p.call()
	case rest[0] == '-' || rest[0] >= '0' && rest[0] <= '9':
		return p.number()
	}
	for _, kw := range []struct {
		word string
		val  any
	}{{"true", true}, {"false", false}, {"null", nil}} {
		if strings.HasPrefix(rest, kw.word) && !p.nameCharAt(p.i+len(kw.word)) {
			p.i += len(kw.word)
			return node{lit: kw.val, isLit: true}, nil
		}
	}
	return node{}, p.errorf("unexpected argument %q", rest)
}

func (p *parser) nameCharAt(i int) bool {
	return i < len(p.s) && isName(p.s[i:i+1])
}

// str reads a single-quoted literal. Escapes: \' \{ \} \\ \" ; an unescaped {}
// is remembered as a placeholder for States.Format.
func (p *parser) str() (node, error) {
	p.i++ // opening quote
	var b strings.Builder
	var parts []formatPart
	var text strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return node{}, p.errorf("unterminated escape in string literal")
			}
			e := p.s[p.i+1]
			switch e {
			case '\'', '{', '}', '\\', '"':
				// \" is accepted too: AWS ran States.StringToJson('{\"k\": \"v\"}')
				// (localstack test_json_merge_escaped_argument, validated on AWS).
			default:
				// Other escapes are kept as written rather than refused.
				b.WriteByte('\\')
				text.WriteByte('\\')
			}
			b.WriteByte(e)
			text.WriteByte(e)
			p.i += 2
		case c == '\'':
			p.i++
			if text.Len() > 0 || len(parts) == 0 {
				parts = append(parts, formatPart{text: text.String()})
			}
			return node{lit: b.String(), isLit: true, format: parts}, nil
		case c == '{' && p.i+1 < len(p.s) && p.s[p.i+1] == '}':
			if text.Len() > 0 {
				parts = append(parts, formatPart{text: text.String()})
				text.Reset()
			}
			parts = append(parts, formatPart{placeholder: true})
			b.WriteString("{}")
			p.i += 2
		default:
			b.WriteByte(c)
			text.WriteByte(c)
			p.i++
		}
	}
	return node{}, p.errorf("unterminated string literal")
}

func (p *parser) number() (node, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && strings.IndexByte("0123456789.eE+-", p.s[p.i]) >= 0 {
		p.i++
	}
	f, err := strconv.ParseFloat(p.s[start:p.i], 64)
	if err != nil {
		p.i = start
		return node{}, p.errorf("invalid number %q", p.s[start:p.i])
	}
	return node{lit: f, isLit: true}, nil
}

// pathArg reads a path up to the next top-level , or ). Brackets and quotes
// inside the path ($.a['x,y'], $.b[?(@.c > 1)]) do not end it.
func (p *parser) pathArg() (node, error) {
	start := p.i
	depth := 0
	var quote byte
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case quote != 0:
			if c == '\\' {
				p.i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[' || c == '(':
			depth++
		case c == ']':
			depth--
		case c == ')':
			if depth == 0 {
				return node{path: strings.TrimSpace(p.s[start:p.i])}, nil
			}
			depth--
		case c == ',':
			if depth == 0 {
				return node{path: strings.TrimSpace(p.s[start:p.i])}, nil
			}
		}
		p.i++
	}
	return node{}, p.errorf("missing ) after path %q", p.s[start:])
}
