package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"math"
	"math/rand/v2"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// function is a JSONata function written here. It implements the library's
// jtypes.Callable, so it can be bound as a variable per evaluation instead of
// registered globally (which would put it in every Expr's shared registry).
type function struct {
	name   string
	params int
	call   func(args []reflect.Value) (any, error)
	// contextual functions take the context item when called without
	// arguments (JSONata's "-" signature flag): items.$number(). The library
	// hands the context over through SetContext, so such functions are
	// copied per evaluation (see bind) rather than shared.
	contextual bool
	context    reflect.Value
}

func (f *function) Name() string    { return f.name }
func (f *function) ParamCount() int { return f.params }

// SetContext is called by the library before each call.
func (f *function) SetContext(v reflect.Value) {
	if f.contextual {
		f.context = v
	}
}

// bind returns the value to bind for this evaluation.
func (f *function) bind() any {
	if !f.contextual {
		return f
	}
	c := *f
	return &c
}

func (f *function) Call(args []reflect.Value) (reflect.Value, error) {
	if f.contextual && len(args) < f.params && f.context.IsValid() {
		args = append([]reflect.Value{f.context}, args...)
	}
	v, err := f.call(args)
	if err != nil {
		return reflect.Value{}, err
	}
	switch v := v.(type) {
	case undefinedT:
		return reflect.Value{}, nil
	case nil:
		return reflect.ValueOf(null), nil
	default:
		return reflect.ValueOf(v), nil
	}
}

var _ jtypes.Callable = (*function)(nil)

// undefinedT is what a function returns for JSONata's undefined.
type undefinedT struct{}

var undefined = undefinedT{}

// extensions are bound into every evaluation: the Step Functions additions
// ($partition, $range, $hash, $random, $uuid, $parse), fixes for library
// gaps ($single, $assert, $error), and nil for functions AWS does not offer
// ($eval) or that are this library's own inventions, so calling them fails
// with T1006 as it would on AWS.
var extensions = map[string]*function{
	"partition": {name: "partition", params: 2, call: partition},
	"range":     {name: "range", params: 3, call: rangeFn},
	"hash":      {name: "hash", params: 2, call: hashFn},
	"random":    {name: "random", params: 1, call: random},
	"uuid":      {name: "uuid", params: 0, call: uuidFn},
	"parse":     {name: "parse", params: 1, call: parse},
	"single":    {name: "single", params: 2, call: single},
	"assert":    {name: "assert", params: 2, call: assert},
	"error":     {name: "error", params: 1, call: errorFn},
	"number":    {name: "number", params: 1, call: number, contextual: true},
	// $string's arity is 1 as in jsonata-js (prettify is a default
	// parameter), so $map(a, $string) does not pass the index as prettify.
	"string":        {name: "string", params: 1, call: stringFn, contextual: true},
	"map":           {name: "map", params: 2, call: hof("map", false)},
	"filter":        {name: "filter", params: 2, call: hof("filter", true)},
	"sum":           {name: "sum", params: 1, call: aggregate("sum", false)},
	"average":       {name: "average", params: 1, call: aggregate("average", true)},
	"formatInteger": {name: "formatInteger", params: 2, call: formatInteger, contextual: true},
	"parseInteger":  {name: "parseInteger", params: 2, call: parseInteger, contextual: true},
	// The library escapes like Go's url.QueryEscape ("a b" -> "a+b") and
	// unescapes "+" to a space; JSONata uses JavaScript's encodeURI family.
	"encodeUrlComponent": {name: "encodeUrlComponent", params: 1, call: urlFunc("encodeUrlComponent", encodeComponent), contextual: true},
	"encodeUrl":          {name: "encodeUrl", params: 1, call: urlFunc("encodeUrl", encodeURI), contextual: true},
	"decodeUrlComponent": {name: "decodeUrlComponent", params: 1, call: urlFunc("decodeUrlComponent", decodeURI), contextual: true},
	"decodeUrl":          {name: "decodeUrl", params: 1, call: urlFunc("decodeUrl", decodeURI), contextual: true},
}

