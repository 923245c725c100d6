package stack

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/imgprep/imgprep/statemachine"
	"github.com/imgprep/imgprep/tasks"
)

// TestErrorNamesMatchDefinitions: every error name the workflows' Retry and
// Catch match is one the handlers can return (or an AWS name), the retried
// ones are the retryable ones, and the first Catch lists the rejections.
func TestErrorNamesMatchDefinitions(t *testing.T) {
	for name, def := range map[string][]byte{"ingest": statemachine.Ingest, "reprocess": statemachine.Reprocess} {
		var doc any
		if err := json.Unmarshal(def, &doc); err != nil {
			t.Fatal(err)
		}
		seen := 0
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if v["Type"] == "Task" {
					if res, _ := v["Resource"].(string); strings.Contains(res, "Validate") || strings.Contains(res, "Grayscale") || strings.Contains(res, "Resize") {
						catches, _ := v["Catch"].([]any)
						first := catches[0].(map[string]any)["ErrorEquals"].([]any)
						var got []string
						for _, n := range first {
							got = append(got, n.(string))
						}
						if !slices.Equal(got, tasks.RejectionNames) {
							t.Errorf("%s %s: first Catch %v, want the rejections %v", name, res, got, tasks.RejectionNames)
						}
					}
					for _, key := range []string{"Retry", "Catch"} {
						list, _ := v[key].([]any)
						for _, r := range list {
							for _, n := range r.(map[string]any)["ErrorEquals"].([]any) {
								s := n.(string)
								seen++
								aws := strings.HasPrefix(s, "States.") || strings.HasPrefix(s, "Lambda.") || strings.HasPrefix(s, "Sandbox.")
								if !aws && !slices.Contains(tasks.ErrorNames, s) {
									t.Errorf("%s: %s matches %q, which no handler returns", name, key, s)
								}
								if key == "Retry" && !aws && !slices.Contains(tasks.RetryableNames, s) {
									t.Errorf("%s: retries %q, which is not retryable", name, s)
								}
							}
						}
					}
				}
				for _, c := range v {
					walk(c)
				}
			case []any:
				for _, c := range v {
					walk(c)
				}
			}
		}
		walk(doc)
		if seen == 0 {
			t.Errorf("%s: found no Retry or Catch", name)
		}
	}
}
