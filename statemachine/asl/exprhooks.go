package asl

import "errors"

// The intrinsic-function and JSONata evaluators live in the subpackages
// intrinsic and jsonata. They are reached through these variables so the
// engine does not depend on their internals; wireExpressions sets them.
var (
	intrinsicEval func(expr string, resolve func(path string) (any, error)) (any, error)
	isIntrinsic   func(s string) bool
	jsonataEval   func(expr string, input any, bindings map[string]any) (any, error)
	// exprErrorName extracts Name and Cause from the evaluators' errors.
	exprErrorName func(err error) (name, cause string, ok bool)
)

var errNoEvaluator = errors.New("expression evaluator not available")

func init() {
	if intrinsicEval == nil {
		intrinsicEval = func(string, func(string) (any, error)) (any, error) { return nil, errNoEvaluator }
	}
	if isIntrinsic == nil {
		isIntrinsic = func(s string) bool { return len(s) > 7 && s[:7] == "States." }
	}
	if jsonataEval == nil {
		jsonataEval = func(string, any, map[string]any) (any, error) { return nil, errNoEvaluator }
	}
	if exprErrorName == nil {
		exprErrorName = func(error) (string, string, bool) { return "", "", false }
	}
}
