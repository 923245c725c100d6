package intrinsic

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// resolver resolves dotted paths against a JSON document: "$" and "$.a.b"
// against input, "$$.x" against ctx, "$name.x" against vars. It is enough for
// these tests; the engine brings the real JSONPath.
func resolver(t *testing.T, input, ctx string, vars map[string]any) func(string) (any, error) {
	t.Helper()
	var in, cx any
	mustJSON(t, input, &in)
	if ctx != "" {
		mustJSON(t, ctx, &cx)
	}
	return func(path string) (any, error) {
		var root any
		var rest string
		switch {
		case strings.HasPrefix(path, "$$"):
			root, rest = cx, path[2:]
		case path == "$" || strings.HasPrefix(path, "$."):
			root, rest = in, path[1:]
		default:
			name, tail, _ := strings.Cut(path[1:], ".")
			v, ok := vars[name]
			if !ok {
				return nil, fmt.Errorf("no variable %s", name)
			}
			root = v
			if tail != "" {
				rest = "." + tail
			}
		}
		cur := root
		for _, key := range strings.Split(strings.TrimPrefix(rest, "."), ".") {
			if key == "" {
				continue
			}
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("path %s not found", path)
			}
			if cur, ok = m[key]; !ok {
				return nil, fmt.Errorf("path %s not found", path)
			}
		}
		return cur, nil
	}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("bad test JSON %q: %v", s, err)
	}
}

