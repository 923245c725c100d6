package asl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Query languages.
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// Machine is a parsed and validated state machine (or the body of a
// Parallel branch or Map processor, which share its shape).
type Machine struct {
	Comment        string
	StartAt        string
	States         map[string]*State
	QueryLanguage  string // as declared at the top, JSONPath by default
	TimeoutSeconds int    // 0: none
	raw            map[string]any
}

// State is one state of a Machine. Fields the engine reads on every
// transition are decoded here; the rest stay in raw.
type State struct {
	Name          string
	Type          string
	QueryLanguage string // effective: the state's own or the machine's
	Next          string
	End           bool
	Resource      string

	inputPath, outputPath, resultPath optPath
	parameters, resultSelector        opt
	result                            opt
	arguments, output                 opt
	assign                            opt

	Retry []*Retrier
	Catch []*Catcher

	Choices []*ChoiceRule
	Default string

	Branches  []*Machine
	Processor *Machine // Map ItemProcessor or Iterator

	raw map[string]any
}

// opt is an optional JSON field: present or not, whatever its value.
type opt struct {
	set bool
	v   any
}

// optPath is an optional path field that may be null.
type optPath struct {
	set  bool
	null bool
	path *aslPath
}

// Retrier is one entry of Retry.
type Retrier struct {
	ErrorEquals     []string
	IntervalSeconds float64
	MaxAttempts     int
	BackoffRate     float64
	MaxDelaySeconds float64 // 0: no cap
	JitterStrategy  string  // FULL or NONE
}

// Catcher is one entry of Catch.
type Catcher struct {
	ErrorEquals []string
	Next        string
	resultPath  optPath
	output      opt
	assign      opt
}

// ChoiceRule is a Choice rule or a nested boolean expression.
type ChoiceRule struct {
	Variable  string
	Operator  string // comparison operator name, e.g. StringEquals; "" for And/Or/Not/Condition
	Operand   any
	And, Or   []*ChoiceRule
	Not       *ChoiceRule
	Condition any // JSONata
	Next      string
	assign    opt
	output    opt
	varPath   *aslPath
	opPath    *aslPath // for *Path operators
}

var comparisonOps = map[string]string{ // operator -> operand kind
	"StringEquals": "string", "StringEqualsPath": "path",
	"StringLessThan": "string", "StringLessThanPath": "path",
	"StringGreaterThan": "string", "StringGreaterThanPath": "path",
	"StringLessThanEquals": "string", "StringLessThanEqualsPath": "path",
	"StringGreaterThanEquals": "string", "StringGreaterThanEqualsPath": "path",
	"StringMatches": "string",
	"NumericEquals": "number", "NumericEqualsPath": "path",
	"NumericLessThan": "number", "NumericLessThanPath": "path",
	"NumericGreaterThan": "number", "NumericGreaterThanPath": "path",
	"NumericLessThanEquals": "number", "NumericLessThanEqualsPath": "path",
	"NumericGreaterThanEquals": "number", "NumericGreaterThanEqualsPath": "path",
	"BooleanEquals": "boolean", "BooleanEqualsPath": "path",
	"TimestampEquals": "string", "TimestampEqualsPath": "path",
	"TimestampLessThan": "string", "TimestampLessThanPath": "path",
	"TimestampGreaterThan": "string", "TimestampGreaterThanPath": "path",
	"TimestampLessThanEquals": "string", "TimestampLessThanEqualsPath": "path",
	"TimestampGreaterThanEquals": "string", "TimestampGreaterThanEqualsPath": "path",
	"IsNull": "boolean", "IsPresent": "boolean", "IsNumeric": "boolean",
	"IsString": "boolean", "IsBoolean": "boolean", "IsTimestamp": "boolean",
}

var stateTypes = map[string]bool{
	"Pass": true, "Task": true, "Choice": true, "Wait": true, "Succeed": true,
	"Fail": true, "Parallel": true, "Map": true,
}

