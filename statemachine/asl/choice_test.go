package asl_test

import (
	"fmt"
	"testing"
)

// choiceDef wraps one rule in a Choice state whose branches report which
// way it went.
func choiceDef(rule string) string {
	return fmt.Sprintf(`{"StartAt":"C","States":{
	 "C":{"Type":"Choice","Choices":[%s],"Default":"No"},
	 "Yes":{"Type":"Pass","Result":"yes","End":true},
	 "No":{"Type":"Pass","Result":"no","End":true}}}`, rule)
}

// Operators and semantics from the "Choice workflow state" page of the
// developer guide: a value of the wrong type never matches; *Path variants
// compare with another input field.
func TestChoiceOperators(t *testing.T) {
	tests := []struct {
		rule, input string
		want        bool
	}{
		{`{"Variable":"$.v","StringEquals":"a","Next":"Yes"}`, `{"v":"a"}`, true},
		{`{"Variable":"$.v","StringEquals":"a","Next":"Yes"}`, `{"v":1}`, false},
		{`{"Variable":"$.v","StringLessThan":"b","Next":"Yes"}`, `{"v":"a"}`, true},
		{`{"Variable":"$.v","StringGreaterThanEquals":"b","Next":"Yes"}`, `{"v":"b"}`, true},
		{`{"Variable":"$.v","StringEqualsPath":"$.w","Next":"Yes"}`, `{"v":"x","w":"x"}`, true},
		{`{"Variable":"$.v","StringMatches":"log-*.txt","Next":"Yes"}`, `{"v":"log-2024.txt"}`, true},
		{`{"Variable":"$.v","StringMatches":"log-*.txt","Next":"Yes"}`, `{"v":"log-2024.csv"}`, false},
		{`{"Variable":"$.v","StringMatches":"a\\*b","Next":"Yes"}`, `{"v":"a*b"}`, true},
		{`{"Variable":"$.v","StringMatches":"a\\*b","Next":"Yes"}`, `{"v":"axb"}`, false},
		{`{"Variable":"$.v","NumericEquals":1,"Next":"Yes"}`, `{"v":1.0}`, true},
		{`{"Variable":"$.v","NumericEquals":1,"Next":"Yes"}`, `{"v":"1"}`, false},
		{`{"Variable":"$.v","NumericLessThan":1,"Next":"Yes"}`, `{"v":0.5}`, true},
		{`{"Variable":"$.v","NumericGreaterThanPath":"$.w","Next":"Yes"}`, `{"v":2,"w":1}`, true},
		{`{"Variable":"$.v","NumericLessThanEquals":1,"Next":"Yes"}`, `{"v":1}`, true},
		{`{"Variable":"$.v","BooleanEquals":true,"Next":"Yes"}`, `{"v":true}`, true},
		{`{"Variable":"$.v","BooleanEquals":true,"Next":"Yes"}`, `{"v":"true"}`, false},
		{`{"Variable":"$.v","TimestampEquals":"2001-01-01T12:00:00Z","Next":"Yes"}`, `{"v":"2001-01-01T13:00:00+01:00"}`, true},
		{`{"Variable":"$.v","TimestampLessThan":"2001-01-01T12:00:00Z","Next":"Yes"}`, `{"v":"2000-12-31T12:00:00Z"}`, true},
		{`{"Variable":"$.v","TimestampGreaterThan":"2001-01-01T12:00:00Z","Next":"Yes"}`, `{"v":"not a date"}`, false},
		{`{"Variable":"$.v","IsNull":true,"Next":"Yes"}`, `{"v":null}`, true},
		{`{"Variable":"$.v","IsPresent":false,"Next":"Yes"}`, `{}`, true},
		{`{"Variable":"$.v","IsPresent":true,"Next":"Yes"}`, `{"v":null}`, true},
		{`{"Variable":"$.v","IsNumeric":true,"Next":"Yes"}`, `{"v":"1"}`, false},
		{`{"Variable":"$.v","IsString":true,"Next":"Yes"}`, `{"v":"1"}`, true},
		{`{"Variable":"$.v","IsBoolean":false,"Next":"Yes"}`, `{"v":0}`, true},
		{`{"Variable":"$.v","IsTimestamp":true,"Next":"Yes"}`, `{"v":"2016-03-14T01:59:00Z"}`, true},
		{`{"Variable":"$.v","IsTimestamp":true,"Next":"Yes"}`, `{"v":"2016-03-14 01:59:00Z"}`, false},
		{`{"And":[{"Variable":"$.v","NumericGreaterThanEquals":20},{"Variable":"$.v","NumericLessThan":30}],"Next":"Yes"}`, `{"v":25}`, true},
		{`{"Or":[{"Variable":"$.v","StringEquals":"a"},{"Variable":"$.v","StringEquals":"b"}],"Next":"Yes"}`, `{"v":"b"}`, true},
		{`{"Not":{"Variable":"$.type","StringEquals":"Private"},"Next":"Yes"}`, `{"type":"Public"}`, true},
		{`{"Variable":"$$.Execution.Input.v","NumericEquals":3,"Next":"Yes"}`, `{"v":3}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.rule+" "+tc.input, func(t *testing.T) {
			want := `"no"`
			if tc.want {
				want = `"yes"`
			}
			wantOutput(t, run(t, nil, choiceDef(tc.rule), tc.input), want)
		})
	}
}

func TestChoiceFailures(t *testing.T) {
	tests := []struct {
		name, def, input, wantErr string
	}{
		{"no match and no default",
			`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.v","IsNull":true,"Next":"E"}]},"E":{"Type":"Succeed"}}}`,
			`{"v":1}`, "States.NoChoiceMatched"},
		{"missing variable",
			choiceDef(`{"Variable":"$.missing","StringEquals":"a","Next":"Yes"}`),
			`{}`, "States.Runtime"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, run(t, nil, tc.def, tc.input), tc.wantErr)
		})
	}
}

func TestChoiceJSONata(t *testing.T) {
	def := `{"QueryLanguage":"JSONata","StartAt":"C","States":{
	 "C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 10 %}","Next":"Big","Output":{"size":"big"}}],"Default":"Small","Output":{"size":"small"}},
	 "Big":{"Type":"Succeed"},"Small":{"Type":"Succeed"}}}`
	wantOutput(t, run(t, nil, def, `{"n":11}`), `{"size":"big"}`)
	wantOutput(t, run(t, nil, def, `{"n":1}`), `{"size":"small"}`)
}
