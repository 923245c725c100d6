package jsonata

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"

	jsonatago "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// ErrorName is the States error every JSONata failure carries.
const ErrorName = "States.QueryEvaluationError"

// Sentinels for errors.Is: the two ways an expression can succeed in JSONata
// yet give nothing JSON can hold.
var (
	// ErrUndefined: the expression evaluated to JSONata's "undefined" (a
	// missing field, an empty sequence). AWS fails the state for it.
	ErrUndefined = errors.New("jsonata: expression returned nothing (undefined)")
	// ErrUnsupportedResult: the result was (or held) a function.
	ErrUnsupportedResult = errors.New("jsonata: expression returned an unsupported result type")
)

// Error is a failed evaluation. Name is always States.QueryEvaluationError.
// Cause is AWS's wording of what went wrong after "The JSONata expression
// '<expr>' specified for the field '<field>' ", for example
// "threw an error during evaluation. T1006: Attempted to invoke a non-function"
// or "returned nothing (undefined)."; FieldCause builds that whole sentence.
// Code is the JSONata error code (T1006), empty when there is none.
type Error struct {
	Name, Cause string
	Code        string
	err         error // ErrUndefined, ErrUnsupportedResult or the library's error
}

func (e *Error) Error() string { return e.Name + ": " + e.Cause }

// Unwrap lets callers test for ErrUndefined and ErrUnsupportedResult.
func (e *Error) Unwrap() error { return e.err }

// FieldCause is the sentence AWS puts after "An error occurred while executing
// the state 'S' (entered at the event id #N). ": expr is the expression without
// {% %} and surrounding spaces, field the state field ("Output/FunctionResult",
// "Items", "Arguments/Input/pushLocation").
func (e *Error) FieldCause(expr, field string) string {
	return fmt.Sprintf("The JSONata expression '%s' specified for the field '%s' %s", strings.TrimSpace(expr), field, e.Cause)
}

// compiled is one cached expression. lock is set when evaluating it may call
// one of the library's built-in functions: those are shared objects whose
// name and context the library rewrites on every call (callable.go SetName,
// SetContext), which races when two goroutines call them at once. A built-in
// can only be reached by writing its $name (no binding holds a function), so
// the names in the text decide.
type compiled struct {
	expr *jsonatago.Expr
	err  error
	lock bool
	// names are the $names the text mentions. JSONata can only reach a
	// variable by writing its name, so binding just these is enough, and
	// binding is most of the cost of a short evaluation.
	names map[string]bool
	// arith are the IEEE arithmetic functions the rewritten tree calls.
	arith []*function
}

var nameRef = regexp.MustCompile(`\$([\p{L}\p{N}_]+)`)

// libraryFunctions are the functions jsonata-go v1.8.8 defines (env.go
// baseEnv, plus $now and $millis from jsonata.go timeCallables).
var libraryFunctions = map[string]bool{}

func init() {
	for _, name := range strings.Fields(`abs accumulatingSlice append average base64decode base64encode
		boolean ceil contains count dateTimeDim dateTimeDimLite decodeUrl decodeUrlComponent distinct
		each encodeUrl encodeUrlComponent error eval exists filter floor formatBase formatNumber
		fromMillis hash256 hashmd5 join keys length lookup lowercase map match max merge min not
		number objectsToDocument objmerge oneToManyJoin pad power random reduce renameKeys replace
		reverse round shuffle sift single sjoin sort split spread sqrt string substring substringAfter
		substringBefore sum timeSince toMillis trim type unescape uppercase zip now millis`) {
		libraryFunctions[name] = true
	}
}

var (
	cache     sync.Map // trimmed expression -> *compiled
	cacheSize atomic.Int64
	// builtinMu serialises evaluations that may call built-in functions.
	builtinMu sync.Mutex
)

// maxCached bounds the cache: definitions hold a fixed set of expressions,
// so reaching it means expressions are being generated, and caching them
// would only grow memory.
const maxCached = 10000

func lookup(expr string) *compiled {
	if c, ok := cache.Load(expr); ok {
		return c.(*compiled)
	}
	c := &compiled{names: map[string]bool{}}
	for _, m := range nameRef.FindAllStringSubmatch(expr, -1) {
		name := m[1]
		c.names[name] = true
		if libraryFunctions[name] && extensions[name] == nil && !unbound[name] {
			c.lock = true
		}
	}
	e, err := jsonatago.Compile(expr)
	if op := unsupportedBinding(expr); op != "" {
		c.err = &Error{Name: ErrorName, Cause: "threw an error during evaluation: the " + op +
			" variable binding of JSONata 2.x is not supported by this evaluator"}
	} else if err != nil {
		c.err = translate(err)
	} else {
		c.expr = e
		if strings.ContainsAny(expr, "+-*/%&{") {
			if used, ok := useIEEEArithmetic(e); !ok {
				// Half rewritten: start again and keep the library's arithmetic.
				c.expr, _ = jsonatago.Compile(expr)
			} else {
				c.arith = used
			}
		}
	}
	if cacheSize.Load() < maxCached {
		if _, loaded := cache.LoadOrStore(expr, c); !loaded {
			cacheSize.Add(1)
		}
	}
	return c
}

