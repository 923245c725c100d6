package intrinsic

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits from the AWS developer guide's "Input validation" notes.
const (
	maxEncodeChars = 10000 // Base64Encode, Base64Decode and Hash input
	maxRangeItems  = 1000  // ArrayRange result
)

// Eval evaluates an intrinsic function call such as
// States.Format('Hello, {}', $.name). resolve returns the value a path
// argument names ("$.x", "$", "$$.Execution.Id", "$varName.field").
//
// Every failure is an *Error whose cause names the whole expression as
// written, the way AWS words it: "The function 'States.Format('{}', $.nope)'
// had the following error: <detail>". When resolve fails, the detail is its
// error's text and the name is States.Runtime, which is what AWS answered for
// a path argument that matched nothing (floci-io/floci,
// AslExecutorIntrinsicMissingArgumentTest, causes captured on AWS us-east-1:
// the detail there reads "The JsonPath argument for the field '$.nope' could
// not be found in the input '{"other":1}'"). The resolver's error stays
// reachable through errors.Is/As.
func Eval(expr string, resolve func(path string) (any, error)) (any, error) {
	n, err := parse(expr)
	if err == nil {
		var v any
		if v, err = eval(n, resolve); err == nil {
			return v, nil
		}
	}
	prefix := "The function '" + expr + "' had the following error: "
	var ie *Error
	if errors.As(err, &ie) {
		return nil, &Error{Name: ie.Name, Cause: prefix + ie.Cause, err: ie.err}
	}
	return nil, &Error{Name: runtimeName, Cause: prefix + err.Error(), err: err}
}

