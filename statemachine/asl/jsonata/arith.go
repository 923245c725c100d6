package jsonata

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	jsonatago "github.com/xiatechs/jsonata-go"
	"github.com/xiatechs/jsonata-go/jparse"
	"github.com/xiatechs/jsonata-go/jtypes"
)

// Tree rewrites: arithmetic, & and $ in object constructors.
//
// JSONata numbers are IEEE doubles, and AWS prints what they hold
// (0.1 + 0.2 is 0.30000000000000004, 1/3 is 0.3333333333333333). The library
// instead does + - * / % in decimal and rounds every result to 8 places, so
// 1/3 comes out 0.33333334. The library has no switch for that, so after
// compiling, each arithmetic node of the expression tree is replaced by a call
// to one of the functions below, bound per evaluation like the others.
//
// The tree sits in an unexported field of jsonata.Expr; exprNode reaches it
// with reflect and unsafe. That ties this file to jsonata-go v1.8.8's layout:
// if the field is not found, or the tree holds an arithmetic node the walk
// cannot replace, the expression keeps the library's arithmetic.

// arithmetic maps the library's operators to the names the rewritten tree
// calls. Eval binds these after the expression's variables, so a variable
// spelled the same would lose; the prefix makes that unlikely.
var arithmetic = map[jparse.NumericOperator]*function{
	jparse.NumericAdd:      {name: "__asl_add", params: 2, call: arith("+", func(a, b float64) float64 { return a + b })},
	jparse.NumericSubtract: {name: "__asl_sub", params: 2, call: arith("-", func(a, b float64) float64 { return a - b })},
	jparse.NumericMultiply: {name: "__asl_mul", params: 2, call: arith("*", func(a, b float64) float64 { return a * b })},
	jparse.NumericDivide:   {name: "__asl_div", params: 2, call: arith("/", func(a, b float64) float64 { return a / b })},
	jparse.NumericModulo:   {name: "__asl_mod", params: 2, call: arith("%", math.Mod)},
}

// arith follows jsonata-js evaluateNumericExpression: a defined side that is
// not a number is T2001/T2002, an undefined side makes the result undefined,
// and a non-finite operand is D1001 (utils.isNumeric). A non-finite result is
// allowed; Eval reports it as AWS does ("Infinity").
func arith(op string, f func(a, b float64) float64) func([]reflect.Value) (any, error) {
	return func(args []reflect.Value) (any, error) {
		var x [2]float64
		var defined [2]bool
		for i := 0; i < 2 && i < len(args); i++ {
			v := args[i]
			if !v.IsValid() {
				continue
			}
			n, isNum := jtypes.AsNumber(v)
			if !isNum {
				if i == 0 {
					return nil, fmt.Errorf("T2001: The left side of the %s operator must evaluate to a number", op)
				}
				return nil, fmt.Errorf("T2002: The right side of the %s operator must evaluate to a number", op)
			}
			if math.IsInf(n, 0) || math.IsNaN(n) {
				return nil, fmt.Errorf("D1001: Number out of range: %s", nonFinite(n))
			}
			x[i], defined[i] = n, true
		}
		if !defined[0] || !defined[1] {
			return undefined, nil
		}
		return f(x[0], x[1]), nil
	}
}

// nonFinite is JavaScript's name for a non-finite number, which AWS writes in
// place of one (floci-io/floci #2737: 1/0 is "Infinity" on AWS).
func nonFinite(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case f > 0:
		return "Infinity"
	}
	return "-Infinity"
}

// exprNode returns a pointer to jsonata.Expr's parse tree, or nil if the
// field is not there (another library version).
func exprNode(e *jsonatago.Expr) *jparse.Node {
	f := reflect.ValueOf(e).Elem().FieldByName("node")
	if !f.IsValid() || f.Type() != reflect.TypeOf((*jparse.Node)(nil)).Elem() {
		return nil
	}
	return (*jparse.Node)(unsafe.Pointer(f.UnsafeAddr()))
}

// useIEEEArithmetic rewrites e's arithmetic in place and returns the
// functions the tree now calls. On !ok e may be half rewritten and must be
// dropped.
func useIEEEArithmetic(e *jsonatago.Expr) (used []*function, ok bool) {
	root := exprNode(e)
	if root == nil {
		return nil, false
	}
	r := &rewriter{ok: true, used: map[*function]bool{}}
	r.visit(reflect.ValueOf(root).Elem())
	for f := range r.used {
		used = append(used, f)
	}
	return used, r.ok
}

