package statemachine

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestIngestPlaceholdersAreTheFunctions(t *testing.T) {
	var want []string
	for _, f := range Functions {
		want = append(want, f.Substitution)
	}
	got := Placeholders(Ingest)
	wantSorted := append([]string(nil), want...)
	sort.Strings(wantSorted)
	if !reflect.DeepEqual(got, wantSorted) {
		t.Fatalf("ingest placeholders: got %v, want %v", got, wantSorted)
	}
}

func TestRender(t *testing.T) {
	subs := LocalSubstitutions("us-east-1", "000000000000")
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
