package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/imgprep/imgprep/local/eventbus"
)

// TestRuleCannotMatchOwnWrites runs the synthesized rule's pattern through
// the event matcher the embedded stack uses, against S3 "Object Created"
// events of every object the pipeline writes (outputs, quarantine records,
// intermediates) and of uploads: only uploads to the input bucket, under the
// key prefix, may start a workflow.
func TestRuleCannotMatchOwnWrites(t *testing.T) {
	for _, s := range []*synth{defaults, custom} {
		t.Run(s.stack.Config.StackName, func(t *testing.T) {
			// Concrete bucket names for the template's Refs, as CloudFormation
			// would resolve them.
			names := map[string]string{inputBucket: "stack-inputbucket-1", outputBucket: "stack-outputbucket-2", scratchBucket: "stack-scratchbucket-3"}
			raw, err := json.Marshal(props(s.resources[s.lid(t, "rule")])["EventPattern"])
			if err != nil {
				t.Fatal(err)
			}
			pattern := string(raw)
			for role, name := range names {
				pattern = strings.ReplaceAll(pattern, `{"Ref":"`+s.lid(t, role)+`"}`, `"`+name+`"`)
			}
			if strings.Contains(pattern, `"Ref"`) {
				t.Fatalf("pattern still refers to a resource: %s", pattern)
			}
			p, err := eventbus.Compile([]byte(pattern))
			if err != nil {
				t.Fatalf("compile %s: %v", pattern, err)
			}
			prefix := s.stack.Config.KeyPrefix
			tests := []struct {
				bucket, key string
				want        bool
			}{
				{inputBucket, prefix + "photo.jpg", true},
				{inputBucket, prefix + "deep/dir/cat+photo.png", true},
				{outputBucket, "256x256-stretch/" + prefix + "photo.jpg.png", false},
				{outputBucket, "quarantine/" + prefix + "photo.jpg.json", false},
				{outputBucket, prefix + "photo.jpg", false},
				{scratchBucket, "intermediate/0123abcd/gray.raw", false},
				{scratchBucket, prefix + "photo.jpg", false},
			}
			if prefix != "" {
				tests = append(tests, struct {
					bucket, key string
					want        bool
				}{inputBucket, "elsewhere/photo.jpg", false})
			}
			for _, tt := range tests {
				for _, reason := range []string{"PutObject", "CopyObject", "CompleteMultipartUpload"} {
					ev := fmt.Sprintf(`{"version":"0","id":"1","detail-type":"Object Created","source":"aws.s3","account":"123456789012","time":"2026-11-25T22:00:00Z","region":"eu-west-1","resources":["arn:aws:s3:::%[1]s"],"detail":{"version":"0","bucket":{"name":"%[1]s"},"object":{"key":"%[2]s","size":1024,"etag":"e","sequencer":"1"},"request-id":"r","requester":"123456789012","reason":"%[3]s"}}`,
						names[tt.bucket], tt.key, reason)
					got, err := p.Match([]byte(ev))
					if err != nil {
						t.Fatal(err)
					}
					if got != tt.want {
						t.Errorf("%s s3://%s/%s (%s): matches %v, want %v", pattern, tt.bucket, tt.key, reason, got, tt.want)
					}
				}
			}
		})
	}
}
