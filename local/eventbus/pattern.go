package eventbus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"
	"strings"
)

// Sentinel errors carried by [PatternError.Err], one per kind of mistake.
var (
	ErrSyntax          = errors.New("not valid JSON")
	ErrWrongType       = errors.New("wrong type")
	ErrUnknownOperator = errors.New("unknown operator")
	ErrBadNumericRange = errors.New("bad numeric range")
	ErrEmpty           = errors.New("empty")
	ErrBadValue        = errors.New("bad value")
)

// PatternError says where and why a pattern is invalid. Path names the place
// in the pattern, like "detail.object.key[0].prefix"; it is empty for the
// pattern as a whole.
type PatternError struct {
	Path    string
	Message string
	Err     error // one of the Err* sentinels
}

func (e *PatternError) Error() string {
	if e.Path == "" {
		return "eventbus: invalid event pattern: " + e.Message
	}
	return "eventbus: invalid event pattern at " + e.Path + ": " + e.Message
}

func (e *PatternError) Unwrap() error { return e.Err }

// Pattern is a compiled event pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	root   *objectNode
	source string
}

// String returns the pattern as it was given to Compile.
func (p *Pattern) String() string { return p.source }

// objectNode is one object level of a pattern: every field must match and
// every "$or" group must have a matching branch.
type objectNode struct {
	fields []fieldNode
	ors    [][]*objectNode
}

// fieldNode is either a nested object or a leaf list of value matchers.
type fieldNode struct {
	key  string
	obj  *objectNode
	leaf *leafNode
}

type leafNode struct {
	matchers []matcher // any of them
	absentOK bool      // the list held {"exists": false}
}

// Compile parses and validates an EventBridge event pattern.
func Compile(pattern []byte) (*Pattern, error) {
	dec := json.NewDecoder(bytes.NewReader(pattern))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &PatternError{Message: err.Error(), Err: ErrSyntax}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &PatternError{Message: "data after the pattern object", Err: ErrSyntax}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &PatternError{Message: "a pattern must be a JSON object, not " + typeName(v), Err: ErrWrongType}
	}
	root, err := compileObject(m, "", false)
	if err != nil {
		return nil, err
	}
	return &Pattern{root: root, source: string(pattern)}, nil
}

// MustCompile is Compile for patterns fixed in the program; it panics on error.
func MustCompile(pattern string) *Pattern {
	p, err := Compile([]byte(pattern))
	if err != nil {
		panic(err)
	}
	return p
}

// operatorNames are the match-expression keys; event-ruler refuses them as
// field names inside "$or" branches because there they are ambiguous.
var operatorNames = map[string]bool{
	"prefix": true, "suffix": true, "equals-ignore-case": true, "wildcard": true,
	"anything-but": true, "numeric": true, "exists": true, "cidr": true,
}

func compileObject(m map[string]any, path string, inOr bool) (*objectNode, error) {
	if len(m) == 0 {
		return nil, &PatternError{Path: path, Message: "empty objects are not allowed", Err: ErrEmpty}
	}
	n := &objectNode{}
	// Sorted keys make the first reported error the same on every run.
	for _, k := range sortedKeys(m) {
		p := joinPath(path, k)
		v := m[k]
		if k == "$or" {
			group, err := compileOr(v, p)
			if err != nil {
				return nil, err
			}
			n.ors = append(n.ors, group)
			continue
		}
		if inOr && operatorNames[k] {
			return nil, &PatternError{Path: p, Message: fmt.Sprintf("%q is an operator and cannot be a field name inside $or", k), Err: ErrWrongType}
		}
		switch t := v.(type) {
		case map[string]any:
			child, err := compileObject(t, p, inOr)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, fieldNode{key: k, obj: child})
		case []any:
			leaf, err := compileLeaf(t, p)
			if err != nil {
				return nil, err
			}
			n.fields = append(n.fields, fieldNode{key: k, leaf: leaf})
		default:
			return nil, &PatternError{Path: p, Message: fmt.Sprintf("%q must be an object or an array, not %s", k, typeName(v)), Err: ErrWrongType}
		}
	}
	return n, nil
}

func compileOr(v any, path string) ([]*objectNode, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, &PatternError{Path: path, Message: "$or must be an array of objects, not " + typeName(v), Err: ErrWrongType}
	}
	if len(arr) < 2 {
		return nil, &PatternError{Path: path, Message: "$or needs at least 2 objects", Err: ErrEmpty}
	}
	group := make([]*objectNode, 0, len(arr))
	for i, e := range arr {
		p := fmt.Sprintf("%s[%d]", path, i)
		m, ok := e.(map[string]any)
		if !ok {
			return nil, &PatternError{Path: p, Message: "$or may hold only objects, not " + typeName(e), Err: ErrWrongType}
		}
		branch, err := compileObject(m, p, true)
		if err != nil {
			return nil, err
		}
		group = append(group, branch)
	}
	return group, nil
}

