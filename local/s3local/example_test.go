package s3local_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/imgprep/imgprep/local/s3local"
	"github.com/imgprep/imgprep/s3event"
)

func ExampleStart() {
	dir, _ := os.MkdirTemp("", "s3local-example")
	defer os.RemoveAll(dir)
	srv, err := s3local.Start(context.Background(), s3local.Config{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	client := s3.New(srv.S3Options())
	_, err = client.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String("imgprep-input"), Key: aws.String("cats/tabby cat.jpg"), Body: strings.NewReader("jpeg"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	d := <-srv.Events()
	var ev s3event.Event
	_ = json.Unmarshal(d.Event, &ev)
	key, _ := s3event.DecodeEventKey(ev.Detail.Object.Key)
	fmt.Println(ev.DetailType, ev.Detail.Reason, ev.Detail.Object.Key, "->", key)
	_ = srv.Ack(d.ID) // handled: not delivered again after a restart
	// Output: Object Created PutObject cats/tabby+cat.jpg -> cats/tabby cat.jpg
}
