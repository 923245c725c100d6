package asl_test

import (
	"strings"
	"testing"
	"time"
)

// Cases follow the examples of the AWS Step Functions developer guide
// ("Processing input and output", "Pass", "Choice", "Fail", "Map",
// "Parallel" and "Variables" pages).
func TestPassAndPaths(t *testing.T) {
	tests := []struct {
		name, def, input, want string
	}{
		{"result replaces input",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x-datum":0.381018,"y-datum":622.2269926397355},"End":true}}}`,
			`{"georefOf":"Home"}`, `{"x-datum":0.381018,"y-datum":622.2269926397355}`},
		{"result path adds to input",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.coords","End":true}}}`,
			`{"georefOf":"Home"}`, `{"georefOf":"Home","coords":{"x":1}}`},
		{"result path null keeps input",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"x":1},"ResultPath":null,"End":true}}}`,
			`{"a":1}`, `{"a":1}`},
		{"result path creates nested objects",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"v","ResultPath":"$.a.b.c","End":true}}}`,
			`{}`, `{"a":{"b":{"c":"v"}}}`},
		{"input and output path",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.lambda","OutputPath":"$.data","End":true}}}`,
			`{"comment":"x","lambda":{"data":{"who":"AWS"}}}`, `{"who":"AWS"}`},
		{"input path null gives empty object",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":null,"End":true}}}`,
			`{"a":1}`, `{}`},
		{"parameters with paths, context and literals",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"flagged":true,"parts":{"first.$":"$.vals[0]","last3.$":"$.vals[-3:]"},"name.$":"$$.State.Name","dash.$":"$.delivery-partner"},"End":true}}}`,
			`{"vals":[1,2,3,4,5],"delivery-partner":"UQS"}`,
			`{"flagged":true,"parts":{"first":1,"last3":[3,4,5]},"name":"P","dash":"UQS"}`},
		{"filter expression",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"big.$":"$.items[?(@.n > 1)].n"},"End":true}}}`,
			`{"items":[{"n":1},{"n":2},{"n":3}]}`, `{"big":[2,3]}`},
		{"wildcard over nothing is an empty list",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.missing[*].x"},"End":true}}}`,
			`{}`, `{"v":[]}`},
		{"literal strings without .$ stay literal",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"p":"$.a","f":"States.Format('x')"},"End":true}}}`,
			`{"a":1}`, `{"p":"$.a","f":"States.Format('x')"}`},
		{"intrinsic function",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('Hello, {}!', $.name)"},"End":true}}}`,
			`{"name":"World"}`, `{"greeting":"Hello, World!"}`},
		{"succeed applies input and output path",
			`{"StartAt":"S","States":{"S":{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}}}`,
			`{"a":{"b":7}}`, `7`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, run(t, nil, tc.def, tc.input), tc.want)
		})
	}
}

func TestPathFailures(t *testing.T) {
	tests := []struct {
		name, def, input, wantErr, causeHas string
	}{
		{"missing parameter path",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"$.nope"},"End":true}}}`,
			`{}`, "States.Runtime", "The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{}'"},
		{"missing input path quotes the entered event",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.nope","End":true}}}`,
			`{}`, "States.Runtime", "(entered at the event id #2). Invalid path '$.nope' : No results for path: $['nope']"},
		{"payload over 256 KiB",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}{}{}{}', $.s, $.s, $.s, $.s)"},"End":true}}}`,
			`{"s":"` + strings.Repeat("a", 70000) + `"}`, "States.DataLimitExceeded", "'P' returned a result with a size exceeding"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, nil, tc.def, tc.input)
			wantError(t, res, tc.wantErr)
			if !strings.Contains(res.Cause, tc.causeHas) {
				t.Errorf("cause: got %q, want it to contain %q", res.Cause, tc.causeHas)
			}
		})
	}
}

func TestFail(t *testing.T) {
	tests := []struct {
		name, def, input, wantErr, wantCause string
	}{
		{"literal", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"ErrorA","Cause":"Kaiju attack"}}}`, `{}`, "ErrorA", "Kaiju attack"},
		{"empty", `{"StartAt":"F","States":{"F":{"Type":"Fail"}}}`, `{}`, "", ""},
		{"paths", `{"StartAt":"F","States":{"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}}}`, `{"e":"E1","c":"C1"}`, "E1", "C1"},
		{"intrinsic cause", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","CausePath":"States.Format('n={}', $.n)"}}}`, `{"n":3}`, "E", "n=3"},
		{"jsonata", `{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% 'E' & $states.input.n %}","Cause":"plain"}}}`, `{"n":3}`, "E3", "plain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, nil, tc.def, tc.input)
			wantError(t, res, tc.wantErr)
			if res.Cause != tc.wantCause {
				t.Errorf("cause: got %q, want %q", res.Cause, tc.wantCause)
			}
		})
	}
}