func compileLeaf(arr []any, path string) (*leafNode, error) {
	if len(arr) == 0 {
		return nil, &PatternError{Path: path, Message: "empty arrays are not allowed", Err: ErrEmpty}
	}
	leaf := &leafNode{}
	for i, e := range arr {
		p := fmt.Sprintf("%s[%d]", path, i)
		switch t := e.(type) {
		case string:
			// event-ruler turns a string that is an IP address into a one-address
			// range, so other spellings of the same IPv6 address match too.
			if a, err := netip.ParseAddr(t); err == nil && a.Zone() == "" {
				leaf.matchers = append(leaf.matchers, exactIP{text: t, addr: a.Unmap()})
				continue
			}
			leaf.matchers = append(leaf.matchers, exactString(t))
		case json.Number:
			leaf.matchers = append(leaf.matchers, newExactNumber(t))
		case bool:
			leaf.matchers = append(leaf.matchers, exactBool(t))
		case nil:
			leaf.matchers = append(leaf.matchers, exactNull{})
		case map[string]any:
			m, absent, err := compileOperator(t, p)
			if err != nil {
				return nil, err
			}
			if absent {
				leaf.absentOK = true
				continue
			}
			leaf.matchers = append(leaf.matchers, m)
		default:
			return nil, &PatternError{Path: p, Message: "a match value must be a string, number, true, false, null or an operator object, not " + typeName(e), Err: ErrWrongType}
		}
	}
	return leaf, nil
}

// compileOperator compiles one {"operator": argument} object. absent reports
// {"exists": false}, which is not a matcher of values but of their absence.
func compileOperator(m map[string]any, path string) (matcher, bool, error) {
	if len(m) != 1 {
		return nil, false, &PatternError{Path: path, Message: fmt.Sprintf("a match expression must have exactly one key, not %d", len(m)), Err: ErrBadValue}
	}
	var op string
	var arg any
	for op, arg = range m {
	}
	p := joinPath(path, op)
	switch op {
	case "prefix", "suffix":
		s, fold, err := stringOrIgnoreCase(arg, p, op)
		if err != nil {
			return nil, false, err
		}
		if op == "prefix" {
			return prefixMatcher{s: s, fold: fold}, false, nil
		}
		return suffixMatcher{s: s, fold: fold}, false, nil
	case "equals-ignore-case":
		s, ok := arg.(string)
		if !ok {
			return nil, false, wrongType(p, op, "a string", arg)
		}
		return foldMatcher(s), false, nil
	case "wildcard":
		s, ok := arg.(string)
		if !ok {
			return nil, false, wrongType(p, op, "a string", arg)
		}
		w, err := compileWildcard(s, p)
		if err != nil {
			return nil, false, err
		}
		return w, false, nil
	case "anything-but":
		m, err := compileAnythingBut(arg, p)
		return m, false, err
	case "numeric":
		m, err := compileNumeric(arg, p)
		return m, false, err
	case "exists":
		b, ok := arg.(bool)
		if !ok {
			return nil, false, wrongType(p, op, "true or false", arg)
		}
		if !b {
			return nil, true, nil
		}
		return existsMatcher{}, false, nil
	case "cidr":
		s, ok := arg.(string)
		if !ok {
			return nil, false, wrongType(p, op, "a string", arg)
		}
		pre, err := parseCIDR(s)
		if err != nil {
			return nil, false, &PatternError{Path: p, Message: err.Error(), Err: ErrBadValue}
		}
		return cidrMatcher{pre}, false, nil
	default:
		return nil, false, &PatternError{Path: p, Message: fmt.Sprintf("unrecognized match type %q", op), Err: ErrUnknownOperator}
	}
}

