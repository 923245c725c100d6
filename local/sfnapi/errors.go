package sfnapi

import "fmt"

// Error is a Step Functions API error: Code is the exception name AWS
// returns in "__type" (and the SDK turns into a typed error), Message its
// text. Callers test for a code with errors.Is against the Err* values.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	if e.Message == "" {
		return "sfn: " + e.Code
	}
	return "sfn: " + e.Code + ": " + e.Message
}

// Is matches another *Error with the same code, so
// errors.Is(err, ErrExecutionDoesNotExist) holds whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// The codes this package returns, named as in the Step Functions API
// reference (and as types in aws-sdk-go-v2/service/sfn/types).
var (
	ErrExecutionAlreadyExists       = &Error{Code: "ExecutionAlreadyExists"}
	ErrExecutionDoesNotExist        = &Error{Code: "ExecutionDoesNotExist"}
	ErrStateMachineDoesNotExist     = &Error{Code: "StateMachineDoesNotExist"}
	ErrStateMachineAlreadyExists    = &Error{Code: "StateMachineAlreadyExists"}
	ErrStateMachineTypeNotSupported = &Error{Code: "StateMachineTypeNotSupported"}
	ErrInvalidArn                   = &Error{Code: "InvalidArn"}
	ErrInvalidDefinition            = &Error{Code: "InvalidDefinition"}
	ErrInvalidExecutionInput        = &Error{Code: "InvalidExecutionInput"}
	ErrInvalidName                  = &Error{Code: "InvalidName"}
	ErrInvalidToken                 = &Error{Code: "InvalidToken"}
	ErrValidation                   = &Error{Code: "ValidationException"}
)

func apiErr(base *Error, format string, args ...any) *Error {
	return &Error{Code: base.Code, Message: fmt.Sprintf(format, args...)}
}