// unbound are names the library defines but AWS's JSONata does not; they
// are bound to nothing (undefined) so that calling them fails with T1006.
var unbound = map[string]bool{
	"eval": true, "accumulatingSlice": true, "dateTimeDim": true, "dateTimeDimLite": true,
	"hash256": true, "hashmd5": true, "objectsToDocument": true, "objmerge": true,
	"oneToManyJoin": true, "renameKeys": true, "sjoin": true, "timeSince": true, "unescape": true,
}

// arg returns argument i as a plain JSON value; defined is false when it is
// missing or undefined.
func arg(args []reflect.Value, i int) (v any, defined bool, err error) {
	if i >= len(args) || !args[i].IsValid() {
		return nil, false, nil
	}
	v, ok := normalise(args[i])
	if !ok {
		return nil, true, fmt.Errorf("T0410: Argument %d does not match function signature: a function is not allowed here", i+1)
	}
	return v, true, nil
}

func signatureErr(fn string, i int) error {
	return fmt.Errorf("T0410: Argument %d of function %q does not match function signature", i, fn)
}

func argCount(fn string, args []reflect.Value, min, max int) error {
	if len(args) > max {
		return signatureErr(fn, max+1)
	}
	if len(args) < min {
		return signatureErr(fn, len(args)+1)
	}
	return nil
}

// towardZero reads a numeric argument the way AWS does for its own functions,
// cutting off any fraction (-1.7 is -1). A missing or non-numeric argument
// breaks the signature.
func towardZero(fn string, args []reflect.Value, i int) (int64, error) {
	v, ok, err := arg(args, i)
	if err != nil {
		return 0, err
	}
	f, isNum := v.(float64)
	if !ok || !isNum || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, signatureErr(fn, i+1)
	}
	return int64(f), nil
}

// The behaviour of AWS's six functions below, beyond the developer guide,
// follows what floci-io/floci measured against AWS with TestState and wrote
// down (issues #2736 and #2737, JsonataEvaluator.java): which argument errors
// are T0410, which values are D3137, and when the result is undefined.