// unsupportedBinding finds JSONata 2.x's positional (#$i) and context (@$v)
// bindings outside string literals and quoted names. The library reads
// "items#$i" as one field name and answers undefined, so an expression using
// them would quietly go wrong; failing says why instead.
func unsupportedBinding(expr string) string {
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case (c == '#' || c == '@') && i+1 < len(expr) && expr[i+1] == '$':
			if c == '#' {
				return "positional (#)"
			}
			return "context (@)"
		}
	}
	return ""
}

// Compile checks an expression's syntax, for validating a definition before
// it runs. The result is cached for Eval.
func Compile(expr string) error {
	c := lookup(strings.TrimSpace(expr))
	if c.err != nil {
		return c.err
	}
	return nil
}

// Eval evaluates a JSONata expression (without the {% %} delimiters) against
// input, with bindings as extra variables: the engine passes "states" (the
// $states object) and each ASL variable by name. Results are plain JSON
// values (map[string]any, []any, float64, string, bool, nil); an undefined
// result is an *Error wrapping ErrUndefined, a function result one wrapping
// ErrUnsupportedResult. Safe for concurrent use.
func Eval(expr string, input any, bindings map[string]any) (any, error) {
	c := lookup(strings.TrimSpace(expr))
	if c.err != nil {
		return nil, c.err
	}
	// A shallow copy of the cached Expr gets this call's variables: the
	// library keeps variables in the Expr, and the cached one is shared.
	// The cached Expr's own registry is nil (nothing is registered
	// globally), so RegisterVars makes a fresh map for the copy.
	e := *c.expr
	vars := make(map[string]any, len(c.names)+len(arithmetic))
	for name := range c.names {
		if v, ok := bindings[name]; ok {
			vars[name] = jsonValue(v)
		} else if f, ok := extensions[name]; ok {
			vars[name] = f.bind()
		} else if unbound[name] {
			vars[name] = nil
		}
	}
	for _, f := range c.arith {
		vars[f.name] = f
	}
	if len(vars) > 0 {
		if err := e.RegisterVars(vars); err != nil {
			return nil, &Error{Name: ErrorName, Cause: "threw an error during evaluation. " + err.Error(), err: err}
		}
	}
	if c.lock {
		builtinMu.Lock()
		defer builtinMu.Unlock()
	}
	v, err := e.Eval(jsonValue(input))
	if err != nil {
		if errors.Is(err, jsonatago.ErrUndefined) {
			return nil, &Error{Name: ErrorName, Cause: "returned nothing (undefined).", err: ErrUndefined}
		}
		return nil, translate(err)
	}
	out, ok := normalise(reflect.ValueOf(v))
	if !ok {
		return nil, &Error{Name: ErrorName, Cause: "returned an unsupported result type.", err: ErrUnsupportedResult}
	}
	return out, nil
}

// null is how the library spells JSON null (eval.go: var null *interface{});
// a plain nil binding would read as undefined instead.
var null *any

func jsonValue(v any) any {
	if v == nil {
		return null
	}
	return v
}

// TypeName names a JSON value's type as AWS does in its causes ("Expected
// 'array', but was 'boolean' for value: true"): array, boolean, null, number,
// object or string.
func TypeName(v any) string {
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
	case float64, int, int64:
		return "number"
	}
	return reflect.TypeOf(v).String()
}

// normalise turns a library result into plain JSON values: every number a
// float64, every array []any, every object map[string]any, typed nil
// pointers null. It reports false if it meets a function.
func normalise(v reflect.Value) (any, bool) {
	if !v.IsValid() {
		return nil, true
	}
	if _, ok := jtypes.AsCallable(v); ok {
		return nil, false
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Ptr:
		if v.IsNil() {
			return nil, true
		}
		return normalise(v.Elem())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return nonFinite(f), true // JSON has no such number; AWS writes its name
		}
		if f == 0 {
			f = 0 // -0 prints as 0, as AWS shows it
		}
		return f, true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint()), true
	case reflect.String:
		return v.String(), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Slice, reflect.Array:
		out := make([]any, 0, v.Len())
		for i := 0; i < v.Len(); i++ {
			e := v.Index(i)
			if isUndefined(e) {
				continue
			}
			x, ok := normalise(e)
			if !ok {
				return nil, false
			}
			out = append(out, x)
		}
		return out, true
	case reflect.Map:
		out := make(map[string]any, v.Len())
		iter := v.MapRange()
		for iter.Next() {
			if isUndefined(iter.Value()) {
				continue
			}
			x, ok := normalise(iter.Value())
			if !ok {
				return nil, false
			}
			out[fmt.Sprint(iter.Key().Interface())] = x
		}
		return out, true
	case reflect.Struct:
		return nil, false
	}
	return nil, false
}

func isUndefined(v reflect.Value) bool {
	return !v.IsValid()
}
