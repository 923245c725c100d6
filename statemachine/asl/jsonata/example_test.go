package jsonata_test

import (
	"errors"
	"fmt"

	"github.com/imgprep/imgprep/statemachine/asl/jsonata"
)

func ExampleEval() {
	bindings := map[string]any{
		"states":  map[string]any{"input": map[string]any{"sizes": []any{640.0, 1280.0}}},
		"quality": 80.0,
	}
	v, _ := jsonata.Eval(`$states.input.sizes.{"width": $, "quality": $quality}`, nil, bindings)
	fmt.Println(v)

	_, err := jsonata.Eval(`$states.input.missing`, nil, bindings)
	var je *jsonata.Error
	if errors.As(err, &je) && errors.Is(err, jsonata.ErrUndefined) {
		fmt.Println(je.Name)
		fmt.Println(je.FieldCause("$states.input.missing", "Output/size"))
	}
	// Output:
	// [map[quality:80 width:640] map[quality:80 width:1280]]
	// States.QueryEvaluationError
	// The JSONata expression '$states.input.missing' specified for the field 'Output/size' returned nothing (undefined).
}