// partition is $partition(array, size), like States.ArrayPartition. An empty
// array or a size of 0 is undefined; no size gives the array as one chunk.
func partition(args []reflect.Value) (any, error) {
	if err := argCount("partition", args, 0, 2); err != nil {
		return nil, err
	}
	v, ok, err := arg(args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	a, isArr := v.([]any)
	if !isArr {
		return nil, fmt.Errorf(`T0412: Argument 1 of function "partition" must be an array of undefined`)
	}
	if len(a) == 0 {
		return undefined, nil
	}
	if _, ok, _ := arg(args, 1); !ok {
		return []any{a}, nil
	}
	size, err := towardZero("partition", args, 1)
	if err != nil {
		return nil, err
	}
	switch {
	case size < 0:
		return nil, fmt.Errorf("D3137: Second argument must be zero or greater")
	case size == 0:
		return undefined, nil
	}
	out := []any{}
	for start := int64(0); start < int64(len(a)); start += size {
		end := min(start+size, int64(len(a)))
		out = append(out, append([]any(nil), a[start:end]...))
	}
	return out, nil
}

// maxSequence bounds what $range builds. AWS refuses values past about
// 873,782 numbers on its evaluation memory limit (floci #2737).
const maxSequence = 873782

// rangeFn is $range(start, end, step). Its result is a JSONata sequence: AWS
// recorded $range(1, 9, 9) as 1, not [1]. No step, a zero step or a step
// pointing away from end is undefined.
func rangeFn(args []reflect.Value) (any, error) {
	if err := argCount("range", args, 0, 3); err != nil {
		return nil, err
	}
	start, err := towardZero("range", args, 0)
	if err != nil {
		return nil, err
	}
	end, err := towardZero("range", args, 1)
	if err != nil {
		return nil, err
	}
	if _, ok, _ := arg(args, 2); !ok {
		return undefined, nil
	}
	step, err := towardZero("range", args, 2)
	if err != nil {
		return nil, err
	}
	if step == 0 || step > 0 && start > end || step < 0 && start < end {
		return undefined, nil
	}
	n := (end-start)/step + 1
	if n > maxSequence {
		return nil, fmt.Errorf("Expression evaluation memory limit exceeded")
	}
	if n == 1 {
		return float64(start), nil
	}
	out := make([]any, n)
	for i := range out {
		out[i] = float64(start + int64(i)*step)
	}
	return out, nil
}

var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

// hashFn is $hash(value, algorithm); no algorithm is undefined.
func hashFn(args []reflect.Value) (any, error) {
	if err := argCount("hash", args, 0, 2); err != nil {
		return nil, err
	}
	v, _, err := arg(args, 0)
	if err != nil {
		return nil, err
	}
	s, isStr := v.(string)
	if !isStr {
		return nil, signatureErr("hash", 1)
	}
	a, ok, err := arg(args, 1)
	if err != nil || !ok {
		return undefined, err
	}
	alg, isStr := a.(string)
	if !isStr {
		return nil, signatureErr("hash", 2)
	}
	newHash, known := hashes[alg]
	if !known {
		return nil, fmt.Errorf("D3137: Hash algorithm '%s' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5", alg)
	}
	h := newHash()
	h.Write([]byte(s))
	return hex.EncodeToString(h.Sum(nil)), nil
}

// random is $random([seed]): a number in [0, 1). With a seed it is what
// java.util.Random(seed).nextDouble() gives, as on AWS ($random(42) is
// 0.7275636800328681 there, per floci #2737).
func random(args []reflect.Value) (any, error) {
	if err := argCount("random", args, 0, 1); err != nil {
		return nil, err
	}
	if _, ok, _ := arg(args, 0); !ok {
		return rand.Float64(), nil
	}
	seed, err := towardZero("random", args, 0)
	if err != nil {
		return nil, err
	}
	return javaRandomDouble(seed), nil
}

// javaRandomDouble is the first nextDouble() of java.util.Random(seed): a
// 48-bit linear congruential generator (constants from the Java SE API
// documentation of java.util.Random).
func javaRandomDouble(seed int64) float64 {
	const (
		multiplier = 0x5DEECE66D
		addend     = 0xB
		mask       = 1<<48 - 1
	)
	s := (uint64(seed) ^ multiplier) & mask
	next := func(bits uint) uint64 {
		s = (s*multiplier + addend) & mask
		return s >> (48 - bits)
	}
	hi := next(26)
	lo := next(27)
	return float64(hi<<27+lo) / (1 << 53)
}

func uuidFn(args []reflect.Value) (any, error) {
	if err := argCount("uuid", args, 0, 0); err != nil {
		return nil, err
	}
	return uuid.NewString(), nil
}

// parse is $parse(json), AWS's replacement for $eval on JSON text. AWS
// refuses empty text, text after the value and repeated keys alike.
func parse(args []reflect.Value) (any, error) {
	if err := argCount("parse", args, 0, 1); err != nil {
		return nil, err
	}
	v, ok, err := arg(args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	s, isStr := v.(string)
	if !isStr {
		return nil, signatureErr("parse", 1)
	}
	out, err := strictJSON(s)
	if err != nil {
		return nil, fmt.Errorf("D3137: Invalid JSON")
	}
	return out, nil
}

// strictJSON decodes one JSON value, refusing trailing text and duplicate
// object keys (encoding/json would keep the last).
func strictJSON(s string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	v, err := decodeStrict(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the JSON value")
	}
	return v, nil
}

func decodeStrict(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			m := map[string]any{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("duplicate key %q", k)
				}
				if m[k], err = decodeStrict(dec); err != nil {
					return nil, err
				}
			}
			_, err := dec.Token() // }
			return m, err
		case '[':
			a := []any{}
			for dec.More() {
				e, err := decodeStrict(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, e)
			}
			_, err := dec.Token() // ]
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return nil, err
		}
		if f == 0 {
			f = 0 // AWS recorded $parse("-0") as 0
		}
		return f, nil
	}
	return tok, nil
}

