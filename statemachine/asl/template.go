package asl

import (
	"errors"
	"fmt"
	"strings"
)

// stateRun is one visit of a state: what the expressions of that state can
// see and the facts its error messages quote.
type stateRun struct {
	t          *thread
	st         *State
	input      any // raw state input
	enteredID  int64
	enteredAt  string
	retryCount int
	mapItem    map[string]any // $$.Map.Item while evaluating ItemSelector
}

func (sc *stateRun) where() string {
	return fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d).", sc.st.Name, sc.enteredID)
}

func (sc *stateRun) runtimef(format string, args ...any) *failure {
	return runtimeFailure("%s %s", sc.where(), fmt.Sprintf(format, args...))
}

func (sc *stateRun) contextObject() map[string]any {
	c := map[string]any{
		"Execution":    sc.t.ex.execCtx,
		"StateMachine": sc.t.ex.smCtx,
		"State": map[string]any{
			"EnteredTime": sc.enteredAt,
			"Name":        sc.st.Name,
			"RetryCount":  float64(sc.retryCount),
		},
	}
	if sc.mapItem != nil {
		c["Map"] = map[string]any{"Item": sc.mapItem}
	}
	return c
}

// resolve reads an ASL path ($..., $$... or $var...) against doc.
func (sc *stateRun) resolve(src string, doc any) (any, bool, error) {
	p, err := compilePath(src)
	if err != nil {
		return nil, false, err
	}
	return sc.resolveCompiled(p, doc)
}

func (sc *stateRun) resolveCompiled(p *aslPath, doc any) (any, bool, error) {
	switch p.root {
	case rootContext:
		v, ok := p.get(sc.contextObject())
		return v, ok, nil
	case rootVariable:
		val, ok := sc.t.vars.lookup(p.variable)
		if !ok {
			return nil, false, nil
		}
		v, ok := p.get(val)
		return v, ok, nil
	}
	v, ok := p.get(doc)
	return v, ok, nil
}

// applyInputPath and friends implement the JSONPath input/output filters.
func (sc *stateRun) applyPath(op optPath, field string, doc any) (any, *failure) {
	if !op.set {
		return doc, nil
	}
	if op.null {
		return map[string]any{}, nil
	}
	v, ok, err := sc.resolveCompiled(op.path, doc)
	if err != nil {
		return nil, sc.runtimef("Invalid path '%s' : %v", op.path.src, err)
	}
	if !ok {
		return nil, sc.runtimef("Invalid path '%s' : No results for path: %s", op.path.src, op.path.normalized())
	}
	return v, nil
}

func (sc *stateRun) applyResultPath(op optPath, input, result any) (any, *failure) {
	if !op.set {
		return result, nil
	}
	if op.null {
		return input, nil
	}
	out, err := setPath(input, op.path, result)
	if err != nil {
		return nil, sc.runtimef("Invalid path '%s' : %v", op.path.src, err)
	}
	return out, nil
}

// jpTemplate evaluates a JSONPath payload template (Parameters,
// ResultSelector, ItemSelector, Assign): fields whose names end in ".$"
// take their value from a path or an intrinsic function.
func (sc *stateRun) jpTemplate(tmpl any, doc any) (any, *failure) {
	switch t := tmpl.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, v := range t {
			if strings.HasSuffix(k, ".$") {
				s, ok := v.(string)
				if !ok {
					return nil, sc.runtimef("The value for the field '%s' must be a STRING that contains a JSONPath but was %s", k, jsonTypeName(v))
				}
				val, f := sc.jpValue(s, k, doc)
				if f != nil {
					return nil, f
				}
				out[k[:len(k)-2]] = val
				continue
			}
			val, f := sc.jpTemplate(v, doc)
			if f != nil {
				return nil, f
			}
			out[k] = val
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, v := range t {
			val, f := sc.jpTemplate(v, doc)
			if f != nil {
				return nil, f
			}
			out[i] = val
		}
		return out, nil
	}
	return tmpl, nil
}