// stringOrIgnoreCase reads the argument of prefix and suffix: a string, or
// {"equals-ignore-case": string}.
func stringOrIgnoreCase(arg any, path, op string) (string, bool, error) {
	switch t := arg.(type) {
	case string:
		return t, false, nil
	case map[string]any:
		if len(t) != 1 {
			return "", false, &PatternError{Path: path, Message: fmt.Sprintf("%s takes one key, not %d", op, len(t)), Err: ErrBadValue}
		}
		v, ok := t["equals-ignore-case"]
		if !ok {
			for k := range t {
				return "", false, &PatternError{Path: joinPath(path, k), Message: fmt.Sprintf("unsupported %s option %q", op, k), Err: ErrUnknownOperator}
			}
		}
		s, ok := v.(string)
		if !ok {
			return "", false, wrongType(joinPath(path, "equals-ignore-case"), "equals-ignore-case", "a string", v)
		}
		return s, true, nil
	default:
		return "", false, wrongType(path, op, `a string or {"equals-ignore-case": string}`, arg)
	}
}

func compileAnythingBut(arg any, path string) (matcher, error) {
	switch t := arg.(type) {
	case string:
		return anythingBut{exactString(t)}, nil
	case json.Number:
		m, err := anythingButNumber(t, path)
		if err != nil {
			return nil, err
		}
		return anythingBut{m}, nil
	case []any:
		if len(t) == 0 {
			return nil, &PatternError{Path: path, Message: "anything-but list is empty", Err: ErrEmpty}
		}
		var strs, nums int
		var ms anyOf
		for i, e := range t {
			switch v := e.(type) {
			case string:
				strs++
				ms = append(ms, exactString(v))
			case json.Number:
				nums++
				m, err := anythingButNumber(v, fmt.Sprintf("%s[%d]", path, i))
				if err != nil {
					return nil, err
				}
				ms = append(ms, m)
			default:
				return nil, wrongType(fmt.Sprintf("%s[%d]", path, i), "anything-but list", "strings or numbers", e)
			}
		}
		if strs > 0 && nums > 0 {
			return nil, &PatternError{Path: path, Message: "anything-but list must hold only strings or only numbers", Err: ErrWrongType}
		}
		return anythingBut{ms}, nil
	case map[string]any:
		if len(t) != 1 {
			return nil, &PatternError{Path: path, Message: fmt.Sprintf("anything-but object takes one key, not %d", len(t)), Err: ErrBadValue}
		}
		var op string
		var v any
		for op, v = range t {
		}
		p := joinPath(path, op)
		switch op {
		case "prefix", "suffix", "equals-ignore-case", "wildcard":
			strs, err := stringOrStrings(v, p, "anything-but "+op)
			if err != nil {
				return nil, err
			}
			var ms anyOf
			for i, s := range strs {
				ip := p
				if _, isList := v.([]any); isList {
					ip = fmt.Sprintf("%s[%d]", p, i)
				}
				switch op {
				case "prefix", "suffix":
					// An empty one would exclude every string.
					if s == "" {
						return nil, &PatternError{Path: ip, Message: "anything-but " + op + " must not be empty", Err: ErrEmpty}
					}
					if op == "prefix" {
						ms = append(ms, prefixMatcher{s: s})
					} else {
						ms = append(ms, suffixMatcher{s: s})
					}
				case "wildcard":
					w, err := compileWildcard(s, ip)
					if err != nil {
						return nil, err
					}
					ms = append(ms, w)
				default:
					ms = append(ms, foldMatcher(s))
				}
			}
			return anythingBut{ms}, nil
		default:
			return nil, &PatternError{Path: p, Message: fmt.Sprintf("unsupported anything-but pattern %q", op), Err: ErrUnknownOperator}
		}
	default:
		return nil, wrongType(path, "anything-but", "a string, a number, a list or an object", arg)
	}
}

// anythingButNumber compiles a number excluded by anything-but. event-ruler
// keeps only the comparable form of these, so a number without one is an
// error rather than a silent never-excluded value.
func anythingButNumber(n json.Number, path string) (matcher, error) {
	m, err := toMicro(n.String())
	if err != nil {
		return nil, &PatternError{Path: path, Message: fmt.Sprintf("anything-but number %s: %v", n, errNotComparable), Err: ErrBadValue}
	}
	return numericRange{hasLow: true, low: m, hasHigh: true, high: m}, nil
}

func stringOrStrings(v any, path, what string) ([]string, error) {
	switch t := v.(type) {
	case string:
		return []string{t}, nil
	case []any:
		if len(t) == 0 {
			return nil, &PatternError{Path: path, Message: what + " list is empty", Err: ErrEmpty}
		}
		out := make([]string, len(t))
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, wrongType(fmt.Sprintf("%s[%d]", path, i), what, "a string", e)
			}
			out[i] = s
		}
		return out, nil
	default:
		return nil, wrongType(path, what, "a string or a list of strings", v)
	}
}