func TestParallelAndMap(t *testing.T) {
	tests := []struct {
		name, def, input, want string
	}{
		{"parallel keeps branch order",
			`{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			 {"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
			 {"StartAt":"B","States":{"B":{"Type":"Pass","InputPath":"$.x","End":true}}}]}}}`,
			`{"x":2}`, `["a",2]`},
		{"inline map with item selector and context",
			`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
			 "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"ResultPath":"$.out","End":true}}}`,
			`{"items":["a","b"],"k":1}`, `{"items":["a","b"],"k":1,"out":[{"i":0,"v":"a","k":1},{"i":1,"v":"b","k":1}]}`},
		{"map concurrency 1 and result selector",
			`{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"Iterator":{"StartAt":"I","States":{"I":{"Type":"Pass","Parameters":{"d.$":"States.MathAdd($, 1)"},"End":true}}},"ResultSelector":{"n.$":"States.ArrayLength($)"},"End":true}}}`,
			`[1,2,3]`, `{"n":3}`},
		{"jsonata map items and output",
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Output":"{% $states.input * 10 %}","End":true}}},"Output":"{% $sum($states.result) %}","End":true}}}`,
			`{"xs":[1,2,3]}`, `60`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, run(t, nil, tc.def, tc.input), tc.want)
		})
	}
}

func TestVariables(t *testing.T) {
	tests := []struct {
		name, def, input, want string
	}{
		{"assign then read with $name",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"who.$":"$.name","n":1},"Next":"B"},"B":{"Type":"Pass","Parameters":{"who.$":"$who","n.$":"$n"},"End":true}}}`,
			`{"name":"ann"}`, `{"who":"ann","n":1}`},
		{"assign sees old values, not the ones it sets",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"B"},"B":{"Type":"Pass","Assign":{"x":2,"old.$":"$x"},"Next":"C"},"C":{"Type":"Pass","Parameters":{"x.$":"$x","old.$":"$old"},"End":true}}}`,
			`{}`, `{"x":2,"old":1}`},
		{"map iterations read outer variables and do not leak theirs",
			`{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"k":5,"inner":"outer"},"Next":"M"},
			 "M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"inner":"changed"},"Parameters":{"k.$":"$k"},"End":true}}},"Next":"C"},
			 "C":{"Type":"Pass","Parameters":{"inner.$":"$inner","r.$":"$"},"End":true}}}`,
			`[1,2]`, `{"inner":"outer","r":[{"k":5},{"k":5}]}`},
		{"jsonata assign and $states",
			`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"total":"{% $sum($states.input.xs) %}"},"Next":"B"},"B":{"Type":"Pass","Output":{"t":"{% $total %}","name":"{% $states.context.State.Name %}"},"End":true}}}`,
			`{"xs":[1,2]}`, `{"t":3,"name":"B"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantOutput(t, run(t, nil, tc.def, tc.input), tc.want)
		})
	}
}

func TestFailingBranchStopsSiblings(t *testing.T) {
	defs := map[string]string{
		"parallel": `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
		 {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1000,"End":true}}},
		 {"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Broken"}}}]}}}`,
		"map": `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"C","States":{
		 "C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":1,"Next":"F"}],"Default":"W"},
		 "W":{"Type":"Wait","Seconds":1000,"End":true},"F":{"Type":"Fail","Error":"Broken"}}}}}}`,
	}
	for name, def := range defs {
		t.Run(name, func(t *testing.T) {
			done := make(chan struct{})
			go func() {
				defer close(done)
				wantError(t, run(t, nil, def, `[0,1]`), "Broken")
			}()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the waiting sibling was not stopped")
			}
		})
	}
}

func TestExpressionErrors(t *testing.T) {
	tests := []struct {
		name, def, wantErr, causeHas string
	}{
		{"jsonata error names the field",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"x":"{% $nope(1) %}"},"End":true}}}`,
			"States.QueryEvaluationError", "(entered at the event id #2). The JSONata expression '$nope(1)' specified for the field 'Output/x'"},
		{"jsonata items of the wrong type",
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.n %}","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"End":true}}}`,
			"States.QueryEvaluationError", "returned an unexpected result type. Expected 'array', but was 'number' for value: 3"},
		{"intrinsic failure",
			`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"States.StringToJson($.s)"},"End":true}}}`,
			"States.IntrinsicFailure", "(entered at the event id #2)"},
		{"intrinsic failure is catchable in a Map",
			`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.xs","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Parameters":{"x.$":"States.StringToJson($)"},"End":true}}},"Catch":[{"ErrorEquals":["States.IntrinsicFailure"],"Next":"F"}],"End":true},"F":{"Type":"Fail","Error":"Caught"}}}`,
			"Caught", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, nil, tc.def, `{"n":3,"s":"{not json","xs":["{bad"]}`)
			wantError(t, res, tc.wantErr)
			if !strings.Contains(res.Cause, tc.causeHas) {
				t.Errorf("cause: got %q, want it to contain %q", res.Cause, tc.causeHas)
			}
		})
	}
}
