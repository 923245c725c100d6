package asl

import (
	"fmt"
	"strings"

	"github.com/imgprep/imgprep/statemachine/asl/jsonata"
)

// checkExpressions validates, before anything runs, the expressions a
// state holds: paths and intrinsic calls in the ".$" fields of JSONPath
// payload templates, and JSONata "{% %}" expressions anywhere in a JSONata
// state. Nested branches and processors are checked as machines of their
// own.
func (p *parser) checkExpressions(st *State, o map[string]any, at string) {
	if st.QueryLanguage == JSONata {
		for k, v := range o {
			switch k {
			case "Comment", "ItemProcessor", "Iterator", "Branches":
				continue
			}
			p.checkJSONata(v, at+"/"+k)
		}
		return
	}
	for _, k := range []string{"Parameters", "ResultSelector", "ItemSelector", "Assign"} {
		if v, ok := o[k]; ok {
			p.checkTemplate(v, at+"/"+k)
		}
	}
	for _, k := range []string{"ItemReader", "ResultWriter"} {
		if r, ok := o[k].(map[string]any); ok {
			if v, ok := r["Parameters"]; ok {
				p.checkTemplate(v, at+"/"+k+"/Parameters")
			}
		}
	}
	if b, ok := o["ItemBatcher"].(map[string]any); ok {
		if v, ok := b["BatchInput"]; ok {
			p.checkTemplate(v, at+"/ItemBatcher/BatchInput")
		}
	}
	if cs, ok := o["Catch"].([]any); ok {
		for i, c := range cs {
			if co, ok := c.(map[string]any); ok {
				if v, ok := co["Assign"]; ok {
					p.checkTemplate(v, fmt.Sprintf("%s/Catch/%d/Assign", at, i))
				}
			}
		}
	}
	if cs, ok := o["Choices"].([]any); ok {
		for i, c := range cs {
			if co, ok := c.(map[string]any); ok {
				if v, ok := co["Assign"]; ok {
					p.checkTemplate(v, fmt.Sprintf("%s/Choices/%d/Assign", at, i))
				}
			}
		}
	}
	if a, ok := o["Assign"].(map[string]any); ok {
		for k := range a {
			name := strings.TrimSuffix(k, ".$")
			if !validVariableName(name) || name == "states" {
				p.errf(at+"/Assign/"+k, "invalid variable name %q", name)
			}
		}
	}
}

func (p *parser) checkTemplate(v any, at string) {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if !strings.HasSuffix(k, ".$") {
				p.checkTemplate(val, at+"/"+k)
				continue
			}
			s, ok := val.(string)
			if !ok {
				p.errf(at+"/"+k, "a field ending in .$ must hold a path or an intrinsic function")
				continue
			}
			s = strings.TrimSpace(s)
			if strings.HasPrefix(s, "States.") {
				if !isIntrinsic(s) {
					p.errf(at+"/"+k, "invalid intrinsic function call %q", s)
				}
				continue
			}
			if _, err := compilePath(s); err != nil {
				p.errf(at+"/"+k, "%v", err)
			}
		}
	case []any:
		for i, val := range t {
			p.checkTemplate(val, fmt.Sprintf("%s/%d", at, i))
		}
	}
}

func (p *parser) checkJSONata(v any, at string) {
	switch t := v.(type) {
	case string:
		if expr, ok := jsonataExpr(t); ok {
			if err := jsonata.Compile(expr); err != nil {
				p.errf(at, "invalid JSONata expression %q: %v", expr, err)
			}
		}
	case map[string]any:
		for k, val := range t {
			p.checkJSONata(val, at+"/"+k)
		}
	case []any:
		for i, val := range t {
			p.checkJSONata(val, fmt.Sprintf("%s/%d", at, i))
		}
	}
}
