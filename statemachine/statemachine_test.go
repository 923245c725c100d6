package statemachine

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestPlaceholdersAreTheFunctions(t *testing.T) {
	var all []string
	for _, f := range Functions {
		all = append(all, f.Substitution)
	}
	sort.Strings(all)
	ingestOnly := slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == "CheckFunctionArn" || s == "SummarizeFunctionArn" })
	all = append(all, OutputBucketSubstitution)
	sort.Strings(all)
	for _, tt := range []struct {
		name string
		def  []byte
		want []string
	}{{"ingest", Ingest, ingestOnly}, {"reprocess", Reprocess, all}} {
		if got := Placeholders(tt.def); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s placeholders: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestChainsCannotDrift: the reprocess machine runs exactly the ingest
// chain — every state after Describe, with its Retry, Catch and Quarantine —
// inside its Chain branch.
func TestChainsCannotDrift(t *testing.T) {
	var ingest, reprocess map[string]any
	if err := json.Unmarshal(Ingest, &ingest); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(Reprocess, &reprocess); err != nil {
		t.Fatal(err)
	}
	chain := ingest["States"].(map[string]any)
	want := map[string]any{}
	for name, st := range chain {
		if name != "Describe" {
			want[name] = st
		}
	}
	if got := chain["Describe"].(map[string]any)["Next"]; got != "Validate" {
		t.Fatalf("ingest Describe goes to %v, want Validate", got)
	}
	branch := dig(t, reprocess, "States", "Reprocess", "ItemProcessor", "States", "Each", "ItemProcessor", "States", "Chain", "Branches")
	b := branch.([]any)[0].(map[string]any)
	if b["StartAt"] != "Validate" {
		t.Errorf("reprocess chain starts at %v, want Validate", b["StartAt"])
	}
	if got := b["States"].(map[string]any); !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("reprocess chain differs from ingest:\ngot  %s\nwant %s", g, w)
	}
}

func dig(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %s in definition", p)
		}
		v = m[p]
	}
	return v
}

func TestRender(t *testing.T) {
	subs := LocalSubstitutions("us-east-1", "000000000000", "out")
	out, err := Render(Ingest, subs)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "${") {
		t.Fatalf("rendered definition still has a placeholder")
	}
	var def map[string]any
	if err := json.Unmarshal(out, &def); err != nil {
		t.Fatalf("rendered definition is not JSON: %v", err)
	}
	got := def["States"].(map[string]any)["Validate"].(map[string]any)["Resource"]
	if want := "arn:aws:lambda:us-east-1:000000000000:function:imgprep-validate"; got != want {
		t.Errorf("Validate resource: got %v, want %v", got, want)
	}

	if _, err := Render([]byte(`{"a":"${Missing}"}`), subs); err == nil || !strings.Contains(err.Error(), "Missing") {
		t.Errorf("missing substitution: got error %v, want one naming Missing", err)
	}
}

func TestIngestEventPattern(t *testing.T) {
	tests := []struct {
		name, prefix string
		want         string
	}{
		{"whole bucket", "", `{"detail":{"bucket":{"name":["in"]}},"detail-type":["Object Created"],"source":["aws.s3"]}`},
		{"prefix", "uploads/", `{"detail":{"bucket":{"name":["in"]},"object":{"key":[{"prefix":"uploads/"}]}},"detail-type":["Object Created"],"source":["aws.s3"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(IngestEventPatternJSON("in", tt.prefix)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