// compileNumeric reads ["=", v], [lower-op, v], [upper-op, v] or
// [lower-op, v, upper-op, w], the forms event-ruler's JsonRuleCompiler takes.
func compileNumeric(arg any, path string) (matcher, error) {
	arr, ok := arg.([]any)
	if !ok {
		return nil, wrongType(path, "numeric", "an array", arg)
	}
	if len(arr) != 2 && len(arr) != 4 {
		return nil, &PatternError{Path: path, Message: fmt.Sprintf("numeric takes an operator and a value, or a lower and an upper bound; got %d elements", len(arr)), Err: ErrBadNumericRange}
	}
	r := numericRange{}
	for i := 0; i < len(arr); i += 2 {
		op, ok := arr[i].(string)
		if !ok {
			return nil, wrongType(fmt.Sprintf("%s[%d]", path, i), "numeric operator", "a string", arr[i])
		}
		num, ok := arr[i+1].(json.Number)
		if !ok {
			return nil, wrongType(fmt.Sprintf("%s[%d]", path, i+1), "value of "+op, "a number", arr[i+1])
		}
		c, err := toMicro(num.String())
		if err != nil {
			return nil, &PatternError{Path: fmt.Sprintf("%s[%d]", path, i+1), Message: fmt.Sprintf("numeric value %s: %v", num, errNotComparable), Err: ErrBadNumericRange}
		}
		switch {
		case op == "=" && i == 0 && len(arr) == 2:
			r.hasLow, r.low, r.hasHigh, r.high = true, c, true, c
		case (op == ">" || op == ">=") && i == 0:
			r.hasLow, r.low, r.lowOpen = true, c, op == ">"
		case (op == "<" || op == "<=") && (i == 2 || len(arr) == 2):
			r.hasHigh, r.high, r.highOpen = true, c, op == "<"
		case op == "=" || op == ">" || op == ">=" || op == "<" || op == "<=":
			return nil, &PatternError{Path: fmt.Sprintf("%s[%d]", path, i), Message: fmt.Sprintf("operator %q is out of place: use \"=\" alone, or a lower bound (>, >=) before an upper bound (<, <=)", op), Err: ErrBadNumericRange}
		default:
			return nil, &PatternError{Path: fmt.Sprintf("%s[%d]", path, i), Message: fmt.Sprintf("unrecognized numeric operator %q", op), Err: ErrUnknownOperator}
		}
	}
	if r.hasLow && r.hasHigh && len(arr) == 4 && r.low >= r.high {
		return nil, &PatternError{Path: path, Message: "the lower bound must be less than the upper bound", Err: ErrBadNumericRange}
	}
	return r, nil
}

// parseCIDR follows event-ruler's CIDR.cidr: exactly one "/", and a mask
// shorter than the address (IPv4 < 32, IPv6 < 128).
func parseCIDR(s string) (netip.Prefix, error) {
	addr, bits, ok := strings.Cut(s, "/")
	if !ok || strings.Contains(bits, "/") {
		return netip.Prefix{}, fmt.Errorf("malformed CIDR %q: one '/' required", s)
	}
	n, err := strconv.Atoi(bits)
	if err != nil || n < 0 {
		return netip.Prefix{}, fmt.Errorf("malformed CIDR %q: mask bits must be a non-negative integer", s)
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("malformed CIDR %q: invalid IP address", s)
	}
	a = a.Unmap()
	if n >= a.BitLen() {
		return netip.Prefix{}, fmt.Errorf("malformed CIDR %q: mask bits must be < %d", s, a.BitLen())
	}
	return netip.PrefixFrom(a, n).Masked(), nil
}

// compileWildcard splits a wildcard pattern into the literal runs between
// its "*"s, following event-ruler's WildcardParser: "\*" is a literal "*",
// "\\" a literal backslash, any other escape and "**" are errors.
func compileWildcard(s, path string) (wildcardMatcher, error) {
	w := wildcardMatcher{}
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return w, &PatternError{Path: path, Message: fmt.Sprintf("consecutive wildcard characters at position %d", i), Err: ErrBadValue}
			}
			w.parts = append(w.parts, cur.String())
			cur.Reset()
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				cur.WriteByte(s[i+1])
				i++
				continue
			}
			return w, &PatternError{Path: path, Message: fmt.Sprintf("invalid escape character at position %d", i), Err: ErrBadValue}
		default:
			cur.WriteByte(c)
		}
	}
	w.parts = append(w.parts, cur.String())
	return w, nil
}

func wrongType(path, what, want string, got any) error {
	return &PatternError{Path: path, Message: fmt.Sprintf("%s must be %s, not %s", what, want, typeName(got)), Err: ErrWrongType}
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
