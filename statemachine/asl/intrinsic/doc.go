// Package intrinsic evaluates the Amazon States Language intrinsic functions
// (States.Format, States.Array, States.Hash, ...) that JSONPath states may use
// in fields ending in ".$".
//
// The package parses the call, evaluates nested calls and literals itself, and
// asks its caller to resolve path arguments ("$.x", "$$.Execution.Id",
// "$var.field"), so it knows nothing about JSONPath, the context object or
// variables. Values are the plain encoding/json types: map[string]any, []any,
// float64, string, bool and nil.
//
// Behaviour follows the AWS Step Functions developer guide ("Intrinsic
// functions for JSONPath states") and executions recorded on AWS
// (/work/shared/conformance/cases, feature "intrinsic functions"):
//   - States.StringToJson of an empty or blank string is null.
//   - States.MathAdd and States.MathRandom round non-integer arguments the way
//     Java's Math.round does (floor(x+0.5)), so -1.5 becomes -1.
//   - States.JsonToString writes compact JSON without HTML escaping. Object keys
//     come out sorted, because map[string]any has no order; AWS keeps the input
//     order, so outputs differ for objects whose keys were not already sorted.
//
// Failures are *Error values whose cause has AWS's form, "The function
// '<expression>' had the following error: <detail>". A path argument that
// matches nothing is States.Runtime, as recorded on AWS; other failures (bad
// arguments, out-of-range index, invalid JSON) are States.IntrinsicFailure,
// the name the developer guide gives a failing intrinsic. No recording shows
// AWS's name or detail for those, so their details are this package's words.
//
// This package must not import the ASL engine (statemachine/asl), a JSONPath
// library or the jsonata package: the engine imports it, not the reverse.
package intrinsic
