package eventbus_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/imgprep/imgprep/local/eventbus"
)

func ExampleCompile() {
	p, err := eventbus.Compile([]byte(`{"detail":{"object":{"key":[{"prefix":"uploads/"}],"size":[{"numeric":[">",0,"<=",52428800]}]}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, event := range []string{
		`{"detail":{"object":{"key":"uploads/cat.jpg","size":1024}}}`,
		`{"detail":{"object":{"key":"uploads/huge.tif","size":104857600}}}`,
		`{"detail":{"object":{"key":"processed/cat.jpg","size":1024}}}`,
	} {
		ok, _ := p.Match([]byte(event))
		fmt.Println(ok)
	}

	_, err = eventbus.Compile([]byte(`{"detail":{"object":{"key":[{"begins-with":"uploads/"}]}}}`))
	fmt.Println(err)
	fmt.Println(errors.Is(err, eventbus.ErrUnknownOperator))
	// Output:
	// true
	// false
	// false
	// eventbus: invalid event pattern at detail.object.key[0].begins-with: unrecognized match type "begins-with"
	// true
}

func ExampleBus() {
	bus := eventbus.NewBus(nil)
	pattern := []byte(`{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["imgprep-input"]},"object":{"key":[{"prefix":"uploads/"}]}}}`)
	err := bus.PutRule("ingest", pattern, func(ctx context.Context, event []byte) error {
		fmt.Println("start execution for", len(event), "bytes of event")
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	event := []byte(`{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"imgprep-input"},"object":{"key":"uploads/cat.jpg"}}}`)
	matched, err := bus.Put(context.Background(), event)
	fmt.Println(matched, err)
	// Output:
	// start execution for 130 bytes of event
	// 1 <nil>
}
