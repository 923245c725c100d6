// Command bootstrap is the one Lambda binary of imgprep (provided.al2023,
// arm64). Every task function runs it; _HANDLER picks the handler, and the
// IMGPREP_* environment (see package tasks) configures it.
//
// Build: scripts/build-lambda.sh (GOOS=linux GOARCH=arm64 CGO_ENABLED=0
// go build -tags lambda.norpc -trimpath -ldflags "-s -w").
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/tasks"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "bootstrap:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	// JSON when the function's log format is JSON (AWS_LAMBDA_LOG_FORMAT), with the request id.
	logger := lambdacontext.NewLogger()
	cfg, err := tasks.LoadConfig(os.LookupEnv)
	if err != nil {
		return err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("aws config: %w", err)
	}
	h, err := tasks.New(s3.NewFromConfig(awsCfg), cfg, logger)
	if err != nil {
		return err
	}
	name := os.Getenv("_HANDLER")
	handler, ok := h.ByName(name)
	if !ok {
		return fmt.Errorf("_HANDLER=%q: want validate, grayscale, resize, store or quarantine", name)
	}
	lambda.Start(handler)
	return nil
}