// Parse decodes and validates a definition. Problems come back as
// ValidationErrors, each naming the path of the offending field.
func Parse(def []byte) (*Machine, error) {
	var raw any
	dec := json.NewDecoder(bytes.NewReader(def))
	if err := dec.Decode(&raw); err != nil {
		return nil, ValidationErrors{{Path: "", Message: "definition is not valid JSON: " + err.Error()}}
	}
	if dec.More() {
		return nil, ValidationErrors{{Path: "", Message: "definition has data after its JSON object"}}
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, ValidationErrors{{Path: "", Message: "definition must be a JSON object"}}
	}
	p := &parser{}
	ql := JSONPath
	if v, ok := obj["QueryLanguage"]; ok {
		s, _ := v.(string)
		if s != JSONPath && s != JSONata {
			p.errf("/QueryLanguage", "must be %q or %q", JSONPath, JSONata)
		} else {
			ql = s
		}
	}
	m := p.machine(obj, "", ql, true)
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return m, nil
}

type parser struct {
	errs ValidationErrors
}

func (p *parser) errf(path, format string, args ...any) {
	p.errs = append(p.errs, &ValidationError{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (p *parser) machine(obj map[string]any, at, ql string, top bool) *Machine {
	m := &Machine{QueryLanguage: ql, States: map[string]*State{}, raw: obj}
	m.Comment, _ = obj["Comment"].(string)
	if v, ok := obj["TimeoutSeconds"]; ok && top {
		n, ok := v.(float64)
		if !ok || n < 0 || n != float64(int(n)) {
			p.errf(at+"/TimeoutSeconds", "must be a non-negative integer")
		}
		m.TimeoutSeconds = int(n)
	}
	start, ok := obj["StartAt"].(string)
	if !ok {
		p.errf(at+"/StartAt", "is required and must be a string")
	}
	m.StartAt = start
	states, ok := obj["States"].(map[string]any)
	if !ok {
		p.errf(at+"/States", "is required and must be an object")
		return m
	}
	if len(states) == 0 {
		p.errf(at+"/States", "must contain at least one state")
	}
	names := make([]string, 0, len(states))
	for n := range states {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		sp := at + "/States/" + n
		if len(n) > 80 {
			p.errf(sp, "state name longer than 80 characters")
		}
		so, ok := states[n].(map[string]any)
		if !ok {
			p.errf(sp, "must be an object")
			continue
		}
		m.States[n] = p.state(n, so, sp, ql)
	}
	if start != "" {
		if _, ok := m.States[start]; !ok {
			p.errf(at+"/StartAt", "names a state that does not exist: %q", start)
		}
	}
	p.reachable(m, names, at)
	for _, n := range names {
		st := m.States[n]
		if st == nil {
			continue
		}
		sp := at + "/States/" + n
		p.target(m, st.Next, sp+"/Next")
		p.target(m, st.Default, sp+"/Default")
		for i, c := range st.Catch {
			p.target(m, c.Next, fmt.Sprintf("%s/Catch/%d/Next", sp, i))
		}
		for i, r := range st.Choices {
			p.target(m, r.Next, fmt.Sprintf("%s/Choices/%d/Next", sp, i))
		}
	}
	return m
}

// reachable reports states no transition leads to, which AWS rejects.
func (p *parser) reachable(m *Machine, names []string, at string) {
	seen := map[string]bool{}
	queue := []string{m.StartAt}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		st, ok := m.States[n]
		if !ok || seen[n] {
			continue
		}
		seen[n] = true
		queue = append(queue, st.Next, st.Default)
		for _, c := range st.Catch {
			queue = append(queue, c.Next)
		}
		for _, r := range st.Choices {
			queue = append(queue, r.Next)
		}
	}
	for _, n := range names {
		if m.States[n] != nil && !seen[n] && m.StartAt != "" {
			if _, ok := m.States[m.StartAt]; ok {
				p.errf(at+"/States/"+n, "state is not reachable from StartAt")
			}
		}
	}
}

func (p *parser) target(m *Machine, name, path string) {
	if name == "" {
		return
	}
	if _, ok := m.States[name]; !ok {
		p.errf(path, "names a state that does not exist: %q", name)
	}
}

var jsonPathOnly = []string{"InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "ItemsPath",
	"SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath", "HeartbeatSecondsPath",
	"MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "Iterator"}
var jsonataOnly = []string{"Arguments", "Output", "Items"}

func (p *parser) state(name string, o map[string]any, at, machineQL string) *State {
	st := &State{Name: name, raw: o, QueryLanguage: machineQL}
	st.Type, _ = o["Type"].(string)
	if !stateTypes[st.Type] {
		p.errf(at+"/Type", "unknown state type %q", o["Type"])
		return st
	}
	if v, ok := o["QueryLanguage"]; ok {
		s, _ := v.(string)
		switch {
		case s != JSONPath && s != JSONata:
			p.errf(at+"/QueryLanguage", "must be %q or %q", JSONPath, JSONata)
		case s == JSONPath && machineQL == JSONata:
			p.errf(at+"/QueryLanguage", "cannot be JSONPath when the state machine's QueryLanguage is JSONata")
		default:
			st.QueryLanguage = s
		}
	}
	if st.QueryLanguage == JSONata {
		for _, f := range jsonPathOnly {
			if _, ok := o[f]; ok {
				p.errf(at+"/"+f, "is not supported in JSONata states; use Arguments, Output or Assign")
			}
		}
	} else {
		for _, f := range jsonataOnly {
			if _, ok := o[f]; ok {
				p.errf(at+"/"+f, "is only supported in JSONata states")
			}
		}
	}
	terminal := st.Type == "Succeed" || st.Type == "Fail" || st.Type == "Choice"
	next, hasNext := o["Next"]
	end, _ := o["End"].(bool)
	if hasNext {
		s, ok := next.(string)
		if !ok {
			p.errf(at+"/Next", "must be a string")
		}
		st.Next = s
		if terminal {
			p.errf(at+"/Next", "is not allowed in a %s state", st.Type)
		}
	}
	st.End = end
	if !terminal {
		if hasNext && end {
			p.errf(at+"/End", "cannot be true when Next is set")
		}
		if !hasNext && !end {
			p.errf(at, "must have Next or End: true")
		}
	}
	st.inputPath = p.optPath(o, "InputPath", at)
	st.outputPath = p.optPath(o, "OutputPath", at)
	st.resultPath = p.optPath(o, "ResultPath", at)
	if st.resultPath.set && !st.resultPath.null && st.resultPath.path != nil {
		if st.resultPath.path.root != rootInput || !st.resultPath.path.definite {
			p.errf(at+"/ResultPath", "must be a reference path into the state input")
		}
	}
	st.parameters = optField(o, "Parameters")
	st.resultSelector = optField(o, "ResultSelector")
	st.result = optField(o, "Result")
	st.arguments = optField(o, "Arguments")
	st.output = optField(o, "Output")
	st.assign = optField(o, "Assign")
	if st.assign.set {
		if _, ok := st.assign.v.(map[string]any); !ok {
			p.errf(at+"/Assign", "must be an object")
		}
	}
	switch st.Type {
	case "Task":
		st.Resource, _ = o["Resource"].(string)
		if st.Resource == "" {
			p.errf(at+"/Resource", "is required and must be a string")
		} else if !strings.HasPrefix(st.Resource, "arn:") {
			p.errf(at+"/Resource", "must be an ARN, got %q", st.Resource)
		}
		p.checkTimeouts(o, at)
	case "Choice":
		p.choice(st, o, at)
	case "Parallel":
		br, ok := o["Branches"].([]any)
		if !ok || len(br) == 0 {
			p.errf(at+"/Branches", "is required and must be a non-empty array")
		}
		for i, b := range br {
			bo, ok := b.(map[string]any)
			if !ok {
				p.errf(fmt.Sprintf("%s/Branches/%d", at, i), "must be an object")
				continue
			}
			st.Branches = append(st.Branches, p.machine(bo, fmt.Sprintf("%s/Branches/%d", at, i), p.innerQL(bo, st.QueryLanguage, fmt.Sprintf("%s/Branches/%d", at, i)), false))
		}
	case "Map":
		key := "ItemProcessor"
		proc, ok := o[key].(map[string]any)
		if !ok {
			key = "Iterator"
			proc, ok = o[key].(map[string]any)
		}
		if !ok {
			p.errf(at+"/ItemProcessor", "is required and must be an object")
		} else {
			st.Processor = p.machine(proc, at+"/"+key, p.innerQL(proc, st.QueryLanguage, at+"/"+key), false)
			p.mapConfig(o, proc, at, key)
		}
	case "Fail":
		for _, f := range []string{"Error", "Cause"} {
			if _, ok := o[f]; ok {
				if _, ok := o[f+"Path"]; ok {
					p.errf(at+"/"+f+"Path", "cannot be set together with %s", f)
				}
			}
		}
	case "Wait":
		n := 0
		for _, f := range []string{"Seconds", "Timestamp", "SecondsPath", "TimestampPath"} {
			if _, ok := o[f]; ok {
				n++
			}
		}
		if n != 1 {
			p.errf(at, "a Wait state needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath")
		}
	}
	p.checkExpressions(st, o, at)
	if st.Type == "Task" || st.Type == "Parallel" || st.Type == "Map" {
		st.Retry = p.retriers(o, at)
		st.Catch = p.catchers(o, at, st.QueryLanguage)
	} else {
		for _, f := range []string{"Retry", "Catch"} {
			if _, ok := o[f]; ok {
				p.errf(at+"/"+f, "is not allowed in a %s state", st.Type)
			}
		}
	}
	return st
}

// checkTimeouts applies the documented rules: TimeoutSeconds and
// HeartbeatSeconds are positive integers (or their Path forms, not both),
// and a heartbeat shorter than the timeout.
func (p *parser) checkTimeouts(o map[string]any, at string) {
	var vals [2]float64
	for i, f := range []string{"TimeoutSeconds", "HeartbeatSeconds"} {
		_, hasPath := o[f+"Path"]
		v, has := o[f]
		if has && hasPath {
			p.errf(at+"/"+f, "cannot be set together with %sPath", f)
		}
		if !has {
			continue
		}
		if _, isExpr := jsonataExpr(v); isExpr {
			continue
		}
		n, ok := v.(float64)
		if !ok || n <= 0 || n != float64(int64(n)) {
			p.errf(at+"/"+f, "must be a positive integer")
			continue
		}
		vals[i] = n
	}
	if vals[0] > 0 && vals[1] > 0 && vals[1] >= vals[0] {
		p.errf(at+"/HeartbeatSeconds", "must be smaller than TimeoutSeconds")
	}
}

// mapConfig checks the Map fields whose values are enumerations.
func (p *parser) mapConfig(o, proc map[string]any, at, key string) {
	cfg, _ := proc["ProcessorConfig"].(map[string]any)
	mode, _ := cfg["Mode"].(string)
	if v, ok := cfg["Mode"]; ok && v != "INLINE" && v != "DISTRIBUTED" {
		p.errf(at+"/"+key+"/ProcessorConfig/Mode", "must be INLINE or DISTRIBUTED")
	}
	if v, ok := cfg["ExecutionType"]; ok && v != "STANDARD" && v != "EXPRESS" {
		p.errf(at+"/"+key+"/ProcessorConfig/ExecutionType", "must be STANDARD or EXPRESS")
	}
	if mode != "DISTRIBUTED" {
		for _, f := range []string{"ItemReader", "ItemBatcher", "ResultWriter"} {
			if _, ok := o[f]; ok {
				p.errf(at+"/"+f, "is only supported by a Distributed Map (ProcessorConfig Mode DISTRIBUTED)")
			}
		}
		return
	}
	r, ok := o["ItemReader"].(map[string]any)
	if !ok {
		return
	}
	switch res, _ := r["Resource"].(string); res {
	case s3ListObjectsV2:
	case s3GetObject:
		rc, _ := r["ReaderConfig"].(map[string]any)
		switch it, _ := rc["InputType"].(string); it {
		case "JSON", "JSONL":
		case "CSV":
			if loc, _ := rc["CSVHeaderLocation"].(string); loc == "GIVEN" {
				if hs, ok := rc["CSVHeaders"].([]any); !ok || len(hs) == 0 {
					p.errf(at+"/ItemReader/ReaderConfig/CSVHeaders", "is required when CSVHeaderLocation is GIVEN")
				}
			} else if loc != "FIRST_ROW" {
				p.errf(at+"/ItemReader/ReaderConfig/CSVHeaderLocation", "must be FIRST_ROW or GIVEN")
			}
		default:
			p.errf(at+"/ItemReader/ReaderConfig/InputType", "must be JSON, JSONL or CSV for s3:getObject (the local engine reads no MANIFEST or PARQUET)")
		}
	default:
		p.errf(at+"/ItemReader/Resource", "must be %s or %s", s3ListObjectsV2, s3GetObject)
	}
}

// innerQL is the query language of a branch or processor: its own
// top-level QueryLanguage, else the enclosing state's.
func (p *parser) innerQL(o map[string]any, outer, at string) string {
	if v, ok := o["QueryLanguage"]; ok {
		s, _ := v.(string)
		if s != JSONPath && s != JSONata {
			p.errf(at+"/QueryLanguage", "must be %q or %q", JSONPath, JSONata)
			return outer
		}
		return s
	}
	return outer
}

func optField(o map[string]any, k string) opt {
	v, ok := o[k]
	return opt{set: ok, v: v}
}

func (p *parser) optPath(o map[string]any, k, at string) optPath {
	v, ok := o[k]
	if !ok {
		return optPath{}
	}
	if v == nil {
		return optPath{set: true, null: true}
	}
	s, ok := v.(string)
	if !ok {
		p.errf(at+"/"+k, "must be a string or null")
		return optPath{}
	}
	cp, err := compilePath(s)
	if err != nil {
		p.errf(at+"/"+k, "%v", err)
		return optPath{}
	}
	return optPath{set: true, path: cp}
}

func (p *parser) errorEquals(o map[string]any, at string) []string {
	arr, ok := o["ErrorEquals"].([]any)
	if !ok || len(arr) == 0 {
		p.errf(at+"/ErrorEquals", "is required and must be a non-empty array of strings")
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			p.errf(fmt.Sprintf("%s/ErrorEquals/%d", at, i), "must be a string")
			continue
		}
		if s == "States.ALL" && len(arr) > 1 {
			p.errf(fmt.Sprintf("%s/ErrorEquals/%d", at, i), "States.ALL must appear alone")
		}
		out = append(out, s)
	}
	return out
}

func (p *parser) retriers(o map[string]any, at string) []*Retrier {
	v, ok := o["Retry"]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		p.errf(at+"/Retry", "must be an array")
		return nil
	}
	var out []*Retrier
	for i, e := range arr {
		rp := fmt.Sprintf("%s/Retry/%d", at, i)
		ro, ok := e.(map[string]any)
		if !ok {
			p.errf(rp, "must be an object")
			continue
		}
		r := &Retrier{ErrorEquals: p.errorEquals(ro, rp), IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "NONE"}
		if v, ok := ro["IntervalSeconds"]; ok {
			n, ok := v.(float64)
			if !ok || n < 1 || n != float64(int64(n)) {
				p.errf(rp+"/IntervalSeconds", "must be a positive integer")
			}
			r.IntervalSeconds = n
		}
		if v, ok := ro["MaxAttempts"]; ok {
			n, ok := v.(float64)
			if !ok || n < 0 || n != float64(int64(n)) {
				p.errf(rp+"/MaxAttempts", "must be a non-negative integer")
			}
			r.MaxAttempts = int(n)
		}
		if v, ok := ro["BackoffRate"]; ok {
			n, ok := v.(float64)
			if !ok || n < 1 {
				p.errf(rp+"/BackoffRate", "must be a number >= 1.0")
			}
			r.BackoffRate = n
		}
		if v, ok := ro["MaxDelaySeconds"]; ok {
			n, ok := v.(float64)
			if !ok || n < 1 || n != float64(int64(n)) {
				p.errf(rp+"/MaxDelaySeconds", "must be a positive integer")
			}
			r.MaxDelaySeconds = n
		}
		if v, ok := ro["JitterStrategy"]; ok {
			s, _ := v.(string)
			if s != "FULL" && s != "NONE" {
				p.errf(rp+"/JitterStrategy", "must be FULL or NONE")
			}
			r.JitterStrategy = s
		}
		out = append(out, r)
	}
	p.allLast(len(out), func(i int) []string { return out[i].ErrorEquals }, at+"/Retry")
	return out
}

// allLast enforces that a retrier or catcher naming States.ALL comes last.
func (p *parser) allLast(n int, names func(int) []string, at string) {
	for i := 0; i < n-1; i++ {
		for _, e := range names(i) {
			if e == ErrALL {
				p.errf(fmt.Sprintf("%s/%d/ErrorEquals", at, i), "States.ALL must appear only in the last entry")
			}
		}
	}
}

func (p *parser) catchers(o map[string]any, at, ql string) []*Catcher {
	v, ok := o["Catch"]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		p.errf(at+"/Catch", "must be an array")
		return nil
	}
	var out []*Catcher
	for i, e := range arr {
		cp := fmt.Sprintf("%s/Catch/%d", at, i)
		co, ok := e.(map[string]any)
		if !ok {
			p.errf(cp, "must be an object")
			continue
		}
		c := &Catcher{ErrorEquals: p.errorEquals(co, cp)}
		c.Next, _ = co["Next"].(string)
		if c.Next == "" {
			p.errf(cp+"/Next", "is required and must be a string")
		}
		c.resultPath = p.optPath(co, "ResultPath", cp)
		c.output = optField(co, "Output")
		c.assign = optField(co, "Assign")
		if ql == JSONata && c.resultPath.set {
			p.errf(cp+"/ResultPath", "is not supported in JSONata states; use Output")
		}
		out = append(out, c)
	}
	p.allLast(len(out), func(i int) []string { return out[i].ErrorEquals }, at+"/Catch")
	return out
}

