package jsonata

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/xiatechs/jsonata-go/jparse"
)

// translate turns a library error into an *Error whose cause uses the
// JSONata 2.x reference implementation's code and message (jsonata-js
// src/utils errorCodes), the form AWS reports: "T1006: Attempted to invoke a
// non-function". Library messages with no counterpart keep their wording.
func translate(err error) *Error {
	var pe *jparse.Error
	if errors.As(err, &pe) {
		code, msg := syntaxMessage(pe)
		return &Error{Name: ErrorName, Code: code, Cause: "threw an error during evaluation. " + code + ": " + msg, err: err}
	}
	msg := err.Error()
	// The library appends ", position: N, arguments: ..." (sometimes twice,
	// when a function call wraps an operator's error); JSONata does not.
	if i := strings.Index(msg, ", position:"); i >= 0 {
		msg = msg[:i]
	}
	if m := ownCode.FindStringSubmatch(msg); m != nil {
		return &Error{Name: ErrorName, Code: m[1], Cause: "threw an error during evaluation. " + msg, err: err}
	}
	for _, r := range runtimeMessages {
		if m := r.re.FindStringSubmatch(msg); m != nil {
			text := r.msg(m)
			return &Error{Name: ErrorName, Code: r.code, Cause: "threw an error during evaluation. " + r.code + ": " + text, err: err}
		}
	}
	// AWS joins a message without a code with ": " instead of ". "
	// (floci-io/floci #2783, from 101 causes recorded on AWS).
	return &Error{Name: ErrorName, Cause: "threw an error during evaluation: " + msg, err: err}
}

// ownCode matches messages this package's functions produce already coded.
var ownCode = regexp.MustCompile(`^([A-Z]\d{4}): `)

type runtimeMessage struct {
	re   *regexp.Regexp
	code string
	msg  func(m []string) string
}

func fixed(s string) func([]string) string { return func([]string) string { return s } }

// runtimeMessages maps the library's evaluation errors (error.go errmsgs and
// the argument errors) to JSONata's codes and words.
var runtimeMessages = []runtimeMessage{
	{regexp.MustCompile(`^cannot call non-function`), "T1006", fixed("Attempted to invoke a non-function")},
	{regexp.MustCompile(`^cannot partially apply non-function`), "T1008", fixed("Attempted to partially apply a non-function")},
	{regexp.MustCompile(`^cannot use function application with non-function`), "T2006", fixed("The right side of the function application operator ~> must be a function")},
	{regexp.MustCompile(`^left side of the "\.\." operator must evaluate to an integer`), "T2003", fixed("The left side of the range operator (..) must evaluate to an integer")},
	{regexp.MustCompile(`^right side of the "\.\." operator must evaluate to an integer`), "T2004", fixed("The right side of the range operator (..) must evaluate to an integer")},
	{regexp.MustCompile(`^left side of the "(.+?)" operator must evaluate to a number$`), "T2001", func(m []string) string {
		return "The left side of the " + m[1] + " operator must evaluate to a number"
	}},
	{regexp.MustCompile(`^right side of the "(.+?)" operator must evaluate to a number$`), "T2002", func(m []string) string {
		return "The right side of the " + m[1] + " operator must evaluate to a number"
	}},
	{regexp.MustCompile(`^(?:left|right) side of the "(.+?)" operator must evaluate to a number or string`), "T2010", func(m []string) string {
		return "The expressions either side of operator " + m[1] + " must evaluate to numeric or string values"
	}},
	{regexp.MustCompile(`^both sides of the "(.+?)" operator must have the same type`), "T2009", func(m []string) string {
		return "The values either side of operator " + m[1] + " must be of the same data type"
	}},
	{regexp.MustCompile(`^result of the "(.+?)" operator is out of range`), "D1001", fixed("Number out of range")},
	{regexp.MustCompile(`^range operator has too many items`), "D2014", fixed("The size of the sequence allocated by the range operator (..) must not exceed 1e7")},
	{regexp.MustCompile(`^object key (.*) does not evaluate to a string`), "T1003", func(m []string) string {
		return "Key in object structure must evaluate to a string; got: " + m[1]
	}},
	{regexp.MustCompile(`^multiple object keys evaluate to the value "(.*)"`), "D1009", func(m []string) string {
		return "Multiple key definitions evaluate to same key: " + m[1]
	}},
	{regexp.MustCompile(`^argument (\d+) of function "(.+?)" does not match function signature`), "T0410", func(m []string) string {
		return "Argument " + m[1] + " of function \"" + m[2] + "\" does not match function signature"
	}},
	{regexp.MustCompile(`^function "(.+?)" takes (\d+) argument\(s\), got (\d+)`), "T0410", func(m []string) string {
		want, _ := strconv.Atoi(m[2])
		got, _ := strconv.Atoi(m[3])
		// JSONata names the first argument that breaks the signature.
		idx := got + 1
		if got > want {
			idx = want + 1
		}
		return fmt.Sprintf("Argument %d of function \"%s\" does not match function signature", idx, m[1])
	}},
	{regexp.MustCompile(`^cannot call (sum|max|min|average) on (?:a non-array type|an array with non-number types)`), "T0412", func(m []string) string {
		return "Argument 1 of function \"" + m[1] + "\" must be an array of \"numbers\""
	}},
	{regexp.MustCompile(`^unable to cast "(.*)" to a number`), "D3030", func(m []string) string {
		return "Unable to cast value to a number: \"" + m[1] + "\""
	}},
	{regexp.MustCompile(`^the sqrt function cannot be applied to a negative number`), "D3060", fixed("The sqrt function cannot be applied to a negative number")},
	{regexp.MustCompile(`^the power function has resulted in a value that cannot be represented as a JSON number`), "D3061", fixed("The power function has resulted in a value that cannot be represented as a JSON number")},
	{regexp.MustCompile(`^argument 1 of function sort must be an array of strings or numbers`), "D3070", fixed("The single argument form of the sort function can only be applied to an array of strings or an array of numbers.  Use the second argument to specify a comparison function")},
	{regexp.MustCompile(`^expressions in a sort term must evaluate to strings or numbers`), "T2008", fixed("The expressions within an order-by clause must evaluate to numeric or string values")},
	{regexp.MustCompile(`^expressions in a sort term must have the same type`), "T2007", fixed("Type mismatch when comparing values in order-by clause")},
	{regexp.MustCompile(`^the insert/update clause of an object transformation must evaluate to an object`), "T2011", fixed("The insert/update clause of the transform expression must evaluate to an object")},
	{regexp.MustCompile(`^the delete clause of an object transformation must evaluate to an array of strings`), "T2012", fixed("The delete clause of the transform expression must evaluate to a string or array of strings")},
}

