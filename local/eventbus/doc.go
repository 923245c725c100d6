// Package eventbus is the embedded default's stand-in for Amazon EventBridge:
// an event pattern matcher with EventBridge's semantics and a small
// in-process bus that hands each event to the targets of every rule whose
// pattern matches it.
//
// The local S3 endpoint puts its "Object Created" events here, and the rule
// that starts the ingest state machine uses the very pattern the CDK app
// installs on AWS, so a pattern that selects an upload locally selects it in
// production too.
//
// # Patterns
//
// [Compile] parses and validates a pattern; [Pattern.Match] tests an event
// (JSON bytes) and [Pattern.MatchValue] an already decoded one. Supported,
// following the Amazon EventBridge User Guide ("Event patterns", "Comparison
// operators", "Content filtering") and aws/event-ruler, the library behind it:
//
//   - exact values: strings (byte for byte; an IP address also matches its
//     other spellings), numbers, true, false, null;
//     a pattern array means "any of"; numbers match by literal text or by
//     value (300 matches 3.0e2), as event-ruler's JsonRuleCompiler does
//   - nested objects; event arrays match when any element matches, and two
//     fields never match from different elements of one array
//   - prefix, suffix (both also {"equals-ignore-case": ...}), equals-ignore-case
//   - wildcard: "*" matches any run of characters; `\*` and `\\` are the
//     literal characters; "**" and other escapes are rejected
//   - anything-but: a string, a number, a list of strings or of numbers,
//     {"prefix"}, {"suffix"}, {"equals-ignore-case"} or {"wildcard"}, each
//     with a string or a list of strings; it needs the field to be present
//   - exists: true or false, on leaf fields (an object value counts as absent)
//   - numeric: "=" v, or a lower bound (">", ">=") and/or an upper bound
//     ("<", "<="), in that order. As in event-ruler's ComparableNumber,
//     numbers compare exactly as millionths within ±5e11; a pattern number
//     outside that or with more than six decimals is an error, and such an
//     event number matches no range (exact matches still compare its text)
//   - cidr: IPv4 or IPv6 prefixes, matched against string fields
//   - "$or": an array of two or more sub-patterns at any level
//
// Left out: EventBridge's quotas on pattern size and complexity; event-ruler's
// undocumented operators (rejected as unknown); and its field overriding,
// where a field repeated inside a "$or" branch replaces the outer one — here
// both must match.
//
// Invalid patterns return a [*PatternError] whose Err is one of the sentinel
// errors ([ErrSyntax], [ErrWrongType], [ErrUnknownOperator],
// [ErrBadNumericRange], [ErrEmpty], [ErrBadValue]), for errors.Is.
//
// # Bus
//
// [Bus] holds named rules (pattern + [Target]); [Bus.Put] calls, in the
// caller's goroutine and in rule order, the target of every matching rule and
// returns every target error joined, each naming its rule.
//
// # Imports
//
// Standard library only. It must not import the AWS SDK, the state machine
// engine, tasks, or any other local/ package: the bus knows targets only as
// functions, so it can carry any event to anything.
package eventbus
