package asl

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ohler55/ojg/jp"
)

// pathRoot says what an ASL path starts from.
type pathRoot int

const (
	rootInput    pathRoot = iota // $...
	rootContext                  // $$...
	rootVariable                 // $name...
)

// aslPath is a compiled ASL path: the root it reads from and the ojg
// expression applied to that root. ASL accepts paths that plain JSONPath
// parsers reject (`$.delivery-partner`, `$$.Map.Item.Value`, `$var.field`),
// so the front-end below splits the ASL syntax off and hands ojg only
// fragments it understands.
type aslPath struct {
	src      string
	root     pathRoot
	variable string  // for rootVariable
	expr     jp.Expr // applied to the root value; starts with jp.Root
	definite bool    // only children and indices: yields one value, not a list
	simple   []any   // when definite: string keys and int indices, for Set
}

// pathCache shares compiled paths between executions of every Machine:
// paths are pure functions of their text. It stops growing at
// maxCachedPaths: definitions hold a fixed set of paths, so more means
// generated ones, which are cheap enough to compile each time.
var (
	pathCache      sync.Map // string -> *aslPath or error
	pathCacheSize  atomic.Int64
	maxCachedPaths = int64(10000)
)

func cachePath(src string, v any) {
	if pathCacheSize.Load() >= maxCachedPaths {
		return
	}
	if _, loaded := pathCache.LoadOrStore(src, v); !loaded {
		pathCacheSize.Add(1)
	}
}

func compilePath(src string) (*aslPath, error) {
	if v, ok := pathCache.Load(src); ok {
		if p, ok := v.(*aslPath); ok {
			return p, nil
		}
		return nil, v.(error)
	}
	p, err := parsePath(src)
	if err != nil {
		cachePath(src, err)
		return nil, err
	}
	cachePath(src, p)
	return p, nil
}

func parsePath(src string) (*aslPath, error) {
	p := &aslPath{src: src}
	if !strings.HasPrefix(src, "$") {
		return nil, fmt.Errorf("path %q must start with '$'", src)
	}
	rest := src[1:]
	switch {
	case strings.HasPrefix(rest, "$"):
		p.root = rootContext
		rest = rest[1:]
	case rest != "" && rest[0] != '.' && rest[0] != '[':
		p.root = rootVariable
		i := 0
		for i < len(rest) && rest[i] != '.' && rest[i] != '[' {
			i++
		}
		p.variable = rest[:i]
		rest = rest[i:]
		if !validVariableName(p.variable) {
			return nil, fmt.Errorf("path %q: invalid variable name %q", src, p.variable)
		}
	}
	expr, simple, definite, err := parseFragments(rest)
	if err != nil {
		return nil, fmt.Errorf("path %q: %w", src, err)
	}
	p.expr, p.simple, p.definite = expr, simple, definite
	return p, nil
}

func validVariableName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127 || i > 0 && r >= '0' && r <= '9' {
			continue
		}
		return false
	}
	return true
}

// parseFragments turns the part of a path after its root into ojg fragments.
// Dot names are taken literally up to the next '.' or '[' (as AWS does);
// bracketed parts other than plain keys and indices go to ojg's parser.
func parseFragments(s string) (jp.Expr, []any, bool, error) {
	expr := jp.Expr{jp.Root('$')}
	var simple []any
	definite := true
	for i := 0; i < len(s); {
		switch {
		case strings.HasPrefix(s[i:], ".."):
			// Recursive descent: let ojg parse the whole remainder.
			x, err := jp.ParseString("$" + s[i:])
			if err != nil {
				return nil, nil, false, err
			}
			return append(expr, x[1:]...), nil, false, nil
		case s[i] == '.':
			j := i + 1
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			name := s[i+1 : j]
			if name == "" {
				return nil, nil, false, fmt.Errorf("empty name at offset %d", i)
			}
			if name == "*" {
				expr = append(expr, jp.Wildcard('*'))
				definite = false
			} else {
				expr = append(expr, jp.Child(name))
				simple = append(simple, name)
			}
			i = j
		case s[i] == '[':
			j, err := closingBracket(s, i)
			if err != nil {
				return nil, nil, false, err
			}
			inner := strings.TrimSpace(s[i+1 : j])
			if n, err := strconv.Atoi(inner); err == nil && n >= 0 {
				expr = append(expr, jp.Nth(n))
				simple = append(simple, n)
			} else if key, ok := quotedKey(inner); ok {
				expr = append(expr, jp.Child(key))
				simple = append(simple, key)
			} else {
				x, err := jp.ParseString("$" + s[i:j+1])
				if err != nil {
					return nil, nil, false, err
				}
				for _, f := range x[1:] {
					switch f := f.(type) {
					case jp.Bracket:
					case jp.Child:
						simple = append(simple, string(f))
					case jp.Nth:
						if f < 0 {
							definite = false
						}
						simple = append(simple, int(f))
					default:
						definite = false
					}
					if _, ok := f.(jp.Bracket); !ok {
						expr = append(expr, f)
					}
				}
			}
			i = j + 1
		default:
			return nil, nil, false, fmt.Errorf("unexpected %q at offset %d", s[i], i)
		}
	}
	if !definite {
		simple = nil
	}
	return expr, simple, definite, nil
}