// syntaxMessage maps a parse error to JSONata's S0xxx codes and words.
func syntaxMessage(e *jparse.Error) (string, string) {
	switch e.Type {
	case jparse.ErrUnexpectedEOF:
		return "S0207", "Unexpected end of expression"
	case jparse.ErrUnexpectedToken:
		return "S0202", fmt.Sprintf("Expected %q, got %q", e.Hint, e.Token)
	case jparse.ErrMissingToken:
		return "S0203", fmt.Sprintf("Expected %q before end of expression", e.Hint)
	case jparse.ErrPrefix:
		return "S0211", fmt.Sprintf("The symbol %s cannot be used as a unary operator", e.Token)
	case jparse.ErrInfix:
		return "S0204", "Unknown operator: " + e.Token
	case jparse.ErrUnterminatedString:
		return "S0101", "String literal must be terminated by a matching quote"
	case jparse.ErrUnterminatedName:
		return "S0105", "Quoted property name must be terminated with a backquote (`)"
	case jparse.ErrUnterminatedRegex:
		return "S0302", "No terminating / in regular expression"
	case jparse.ErrEmptyRegex:
		return "S0301", "Empty regular expressions are not allowed"
	case jparse.ErrIllegalEscape:
		return "S0103", "Unsupported escape sequence: \\" + e.Hint
	case jparse.ErrIllegalEscapeHex:
		return "S0104", "The escape sequence \\u must be followed by 4 hex digits"
	case jparse.ErrNumberRange:
		return "S0102", "Number out of range: " + e.Token
	case jparse.ErrGroupPredicate:
		return "S0209", "A predicate cannot follow a grouping expression in a step"
	case jparse.ErrGroupGroup:
		return "S0210", "Each step can only have one grouping expression"
	case jparse.ErrPathLiteral:
		return "S0213", fmt.Sprintf("The literal value %s cannot be used as a step within a path expression", e.Hint)
	case jparse.ErrIllegalAssignment:
		return "S0212", "The left side of := must be a variable name (start with $)"
	case jparse.ErrIllegalParam:
		return "S0208", fmt.Sprintf("Parameter %s of function definition must be a variable name (start with $)", e.Token)
	}
	return "S0201", "Syntax error: " + e.Token
}