func TestEval(t *testing.T) {
	tests := []struct {
		name  string
		expr  string
		input string
		want  string // JSON of the expected result
	}{
		// States.Format: developer guide example and AWS-recorded renderings.
		{"format doc example", `States.Format('Hello, my name is {}.', $.name)`, `{"name":"Arnav"}`, `"Hello, my name is Arnav."`},
		{"format template from path", `States.Format($.template, $.name)`, `{"name":"Arnav","template":"Hello, my name is {}."}`, `"Hello, my name is Arnav."`},
		{"format null", `States.Format('Formatting argument {}.', $.v)`, `{"v":null}`, `"Formatting argument null."`},
		{"format integer", `States.Format('{}', $.v)`, `{"v":1}`, `"1"`},
		{"format float", `States.Format('{}', $.v)`, `{"v":1.1}`, `"1.1"`},
		{"format bool", `States.Format('{} {}', true, false)`, `{}`, `"true false"`},
		{"format object like Java toString", `States.Format('{}', $.v)`, `{"v":{"Arg1":1,"Arg2":[]}}`, `"{Arg1=1, Arg2=[]}"`},
		{"format array", `States.Format('{}', $.v)`, `{"v":[1,"a",null]}`, `"[1, a, null]"`},
		{"format escapes", `States.Format('It\'s \{\} and \\ {}', 'x')`, `{}`, `"It's {} and \\ x"`},
		{"format no placeholders", `States.Format('plain')`, `{}`, `"plain"`},
		{"format json string arg kept", `States.Format('arg {}.', $.v)`, `{"v":"{\"Arg1\": 1, \"Arg2\": []}"}`, `"arg {\"Arg1\": 1, \"Arg2\": []}."`},

		// JSON manipulation.
		{"string to json object", `States.StringToJson($.s)`, `{"s":"{\"Arg1\": 1, \"Arg2\": []}"}`, `{"Arg1":1,"Arg2":[]}`},
		{"string to json empty is null", `States.StringToJson($.s)`, `{"s":""}`, `null`},
		{"string to json blank is null", `States.StringToJson($.s)`, `{"s":" "}`, `null`},
		{"string to json minus zero", `States.StringToJson($.s)`, `{"s":"-0"}`, `0`},
		{"string to json string", `States.StringToJson($.s)`, `{"s":"\"HelloWorld\""}`, `"HelloWorld"`},
		{"json to string compact", `States.JsonToString($.v)`, `{"v":{"a":[1,2.5,"<&>"],"b":null}}`, `"{\"a\":[1,2.5,\"<&>\"],\"b\":null}"`},
		{"json to string number", `States.JsonToString($.v)`, `{"v":10}`, `"10"`},
		{"json merge shallow", `States.JsonMerge($.a, $.b, false)`, `{"a":{"a":{"a1":1,"a2":2},"b":2,"d":3},"b":{"a":{"a3":1,"a4":2},"c":3,"d":4}}`, `{"a":{"a3":1,"a4":2},"b":2,"c":3,"d":4}`},

		// Arrays.
		{"array empty", `States.Array()`, `{}`, `[]`},
		{"array mixed", `States.Array('a', 1, $.id, null, true)`, `{"id":123456}`, `["a",1,123456,null,true]`},
		{"array partition", `States.ArrayPartition($.a, 4)`, `{"a":[1,2,3,4,5,6,7,8,9]}`, `[[1,2,3,4],[5,6,7,8],[9]]`},
		{"array partition empty", `States.ArrayPartition($.a, 2)`, `{"a":[]}`, `[]`},
		{"array partition bigger chunk", `States.ArrayPartition($.a, 5)`, `{"a":[0,1,2]}`, `[[0,1,2]]`},
		{"array contains", `States.ArrayContains($.a, $.v)`, `{"a":[1,2,3,4],"v":3}`, `true`},
		{"array contains object", `States.ArrayContains($.a, $.v)`, `{"a":[{"x":[1]}],"v":{"x":[1.0]}}`, `true`},
		{"array contains missing", `States.ArrayContains($.a, $.v)`, `{"a":[true],"v":false}`, `false`},
		{"array range", `States.ArrayRange(1, 9, 2)`, `{}`, `[1,3,5,7,9]`},
		{"array range not reaching end", `States.ArrayRange(0, 10, 3)`, `{}`, `[0,3,6,9]`},
		{"array range single", `States.ArrayRange(1, 9, 9)`, `{}`, `[1]`},
		{"array range descending", `States.ArrayRange(5, 1, -2)`, `{}`, `[5,3,1]`},
		{"array range wrong direction", `States.ArrayRange(1, 5, -1)`, `{}`, `[]`},
		{"array get item", `States.ArrayGetItem($.a, $.i)`, `{"a":[1,2,3,4,5,6,7,8,9],"i":5}`, `6`},
		{"array length", `States.ArrayLength($.a)`, `{"a":[1,2,3,4,5,6,7,8,9]}`, `9`},
		{"array unique", `States.ArrayUnique($.a)`, `{"a":[1,2,3,3,3,3,3,3,4]}`, `[1,2,3,4]`},
		{"array unique deep", `States.ArrayUnique($.a)`, `{"a":[null,null,[],[],{"a":1,"b":2},{"b":2,"a":1},0,-0,1.1]}`, `[null,[],{"a":1,"b":2},0,1.1]`},

		// Encoding and hashing: values from the developer guide.
		{"base64 encode", `States.Base64Encode($.s)`, `{"s":"Data to encode"}`, `"RGF0YSB0byBlbmNvZGU="`},
		{"base64 encode empty", `States.Base64Encode($.s)`, `{"s":""}`, `""`},
		{"base64 decode", `States.Base64Decode($.s)`, `{"s":"RGF0YSB0byBlbmNvZGU="}`, `"Data to encode"`},
		{"hash sha-1", `States.Hash($.s, 'SHA-1')`, `{"s":"input data"}`, `"aaff4a450a104cd177d28d18d74485e8cae074b7"`},
		{"hash md5", `States.Hash('abc', 'MD5')`, `{}`, `"900150983cd24fb0d6963f7d28e17f72"`},
		{"hash sha-256", `States.Hash('abc', 'SHA-256')`, `{}`, `"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"`},

		// Math.
		{"math add", `States.MathAdd($.v, $.step)`, `{"v":111,"step":-1}`, `110`},
		{"math add rounds half up", `States.MathAdd(1.49, 1.5)`, `{}`, `3`},
		{"math add rounds negative half toward +inf", `States.MathAdd(-1.49, -1.5)`, `{}`, `-2`},
		{"math add 1.5 and 1.51", `States.MathAdd(1.5, 1.51)`, `{}`, `4`},

		// Strings.
		{"string split one char", `States.StringSplit($.s, ',')`, `{"s":"1,2,3,4,5"}`, `["1","2","3","4","5"]`},
		{"string split char set", `States.StringSplit($.s, $.sep)`, `{"s":"This.is+a,test=string","sep":".+,="}`, `["This","is","a","test","string"]`},

		// Nesting, after the developer guide's nine-deep example (whose template
		// has one {} too many for its two values).
		{"nested", `States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))`,
			`{"ImageRecipe":{"Arn":"arn:aws:imagebuilder:us-east-1:111122223333:image-recipe/external-demo/1.0.0"}}`, `"1.0"`},
		{"whitespace", ` States.Array( 1 ,  'a' ) `, `{}`, `[1,"a"]`},
		{"escaped double quotes", `States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $.f, false)`, `{"f":{"k":1}}`, `{"constant_in_literal":"false","k":1}`},
		{"unknown escape kept", `States.Format('a\nb')`, `{}`, `"a\\nb"`},
		{"real newline in literal", "States.StringSplit('Hello\nWorld', '\n')", `{}`, `["Hello","World"]`},
		{"literal with comma and paren", `States.Array('a,b)', $.x)`, `{"x":2}`, `["a,b)",2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Eval(tt.expr, resolver(t, tt.input, "", nil))
			if err != nil {
				t.Fatalf("Eval(%s): %v", tt.expr, err)
			}
			var want any
			mustJSON(t, tt.want, &want)
			if !jsonEqual(got, want) || !reflect.DeepEqual(normalise(got), normalise(want)) {
				gotJSON, _ := marshal(got)
				t.Errorf("Eval(%s) = %s, want %s", tt.expr, gotJSON, tt.want)
			}
		})
	}
}

// normalise turns a value into its JSON form so DeepEqual compares types too
// (a []any result must not pass for a string).
func normalise(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func TestEvalPaths(t *testing.T) {
	res := resolver(t, `{"name":"Ana"}`, `{"Execution":{"Id":"arn:x"},"Map":{"Item":{"Value":"Pikachu"}}}`,
		map[string]any{"tmpl": "It's {}!", "obj": map[string]any{"f": "v"}})
	tests := []struct {
		expr string
		want any
	}{
		{`States.Format('{}', $$.Execution.Id)`, "arn:x"},
		{`States.Format($tmpl, $$.Map.Item.Value)`, "It's Pikachu!"},
		{`States.Format('{}', $obj.f)`, "v"},
		{`States.Format('{} {}', $, $.name)`, "{name=Ana} Ana"},
	}
	for _, tt := range tests {
		got, err := Eval(tt.expr, res)
		if err != nil || got != tt.want {
			t.Errorf("Eval(%s) = %v, %v; want %v", tt.expr, got, err, tt.want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	tests := []struct {
		expr  string
		input string
		cause string // regular expression the cause must match
	}{
		{`States.Format('{} {}', 1)`, `{}`, `2 placeholder.*1 value`},
		{`States.Format($.n)`, `{"n":1}`, `argument 1 to be a string, but got number 1`},
		{`States.StringToJson($.s)`, `{"s":"{bad"}`, `could not parse`},
		{`States.StringToJson(1)`, `{}`, `argument 1 to be a string`},
		{`States.ArrayPartition($.a, 0)`, `{"a":[1]}`, `greater than 0`},
		{`States.ArrayPartition($.a, 1.5)`, `{"a":[1]}`, `argument 2 to be an integer`},
		{`States.ArrayPartition('x', 1)`, `{}`, `argument 1 to be an array, but got string "x"`},
		{`States.ArrayRange(1, 5, 0)`, `{}`, `non-zero step`},
		{`States.ArrayRange(0, 1000, 1)`, `{}`, `1001 items, more than the maximum of 1000`},
		{`States.ArrayGetItem($.a, 3)`, `{"a":[1,2,3]}`, `index 3 is out of bounds`},
		{`States.ArrayGetItem($.a, -1)`, `{"a":[1,2,3]}`, `out of bounds`},
		{`States.ArrayLength()`, `{}`, `expects 1 argument\(s\), but got 0`},
		{`States.Base64Decode('!!')`, `{}`, `not valid base64`},
		{`States.Hash('x', 'SHA-3')`, `{}`, `does not support the algorithm "SHA-3"`},
		{`States.JsonMerge($.a, $.a, true)`, `{"a":{}}`, `only shallow`},
		{`States.JsonMerge($.a, 1, false)`, `{"a":{}}`, `argument 2 to be a JSON object`},
		{`States.MathAdd('1', 2)`, `{}`, `argument 1 to be a number`},
		{`States.MathRandom(5, 5)`, `{}`, `greater than the start`},
		{`States.UUID(1)`, `{}`, `expects 0 argument`},
		{`States.Nope(1)`, `{}`, `unknown function States.Nope`},
		{`States.Array('unterminated)`, `{}`, `unterminated string literal`},
		{`States.Array(1`, `{}`, `missing \)`},
		{`States.Array(1) x`, `{}`, `unexpected text`},
	}
	for _, tt := range tests {
		_, err := Eval(tt.expr, resolver(t, tt.input, "", nil))
		var ie *Error
		if !errors.As(err, &ie) {
			t.Errorf("Eval(%s) error = %v, want *Error", tt.expr, err)
			continue
		}
		if ie.Name != "States.IntrinsicFailure" {
			t.Errorf("Eval(%s) error name = %s, want States.IntrinsicFailure", tt.expr, ie.Name)
		}
		if prefix := "The function '" + tt.expr + "' had the following error: "; !strings.HasPrefix(ie.Cause, prefix) {
			t.Errorf("Eval(%s) cause = %q, want it to start %q", tt.expr, ie.Cause, prefix)
		}
		if !regexp.MustCompile(tt.cause).MatchString(ie.Cause) {
			t.Errorf("Eval(%s) cause = %q, want match for %q", tt.expr, ie.Cause, tt.cause)
		}
	}
}

// TestInputLimits checks the 10,000-character limit the developer guide sets
// for Base64Encode, Base64Decode and Hash, counted in characters, not bytes.
func TestInputLimits(t *testing.T) {
	long := strings.Repeat("a", 10000)
	wide := strings.Repeat("é", 10000) // 20,000 bytes, 10,000 characters
	tests := []struct {
		expr  string
		input string
		ok    bool
	}{
		{`States.Base64Encode($.s)`, long, true},
		{`States.Base64Encode($.s)`, wide, true},
		{`States.Base64Encode($.s)`, long + "a", false},
		{`States.Hash($.s, 'MD5')`, long, true},
		{`States.Hash($.s, 'MD5')`, long + "a", false},
		{`States.Base64Decode($.s)`, strings.Repeat("A", 10000), true},
		{`States.Base64Decode($.s)`, strings.Repeat("A", 10004), false},
	}
	for _, tt := range tests {
		_, err := Eval(tt.expr, func(string) (any, error) { return tt.input, nil })
		if ok := err == nil; ok != tt.ok {
			t.Errorf("Eval(%s) on %d characters: error %v, want success %v", tt.expr, len([]rune(tt.input)), err, tt.ok)
		}
	}
}

func TestResolveErrorIsRuntime(t *testing.T) {
	missing := errors.New(`The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`)
	resolve := func(path string) (any, error) {
		if path == "$.nope" {
			return nil, missing
		}
		return "x", nil
	}
	tests := []struct{ expr, cause string }{
		// Causes AWS was recorded giving (floci-io/floci AslExecutorIntrinsicMissingArgumentTest).
		{`States.Format('{}', $.nope)`, `The function 'States.Format('{}', $.nope)' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`},
		{`States.Format('{}',$.nope)`, `The function 'States.Format('{}',$.nope)' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`},
		{`States.Format('{}', States.Format('{}', $.nope))`, `The function 'States.Format('{}', States.Format('{}', $.nope))' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{"other":1}'`},
	}
	for _, tt := range tests {
		_, err := Eval(tt.expr, resolve)
		var ie *Error
		if !errors.As(err, &ie) {
			t.Fatalf("Eval(%s) error = %v, want *Error", tt.expr, err)
		}
		if ie.Name != "States.Runtime" || ie.Cause != tt.cause {
			t.Errorf("Eval(%s) = %s / %q, want States.Runtime / %q", tt.expr, ie.Name, ie.Cause, tt.cause)
		}
		if !errors.Is(err, missing) {
			t.Errorf("Eval(%s) error does not wrap the resolver's error", tt.expr)
		}
	}
}

func TestRandomAndUUID(t *testing.T) {
	res := resolver(t, `{}`, "", nil)
	for i := 0; i < 200; i++ {
		v, err := Eval(`States.MathRandom(1, 4)`, res)
		if err != nil {
			t.Fatal(err)
		}
		if f := v.(float64); f < 1 || f >= 4 || f != float64(int(f)) {
			t.Fatalf("MathRandom(1, 4) = %v, want an integer in [1, 4)", f)
		}
	}
	a, _ := Eval(`States.MathRandom(0, 1000000, 7)`, res)
	b, _ := Eval(`States.MathRandom(0, 1000000, 7)`, res)
	if a != b {
		t.Errorf("seeded MathRandom gave %v then %v, want the same number", a, b)
	}
	u1, _ := Eval(`States.UUID()`, res)
	u2, _ := Eval(`States.UUID()`, res)
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if !re.MatchString(u1.(string)) || u1 == u2 {
		t.Errorf("UUID() = %v then %v, want two different v4 UUIDs", u1, u2)
	}
}

func TestIsIntrinsic(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{`States.Format('{}', $.x)`, true},
		{`States.UUID()`, true},
		{` States.Array($) `, true},
		{`$.States`, false},
		{`$.x`, false},
		{`States.`, false},
		{`States.Format`, false},
		{`States.Format('x'`, false},
		{`States.ALL`, false},
	}
	for _, tt := range tests {
		if got := IsIntrinsic(tt.s); got != tt.want {
			t.Errorf("IsIntrinsic(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}

func TestConcurrentEval(t *testing.T) {
	res := resolver(t, `{"a":[1,2,3]}`, "", nil)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				v, err := Eval(`States.ArrayLength($.a)`, res)
				if err != nil || v != 3.0 {
					t.Errorf("ArrayLength = %v, %v; want 3", v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkEvalFormat(b *testing.B) {
	res := func(string) (any, error) { return "world", nil }
	for b.Loop() {
		if _, err := Eval(`States.Format('Hello, {}!', $.name)`, res); err != nil {
			b.Fatal(err)
		}
	}
}
