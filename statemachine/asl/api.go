package asl

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// LambdaInvoker runs a Lambda function. A function error (the handler
// returned or raised one) is reported as *LambdaFunctionError; a failure of
// the service itself as *LambdaServiceError; any other error is treated as a
// Lambda service fault (see Engine docs for the names).
type LambdaInvoker interface {
	InvokeLambda(ctx context.Context, functionARN string, payload []byte) ([]byte, error)
}

// LambdaFunctionError is a function error as the Lambda runtime reports it.
// The engine names the state error ErrorType and builds the Cause from the
// runtime's error JSON {"errorMessage","errorType","requestId","stackTrace"}.
type LambdaFunctionError struct {
	ErrorType    string
	ErrorMessage string
	StackTrace   []string
	RequestID    string // generated when empty
}

func (e *LambdaFunctionError) Error() string {
	return fmt.Sprintf("lambda function error %s: %s", e.ErrorType, e.ErrorMessage)
}

// LambdaServiceError is an error from the Lambda service (not the function),
// such as ResourceNotFoundException for an unknown function. The state error
// is named "Lambda." + ErrorCode, as Step Functions names AWS SDK errors of
// service integrations.
type LambdaServiceError struct {
	StatusCode int    // HTTP status, e.g. 404
	ErrorCode  string // e.g. "ResourceNotFoundException"
	Message    string // e.g. "Function not found: arn:...:$LATEST"
	RequestID  string // generated when empty
}

func (e *LambdaServiceError) Error() string {
	return fmt.Sprintf("lambda service error %s (%d): %s", e.ErrorCode, e.StatusCode, e.Message)
}

// S3Object is one object of a ListObjectsV2 page, with the fields a
// Distributed Map item has.
type S3Object struct {
	Key          string
	Etag         string
	LastModified time.Time
	Size         int64
	StorageClass string
}

// ListPage is one page of ListObjectsV2.
type ListPage struct {
	Objects   []S3Object
	NextToken string
}

// S3Client is what Distributed Map ItemReader and ResultWriter need.
type S3Client interface {
	ListObjectsV2(ctx context.Context, bucket, prefix, continuationToken string, maxKeys int) (ListPage, error)
	GetObject(ctx context.Context, bucket, key string) ([]byte, error)
	PutObject(ctx context.Context, bucket, key string, body []byte) error
}

// Clock is the engine's view of time, so tests can run Wait and Retry
// delays without sleeping.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Engine runs state machines. Its zero value runs machines that use no
// Lambda or S3 resources, on real time, in region us-east-1 and account
// 123456789012.
type Engine struct {
	Lambda  LambdaInvoker
	S3      S3Client
	Clock   Clock // nil: real time
	Region  string
	Account string
}

// ExecutionOptions names an execution and lets callers watch it.
type ExecutionOptions struct {
	StateMachineARN string // default arn:aws:states:<region>:<account>:stateMachine:<Name or "local">
	Name            string // execution name; default a random UUID
	Type            string // STANDARD (default) or EXPRESS
	// Listener is called for every history event as it is recorded, from
	// the goroutine that records it (Parallel and Map run goroutines).
	Listener func(HistoryEvent)
	// ChildExecution, when set, receives each Distributed Map child
	// execution (its own ARN and history) when it ends; AWS keeps those
	// histories apart from the parent's, and so does the engine.
	ChildExecution func(mapRunARN string, child Result)
}

// HistoryEvent is one event of GetExecutionHistory.
type HistoryEvent struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            string         // AWS HistoryEventType, e.g. TaskStateEntered
	Details         map[string]any // the AWS *EventDetails object
	DetailsKey      string         // e.g. "stateEnteredEventDetails"
}

// MarshalJSON renders the event as GetExecutionHistory does.
func (e HistoryEvent) MarshalJSON() ([]byte, error) {
	m := map[string]any{
		"id":              e.ID,
		"previousEventId": e.PreviousEventID,
		"timestamp":       e.Timestamp.UTC().Format(time.RFC3339Nano),
		"type":            e.Type,
	}
	if e.DetailsKey != "" {
		m[e.DetailsKey] = e.Details
	}
	return json.Marshal(m)
}

// Execution statuses.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Result is the outcome of one execution.
type Result struct {
	ExecutionARN string
	Status       string
	Output       json.RawMessage // SUCCEEDED only
	Error, Cause string          // FAILED, TIMED_OUT, ABORTED
	History      []HistoryEvent
	Start, Stop  time.Time
}

// ValidationError is a problem in a definition, at a JSON-pointer-like path
// of the offending field such as /States/Foo/Next.
type ValidationError struct {
	Path    string
	Message string
}

func (e *ValidationError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationErrors is every problem Parse found, in definition order.
type ValidationErrors []*ValidationError

func (es ValidationErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid state machine definition: " + strings.Join(parts, "; ")
}
