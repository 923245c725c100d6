package main

import (
	"strings"
	"testing"

	"github.com/imgprep/imgprep/statemachine"
	"github.com/imgprep/imgprep/tasks"
)

func lookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name     string
		context  map[string]string
		env      map[string]string
		want     func(*Config)
		wantErrs []string
	}{
		{name: "defaults", want: func(*Config) {}},
		{
			name:    "context",
			context: map[string]string{"stackName": "img-dev", "keyPrefix": "in/", "size": "64x32", "mode": "fill", "format": "jpeg", "memory": "1024", "destroy": "true", "alarmEmail": "a@b.c", "maxPixels": "1000"},
			want: func(c *Config) {
				c.StackName, c.KeyPrefix, c.GrayscaleMemoryMB, c.Destroy, c.AlarmEmail = "img-dev", "in/", 1024, true, "a@b.c"
				c.Params = tasks.Params{Width: 64, Height: 32, Mode: "fill", Format: "jpeg"}
				c.Limits.MaxPixels = 1000
			},
		},
		{
			name: "environment when the context is silent",
			env:  map[string]string{"IMGPREP_STACK_NAME": "from-env", tasks.EnvSize: "10x10", "IMGPREP_DESTROY": "1", "IMGPREP_ALARM_TOPIC_ARN": "arn:aws:sns:eu-west-1:1:t"},
			want: func(c *Config) {
				c.StackName, c.Destroy, c.AlarmTopicArn = "from-env", true, "arn:aws:sns:eu-west-1:1:t"
				c.Params.Width, c.Params.Height = 10, 10
			},
		},
		{
			name:    "context wins over environment",
			context: map[string]string{"stackName": "from-context"},
			env:     map[string]string{"IMGPREP_STACK_NAME": "from-env"},
			want:    func(c *Config) { c.StackName = "from-context" },
		},
		{
			name:     "every bad value reported",
			context:  map[string]string{"size": "big", "memory": "lots", "destroy": "maybe"},
			wantErrs: []string{"size", "memory", "destroy"},
		},
		{
			name:     "invalid combination",
			context:  map[string]string{"stackName": "1bad", "keyPrefix": "a b/", "mode": "squash", "memory": "128", "alarmTopicArn": "topic"},
			wantErrs: []string{"stack name", "key prefix", "mode", "memory 128", "alarm topic"},
		},
		{name: "prefix with an IAM wildcard", context: map[string]string{"keyPrefix": "in/*"}, wantErrs: []string{"key prefix"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(lookup(tt.context), lookup(tt.env))
			if tt.wantErrs != nil {
				if err == nil {
					t.Fatalf("got no error, want one naming %v", tt.wantErrs)
				}
				for _, w := range tt.wantErrs {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not name %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestConfigLimitsFilled(t *testing.T) {
	c := DefaultConfig()
	c.Limits.MaxFrames = 3
	l := c.limits()
	if l.MaxFrames != 3 || l.MaxBytes <= 0 || l.MaxPixels <= 0 {
		t.Errorf("got %+v, want MaxFrames 3 and imaging's defaults for the rest", l)
	}
}

func TestEventPattern(t *testing.T) {
	p, err := eventPattern(statemachine.IngestEventPattern("in", "a/"))
	if err != nil {
		t.Fatal(err)
	}
	if got := *(*p.Source)[0]; got != "aws.s3" {
		t.Errorf("source %q", got)
	}
	if got := *(*p.DetailType)[0]; got != "Object Created" {
		t.Errorf("detail-type %q", got)
	}
	if p.Detail == nil || (*p.Detail)["bucket"] == nil || (*p.Detail)["object"] == nil {
		t.Errorf("detail %v, want bucket and object", p.Detail)
	}
	for name, bad := range map[string]map[string]any{
		"unknown field":    {"sauce": []any{"x"}},
		"matcher at top":   {"source": []any{map[string]any{"prefix": "aws."}}},
		"detail not a map": {"detail": []any{"x"}},
		"list not a list":  {"source": "aws.s3"},
		"number in a list": {"account": []any{1.0}},
	} {
		if _, err := eventPattern(bad); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func TestExported(t *testing.T) {
	for in, want := range map[string]string{"validate": "Validate", "check": "Check", "": ""} {
		if got := exported(in); got != want {
			t.Errorf("exported(%q) = %q, want %q", in, got, want)
		}
	}
}
