package eventbus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrEventNotObject is returned by Match and Bus.Put for an event that is not
// a JSON object.
var ErrEventNotObject = errors.New("eventbus: event is not a JSON object")

// Match reports whether the event (JSON) matches the pattern. It fails only
// when the event is not a JSON object.
func (p *Pattern) Match(event []byte) (bool, error) {
	m, err := decodeEvent(event)
	if err != nil {
		return false, err
	}
	return p.root.matchMap(m), nil
}

// MatchValue reports whether an already decoded event matches. Objects and
// arrays must be map[string]any and []any, as encoding/json produces them;
// other Go maps and slices count as absent values. Numbers may be json.Number
// (decoding with UseNumber keeps their text), float64 or any Go integer or
// float type.
func (p *Pattern) MatchValue(event map[string]any) bool {
	return p.root.matchMap(event)
}

func decodeEvent(event []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEventNotObject, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the event object", ErrEventNotObject)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: got %s", ErrEventNotObject, typeName(v))
	}
	return m, nil
}

// matchMap matches one object level. A nil map stands for "nothing here":
// the pattern then matches only if absence satisfies it ({"exists": false}).
func (n *objectNode) matchMap(m map[string]any) bool {
	for i := range n.fields {
		f := &n.fields[i]
		v, present := m[f.key]
		if f.obj != nil {
			if !f.obj.matchValue(v) {
				return false
			}
			continue
		}
		if !f.leaf.match(v, present) {
			return false
		}
	}
	for _, group := range n.ors {
		ok := false
		for _, branch := range group {
			if branch.matchMap(m) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// matchValue matches a nested pattern object against an event value. Every
// element of an event array is tried on its own, so two fields never match
// from different elements (event-ruler's rulesForJSONEvent rule).
func (n *objectNode) matchValue(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		return n.matchMap(t)
	case []any:
		for _, e := range t {
			if n.matchValue(e) {
				return true
			}
		}
		if len(t) == 0 {
			return n.matchMap(nil)
		}
		return false
	default:
		// A missing field, or a scalar where the pattern expects an object:
		// no leaf of the pattern's paths exists.
		return n.matchMap(nil)
	}
}

// match applies the leaf's matchers to the value of one field. Arrays are
// flattened; objects carry no value at this path and count as absent, as the
// "exists matching" examples in the EventBridge guide show.
func (l *leafNode) match(v any, present bool) bool {
	if !present {
		return l.absentOK
	}
	switch t := v.(type) {
	case map[string]any:
		return l.absentOK
	case []any:
		found := false
		if l.matchArray(t, &found) {
			return true
		}
		return !found && l.absentOK
	default:
		return l.matchScalar(v)
	}
}

// matchArray reports whether any scalar in a (nested) array matches; found
// records whether there was any scalar at all.
func (l *leafNode) matchArray(a []any, found *bool) bool {
	for _, e := range a {
		switch t := e.(type) {
		case map[string]any:
		case []any:
			if l.matchArray(t, found) {
				return true
			}
		default:
			*found = true
			if l.matchScalar(e) {
				return true
			}
		}
	}
	return false
}

func (l *leafNode) matchScalar(v any) bool {
	for _, m := range l.matchers {
		if m.match(v) {
			return true
		}
	}
	return false
}

// matcher tests one scalar event value: string, json.Number (or another
// number type), bool or nil.
type matcher interface {
	match(v any) bool
}

type exactString string

func (s exactString) match(v any) bool {
	t, ok := v.(string)
	return ok && t == string(s)
}

type exactIP struct {
	text string
	addr netip.Addr
}

func (e exactIP) match(v any) bool {
	t, ok := v.(string)
	if !ok {
		return false
	}
	if t == e.text {
		return true
	}
	a, err := netip.ParseAddr(t)
	return err == nil && a.Zone() == "" && a.Unmap() == e.addr
}

type exactBool bool

func (b exactBool) match(v any) bool {
	t, ok := v.(bool)
	return ok && t == bool(b)
}

type exactNull struct{}

func (exactNull) match(v any) bool { return v == nil }

// exactNumber matches the same literal text or, when both have a comparable
// form, the same value: event-ruler's JsonRuleCompiler adds an exact-text
// and a numeric-equals matcher for every number in a pattern.
type exactNumber struct {
	text       string
	f          float64
	micro      int64
	comparable bool
}

func newExactNumber(n json.Number) exactNumber {
	e := exactNumber{text: n.String()}
	e.f, _ = n.Float64()
	if m, err := toMicro(e.text); err == nil {
		e.micro, e.comparable = m, true
	}
	return e
}

func (e exactNumber) match(v any) bool {
	text, goValue, ok := numberText(v)
	if !ok {
		return false
	}
	if text == e.text {
		return true
	}
	if m, err := toMicro(text); err == nil {
		return e.comparable && m == e.micro
	}
	// A Go number has no text of its own to compare; outside the comparable
	// range its value is the best stand-in.
	if goValue {
		f, err := strconv.ParseFloat(text, 64)
		return err == nil && f == e.f
	}
	return false
}

type prefixMatcher struct {
	s    string
	fold bool
}

func (p prefixMatcher) match(v any) bool {
	t, ok := v.(string)
	if !ok {
		return false
	}
	if p.fold {
		_, ok := trimPrefixFold(t, p.s)
		return ok
	}
	return strings.HasPrefix(t, p.s)
}

type suffixMatcher struct {
	s    string
	fold bool
}

func (p suffixMatcher) match(v any) bool {
	t, ok := v.(string)
	if !ok {
		return false
	}
	if p.fold {
		return hasSuffixFold(t, p.s)
	}
	return strings.HasSuffix(t, p.s)
}

type foldMatcher string

func (f foldMatcher) match(v any) bool {
	t, ok := v.(string)
	return ok && strings.EqualFold(t, string(f))
}

// trimPrefixFold reports whether s starts with prefix under Unicode simple
// case folding, and returns the rest of s. Byte lengths may differ between
// the two (the Kelvin sign folds to "k"), so it walks runes.
func trimPrefixFold(s, prefix string) (string, bool) {
	for prefix != "" {
		if s == "" {
			return "", false
		}
		pr, pn := utf8.DecodeRuneInString(prefix)
		sr, sn := utf8.DecodeRuneInString(s)
		if !equalFoldRune(pr, sr) {
			return "", false
		}
		prefix, s = prefix[pn:], s[sn:]
	}
	return s, true
}

func hasSuffixFold(s, suffix string) bool {
	for suffix != "" {
		if s == "" {
			return false
		}
		pr, pn := utf8.DecodeLastRuneInString(suffix)
		sr, sn := utf8.DecodeLastRuneInString(s)
		if !equalFoldRune(pr, sr) {
			return false
		}
		suffix, s = suffix[:len(suffix)-pn], s[:len(s)-sn]
	}
	return true
}

func equalFoldRune(a, b rune) bool {
	if a == b {
		return true
	}
	for r := unicode.SimpleFold(a); r != a; r = unicode.SimpleFold(r) {
		if r == b {
			return true
		}
	}
	return false
}

// wildcardMatcher holds the literal runs between the "*"s of a wildcard
// pattern: parts[0] must start the value, the last part must end it, and the
// ones between must appear in order. Taking each middle part at its leftmost
// place is enough for "*"-only patterns, so matching is linear.
type wildcardMatcher struct {
	parts []string
}

func (w wildcardMatcher) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	if len(w.parts) == 1 {
		return s == w.parts[0]
	}
	first, last := w.parts[0], w.parts[len(w.parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, part := range w.parts[1 : len(w.parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}

type anyOf []matcher

func (a anyOf) match(v any) bool {
	for _, m := range a {
		if m.match(v) {
			return true
		}
	}
	return false
}

// anythingBut matches any present value its inner matcher rejects, numbers,
// booleans and null included (event-ruler compares the value's JSON text).
type anythingBut struct {
	not matcher
}

func (a anythingBut) match(v any) bool { return !a.not.match(v) }

type existsMatcher struct{}

func (existsMatcher) match(any) bool { return true }

// numericRange holds bounds in millionths (see toMicro).
type numericRange struct {
	hasLow, lowOpen   bool
	hasHigh, highOpen bool
	low, high         int64
}

func (r numericRange) match(v any) bool {
	c, ok := microOf(v)
	if !ok {
		return false
	}
	if r.hasLow && (c < r.low || r.lowOpen && c == r.low) {
		return false
	}
	if r.hasHigh && (c > r.high || r.highOpen && c == r.high) {
		return false
	}
	return true
}

type cidrMatcher struct {
	prefix netip.Prefix
}

func (c cidrMatcher) match(v any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return false
	}
	return c.prefix.Contains(a.Unmap())
}