// jpValue evaluates one dynamic value: an intrinsic function or a path.
func (sc *stateRun) jpValue(s, field string, doc any) (any, *failure) {
	s = strings.TrimSpace(s)
	if isIntrinsic(s) {
		v, err := intrinsicEval(s, func(path string) (any, error) {
			v, ok, err := sc.resolve(path, doc)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("The JSONPath '%s' could not be found in the input '%s'", path, toJSON(doc))
			}
			return v, nil
		})
		if err != nil {
			return nil, sc.exprFailure(err, ErrIntrinsicFailure, func(cause string) string {
				return fmt.Sprintf("%s %s", sc.where(), cause)
			})
		}
		return v, nil
	}
	v, ok, err := sc.resolve(s, doc)
	if err != nil {
		return nil, sc.runtimef("The JSONPath '%s' specified for the field '%s' is invalid: %v", s, field, err)
	}
	if !ok {
		return nil, sc.runtimef("The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'", s, field, toJSON(doc))
	}
	return v, nil
}

// exprFailure names an evaluator error: the evaluator's own name when it
// gives one, else def; Runtime errors stay terminal.
func (sc *stateRun) exprFailure(err error, def string, wrap func(string) string) *failure {
	name, cause, ok := exprErrorName(err)
	if !ok {
		name, cause = def, err.Error()
	}
	if errors.Is(err, errNoEvaluator) {
		name = ErrRuntime
	}
	if !strings.HasPrefix(cause, "An error occurred while executing the state") {
		cause = wrap(cause)
	}
	return &failure{Error: name, Cause: cause, terminal: name == ErrRuntime}
}

// jsonata expressions are strings of the form "{% expr %}".
func jsonataExpr(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || len(s) < 4 || !strings.HasPrefix(s, "{%") || !strings.HasSuffix(s, "%}") {
		return "", false
	}
	return strings.TrimSpace(s[2 : len(s)-2]), true
}

// statesVar builds the $states binding of JSONata states.
func (sc *stateRun) statesVar(input any, extra map[string]any) map[string]any {
	m := map[string]any{"input": input, "context": sc.contextObject()}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func (sc *stateRun) evalJSONata(expr string, states map[string]any, field string) (any, *failure) {
	b := sc.t.vars.all()
	b["states"] = states
	v, err := jsonataEval(expr, states["input"], b)
	if err != nil {
		if cause, ok := jsonataFieldCause(err, expr, field); ok {
			return nil, &failure{Error: ErrQueryEvaluationError, Cause: sc.where() + " " + cause}
		}
		return nil, sc.exprFailure(err, ErrQueryEvaluationError, func(cause string) string {
			return fmt.Sprintf("%s The JSONata expression '%s' specified for the field '%s' threw an error during evaluation. %s", sc.where(), expr, field, cause)
		})
	}
	return v, nil
}

// jaTemplate evaluates a JSONata template (Arguments, Output, Assign
// values...): strings "{% ... %}" are expressions, everything else literal.
func (sc *stateRun) jaTemplate(tmpl any, states map[string]any, field string) (any, *failure) {
	switch t := tmpl.(type) {
	case string:
		if expr, ok := jsonataExpr(t); ok {
			return sc.evalJSONata(expr, states, field)
		}
		return t, nil
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, v := range t {
			val, f := sc.jaTemplate(v, states, field+"/"+k)
			if f != nil {
				return nil, f
			}
			out[k] = val
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, v := range t {
			val, f := sc.jaTemplate(v, states, fmt.Sprintf("%s[%d]", field, i))
			if f != nil {
				return nil, f
			}
			out[i] = val
		}
		return out, nil
	}
	return tmpl, nil
}

// evalAssign computes the variables an Assign block sets. In JSONPath
// states doc is what "$" means there (the state result, or the error
// output in a Catch); in JSONata states it is ignored and $states is used.
func (sc *stateRun) evalAssign(a opt, doc any, states map[string]any) (map[string]any, *failure) {
	if !a.set {
		return nil, nil
	}
	m, _ := a.v.(map[string]any)
	out := make(map[string]any, len(m))
	if sc.st.QueryLanguage == JSONata {
		for k, v := range m {
			val, f := sc.jaTemplate(v, states, "Assign/"+k)
			if f != nil {
				return nil, f
			}
			out[k] = val
		}
		return out, nil
	}
	v, f := sc.jpTemplate(m, doc)
	if f != nil {
		return nil, f
	}
	return v.(map[string]any), nil
}