type rewriter struct {
	ok   bool
	used map[*function]bool
}

var (
	nodeType    = reflect.TypeOf((*jparse.Node)(nil)).Elem()
	numericType = reflect.TypeOf((*jparse.NumericOperatorNode)(nil))
	concatType  = reflect.TypeOf((*jparse.StringConcatenationNode)(nil))
	objectType  = reflect.TypeOf(jparse.ObjectNode{})
)

// In an object constructor JSONata evaluates each value with the items that
// produced its key as context, and one item is that item itself: in
// items.{"v": $} each $ is an item. The library always passes an array, so $
// there is [item]. groupContext wraps each $ that refers to that context in
// a call to groupItem, which unwraps a one-item array. Only $ at the value's
// own level is wrapped: path steps after the first, predicates, nested
// constructors, sorts and lambdas bind $ to something else.
var groupItem = &function{name: "__asl_group_item", params: 1, call: func(args []reflect.Value) (any, error) {
	if len(args) == 0 || !args[0].IsValid() {
		return undefined, nil
	}
	v := jtypes.Resolve(args[0])
	if v.Kind() == reflect.Slice && v.Len() == 1 {
		e := v.Index(0)
		if !e.CanInterface() {
			return undefined, nil
		}
		return e.Interface(), nil
	}
	if !args[0].CanInterface() {
		return undefined, nil
	}
	return args[0].Interface(), nil
}}

func (r *rewriter) groupContext(obj *jparse.ObjectNode) {
	for i := range obj.Pairs {
		r.topContext(&obj.Pairs[i][1])
	}
}

func (r *rewriter) topContext(p *jparse.Node) {
	switch n := (*p).(type) {
	case *jparse.VariableNode:
		if n.Name == "" {
			*p = &jparse.FunctionCallNode{Func: &jparse.VariableNode{Name: groupItem.name}, Args: []jparse.Node{n}}
			r.used[groupItem] = true
		}
	case *jparse.PathNode:
		if len(n.Steps) > 0 {
			r.topContext(&n.Steps[0])
		}
	case *jparse.PredicateNode:
		r.topContext(&n.Expr)
	case *jparse.FunctionCallNode:
		for i := range n.Args {
			r.topContext(&n.Args[i])
		}
	case *jparse.ComparisonOperatorNode:
		r.topContext(&n.LHS)
		r.topContext(&n.RHS)
	case *jparse.BooleanOperatorNode:
		r.topContext(&n.LHS)
		r.topContext(&n.RHS)
	case *jparse.FunctionApplicationNode:
		r.topContext(&n.LHS)
	case *jparse.RangeNode:
		r.topContext(&n.LHS)
		r.topContext(&n.RHS)
	case *jparse.ConditionalNode:
		r.topContext(&n.If)
		r.topContext(&n.Then)
		if n.Else != nil {
			r.topContext(&n.Else)
		}
	case *jparse.ArrayNode:
		for i := range n.Items {
			r.topContext(&n.Items[i])
		}
	case *jparse.BlockNode:
		for i := range n.Exprs {
			r.topContext(&n.Exprs[i])
		}
	case *jparse.NegationNode:
		r.topContext(&n.RHS)
	case *jparse.AssignmentNode:
		r.topContext(&n.Value)
	}
}

// concat is the & operator. The library writes numbers in full
// (0.30000000000000004) where JSONata casts with $string ("0.3").
var concat = &function{name: "__asl_concat", params: 2, call: func(args []reflect.Value) (any, error) {
	var b strings.Builder
	for i := 0; i < 2 && i < len(args); i++ {
		if !args[i].IsValid() {
			continue // undefined joins as ""
		}
		s, err := stringFn(args[i : i+1])
		if err != nil {
			return nil, err
		}
		if str, ok := s.(string); ok {
			b.WriteString(str)
		}
	}
	return b.String(), nil
}}

