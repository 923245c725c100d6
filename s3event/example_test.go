package s3event_test

import (
	"fmt"

	"github.com/imgprep/imgprep/s3event"
)

func ExampleDecodeEventKey() {
	// detail.object.key of an S3 event for the key "in/red flower+1.jpg"
	key, err := s3event.DecodeEventKey("in/red+flower%2B1.jpg")
	fmt.Println(key, err)
	fmt.Println(s3event.EncodeEventKey(key))
	// Output:
	// in/red flower+1.jpg <nil>
	// in/red+flower%2B1.jpg
}
