package lambdalocal

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/imgprep/imgprep/statemachine/asl"
)

type RejectedError struct{ Msg string }

func (e *RejectedError) Error() string { return e.Msg }

const arn = "arn:aws:lambda:us-east-1:000000000000:function:f"

func TestInvokeLambda(t *testing.T) {
	type in struct{ N int }
	tests := []struct {
		name     string
		handler  any
		timeout  time.Duration
		payload  string
		want     string
		wantType string
	}{
		{"result", func(ctx context.Context, v in) (in, error) { return in{N: v.N + 1}, nil }, 0, `{"N":1}`, `{"N":2}`, ""},
		{"request id in context", func(ctx context.Context) (string, error) {
			lc, ok := lambdacontext.FromContext(ctx)
			if !ok || lc.AwsRequestID == "" {
				return "", errors.New("no lambda context")
			}
			return "ok", nil
		}, 0, `{}`, `"ok"`, ""},
		{"named error", func() error { return &RejectedError{Msg: "no"} }, 0, `{}`, "", "RejectedError"},
		{"wrapped error named by its outer type", func() error { return fmt.Errorf("ctx: %w", &RejectedError{}) }, 0, `{}`, "", "wrapError"},
		{"panic", func() error { panic("boom") }, 0, `{}`, "", "string"},
		{"panic with error", func() error { panic(&RejectedError{Msg: "x"}) }, 0, `{}`, "", "RejectedError"},
		{"timeout", func(ctx context.Context) error { <-ctx.Done(); time.Sleep(10 * time.Millisecond); return nil }, 20 * time.Millisecond, `{}`, "", "Sandbox.Timedout"},
		{"bad payload", func(v in) error { return nil }, 0, `[1,2]`, "", "UnmarshalTypeError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := New()
			inv.Register(arn, tt.handler, tt.timeout)
			out, err := inv.InvokeLambda(context.Background(), arn, []byte(tt.payload))
			if tt.wantType == "" {
				if err != nil {
					t.Fatalf("got error %v, want %s", err, tt.want)
				}
				if string(out) != tt.want {
					t.Fatalf("got %s, want %s", out, tt.want)
				}
				return
			}
			var fe *asl.LambdaFunctionError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v (%T), want a function error %s", err, err, tt.wantType)
			}
			if fe.ErrorType != tt.wantType {
				t.Errorf("error type: got %q, want %q (message %q)", fe.ErrorType, tt.wantType, fe.ErrorMessage)
			}
			if fe.RequestID == "" {
				t.Errorf("no request id")
			}
		})
	}
}

func TestInvokeUnknownFunction(t *testing.T) {
	inv := New()
	inv.Register(arn, func() error { return nil }, 0)
	_, err := inv.InvokeLambda(context.Background(), arn+"x", []byte(`{}`))
	var se *asl.LambdaServiceError
	if !errors.As(err, &se) || se.ErrorCode != "ResourceNotFoundException" {
		t.Fatalf("got %v, want ResourceNotFoundException", err)
	}
	if _, err := inv.InvokeLambda(context.Background(), arn+":$LATEST", []byte(`{}`)); err != nil {
		t.Fatalf("qualified ARN: got %v, want the unqualified function", err)
	}
}