// visit walks a value holding nodes: a Node interface, a pointer to a node
// struct, or a slice, array or struct of those. Node interfaces that hold an
// arithmetic node are replaced by a call.
func (r *rewriter) visit(v reflect.Value) {
	if !r.ok {
		return
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() || v.Type() != nodeType {
			return
		}
		inner := v.Elem()
		if inner.Type() == concatType {
			n := inner.Interface().(*jparse.StringConcatenationNode)
			if !v.CanSet() {
				r.ok = false
				return
			}
			call := &jparse.FunctionCallNode{
				Func: &jparse.VariableNode{Name: concat.name},
				Args: []jparse.Node{n.LHS, n.RHS},
			}
			for i := range call.Args {
				r.visit(reflect.ValueOf(&call.Args[i]).Elem())
			}
			v.Set(reflect.ValueOf(call))
			r.used[concat] = true
			return
		}
		if inner.Type() == numericType {
			n := inner.Interface().(*jparse.NumericOperatorNode)
			fn, known := arithmetic[n.Type]
			if !known || !v.CanSet() {
				r.ok = false
				return
			}
			call := &jparse.FunctionCallNode{
				Func: &jparse.VariableNode{Name: fn.name},
				Args: []jparse.Node{n.LHS, n.RHS},
			}
			for i := range call.Args {
				r.visit(reflect.ValueOf(&call.Args[i]).Elem())
			}
			v.Set(reflect.ValueOf(call))
			r.used[fn] = true
			return
		}
		r.visit(inner)
	case reflect.Ptr:
		if !v.IsNil() && v.Elem().Kind() == reflect.Struct {
			r.visit(v.Elem())
		}
	case reflect.Struct:
		if v.Type() == objectType && v.CanAddr() {
			defer r.groupContext(v.Addr().Interface().(*jparse.ObjectNode))
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !v.Type().Field(i).IsExported() {
				if holdsNodes(f.Type()) {
					r.ok = false // a node we could not replace inside
				}
				continue
			}
			r.visit(f)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			r.visit(v.Index(i))
		}
	}
}

// holdsNodes reports whether values of type t can contain parse nodes.
func holdsNodes(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface:
		return t == nodeType
	case reflect.Ptr, reflect.Slice, reflect.Array:
		return holdsNodes(t.Elem())
	case reflect.Struct:
		return t.Implements(nodeType) || reflect.PointerTo(t).Implements(nodeType)
	}
	return false
}

// aggregate is $sum or $average with plain double arithmetic (the library
// sums in decimal rounded to 8 places). As in jsonata-js, a number stands for
// a one-item array and anything else but numbers is T0412.
func aggregate(name string, average bool) func([]reflect.Value) (any, error) {
	return func(args []reflect.Value) (any, error) {
		if err := argCount(name, args, 1, 1); err != nil {
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
		total := 0.0
		for _, e := range a {
			n, isNum := e.(float64)
			if !isNum {
				return nil, fmt.Errorf(`T0412: Argument 1 of function "%s" must be an array of "numbers"`, name)
			}
			total += n
		}
		if !average {
			return total, nil
		}
		if len(a) == 0 {
			return undefined, nil
		}
		return total / float64(len(a)), nil
	}
}

// stringFn is $string(value[, prettify]) as jsonata-js writes it: numbers
// to 15 significant digits in JavaScript's notation (0.1 + 0.2 is "0.3"),
// no HTML escaping, functions as "", prettify indenting by two spaces.
func stringFn(args []reflect.Value) (any, error) {
	if err := argCount("string", args, 0, 2); err != nil {
		return nil, err
	}
	if len(args) == 0 || !args[0].IsValid() {
		return undefined, nil
	}
	if _, isFn := jtypes.AsCallable(args[0]); isFn {
		return "", nil
	}
	if f, isNum := jtypes.AsNumber(args[0]); isNum && (math.IsInf(f, 0) || math.IsNaN(f)) {
		return nil, fmt.Errorf("D3001: Attempting to invoke string function on Infinity or NaN")
	}
	v, _, err := arg(args, 0)
	if err != nil {
		return "", nil // a structure holding a function
	}
	if s, isStr := v.(string); isStr {
		return s, nil
	}
	pretty := false
	if p, ok, _ := arg(args, 1); ok {
		b, isBool := p.(bool)
		if !isBool {
			return nil, signatureErr("string", 2)
		}
		pretty = b
	}
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(fifteenDigits(v)); err != nil {
		return nil, err
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// fifteenDigits rounds every number to 15 significant digits, as jsonata-js
// does before writing (Number(val.toPrecision(15))).
func fifteenDigits(v any) any {
	switch t := v.(type) {
	case float64:
		r, err := strconv.ParseFloat(strconv.FormatFloat(t, 'g', 15, 64), 64)
		if err != nil {
			return t
		}
		return r
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = fifteenDigits(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = fifteenDigits(e)
		}
		return out
	}
	return v
}
