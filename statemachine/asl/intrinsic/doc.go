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
// functions for JSONPath states") and executions recorded on AWS: the
// conformance cases (/work/shared/conformance/cases, feature "intrinsic
// functions") and localstack's AWS-validated snapshots. From those:
//   - States.StringToJson of an empty or blank string is null.
//   - States.MathAdd and States.MathRandom round non-integer arguments the way
//     Java's Math.round does (floor(x+0.5)): MathAdd(-1.49, -1.5) is -2
//     (localstack test_math_operations.snapshot.json).
//   - States.Format writes objects and arrays as Java's toString does:
//     {"Arg1": 1, "Arg2": []} becomes {Arg1=1, Arg2=[]} (as localstack
//     implements it for its AWS-validated test_generic format_2).
//   - \" is accepted in string literals (localstack
//     test_json_merge_escaped_argument).
//   - States.JsonToString writes compact JSON without HTML escaping. Object keys
//     come out sorted, because map[string]any has no order; AWS keeps the input
//     order, so outputs differ for objects whose keys were not already sorted.
//
// Failures are *Error values whose cause has AWS's form, "The function
// '<expression>' had the following error: <detail>". A path argument that
// matches nothing is States.Runtime, as recorded on AWS (floci-io/floci,
// AslExecutorIntrinsicMissingArgumentTest, causes captured in us-east-1).
// Other failures (bad arguments, out-of-range index, invalid JSON) are
// States.IntrinsicFailure, the name the developer guide gives a failing
// intrinsic; no recording shows AWS's name or detail for those, so their
// details are this package's words.
//
// This package must not import the ASL engine (statemachine/asl), a JSONPath
// library or the jsonata package: the engine imports it, not the reverse.
package intrinsic
