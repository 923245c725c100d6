package tasks

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/imgprep/imgprep/tasks/imaging"
)

// edge turns any error from inside a handler into one of the named types in
// errors.go, keeping the message, so that Step Functions sees a stable name.
func edge(op string, err error) error {
	if err == nil {
		return nil
	}
	msg := op + ": " + err.Error()
	if named := ours(err, msg); named != nil {
		return named
	}

	var imgUnsupported *imaging.UnsupportedFormatError
	var imgLimit *imaging.LimitError
	var imgCorrupt *imaging.CorruptError
	switch {
	case errors.As(err, &imgUnsupported):
		return &UnsupportedFormatError{Msg: msg}
	case errors.As(err, &imgLimit):
		return &LimitExceededError{Msg: msg}
	case errors.As(err, &imgCorrupt):
		return &CorruptImageError{Msg: msg}
	}
	if isTransient(err) {
		return &TransientError{Msg: msg}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchKey", "NotFound", "NoSuchBucket":
			return &SourceNotFoundError{Msg: msg}
		case "PreconditionFailed":
			return &SourceChangedError{Msg: msg}
		}
	}
	// Anything unknown is treated as transient: a bounded number of retries
	// costs little, and the Catch still quarantines it afterwards.
	return &TransientError{Msg: msg}
}

// ours returns err renamed with msg when it already is one of the named
// types, else nil.
func ours(err error, msg string) error {
	switch {
	case errors.As(err, new(*UnsupportedFormatError)):
		return &UnsupportedFormatError{Msg: msg}
	case errors.As(err, new(*LimitExceededError)):
		return &LimitExceededError{Msg: msg}
	case errors.As(err, new(*CorruptImageError)):
		return &CorruptImageError{Msg: msg}
	case errors.As(err, new(*SourceNotFoundError)):
		return &SourceNotFoundError{Msg: msg}
	case errors.As(err, new(*SourceChangedError)):
		return &SourceChangedError{Msg: msg}
	case errors.As(err, new(*OutputConflictError)):
		return &OutputConflictError{Msg: msg}
	case errors.As(err, new(*InvalidJobError)):
		return &InvalidJobError{Msg: msg}
	case errors.As(err, new(*TransientError)):
		return &TransientError{Msg: msg}
	}
	return nil
}

func isTransient(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		switch code := resp.HTTPStatusCode(); {
		case code == http.StatusTooManyRequests, code >= 500:
			return true
		}
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed", "InternalError", "ServiceUnavailable":
			return true
		}
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

func invalidf(format string, args ...any) error {
	return &InvalidJobError{Msg: fmt.Sprintf(format, args...)}
}
