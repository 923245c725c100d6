package statemachine

import "encoding/json"

// IngestEventPattern is the EventBridge pattern that starts the ingest
// workflow: S3 "Object Created" events of the input bucket, optionally only
// under keyPrefix. The AWS rule (infra) and the local bus both use it, so what
// triggers a run is defined in one place. Outputs, scratch objects and
// quarantine records live in other buckets, so they can never match.
//
// Event keys are URL-encoded (see package s3event); a prefix with characters
// that encoding changes must be given encoded.
func IngestEventPattern(inputBucket, keyPrefix string) map[string]any {
	object := map[string]any{}
	detail := map[string]any{
		"bucket": map[string]any{"name": []any{inputBucket}},
	}
	if keyPrefix != "" {
		object["key"] = []any{map[string]any{"prefix": keyPrefix}}
		detail["object"] = object
	}
	return map[string]any{
		"source":      []any{"aws.s3"},
		"detail-type": []any{"Object Created"},
		"detail":      detail,
	}
}

// IngestEventPatternJSON is IngestEventPattern as JSON.
func IngestEventPatternJSON(inputBucket, keyPrefix string) []byte {
	b, err := json.Marshal(IngestEventPattern(inputBucket, keyPrefix))
	if err != nil {
		panic(err) // only maps, slices and strings: cannot fail
	}
	return b
}
