package intrinsic_test

import (
	"fmt"

	"github.com/imgprep/imgprep/statemachine/asl/intrinsic"
)

func ExampleEval() {
	input := map[string]any{"name": "Arnav", "ids": []any{1.0, 2.0, 3.0, 4.0, 5.0}}
	resolve := func(path string) (any, error) {
		switch path {
		case "$.name":
			return input["name"], nil
		case "$.ids":
			return input["ids"], nil
		}
		return nil, fmt.Errorf("no path %s", path)
	}
	greeting, _ := intrinsic.Eval(`States.Format('Hello, my name is {}.', $.name)`, resolve)
	chunks, _ := intrinsic.Eval(`States.ArrayPartition($.ids, 2)`, resolve)
	_, err := intrinsic.Eval(`States.ArrayGetItem($.ids, 9)`, resolve)
	fmt.Println(greeting)
	fmt.Println(chunks)
	fmt.Println(err)
	// Output:
	// Hello, my name is Arnav.
	// [[1 2] [3 4] [5]]
	// States.IntrinsicFailure: The function 'States.ArrayGetItem($.ids, 9)' had the following error: States.ArrayGetItem index 9 is out of bounds for an array of length 5
}