func eval(n node, resolve func(string) (any, error)) (any, error) {
	switch {
	case n.isLit:
		return n.lit, nil
	case n.path != "":
		return resolve(n.path)
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := eval(a, resolve)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	c := &callCtx{name: "States." + n.call, args: args, nodes: n.args}
	return functions[n.call](c)
}

// callCtx carries one call's evaluated arguments and helpers that check them
// with causes naming the function.
type callCtx struct {
	name  string
	args  []any
	nodes []node
}

func (c *callCtx) count(min, max int) error {
	n := len(c.args)
	if n >= min && (max < 0 || n <= max) {
		return nil
	}
	switch {
	case min == max:
		return failf("%s expects %d argument(s), but got %d", c.name, min, n)
	case max < 0:
		return failf("%s expects at least %d argument(s), but got %d", c.name, min, n)
	default:
		return failf("%s expects %d to %d arguments, but got %d", c.name, min, max, n)
	}
}

func (c *callCtx) str(i int) (string, error) {
	s, ok := c.args[i].(string)
	if !ok {
		return "", c.typeErr(i, "a string")
	}
	return s, nil
}

func (c *callCtx) array(i int) ([]any, error) {
	a, ok := c.args[i].([]any)
	if !ok {
		return nil, c.typeErr(i, "an array")
	}
	return a, nil
}

func (c *callCtx) object(i int) (map[string]any, error) {
	m, ok := c.args[i].(map[string]any)
	if !ok {
		return nil, c.typeErr(i, "a JSON object")
	}
	return m, nil
}

func (c *callCtx) number(i int) (float64, error) {
	f, ok := toFloat(c.args[i])
	if !ok {
		return 0, c.typeErr(i, "a number")
	}
	return f, nil
}

// integer accepts only whole numbers (ArrayRange, ArrayGetItem, ArrayPartition).
func (c *callCtx) integer(i int) (int64, error) {
	f, ok := toFloat(c.args[i])
	if !ok || f != math.Trunc(f) || math.IsInf(f, 0) {
		return 0, c.typeErr(i, "an integer")
	}
	return int64(f), nil
}

// rounded accepts any number and rounds it as Java's Math.round does
// (MathAdd, MathRandom): AWS recorded MathAdd(-1.49, -1.5) = -2.
func (c *callCtx) rounded(i int) (int64, error) {
	f, err := c.number(i)
	if err != nil {
		return 0, err
	}
	return int64(math.Floor(f + 0.5)), nil
}

func (c *callCtx) typeErr(i int, want string) error {
	return failf("%s expects argument %d to be %s, but got %s", c.name, i+1, want, describe(c.args[i]))
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// describe names a value's JSON type with the value, for causes.
func describe(v any) string {
	s, err := marshal(v)
	if err != nil {
		s = "?"
	}
	if len(s) > 100 {
		s = s[:100] + "..."
	}
	return typeName(v) + " " + s
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	if _, ok := toFloat(v); ok {
		return "number"
	}
	return reflect.TypeOf(v).String()
}

var functions map[string]func(*callCtx) (any, error)

func init() {
	functions = map[string]func(*callCtx) (any, error){
		"Format":         format,
		"StringToJson":   stringToJSON,
		"JsonToString":   jsonToString,
		"Array":          array,
		"ArrayPartition": arrayPartition,
		"ArrayContains":  arrayContains,
		"ArrayRange":     arrayRange,
		"ArrayGetItem":   arrayGetItem,
		"ArrayLength":    arrayLength,
		"ArrayUnique":    arrayUnique,
		"Base64Encode":   base64Encode,
		"Base64Decode":   base64Decode,
		"Hash":           hashFn,
		"JsonMerge":      jsonMerge,
		"MathRandom":     mathRandom,
		"MathAdd":        mathAdd,
		"StringSplit":    stringSplit,
		"UUID":           uuidFn,
	}
}

func format(c *callCtx) (any, error) {
	if err := c.count(1, -1); err != nil {
		return nil, err
	}
	var parts []formatPart
	if c.nodes[0].isLit && c.nodes[0].format != nil {
		parts = c.nodes[0].format
	} else {
		tmpl, err := c.str(0)
		if err != nil {
			return nil, err
		}
		for i, text := range strings.Split(tmpl, "{}") {
			if i > 0 {
				parts = append(parts, formatPart{placeholder: true})
			}
			parts = append(parts, formatPart{text: text})
		}
	}
	if _, ok := c.args[0].(string); !ok {
		return nil, c.typeErr(0, "a string")
	}
	holes := 0
	for _, p := range parts {
		if p.placeholder {
			holes++
		}
	}
	if holes != len(c.args)-1 {
		return nil, failf("%s template has %d placeholder(s) {} but %d value(s) were given", c.name, holes, len(c.args)-1)
	}
	var b strings.Builder
	next := 1
	for _, p := range parts {
		if !p.placeholder {
			b.WriteString(p.text)
			continue
		}
		b.WriteString(formatValue(c.args[next]))
		next++
	}
	return b.String(), nil
}

// formatValue renders a States.Format argument. Strings go in as they are;
// objects and arrays come out as Java's Map/List toString, which is what AWS
// recorded ({"Arg1": 1, "Arg2": []} formats as {Arg1=1, Arg2=[]}, per the
// localstack snapshot test_generic.snapshot.json, recorded on AWS).
func formatValue(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = formatValue(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := sortedKeys(t)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + formatValue(t[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	s, err := marshal(v)
	if err != nil {
		return ""
	}
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func stringToJSON(c *callCtx) (any, error) {
	if err := c.count(1, 1); err != nil {
		return nil, err
	}
	s, err := c.str(0)
	if err != nil {
		return nil, err
	}
	// AWS returns null for "" and " " (recorded in the conformance cases).
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&v); err != nil {
		return nil, failf("%s could not parse %q as JSON: %v", c.name, s, err)
	}
	if dec.More() {
		return nil, failf("%s could not parse %q as JSON: text after the value", c.name, s)
	}
	return v, nil
}

func jsonToString(c *callCtx) (any, error) {
	if err := c.count(1, 1); err != nil {
		return nil, err
	}
	s, err := marshal(c.args[0])
	if err != nil {
		return nil, failf("%s could not serialise its argument: %v", c.name, err)
	}
	return s, nil
}

// marshal writes compact JSON without escaping <, > and &, as AWS does.
func marshal(v any) (string, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

func array(c *callCtx) (any, error) {
	out := make([]any, len(c.args))
	copy(out, c.args)
	return out, nil
}

func arrayPartition(c *callCtx) (any, error) {
	if err := c.count(2, 2); err != nil {
		return nil, err
	}
	a, err := c.array(0)
	if err != nil {
		return nil, err
	}
	size, err := c.integer(1)
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		return nil, failf("%s expects a chunk size greater than 0, but got %d", c.name, size)
	}
	out := make([]any, 0, (int64(len(a))+size-1)/size)
	for start := int64(0); start < int64(len(a)); start += size {
		end := min(start+size, int64(len(a)))
		chunk := make([]any, end-start)
		copy(chunk, a[start:end])
		out = append(out, chunk)
	}
	return out, nil
}

func arrayContains(c *callCtx) (any, error) {
	if err := c.count(2, 2); err != nil {
		return nil, err
	}
	a, err := c.array(0)
	if err != nil {
		return nil, err
	}
	for _, e := range a {
		if jsonEqual(e, c.args[1]) {
			return true, nil
		}
	}
	return false, nil
}

// jsonEqual compares JSON values by value, so 1 and 1.0 are equal.
func jsonEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	}
	return a == b
}

func arrayRange(c *callCtx) (any, error) {
	if err := c.count(3, 3); err != nil {
		return nil, err
	}
	var n [3]int64
	for i := range n {
		v, err := c.integer(i)
		if err != nil {
			return nil, err
		}
		n[i] = v
	}
	start, end, step := n[0], n[1], n[2]
	if step == 0 {
		return nil, failf("%s expects a non-zero step, but got 0", c.name)
	}
	var count int64
	if step > 0 && end >= start {
		count = (end-start)/step + 1
	} else if step < 0 && end <= start {
		count = (start-end)/(-step) + 1
	}
	if count > maxRangeItems {
		return nil, failf("%s would create %d items, more than the maximum of %d", c.name, count, maxRangeItems)
	}
	out := make([]any, count)
	for i := range out {
		out[i] = float64(start + int64(i)*step)
	}
	return out, nil
}

func arrayGetItem(c *callCtx) (any, error) {
	if err := c.count(2, 2); err != nil {
		return nil, err
	}
	a, err := c.array(0)
	if err != nil {
		return nil, err
	}
	i, err := c.integer(1)
	if err != nil {
		return nil, err
	}
	if i < 0 || i >= int64(len(a)) {
		return nil, failf("%s index %d is out of bounds for an array of length %d", c.name, i, len(a))
	}
	return a[i], nil
}

func arrayLength(c *callCtx) (any, error) {
	if err := c.count(1, 1); err != nil {
		return nil, err
	}
	a, err := c.array(0)
	if err != nil {
		return nil, err
	}
	return float64(len(a)), nil
}

func arrayUnique(c *callCtx) (any, error) {
	if err := c.count(1, 1); err != nil {
		return nil, err
	}
	a, err := c.array(0)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(a))
	for _, e := range a {
		dup := false
		for _, seen := range out {
			if jsonEqual(e, seen) {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, e)
		}
	}
	return out, nil
}

func base64Encode(c *callCtx) (any, error) {
	if err := c.count(1, 1); err != nil {
		return nil, err
	}
	s, err := c.str(0)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(s); n > maxEncodeChars {
		return nil, failf("%s input has %d characters, more than the maximum of %d", c.name, n, maxEncodeChars)
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func base64Decode(c *callCtx) (any, error) {
	if err := c.count(1, 1); err != nil {
		return nil, err
	}
	s, err := c.str(0)
	if err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(s); n > maxEncodeChars {
		return nil, failf("%s input has %d characters, more than the maximum of %d", c.name, n, maxEncodeChars)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, failf("%s input %q is not valid base64", c.name, s)
	}
	return string(b), nil
}

var hashes = map[string]func() hash.Hash{
	"MD5":     md5.New,
	"SHA-1":   sha1.New,
	"SHA-256": sha256.New,
	"SHA-384": sha512.New384,
	"SHA-512": sha512.New,
}

func hashFn(c *callCtx) (any, error) {
	if err := c.count(2, 2); err != nil {
		return nil, err
	}
	data, err := c.str(0)
	if err != nil {
		return nil, err
	}
	alg, err := c.str(1)
	if err != nil {
		return nil, err
	}
	newHash, ok := hashes[alg]
	if !ok {
		return nil, failf("%s does not support the algorithm %q; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512", c.name, alg)
	}
	if n := utf8.RuneCountInString(data); n > maxEncodeChars {
		return nil, failf("%s input has %d characters, more than the maximum of %d", c.name, n, maxEncodeChars)
	}
	h := newHash()
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil)), nil
}

func jsonMerge(c *callCtx) (any, error) {
	if err := c.count(3, 3); err != nil {
		return nil, err
	}
	a, err := c.object(0)
	if err != nil {
		return nil, err
	}
	b, err := c.object(1)
	if err != nil {
		return nil, err
	}
	deep, ok := c.args[2].(bool)
	if !ok {
		return nil, c.typeErr(2, "a boolean")
	}
	if deep {
		return nil, failf("%s supports only shallow merging: its third argument must be false", c.name)
	}
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out, nil
}

func mathRandom(c *callCtx) (any, error) {
	if err := c.count(2, 3); err != nil {
		return nil, err
	}
	start, err := c.rounded(0)
	if err != nil {
		return nil, err
	}
	end, err := c.rounded(1)
	if err != nil {
		return nil, err
	}
	if end <= start {
		return nil, failf("%s expects the end number to be greater than the start number, but got %d and %d", c.name, start, end)
	}
	var r *rand.Rand
	if len(c.args) == 3 {
		seed, err := c.rounded(2)
		if err != nil {
			return nil, err
		}
		r = rand.New(rand.NewPCG(uint64(seed), 0))
	}
	span := uint64(end - start)
	var off uint64
	if r != nil {
		off = r.Uint64N(span)
	} else {
		off = rand.Uint64N(span)
	}
	return float64(start + int64(off)), nil
}

func mathAdd(c *callCtx) (any, error) {
	if err := c.count(2, 2); err != nil {
		return nil, err
	}
	a, err := c.rounded(0)
	if err != nil {
		return nil, err
	}
	b, err := c.rounded(1)
	if err != nil {
		return nil, err
	}
	return float64(a + b), nil
}

func stringSplit(c *callCtx) (any, error) {
	if err := c.count(2, 2); err != nil {
		return nil, err
	}
	s, err := c.str(0)
	if err != nil {
		return nil, err
	}
	sep, err := c.str(1)
	if err != nil {
		return nil, err
	}
	// Every character of the second argument is a delimiter, and empty
	// pieces are dropped: the developer guide's example splits
	// "This.is+a,test=string" on ".+,=" into five words.
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(sep, r) })
	if sep == "" {
		parts = []string{s}
		if s == "" {
			parts = nil
		}
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func uuidFn(c *callCtx) (any, error) {
	if err := c.count(0, 0); err != nil {
		return nil, err
	}
	return uuid.NewString(), nil
}

var _ error = (*Error)(nil)
