package tasks

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/imgprep/imgprep/tasks/imaging"
)

// lambdaName names an error as aws-lambda-go does: its Go type, pointer
// stripped.
func lambdaName(err error) string {
	t := reflect.TypeOf(err)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

func TestErrorNamesAreTypeNames(t *testing.T) {
	all := []error{
		&UnsupportedFormatError{}, &LimitExceededError{}, &CorruptImageError{}, &SourceNotFoundError{},
		&SourceChangedError{}, &OutputConflictError{}, &InvalidJobError{}, &TransientError{},
	}
	var got []string
	for _, e := range all {
		got = append(got, lambdaName(e))
	}
	if !slices.Equal(got, ErrorNames) {
		t.Errorf("error type names: got %v, want ErrorNames %v", got, ErrorNames)
	}
	for _, n := range append(RejectionNames, RetryableNames...) {
		if !slices.Contains(ErrorNames, n) {
			t.Errorf("%s is not an error name", n)
		}
	}
}

func TestEdgeNamesEveryError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"imaging unsupported", fmt.Errorf("inspect: %w", &imaging.UnsupportedFormatError{}), "UnsupportedFormatError"},
		{"imaging limit", &imaging.LimitError{Limit: "pixels", Got: 10, Max: 1}, "LimitExceededError"},
		{"imaging corrupt", &imaging.CorruptError{Format: "png", Err: errors.New("short")}, "CorruptImageError"},
		{"s3 no such key", fmt.Errorf("get: %w", &smithy.GenericAPIError{Code: "NoSuchKey"}), "SourceNotFoundError"},
		{"s3 precondition", &smithy.GenericAPIError{Code: "PreconditionFailed"}, "SourceChangedError"},
		{"s3 slow down", &smithy.GenericAPIError{Code: "SlowDown"}, "TransientError"},
		{"already named, wrapped", fmt.Errorf("x: %w", &OutputConflictError{Msg: "taken"}), "OutputConflictError"},
		{"invalid job", invalidf("bad"), "InvalidJobError"},
		{"unknown", errors.New("something odd"), "TransientError"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := edge("op", tt.err)
			if n := lambdaName(got); n != tt.want {
				t.Errorf("got %s (%v), want %s", n, got, tt.want)
			}
			if got.Error() == "" || got.Error()[:4] != "op: " {
				t.Errorf("message %q does not start with the operation", got.Error())
			}
		})
	}
	if edge("op", nil) != nil {
		t.Error("edge(nil) is not nil")
	}
}

func TestOutputKey(t *testing.T) {
	p := Params{Width: 256, Height: 256, Mode: "stretch", Format: "png"}
	tests := []struct{ key, want string }{
		{"cat.jpg", "256x256-stretch/cat.jpg.png"},
		{"dir/cat.png", "256x256-stretch/dir/cat.png"},
		{"dir/CAT.PNG", "256x256-stretch/dir/CAT.PNG"},
		{"with space+plus%.gif", "256x256-stretch/with space+plus%.gif.png"},
		{"фото", "256x256-stretch/фото.png"},
	}
	for _, tt := range tests {
		if got := OutputKey(tt.key, p); got != tt.want {
			t.Errorf("OutputKey(%q): got %q, want %q", tt.key, got, tt.want)
		}
	}
	j := p
	j.Format, j.Mode, j.Width = "jpeg", "fit", 128
	if got, want := OutputKey("a.jpg", j), "128x256-fit/a.jpg"; got != want {
		t.Errorf("jpeg: got %q, want %q", got, want)
	}
}

func TestLoadConfig(t *testing.T) {
	env := map[string]string{EnvOutputBucket: "out", EnvScratchBucket: "tmp", EnvSize: "128x64", EnvMode: "fill", EnvFormat: "jpeg", EnvMaxPixels: "1000"}
	c, err := LoadConfig(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	want := Params{Width: 128, Height: 64, Mode: "fill", Format: "jpeg"}
	if c.Defaults != want || c.Limits.MaxPixels != 1000 || c.OutputBucket != "out" {
		t.Errorf("got %+v, want defaults %+v, max pixels 1000, bucket out", c, want)
	}
	bad := map[string]string{EnvSize: "big", EnvMode: "zoom", EnvMaxBytes: "x"}
	if _, err := LoadConfig(func(k string) (string, bool) { v, ok := bad[k]; return v, ok }); err == nil {
		t.Error("bad config: got nil error")
	}
}
