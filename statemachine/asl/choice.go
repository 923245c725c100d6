package asl

import (
	"fmt"
	"strings"
	"time"
)

func (sc *stateRun) choice() (any, string, map[string]any, *failure) {
	st := sc.st
	if sc.isJSONata() {
		states := sc.statesVar(sc.input, nil)
		for i, r := range st.Choices {
			field := fmt.Sprintf("Choices[%d].Condition", i)
			v := r.Condition
			if _, ok := jsonataExpr(v); ok {
				var f *failure
				if v, f = sc.jaTemplate(v, states, field); f != nil {
					return nil, "", nil, f
				}
			}
			b, ok := v.(bool)
			if !ok {
				return nil, "", nil, &failure{Error: ErrQueryEvaluationError, Cause: fmt.Sprintf("%s The JSONata expression specified for the field '%s' returned an unexpected result type. Expected 'boolean', but was '%s' for value: %s", sc.where(), field, jsonTypeName(v), toJSON(v))}
			}
			if !b {
				continue
			}
			out, assigned, f := sc.choiceFinish(states, r.output, r.assign)
			return out, r.Next, assigned, f
		}
		if st.Default == "" {
			return nil, "", nil, &failure{Error: ErrNoChoiceMatched, Cause: "No Matches!"}
		}
		out, assigned, f := sc.choiceFinish(states, st.output, st.assign)
		return out, st.Default, assigned, f
	}
	eff, f := sc.applyPath(st.inputPath, "InputPath", sc.input)
	if f != nil {
		return nil, "", nil, f
	}
	next, assign := "", st.assign
	for _, r := range st.Choices {
		ok, f := sc.evalRule(r, eff)
		if f != nil {
			return nil, "", nil, f
		}
		if ok {
			next, assign = r.Next, r.assign
			break
		}
	}
	if next == "" {
		if st.Default == "" {
			return nil, "", nil, &failure{Error: ErrNoChoiceMatched, Cause: "No Matches!"}
		}
		next = st.Default
	}
	assigned, f := sc.evalAssign(assign, eff, nil)
	if f != nil {
		return nil, "", nil, f
	}
	out, f := sc.applyPath(st.outputPath, "OutputPath", eff)
	return out, next, assigned, f
}

func (sc *stateRun) choiceFinish(states map[string]any, output, assign opt) (any, map[string]any, *failure) {
	assigned, f := sc.evalAssign(assign, nil, states)
	if f != nil {
		return nil, nil, f
	}
	var out any = sc.input
	if !output.set {
		output = sc.st.output
	}
	if output.set {
		if out, f = sc.jaTemplate(output.v, states, "Output"); f != nil {
			return nil, nil, f
		}
	}
	return out, assigned, nil
}

// evalRule evaluates a JSONPath choice rule against the effective input.
func (sc *stateRun) evalRule(r *ChoiceRule, doc any) (bool, *failure) {
	switch {
	case r.And != nil:
		for _, c := range r.And {
			ok, f := sc.evalRule(c, doc)
			if f != nil || !ok {
				return false, f
			}
		}
		return true, nil
	case r.Or != nil:
		for _, c := range r.Or {
			ok, f := sc.evalRule(c, doc)
			if f != nil || ok {
				return ok, f
			}
		}
		return false, nil
	case r.Not != nil:
		ok, f := sc.evalRule(r.Not, doc)
		return !ok && f == nil, f
	}
	v, found, err := sc.resolveCompiled(r.varPath, doc)
	if err != nil {
		return false, sc.runtimef("Invalid path '%s': %v", r.Variable, err)
	}
	if r.Operator == "IsPresent" {
		return found == r.Operand.(bool), nil
	}
	if !found {
		return false, sc.runtimef("Invalid path '%s': The choice state's condition path references an invalid value.", r.Variable)
	}
	operand := r.Operand
	if r.opPath != nil {
		ov, ok, err := sc.resolveCompiled(r.opPath, doc)
		if err != nil || !ok {
			return false, sc.runtimef("Invalid path '%s': The choice state's condition path references an invalid value.", r.opPath.src)
		}
		operand = ov
	}
	return compare(strings.TrimSuffix(r.Operator, "Path"), v, operand), nil
}

// compare applies a comparison operator. A value of the wrong type makes
// the comparison false, as in AWS.
func compare(op string, v, operand any) bool {
	switch op {
	case "IsNull":
		return (v == nil) == operand.(bool)
	case "IsNumeric":
		_, ok := v.(float64)
		return ok == operand.(bool)
	case "IsString":
		_, ok := v.(string)
		return ok == operand.(bool)
	case "IsBoolean":
		_, ok := v.(bool)
		return ok == operand.(bool)
	case "IsTimestamp":
		s, ok := v.(string)
		if ok {
			_, ok = parseTimestamp(s)
		}
		return ok == operand.(bool)
	case "BooleanEquals":
		a, ok1 := v.(bool)
		b, ok2 := operand.(bool)
		return ok1 && ok2 && a == b
	case "StringMatches":
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		return ok1 && ok2 && wildcardMatch(b, a)
	}
	switch {
	case strings.HasPrefix(op, "String"):
		a, ok1 := v.(string)
		b, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(strings.TrimPrefix(op, "String"), strings.Compare(a, b))
	case strings.HasPrefix(op, "Numeric"):
		a, ok1 := v.(float64)
		b, ok2 := operand.(float64)
		if !ok1 || !ok2 {
			return false
		}
		c := 0
		if a < b {
			c = -1
		} else if a > b {
			c = 1
		}
		return ordered(strings.TrimPrefix(op, "Numeric"), c)
	case strings.HasPrefix(op, "Timestamp"):
		as, ok1 := v.(string)
		bs, ok2 := operand.(string)
		if !ok1 || !ok2 {
			return false
		}
		a, ok1 := parseTimestamp(as)
		b, ok2 := parseTimestamp(bs)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(strings.TrimPrefix(op, "Timestamp"), a.Compare(b))
	}
	return false
}

func ordered(rel string, c int) bool {
	switch rel {
	case "Equals":
		return c == 0
	case "LessThan":
		return c < 0
	case "GreaterThan":
		return c > 0
	case "LessThanEquals":
		return c <= 0
	case "GreaterThanEquals":
		return c >= 0
	}
	return false
}

// wildcardMatch implements StringMatches: '*' matches any run of
// characters; "\*" is a literal star and "\\" a literal backslash.
func wildcardMatch(pattern, s string) bool {
	type tok struct {
		star bool
		c    rune
	}
	var toks []tok
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		if rs[i] == '\\' && i+1 < len(rs) && (rs[i+1] == '*' || rs[i+1] == '\\') {
			toks = append(toks, tok{c: rs[i+1]})
			i++
			continue
		}
		toks = append(toks, tok{star: rs[i] == '*', c: rs[i]})
	}
	str := []rune(s)
	// Iterative matching with backtracking to the last star.
	pi, si, starP, starS := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case pi < len(toks) && !toks[pi].star && toks[pi].c == str[si]:
			pi++
			si++
		case pi < len(toks) && toks[pi].star:
			starP, starS = pi, si
			pi++
		case starP >= 0:
			starS++
			pi, si = starP+1, starS
		default:
			return false
		}
	}
	for pi < len(toks) && toks[pi].star {
		pi++
	}
	return pi == len(toks)
}

// parseTimestamp accepts the RFC 3339 profile AWS requires: an uppercase
// T between date and time, and a Z or numeric offset.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) < 20 || s[10] != 'T' {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
