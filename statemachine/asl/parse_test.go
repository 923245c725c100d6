package asl_test

import (
	"errors"
	"testing"

	"github.com/imgprep/imgprep/statemachine/asl"
)

func TestParseValidation(t *testing.T) {
	tests := []struct {
		name, def, wantPath string
	}{
		{"not json", `{`, ""},
		{"missing StartAt", `{"States":{"A":{"Type":"Succeed"}}}`, "/StartAt"},
		{"StartAt names nothing", `{"StartAt":"B","States":{"A":{"Type":"Succeed"}}}`, "/StartAt"},
		{"unknown type", `{"StartAt":"A","States":{"A":{"Type":"Nope"}}}`, "/States/A/Type"},
		{"Next names nothing", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Foo"}}}`, "/States/A/Next"},
		{"neither Next nor End", `{"StartAt":"A","States":{"A":{"Type":"Pass"}}}`, "/States/A"},
		{"Next on Succeed", `{"StartAt":"A","States":{"A":{"Type":"Succeed","Next":"A"}}}`, "/States/A/Next"},
		{"Task without Resource", `{"StartAt":"A","States":{"A":{"Type":"Task","End":true}}}`, "/States/A/Resource"},
		{"bad ResultPath", `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","End":true}}}`, "/States/A/ResultPath"},
		{"Retry on Pass", `{"StartAt":"A","States":{"A":{"Type":"Pass","Retry":[],"End":true}}}`, "/States/A/Retry"},
		{"bad BackoffRate", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:r","Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5}],"End":true}}}`, "/States/A/Retry/0/BackoffRate"},
		{"Catch Next names nothing", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:r","Catch":[{"ErrorEquals":["X"],"Next":"Z"}],"End":true}}}`, "/States/A/Catch/0/Next"},
		{"choice rule with two operators", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"IsString":true,"Next":"C"}]}}}`, "/States/C/Choices/0"},
		{"choice operand of the wrong type", `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"C"}]}}}`, "/States/C/Choices/0/NumericEquals"},
		{"Parameters in a JSONata state", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{},"End":true}}}`, "/States/A/Parameters"},
		{"Output in a JSONPath state", `{"StartAt":"A","States":{"A":{"Type":"Pass","Output":{},"End":true}}}`, "/States/A/Output"},
		{"Next inside a Map processor", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Next":"Out"}}},"End":true}}}`, "/States/M/ItemProcessor/States/I/Next"},
		{"States.ALL not last", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:r","Catch":[{"ErrorEquals":["States.ALL"],"Next":"A"},{"ErrorEquals":["X"],"Next":"A"}],"End":true}}}`, "/States/A/Catch/0/ErrorEquals"},
		{"heartbeat not below timeout", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:r","TimeoutSeconds":10,"HeartbeatSeconds":10,"End":true}}}`, "/States/A/HeartbeatSeconds"},
		{"resource not an ARN", `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"${Fn}","End":true}}}`, "/States/A/Resource"},
		{"unreachable state", `{"StartAt":"A","States":{"A":{"Type":"Succeed"},"B":{"Type":"Succeed"}}}`, "/States/B"},
		{"Error with ErrorPath", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","ErrorPath":"$.e"}}}`, "/States/F/ErrorPath"},
		{"ItemReader on an inline Map", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{},"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"End":true}}}`, "/States/M/ItemReader"},
		{"CSV GIVEN without headers", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN"}},"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"End":true}}}`, "/States/M/ItemReader/ReaderConfig/CSVHeaders"},
		{"Wait with two durations", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Timestamp":"2024-01-01T00:00:00Z","End":true}}}`, "/States/W"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := asl.Parse([]byte(tc.def))
			var ves asl.ValidationErrors
			if !errors.As(err, &ves) || len(ves) == 0 {
				t.Fatalf("got %v, want ValidationErrors", err)
			}
			for _, ve := range ves {
				if ve.Path == tc.wantPath {
					return
				}
			}
			t.Errorf("got %v, want an error at %q", err, tc.wantPath)
		})
	}
}

func TestParseAcceptsValid(t *testing.T) {
	def := `{"Comment":"ok","StartAt":"A","States":{
	 "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"Retry":[{"ErrorEquals":["States.ALL"],"JitterStrategy":"FULL","MaxDelaySeconds":10}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}],"Next":"C"},
	 "C":{"Type":"Choice","Choices":[{"And":[{"Variable":"$.a","IsPresent":true},{"Variable":"$.a","NumericGreaterThanPath":"$.b"}],"Next":"S"}],"Default":"F"},
	 "S":{"Type":"Succeed"},"F":{"Type":"Fail","Error":"E"}}}`
	if _, err := asl.Parse([]byte(def)); err != nil {
		t.Errorf("got %v, want no error", err)
	}
}

func TestParseChecksExpressions(t *testing.T) {
	tests := []struct {
		name, def, wantPath string
	}{
		{"bad path in Parameters", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":{"y.$":"a.b"}},"End":true}}}`, "/States/A/Parameters/x/y.$"},
		{"non-string .$ value", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"y.$":1},"End":true}}}`, "/States/A/Parameters/y.$"},
		{"broken intrinsic", `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"y.$":"States.Format('x'"},"End":true}}}`, "/States/A/Parameters/y.$"},
		{"bad variable name", `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"1x":1},"End":true}}}`, "/States/A/Assign/1x"},
		{"bad JSONata", `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"v":"{% $states.input.( %}"},"End":true}}}`, "/States/A/Output/v"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := asl.Parse([]byte(tc.def))
			var ves asl.ValidationErrors
			if !errors.As(err, &ves) {
				t.Fatalf("got %v, want ValidationErrors", err)
			}
			for _, ve := range ves {
				if ve.Path == tc.wantPath {
					return
				}
			}
			t.Errorf("got %v, want an error at %q", err, tc.wantPath)
		})
	}
}

func TestCheckType(t *testing.T) {
	m, err := asl.Parse([]byte(`{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
	 "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"I","States":{"I":{"Type":"Succeed"}}}}}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.CheckType("STANDARD"); err != nil {
		t.Errorf("STANDARD: got %v, want nil", err)
	}
	var ves asl.ValidationErrors
	if err := m.CheckType("EXPRESS"); !errors.As(err, &ves) || ves[0].Path != "/States/P/Branches/0/States/M/ItemProcessor/ProcessorConfig/Mode" {
		t.Errorf("EXPRESS: got %v, want an error at the Map's Mode", err)
	}
}
