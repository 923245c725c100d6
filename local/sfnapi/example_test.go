package sfnapi_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/sfnapi"
	"github.com/imgprep/imgprep/statemachine/asl"
)

// A Service runs and records executions; the Handler serves it to the
// aws-sdk-go-v2 sfn client configured with ClientOptions.
func Example() {
	dir, _ := os.MkdirTemp("", "sfnapi-example")
	defer os.RemoveAll(dir)
	store, err := execstore.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	svc := sfnapi.NewService(&asl.Engine{}, store, nil)
	defer svc.Close()
	arn, err := svc.AddStateMachine("hello", "EXPRESS", []byte(`{"StartAt":"Hi","States":{"Hi":{"Type":"Pass","Result":"world","ResultPath":"$.hello","End":true}}}`), "")
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(sfnapi.Handler(svc))
	defer srv.Close()

	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("id", "secret", "")},
		sfnapi.ClientOptions(srv.URL))
	out, err := client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: &arn, Input: aws.String(`{"n":1}`)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Status, aws.ToString(out.Output))
	// Output: SUCCEEDED {"hello":"world","n":1}
}
