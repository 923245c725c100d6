package lambdalocal

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/google/uuid"

	"github.com/imgprep/imgprep/statemachine/asl"
)

// DefaultTimeout is used for functions registered without one (Lambda's own
// default is 3 s; ours is longer because local machines are slower than a
// tuned function and the runs are interactive).
const DefaultTimeout = 60 * time.Second

type function struct {
	handler lambda.Handler
	timeout time.Duration
}

// Invoker maps function ARNs to in-process handlers.
type Invoker struct {
	mu        sync.RWMutex
	functions map[string]function
}

var _ asl.LambdaInvoker = (*Invoker)(nil)

// New returns an empty Invoker.
func New() *Invoker { return &Invoker{functions: map[string]function{}} }

// Register makes handler (any form lambda.NewHandler takes) answer for arn.
// A zero timeout means DefaultTimeout.
func (i *Invoker) Register(arn string, handler any, timeout time.Duration) {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.functions[arn] = function{handler: lambda.NewHandler(handler), timeout: timeout}
}

// InvokeLambda runs the handler registered for functionARN with payload.
// Function errors come back as *asl.LambdaFunctionError; a missing function
// as the service's ResourceNotFoundException.
func (i *Invoker) InvokeLambda(ctx context.Context, functionARN string, payload []byte) ([]byte, error) {
	// A qualified ARN (":$LATEST", ":alias") names the same local function.
	i.mu.RLock()
	fn, ok := i.functions[functionARN]
	if !ok {
		fn, ok = i.functions[unqualified(functionARN)]
	}
	i.mu.RUnlock()
	if !ok {
		return nil, &asl.LambdaServiceError{StatusCode: 404, ErrorCode: "ResourceNotFoundException", Message: "Function not found: " + functionARN}
	}

	requestID := uuid.NewString()
	deadline := time.Now().Add(fn.timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: requestID, InvokedFunctionArn: functionARN})

	type outcome struct {
		out []byte
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- outcome{err: panicError(p, requestID)}
			}
		}()
		out, err := fn.handler.Invoke(ctx, payload)
		done <- outcome{out: out, err: err}
	}()

	select {
	case o := <-done:
		if o.err != nil {
			return nil, functionError(o.err, requestID)
		}
		return o.out, nil
	case <-ctx.Done():
		if ctx.Err() == context.DeadlineExceeded {
			return nil, &asl.LambdaFunctionError{
				ErrorType:    "Sandbox.Timedout",
				ErrorMessage: fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", requestID, fn.timeout.Seconds()),
				RequestID:    requestID,
			}
		}
		return nil, ctx.Err()
	}
}

func unqualified(arn string) string {
	// arn:aws:lambda:region:account:function:name[:qualifier]
	parts := strings.Split(arn, ":")
	if len(parts) == 8 {
		return strings.Join(parts[:7], ":")
	}
	return arn
}

// functionError names err as the Go runtime does (aws-lambda-go
// lambda/errors.go): an explicit messages.InvokeResponse_Error keeps its
// type, any other error is named by its Go type without the pointer.
func functionError(err error, requestID string) error {
	if fe, ok := err.(*asl.LambdaFunctionError); ok {
		return fe // a recovered panic, already named
	}
	if ie, ok := err.(messages.InvokeResponse_Error); ok {
		return &asl.LambdaFunctionError{ErrorType: ie.Type, ErrorMessage: ie.Message, RequestID: requestID}
	}
	if ie, ok := err.(*messages.InvokeResponse_Error); ok {
		return &asl.LambdaFunctionError{ErrorType: ie.Type, ErrorMessage: ie.Message, RequestID: requestID}
	}
	return &asl.LambdaFunctionError{ErrorType: typeName(err), ErrorMessage: err.Error(), RequestID: requestID}
}

func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

func panicError(p any, requestID string) error {
	msg := fmt.Sprint(p)
	if err, ok := p.(error); ok {
		msg = err.Error()
	}
	var stack []string
	for _, line := range strings.Split(strings.TrimSpace(string(debug.Stack())), "\n") {
		stack = append(stack, strings.TrimSpace(line))
	}
	return &asl.LambdaFunctionError{ErrorType: typeName(p), ErrorMessage: msg, StackTrace: stack, RequestID: requestID}
}