// single is $single(array[, test]); the library's version demands the test.
func single(args []reflect.Value) (any, error) {
	if err := argCount("single", args, 1, 2); err != nil {
		return nil, err
	}
	v, ok, err := arg(args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	a, isArr := v.([]any)
	if !isArr {
		a = []any{v}
	}
	var test jtypes.Callable
	if len(args) == 2 && args[1].IsValid() {
		var isFn bool
		if test, isFn = jtypes.AsCallable(args[1]); !isFn {
			return nil, signatureErr("single", 2)
		}
	}
	var found any
	matches := 0
	for i, item := range a {
		if test != nil {
			callArgs := []reflect.Value{reflect.ValueOf(jsonValue(item)), reflect.ValueOf(float64(i)), reflect.ValueOf(a)}
			if n := test.ParamCount(); n < len(callArgs) {
				callArgs = callArgs[:n]
			}
			r, err := test.Call(callArgs)
			if err != nil {
				return nil, err
			}
			if !truthy(r) {
				continue
			}
		}
		matches++
		if matches > 1 {
			return nil, fmt.Errorf("D3138: The $single() function expected exactly 1 matching result.  Instead it matched more.")
		}
		found = item
	}
	if matches == 0 {
		return nil, fmt.Errorf("D3139: The $single() function expected exactly 1 matching result.  Instead it matched 0.")
	}
	return found, nil
}

// hof is $map(array, f) or $filter(array, f) returning a JSONata sequence,
// as jsonata-js does: one result comes out as that result, none as
// undefined. The library returns arrays. f gets (value, index, array) cut to
// its arity.
func hof(name string, filter bool) func([]reflect.Value) (any, error) {
	return func(args []reflect.Value) (any, error) {
		if err := argCount(name, args, 2, 2); err != nil {
			return nil, err
		}
		v, ok, err := arg(args, 0)
		if err != nil || !ok {
			return undefined, err
		}
		a, isArr := v.([]any)
		if !isArr {
			a = []any{v}
		}
		f, isFn := jtypes.AsCallable(args[1])
		if !isFn {
			return nil, signatureErr(name, 2)
		}
		var out []any
		for i, item := range a {
			callArgs := []reflect.Value{reflect.ValueOf(jsonValue(item)), reflect.ValueOf(float64(i)), reflect.ValueOf(a)}
			if n := f.ParamCount(); n < len(callArgs) {
				callArgs = callArgs[:max(n, 1)]
			}
			r, err := f.Call(callArgs)
			if err != nil {
				return nil, err
			}
			if filter {
				if truthy(r) {
					out = append(out, item)
				}
				continue
			}
			if !r.IsValid() {
				continue // undefined results are dropped
			}
			x, ok := normalise(r)
			if !ok {
				return nil, fmt.Errorf("T0410: Argument 2 of function %q does not match function signature", name)
			}
			out = append(out, x)
		}
		switch len(out) {
		case 0:
			return undefined, nil
		case 1:
			return out[0], nil
		}
		return out, nil
	}
}

// truthy is JSONata's boolean cast, enough for test-function results.
func truthy(r reflect.Value) bool {
	v, ok := normalise(r)
	if !ok {
		return false
	}
	switch t := v.(type) {
	case bool:
		return t
	case float64:
		return t != 0
	case string:
		return t != ""
	case []any:
		for _, e := range t {
			if b, _ := e.(bool); b {
				return true
			}
		}
		return false
	case map[string]any:
		return len(t) > 0
	}
	return false
}

// assert is JSONata 2.x $assert(condition[, message]), missing from the library.
func assert(args []reflect.Value) (any, error) {
	if err := argCount("assert", args, 1, 2); err != nil {
		return nil, err
	}
	c, _, err := arg(args, 0)
	if err != nil {
		return nil, err
	}
	b, isBool := c.(bool)
	if !isBool {
		return nil, fmt.Errorf("T0410: Argument 1 of function \"assert\" does not match function signature")
	}
	if b {
		return undefined, nil
	}
	msg := "$assert() statement failed"
	if m, ok, _ := arg(args, 1); ok {
		msg = fmt.Sprint(m)
	}
	return nil, fmt.Errorf("D3141: %s", msg)
}

// errorFn is $error([message]) with JSONata's code, so AWS's cause format
// ("D3137: message") comes out.
func errorFn(args []reflect.Value) (any, error) {
	if err := argCount("error", args, 0, 1); err != nil {
		return nil, err
	}
	msg := "$error() function evaluated"
	if m, ok, _ := arg(args, 0); ok {
		s, isStr := m.(string)
		if !isStr {
			return nil, signatureErr("error", 1)
		}
		msg = s
	}
	return nil, fmt.Errorf("D3137: %s", msg)
}

// number is JSONata 2.x $number: it also reads 0x, 0o and 0b prefixes,
// which the library rejects.
func number(args []reflect.Value) (any, error) {
	if err := argCount("number", args, 0, 1); err != nil {
		return nil, err
	}
	v, ok, err := arg(args, 0)
	if err != nil || !ok {
		return undefined, err
	}
	switch t := v.(type) {
	case float64:
		return t, nil
	case bool:
		if t {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if m := prefixedInt.FindStringSubmatch(t); m != nil {
			base := map[string]int{"x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2}[m[1]]
			if n, err := strconv.ParseUint(m[2], base, 64); err == nil {
				return float64(n), nil
			}
		}
		if jsonNumber.MatchString(t) {
			if f, err := strconv.ParseFloat(t, 64); err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		}
		b, _ := json.Marshal(t)
		return nil, fmt.Errorf("D3030: Unable to cast value to a number: %s", b)
	}
	return nil, signatureErr("number", 1)
}

var (
	prefixedInt = regexp.MustCompile(`^0([xXoObB])([0-9A-Fa-f]+)$`)
	jsonNumber  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)
)

func urlFunc(name string, f func(string) (string, error)) func([]reflect.Value) (any, error) {
	return func(args []reflect.Value) (any, error) {
		if err := argCount(name, args, 0, 1); err != nil {
			return nil, err
		}
		v, ok, err := arg(args, 0)
		if err != nil || !ok {
			return undefined, err
		}
		s, isStr := v.(string)
		if !isStr {
			return nil, signatureErr(name, 1)
		}
		out, err := f(s)
		if err != nil {
			return nil, fmt.Errorf("D3140: Malformed URL passed to $%s(): %q", name, s)
		}
		return out, nil
	}
}

// JavaScript's encodeURIComponent leaves these unescaped; encodeURI also
// leaves the reserved characters of a whole URL.
const (
	componentSafe = "-_.!~*'()"
	uriSafe       = componentSafe + ";,/?:@&=+$#"
)

func encodeComponent(s string) (string, error) { return jsEscape(s, componentSafe) }
func encodeURI(s string) (string, error)       { return jsEscape(s, uriSafe) }

func jsEscape(s, safe string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("invalid UTF-8")
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(safe, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String(), nil
}

// decodeURI undoes %XX escapes only ("+" stays "+", as in JavaScript).
func decodeURI(s string) (string, error) {
	out, err := url.PathUnescape(s)
	if err != nil || !utf8.ValidString(out) {
		return "", fmt.Errorf("malformed")
	}
	return out, nil
}