func closingBracket(s string, open int) (int, error) {
	depth := 0
	var quote byte
	for i := open; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("unclosed '[' at offset %d", open)
}

func quotedKey(s string) (string, bool) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') || s[len(s)-1] != s[0] {
		return "", false
	}
	q := s[0]
	body := s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		// Only the quote itself and the backslash are escaped; any other
		// backslash is literal, as AWS reads $['a\"b'].
		if c == '\\' && i+1 < len(body) && (body[i+1] == q || body[i+1] == '\\') {
			i++
			b.WriteByte(body[i])
			continue
		}
		if c == q {
			return "", false // an unescaped quote inside: not a single key
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// get applies the expression to root. found is false when a definite path
// names nothing; indefinite paths always succeed with a (maybe empty) list.
func (p *aslPath) get(root any) (v any, found bool) {
	if len(p.expr) == 1 {
		return root, true
	}
	if p.definite {
		cur := root
		for _, s := range p.simple {
			switch k := s.(type) {
			case string:
				m, ok := cur.(map[string]any)
				if !ok {
					return nil, false
				}
				cur, ok = m[k]
				if !ok {
					return nil, false
				}
			case int:
				a, ok := cur.([]any)
				if !ok || k >= len(a) {
					return nil, false
				}
				cur = a[k]
			}
		}
		return cur, true
	}
	res := p.expr.Get(root)
	if res == nil {
		res = []any{}
	}
	return res, true
}

// normalized renders the path the way AWS quotes it in "No results for
// path" causes: $['a']['b'][0].
func (p *aslPath) normalized() string {
	var b strings.Builder
	b.WriteString("$")
	if p.definite {
		for _, s := range p.simple {
			switch k := s.(type) {
			case string:
				b.WriteString("['" + k + "']")
			case int:
				b.WriteString("[" + strconv.Itoa(k) + "]")
			}
		}
		return b.String()
	}
	return p.src
}

// setPath returns a copy of doc with value stored at the definite path p,
// creating objects along the way (ResultPath semantics). Only the spine of
// objects on the path is copied; siblings are shared.
func setPath(doc any, p *aslPath, value any) (any, error) {
	if p.root != rootInput {
		return nil, fmt.Errorf("ResultPath %q must refer to the state input", p.src)
	}
	if !p.definite {
		return nil, fmt.Errorf("ResultPath %q must be a reference path", p.src)
	}
	return setAt(doc, p.simple, value, p.src)
}

func setAt(cur any, keys []any, value any, src string) (any, error) {
	if len(keys) == 0 {
		return value, nil
	}
	switch k := keys[0].(type) {
	case string:
		var m map[string]any
		switch c := cur.(type) {
		case map[string]any:
			m = make(map[string]any, len(c)+1)
			for kk, vv := range c {
				m[kk] = vv
			}
		case nil:
			m = map[string]any{}
		default:
			return nil, fmt.Errorf("cannot set field %q of a %s in ResultPath %s", k, jsonTypeName(cur), src)
		}
		child, err := setAt(m[k], keys[1:], value, src)
		if err != nil {
			return nil, err
		}
		m[k] = child
		return m, nil
	case int:
		a, ok := cur.([]any)
		if !ok || k >= len(a) {
			return nil, fmt.Errorf("index %d out of range in ResultPath %s", k, src)
		}
		na := append([]any(nil), a...)
		child, err := setAt(na[k], keys[1:], value, src)
		if err != nil {
			return nil, err
		}
		na[k] = child
		return na, nil
	}
	return cur, nil
}

func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64, int, int64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
