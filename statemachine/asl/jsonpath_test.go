package asl

import (
	"encoding/json"
	"reflect"
	"testing"
)

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPathGet(t *testing.T) {
	doc := `{"a":{"b-c":[10,20,30],"d e":1},"items":[{"n":1,"t":"x"},{"n":2,"t":"y"}],"q'k":5,"dq\"":6}`
	tests := []struct {
		path      string
		want      string
		wantFound bool
	}{
		{"$", doc, true},
		{"$.a.b-c", `[10,20,30]`, true},
		{"$.a.b-c[1]", `20`, true},
		{"$.a['d e']", `1`, true},
		{"$['q\\'k']", `5`, true},
		{`$['dq"']`, `6`, true},
		{"$.items[*].n", `[1,2]`, true},
		{"$.items[?(@.n > 1)].t", `["y"]`, true},
		{"$.items[-1:].t", `["y"]`, true},
		{"$..t", `["x","y"]`, true},
		{"$.missing", ``, false},
		{"$.a.b-c[7]", ``, false},
		{"$.missing[*]", `[]`, true},
	}
	root := mustJSON(t, doc)
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			p, err := compilePath(tc.path)
			if err != nil {
				t.Fatalf("compile: %v", err)
			}
			got, found := p.get(root)
			if found != tc.wantFound {
				t.Fatalf("found: got %v, want %v", found, tc.wantFound)
			}
			if found && !reflect.DeepEqual(got, mustJSON(t, tc.want)) {
				t.Errorf("got %v, want %s", got, tc.want)
			}
		})
	}
}

func TestPathRoots(t *testing.T) {
	tests := []struct {
		path     string
		root     pathRoot
		variable string
		norm     string
	}{
		{"$.a.b", rootInput, "", "$['a']['b']"},
		{"$$.Execution.Input", rootContext, "", "$['Execution']['Input']"},
		{"$myVar.field[0]", rootVariable, "myVar", "$['field'][0]"},
	}
	for _, tc := range tests {
		p, err := compilePath(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if p.root != tc.root || p.variable != tc.variable || p.normalized() != tc.norm {
			t.Errorf("%s: got root %d var %q norm %s, want %d %q %s", tc.path, p.root, p.variable, p.normalized(), tc.root, tc.variable, tc.norm)
		}
	}
	for _, bad := range []string{"a.b", "$.", "$[", "$9x"} {
		if _, err := compilePath(bad); err == nil {
			t.Errorf("%q: got no error, want one", bad)
		}
	}
}

func TestSetPathDoesNotMutate(t *testing.T) {
	in := mustJSON(t, `{"a":{"b":1,"keep":true},"list":[{"x":1}]}`)
	before, _ := json.Marshal(in)
	tests := []struct{ path, want string }{
		{"$.a.b", `{"a":{"b":"new","keep":true},"list":[{"x":1}]}`},
		{"$.a.c.d", `{"a":{"b":1,"keep":true,"c":{"d":"new"}},"list":[{"x":1}]}`},
		{"$.list[0].x", `{"a":{"b":1,"keep":true},"list":[{"x":"new"}]}`},
		{"$", `"new"`},
	}
	for _, tc := range tests {
		p, err := compilePath(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := setPath(in, p, "new")
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if !reflect.DeepEqual(got, mustJSON(t, tc.want)) {
			t.Errorf("%s: got %v, want %s", tc.path, got, tc.want)
		}
	}
	after, _ := json.Marshal(in)
	if string(before) != string(after) {
		t.Errorf("input changed: got %s, want %s", after, before)
	}
	p, _ := compilePath("$.a.b.c")
	if _, err := setPath(in, p, 1); err == nil {
		t.Error("setting a field of a number: got no error, want one")
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*.log", "a.log", true},
		{"*.log", "a.txt", false},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXcYYb", false},
		{`a\*`, "a*", true},
		{`a\*`, "ab", false},
		{`a\\b`, `a\b`, true},
		{"*", "", true},
		{"", "", true},
		{"é*", "éte", true},
	}
	for _, tc := range tests {
		if got := wildcardMatch(tc.pattern, tc.s); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q): got %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestRuntimeErrorJSON(t *testing.T) {
	fe := &LambdaFunctionError{ErrorType: "E", ErrorMessage: "héllo \"x\"", StackTrace: []string{"a", "b"}, RequestID: "r"}
	tests := []struct {
		compact bool
		want    string
	}{
		{false, `{"errorMessage": "h\u00e9llo \"x\"", "errorType": "E", "requestId": "r", "stackTrace": ["a", "b"]}`},
		{true, `{"errorMessage":"héllo \"x\"","errorType":"E","requestId":"r","stackTrace":["a","b"]}`},
	}
	for _, tc := range tests {
		if got := runtimeErrorJSON(fe, tc.compact); got != tc.want {
			t.Errorf("compact=%v: got %s, want %s", tc.compact, got, tc.want)
		}
	}
}