func (p *parser) choice(st *State, o map[string]any, at string) {
	arr, ok := o["Choices"].([]any)
	if !ok || len(arr) == 0 {
		p.errf(at+"/Choices", "is required and must be a non-empty array")
		return
	}
	for i, e := range arr {
		rp := fmt.Sprintf("%s/Choices/%d", at, i)
		ro, ok := e.(map[string]any)
		if !ok {
			p.errf(rp, "must be an object")
			continue
		}
		r := p.rule(ro, rp, st.QueryLanguage, true)
		st.Choices = append(st.Choices, r)
	}
	st.Default, _ = o["Default"].(string)
}

func (p *parser) rule(o map[string]any, at, ql string, top bool) *ChoiceRule {
	r := &ChoiceRule{}
	if top {
		r.Next, _ = o["Next"].(string)
		if r.Next == "" {
			p.errf(at+"/Next", "is required and must be a string")
		}
		r.assign = optField(o, "Assign")
		r.output = optField(o, "Output")
	} else if _, ok := o["Next"]; ok {
		p.errf(at+"/Next", "is only allowed in a top-level choice rule")
	}
	if ql == JSONata {
		c, ok := o["Condition"]
		if !ok {
			p.errf(at+"/Condition", "is required in JSONata choice rules")
		}
		r.Condition = c
		return r
	}
	if v, ok := o["And"]; ok {
		r.And = p.ruleList(v, at+"/And", ql)
		return r
	}
	if v, ok := o["Or"]; ok {
		r.Or = p.ruleList(v, at+"/Or", ql)
		return r
	}
	if v, ok := o["Not"]; ok {
		no, ok := v.(map[string]any)
		if !ok {
			p.errf(at+"/Not", "must be an object")
			return r
		}
		r.Not = p.rule(no, at+"/Not", ql, false)
		return r
	}
	variable, ok := o["Variable"].(string)
	if !ok {
		p.errf(at+"/Variable", "is required and must be a path")
		return r
	}
	r.Variable = variable
	vp, err := compilePath(variable)
	if err != nil {
		p.errf(at+"/Variable", "%v", err)
	}
	r.varPath = vp
	var ops []string
	for k := range o {
		if _, ok := comparisonOps[k]; ok {
			ops = append(ops, k)
		}
	}
	if len(ops) != 1 {
		p.errf(at, "a choice rule needs exactly one comparison operator, found %d", len(ops))
		return r
	}
	r.Operator = ops[0]
	r.Operand = o[r.Operator]
	kind := comparisonOps[r.Operator]
	opAt := at + "/" + r.Operator
	switch kind {
	case "path":
		s, ok := r.Operand.(string)
		if !ok {
			p.errf(opAt, "must be a path")
			break
		}
		r.opPath, err = compilePath(s)
		if err != nil {
			p.errf(opAt, "%v", err)
		}
	case "string":
		if _, ok := r.Operand.(string); !ok {
			p.errf(opAt, "must be a string")
		}
	case "number":
		if _, ok := r.Operand.(float64); !ok {
			p.errf(opAt, "must be a number")
		}
	case "boolean":
		if _, ok := r.Operand.(bool); !ok {
			p.errf(opAt, "must be a boolean")
		}
	}
	if ts, isStr := r.Operand.(string); isStr && strings.HasPrefix(r.Operator, "Timestamp") && kind == "string" {
		if _, ok := parseTimestamp(ts); !ok {
			p.errf(opAt, "must be a timestamp (RFC 3339)")
		}
	}
	return r
}

