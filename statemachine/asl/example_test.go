package asl_test

import (
	"context"
	"fmt"

	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

func Example() {
	m, err := asl.Parse([]byte(`{
	  "StartAt": "Resize",
	  "States": {
	    "Resize": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:resize",
	               "Parameters": {"key.$": "$.key", "size": 256}, "ResultPath": "$.resized", "End": true}
	  }}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	eng := &asl.Engine{Lambda: &asltest.Lambdas{Functions: map[string]asltest.Behaviour{
		"arn:aws:lambda:us-east-1:123456789012:function:resize": {Behaviour: "identity"},
	}}}
	res := eng.Execute(context.Background(), m, []byte(`{"key":"cat.jpg"}`), asl.ExecutionOptions{})
	fmt.Println(res.Status, string(res.Output))
	// Output: SUCCEEDED {"key":"cat.jpg","resized":{"key":"cat.jpg","size":256}}
}

func ExampleParse() {
	_, err := asl.Parse([]byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Foo"}}}`))
	fmt.Println(err)
	// Output: invalid state machine definition: /States/A/Next: names a state that does not exist: "Foo"
}
