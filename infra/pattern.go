package main

import (
	"fmt"
	"sort"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
)

// eventPattern converts a pattern in EventBridge's JSON shape (as
// statemachine.IngestEventPattern returns it) into the CDK's struct, so the
// rule uses the one definition instead of a copy. Top-level fields other
// than detail must be lists of plain strings, which is all the CDK struct
// can hold; anything else is an error rather than a silently different rule.
func eventPattern(m map[string]any) (*awsevents.EventPattern, error) {
	p := &awsevents.EventPattern{}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		if k == "detail" {
			d, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("infra: event pattern: detail is %T, want an object", v)
			}
			p.Detail = &d
			continue
		}
		list, err := stringList(k, v)
		if err != nil {
			return nil, err
		}
		switch k {
		case "source":
			p.Source = list
		case "detail-type":
			p.DetailType = list
		case "account":
			p.Account = list
		case "region":
			p.Region = list
		case "resources":
			p.Resources = list
		case "id":
			p.Id = list
		case "time":
			p.Time = list
		case "version":
			p.Version = list
		default:
			return nil, fmt.Errorf("infra: event pattern: unknown top-level field %q", k)
		}
	}
	return p, nil
}

func stringList(field string, v any) (*[]*string, error) {
	items, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("infra: event pattern: %s is %T, want a list", field, v)
	}
	out := make([]*string, len(items))
	for i, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, fmt.Errorf("infra: event pattern: %s[%d] is %T, want a string", field, i, it)
		}
		out[i] = &s
	}
	return &out, nil
}