func (p *parser) ruleList(v any, at, ql string) []*ChoiceRule {
	arr, ok := v.([]any)
	if !ok || len(arr) == 0 {
		p.errf(at, "must be a non-empty array")
		return nil
	}
	var out []*ChoiceRule
	for i, e := range arr {
		eo, ok := e.(map[string]any)
		if !ok {
			p.errf(fmt.Sprintf("%s/%d", at, i), "must be an object")
			continue
		}
		out = append(out, p.rule(eo, fmt.Sprintf("%s/%d", at, i), ql, false))
	}
	return out
}

// CheckType reports what a machine of the given type (STANDARD or
// EXPRESS) may not contain: AWS refuses Distributed Map in EXPRESS state
// machines (their children may be Express, the parent may not).
func (m *Machine) CheckType(typ string) error {
	if typ != "EXPRESS" {
		return nil
	}
	var errs ValidationErrors
	var walk func(m *Machine, at string)
	walk = func(m *Machine, at string) {
		for name, st := range m.States {
			sp := at + "/States/" + name
			if st.Type == "Map" && st.Processor != nil {
				key := "ItemProcessor"
				if _, ok := st.raw[key]; !ok {
					key = "Iterator"
				}
				if cfg, _ := procRaw(st.raw)["ProcessorConfig"].(map[string]any); cfg["Mode"] == "DISTRIBUTED" {
					errs = append(errs, &ValidationError{Path: sp + "/" + key + "/ProcessorConfig/Mode", Message: "Distributed Map is not supported in EXPRESS state machines"})
				}
				walk(st.Processor, sp+"/"+key)
			}
			for i, b := range st.Branches {
				walk(b, fmt.Sprintf("%s/Branches/%d", sp, i))
			}
		}
	}
	walk(m, "")
	if len(errs) > 0 {
		return errs
	}
	return nil
}
