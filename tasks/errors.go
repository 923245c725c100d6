package tasks

// The error types below are the API between the handlers and the state
// machines: aws-lambda-go reports a returned error's Go type name as the
// Lambda errorType, and Step Functions matches Retry and Catch on it. Renaming
// a type breaks the ASL files; TestErrorNamesMatchDefinitions guards them.

// UnsupportedFormatError rejects an input whose content is not an image
// format imgprep reads (the key's extension is never consulted).
type UnsupportedFormatError struct{ Msg string }

// LimitExceededError rejects an input over a byte, pixel or frame limit,
// found from the object size or the image header before decoding.
type LimitExceededError struct{ Msg string }

// CorruptImageError rejects an input whose image data cannot be decoded:
// truncated, corrupt or inconsistent with its header.
type CorruptImageError struct{ Msg string }

// SourceNotFoundError: the input object no longer exists (deleted after the
// event). Not retried.
type SourceNotFoundError struct{ Msg string }

// SourceChangedError: the input object was overwritten after the event that
// started this job; the newer object has its own event. Not retried.
type SourceChangedError struct{ Msg string }

// OutputConflictError: the output key already holds the output of another
// input (two input keys mapped to one output key). Not retried.
type OutputConflictError struct{ Msg string }

// InvalidJobError: the job itself is malformed (missing fields, bad
// parameters). Not retried: the same input would fail the same way.
type InvalidJobError struct{ Msg string }

// TransientError: a fault that may pass on its own (throttling, timeouts,
// 5xx from S3). The state machines retry it with backoff.
type TransientError struct{ Msg string }

func (e *UnsupportedFormatError) Error() string { return e.Msg }
func (e *LimitExceededError) Error() string     { return e.Msg }
func (e *CorruptImageError) Error() string      { return e.Msg }
func (e *SourceNotFoundError) Error() string    { return e.Msg }
func (e *SourceChangedError) Error() string     { return e.Msg }
func (e *OutputConflictError) Error() string    { return e.Msg }
func (e *InvalidJobError) Error() string        { return e.Msg }
func (e *TransientError) Error() string         { return e.Msg }

// RejectionNames are the error names that mean "this input is not an image
// we accept", as opposed to a failure to process it. Quarantine records say
// "rejected" for these and "failed" for everything else.
var RejectionNames = []string{"UnsupportedFormatError", "LimitExceededError", "CorruptImageError"}

// RetryableNames are the error names the state machines retry.
var RetryableNames = []string{"TransientError"}

// ErrorNames lists every error name a handler can return, for tests that
// hold the ASL files to them.
var ErrorNames = []string{
	"UnsupportedFormatError", "LimitExceededError", "CorruptImageError",
	"SourceNotFoundError", "SourceChangedError", "OutputConflictError",
	"InvalidJobError", "TransientError",
}
