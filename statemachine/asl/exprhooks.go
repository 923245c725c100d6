package asl

import (
	"errors"

	"github.com/imgprep/imgprep/statemachine/asl/intrinsic"
	"github.com/imgprep/imgprep/statemachine/asl/jsonata"
)

// The intrinsic-function and JSONata evaluators live in the subpackages
// intrinsic and jsonata; the engine reaches them through these variables
// so a test can swap one, and so the evaluators' error types are turned
// into state errors in one place.
var (
	intrinsicEval = intrinsic.Eval
	isIntrinsic   = intrinsic.IsIntrinsic
	jsonataEval   = jsonata.Eval
)

var errNoEvaluator = errors.New("expression evaluator not available")

// exprErrorName extracts the error name and cause the evaluators report.
func exprErrorName(err error) (name, cause string, ok bool) {
	var ie *intrinsic.Error
	if errors.As(err, &ie) {
		return ie.Name, ie.Cause, true
	}
	var je *jsonata.Error
	if errors.As(err, &je) {
		return je.Name, je.Cause, true
	}
	return "", "", false
}

// jsonataFieldCause is AWS's sentence for a failed JSONata expression.
func jsonataFieldCause(err error, expr, field string) (string, bool) {
	var je *jsonata.Error
	if errors.As(err, &je) {
		return je.FieldCause(expr, field), true
	}
	return "", false
}
