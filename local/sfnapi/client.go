package sfnapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ClientOptions points an aws-sdk-go-v2 sfn client at a local endpoint
// such as "http://127.0.0.1:4566". It also turns off the endpoint host
// prefix: the SDK sends StartSyncExecution (and TestState) to
// "sync-"+host, which does not resolve for a local address.
//
//	client := sfn.New(sfn.Options{Region: "us-east-1", Credentials: creds}, sfnapi.ClientOptions(url))
func ClientOptions(endpoint string) func(*sfn.Options) {
	return func(o *sfn.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.APIOptions = append(o.APIOptions, disableHostPrefix)
	}
}

// disableHostPrefix sets the stack value the SDK's generated
// EndpointHostPrefix middleware checks before adding "sync-".
func disableHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("sfnapi.DisableHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}
