package eventbus

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzWildcard checks the linear wildcard matcher against a regexp built
// from the same literal runs: (?s)^run1.*run2.*...$.
func FuzzWildcard(f *testing.F) {
	for _, seed := range [][2]string{
		{"ab*ba", "aba"}, {"*a*b*c*", "xaxbxcx"}, {"*a*b*c*", "xxcxbxa"},
		{"a\\*b", "a*b"}, {"dir/*.png", "dir/x.png.png"}, {"*", ""},
		{"a*a*a", "aaaa"}, {"a*a*a", "aa"}, {"*ab", "aab"}, {"\\\\*x", "\\yx"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		// Patterns and events arrive as JSON strings, which are UTF-8.
		if !utf8.ValidString(pattern) || !utf8.ValidString(value) {
			return
		}
		w, err := compileWildcard(pattern, "")
		if err != nil {
			return
		}
		quoted := make([]string, len(w.parts))
		for i, p := range w.parts {
			quoted[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile("(?s)^" + strings.Join(quoted, ".*") + "$")
		if got, want := w.match(value), re.MatchString(value); got != want {
			t.Errorf("wildcard %q on %q got %v, want %v (parts %q)", pattern, value, got, want, w.parts)
		}
	})
}

// FuzzCompileMatch feeds arbitrary patterns and events through Compile and
// Match: neither may panic, and Match fails only on non-object events.
func FuzzCompileMatch(f *testing.F) {
	f.Add(s3Pattern, s3Event)
	f.Add(`{"a":[{"numeric":[">",0,"<=",5]}],"$or":[{"b":[{"cidr":"10.0.0.0/8"}]},{"c":[{"anything-but":{"wildcard":["*x*"]}}]}]}`, `{"a":[1,[2]],"b":"10.1.1.1","c":{"d":null}}`)
	f.Add(`{"a":{"b":[{"exists":false}]}}`, `{"a":[[],{"b":{}}]}`)
	f.Fuzz(func(t *testing.T, pattern, event string) {
		p, err := Compile([]byte(pattern))
		if err != nil {
			return
		}
		if _, err := p.Match([]byte(event)); err != nil && !errors.Is(err, ErrEventNotObject) {
			t.Errorf("Match(%q) got error %v, want nil or ErrEventNotObject", event, err)
		}
	})
}
