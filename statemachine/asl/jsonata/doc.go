// Package jsonata evaluates the JSONata expressions of Step Functions states
// that use QueryLanguage JSONata ("{% ... %}" fields), with the $states object
// and the workflow's variables bound, and reports failures the way AWS does.
//
// It wraps github.com/xiatechs/jsonata-go v1.8.8 (the JSONata 1.5.4 core plus
// newer functions). AWS implements JSONata 2.0.6 without $eval and with six
// functions of its own ("Transforming data with JSONata in Step Functions" in
// the developer guide). What this package adds or changes:
//
//   - $partition, $range, $hash, $random([seed]), $uuid and $parse, AWS's
//     additions. $range's result is a JSONata sequence, so one item comes out
//     as that item: AWS recorded $range(1, 9, 9) as 1. Their edge cases
//     (undefined for an empty array or a zero step, D3137 for a bad hash
//     algorithm or invalid JSON, fractions cut toward zero, a seeded $random
//     equal to java.util.Random's nextDouble) follow what floci-io/floci
//     measured on AWS (issues #2736, #2737).
//   - $formatInteger and $parseInteger (missing from the library): decimal
//     digit pictures with grouping separators, words, roman numerals,
//     letters and the ";o" ordinal modifier (integer.go).
//   - $assert (JSONata 2.x, missing from the library) and $single with its
//     optional test (the library demands two arguments); $error gives
//     JSONata's code (D3137).
//   - Arithmetic in doubles, as JSONata and AWS do it (1/3 is
//     0.3333333333333333; the library rounds to 8 decimal places and gives
//     0.33333334): after compiling, each + - * / % node of the parse tree is
//     replaced by a call to a function of ours (arith.go). The tree is an
//     unexported field of jsonata.Expr, reached with reflect and unsafe, so
//     this depends on jsonata-go v1.8.8's layout; if the field is missing the
//     library's arithmetic stays. $sum and $average add in doubles too, and
//     $string and the & operator write numbers with 15 significant digits,
//     like jsonata-js (& is rewritten the same way).
//     1/0 gives "Infinity", which is what AWS writes (floci-io/floci #2737).
//   - $ in an object constructor's values is the item that produced the key,
//     not a one-item array: [1,2].{"v": $} is [{"v":1},{"v":2}] as in
//     JSONata (the library gives [{"v":[1]},{"v":[2]}]); done by the same
//     tree rewrite.
//   - $number reads 0x/0o/0b strings, and $encodeUrl, $encodeUrlComponent,
//     $decodeUrl, $decodeUrlComponent follow JavaScript's encodeURI family
//     ("a b" is "a%20b", "+" decodes to "+"); the library used Go's query
//     escaping.
//   - $eval and the library's own non-JSONata functions ($objmerge, $sjoin,
//     $dateTimeDim, ...) are unbound, so calling them fails with T1006 as on
//     AWS.
//   - Errors carry JSONata's codes and words (T1006: Attempted to invoke a
//     non-function), translated from the library's messages; see errors.go.
//     A message with no code follows "during evaluation" with ": " rather
//     than ". ", as AWS writes it.
//   - JSON null bindings stay null (the library would read nil as undefined);
//     results are plain JSON values with every number a float64.
//   - Undefined results and function results are errors wrapping ErrUndefined
//     and ErrUnsupportedResult, worded as AWS words them; Error.FieldCause
//     builds AWS's sentence around them.
//
// What the library still lacks, and this package does not provide:
//
//   - JSONata 2.x syntax: the parent operator % is a syntax error (S0211),
//     and the @ (context) and # (positional) variable bindings fail with a
//     cause saying they are not supported (the library would read items#$i
//     as a field name and answer undefined).
//   - Singleton sequences from the library's functions other than $map and
//     $filter (which this package replaces): where jsonata-js returns a
//     sequence of one value, some return a one-item array.
//   - Object key order: inputs are map[string]any, so $keys, $each, $spread
//     and serialised objects do not keep the input's key order.
//   - AWS's evaluation limits (nesting depth 100, about 7 MB per value),
//     apart from $range's size.
//   - Many error codes: library messages without a JSONata counterpart (for
//     example $toMillis with a bad picture) keep the library's words.
//
// Concurrency: compiled expressions are cached (sync.Map keyed by the trimmed
// expression, at most 10,000) and each evaluation binds its variables on a
// shallow copy of the cached Expr. The library mutates its shared built-in
// function objects on every call (SetName, SetContext), so evaluations whose
// text names one of the library's functions ($uppercase, $count, ...) hold
// one package mutex; paths, operators and the functions of this package
// (which are stateless or copied per evaluation) run in parallel.
//
// This package must not import the ASL engine (statemachine/asl) or the
// intrinsic package; the engine imports it.
package jsonata
