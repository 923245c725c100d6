package asl

import "fmt"

// Predefined error names of the Amazon States Language.
const (
	ErrALL                       = "States.ALL"
	ErrTimeout                   = "States.Timeout"
	ErrHeartbeatTimeout          = "States.HeartbeatTimeout"
	ErrTaskFailed                = "States.TaskFailed"
	ErrPermissions               = "States.Permissions"
	ErrRuntime                   = "States.Runtime"
	ErrDataLimitExceeded         = "States.DataLimitExceeded"
	ErrBranchFailed              = "States.BranchFailed"
	ErrNoChoiceMatched           = "States.NoChoiceMatched"
	ErrIntrinsicFailure          = "States.IntrinsicFailure"
	ErrQueryEvaluationError      = "States.QueryEvaluationError"
	ErrItemReaderFailed          = "States.ItemReaderFailed"
	ErrResultWriterFailed        = "States.ResultWriterFailed"
	ErrExceedToleratedFailure    = "States.ExceedToleratedFailureThreshold"
	maxPayloadBytes              = 256 * 1024
	executionAbortedCause        = "execution aborted: context cancelled"
	executionTimedOutDescription = "execution timed out"
)

// failure is a state error on its way to Retry, Catch or the execution.
type failure struct {
	Error, Cause string
	// terminal failures (States.Runtime, States.DataLimitExceeded) end the
	// execution: AWS documents that States.ALL does not match them and
	// they are not retried.
	terminal bool
}

// output is the error output a Catch passes on; AWS binds an empty string
// for a missing Error or Cause.
func (f *failure) output() map[string]any {
	return map[string]any{"Error": f.Error, "Cause": f.Cause}
}

func runtimeFailure(format string, args ...any) *failure {
	return &failure{Error: ErrRuntime, Cause: fmt.Sprintf(format, args...), terminal: true}
}

// matches reports whether a Retry or Catch ErrorEquals list names f.
func matches(names []string, f *failure) bool {
	for _, n := range names {
		if n == f.Error {
			return true
		}
		if n == ErrALL && !f.terminal {
			return true
		}
		if n == ErrTaskFailed && f.Error != ErrTimeout && !f.terminal && isTaskError(f.Error) {
			return true
		}
	}
	return false
}

// isTaskError: States.TaskFailed matches any failure of a Task other than
// a timeout, i.e. every error not predefined by the language.
func isTaskError(name string) bool {
	switch name {
	case ErrRuntime, ErrDataLimitExceeded, ErrBranchFailed, ErrNoChoiceMatched,
		ErrIntrinsicFailure, ErrQueryEvaluationError, ErrHeartbeatTimeout, ErrTimeout:
		return false
	}
	return true
}
