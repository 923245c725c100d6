package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	sfntypes "github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/imgprep/imgprep/local/sfnapi"
	"github.com/imgprep/imgprep/local/stack"
	"github.com/imgprep/imgprep/tasks"
)

func init() {
	register("reprocess", "run the chain again over every object under a prefix (Distributed Map)", reprocessCmd)
}

// reprocessInput is the input of statemachine/reprocess.asl.json.
type reprocessInput struct {
	Bucket                     string       `json:"bucket"`
	Prefix                     string       `json:"prefix"`
	Params                     tasks.Params `json:"params"`
	OnlyMissing                bool         `json:"onlyMissing"`
	DryRun                     bool         `json:"dryRun"`
	MaxConcurrency             int          `json:"maxConcurrency,omitempty"`
	ToleratedFailurePercentage *float64     `json:"toleratedFailurePercentage,omitempty"`
	BatchSize                  int          `json:"batchSize,omitempty"`
}

type reprocessFlags struct {
	stackFlags
	endpoint, region, profile, machine string
	bucket, prefix                     string
	onlyMissing, dryRun, wait, json    bool
	maxConcurrency, batchSize          int
	tolerated                          float64
	timeout                            time.Duration
}

func reprocessCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("reprocess", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f reprocessFlags
	fs.StringVar(&f.data, "data", "", "start the embedded stack on this data directory for the run")
	fs.StringVar(&f.endpoint, "endpoint", "", "Step Functions endpoint of a running `imgprep up` (e.g. http://127.0.0.1:4567)")
	fs.StringVar(&f.region, "region", "", "AWS region (real AWS)")
	fs.StringVar(&f.profile, "profile", "", "AWS profile (real AWS)")
	fs.StringVar(&f.machine, "state-machine", "", "ARN of the reprocess state machine (default: the one whose name contains \"reprocess\")")
	fs.StringVar(&f.bucket, "bucket", "", "bucket to reprocess (default with --data: the input bucket)")
	fs.StringVar(&f.prefix, "prefix", "", "only objects under this prefix")
	fs.StringVar(&f.size, "size", "", "output size WxH (default: the functions' configured size)")
	fs.StringVar(&f.mode, "mode", "", "stretch, fit or fill (default: the functions' configured mode)")
	fs.StringVar(&f.format, "format", "", "png or jpeg (default: the functions' configured format)")
	fs.BoolVar(&f.onlyMissing, "only-missing", false, "skip objects whose output for these parameters exists (by provenance metadata)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "only count what would be processed")
	fs.IntVar(&f.maxConcurrency, "max-concurrency", 0, "child executions at once (default 16)")
	fs.IntVar(&f.batchSize, "batch-size", 0, "objects per child execution (default 10)")
	fs.Float64Var(&f.tolerated, "tolerated-failure-percentage", -1, "fail the run above this share of failed children (default 100)")
	fs.BoolVar(&f.wait, "wait", false, "wait for the run, showing progress, then print the summary")
	fs.BoolVar(&f.json, "json", false, "with --wait: the final line on stdout is a JSON summary")
	fs.DurationVar(&f.timeout, "timeout", time.Hour, "give up waiting after this long")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: imgprep reprocess [--data DIR | --endpoint URL | --region R --profile P] [--bucket B] [--prefix P]")
		fmt.Fprintln(stderr, "                         [--size WxH] [--mode M] [--format F] [--only-missing] [--dry-run] [--wait] [--json]")
		fmt.Fprintln(stderr, "\nStarts the reprocess state machine through the Step Functions API: locally (--data starts the")
		fmt.Fprintln(stderr, "embedded stack; --endpoint talks to `imgprep up`) or on AWS (--region/--profile).")
		fmt.Fprintln(stderr, "Exit codes: 0 the run succeeded (or was started, without --wait), 1 it failed or timed out, 2 bad usage, 3 no stack/API.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "imgprep reprocess: unexpected arguments:", fs.Args())
		return exitUsage
	}
	in, err := f.input()
	if err != nil {
		fmt.Fprintln(stderr, "imgprep reprocess:", err)
		return exitUsage
	}
	targets := 0
	for _, set := range []bool{f.data != "", f.endpoint != "", f.region != "" || f.profile != ""} {
		if set {
			targets++
		}
	}
	if targets > 1 {
		fmt.Fprintln(stderr, "imgprep reprocess: give one of --data, --endpoint or --region/--profile")
		return exitUsage
	}
	if targets == 0 {
		f.data = "./imgprep-data"
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	var client *sfn.Client
	switch {
	case f.data != "":
		f.stackFlags.size, f.stackFlags.mode, f.stackFlags.format = "256x256", tasks.DefaultMode, tasks.DefaultFormat
		f.workers = 4
		cfg, err := f.stackFlags.config()
		if err != nil {
			fmt.Fprintln(stderr, "imgprep reprocess:", err)
			return exitUsage
		}
		st, err := stack.Start(ctx, cfg)
		if err != nil {
			fmt.Fprintln(stderr, "imgprep reprocess:", err)
			return exitInternal
		}
		defer st.Close()
		if in.Bucket == "" {
			in.Bucket = st.Config().InputBucket
		}
		client = localSFN(st.APIEndpoint(), st.Config().Region, st.Config().AccessKey, st.Config().SecretKey)
		if !f.wait {
			// The run lives in this process: without --wait it would end with it.
			fmt.Fprintln(stderr, "imgprep reprocess: --data runs the stack in this process; waiting for the run to end")
			f.wait = true
		}
	case f.endpoint != "":
		client = localSFN(f.endpoint, stack.DefaultRegion, stack.DefaultAccessKey, stack.DefaultSecretKey)
		if in.Bucket == "" {
			in.Bucket = stack.DefaultInputBucket
		}
	default:
		opts := []func(*config.LoadOptions) error{}
		if f.region != "" {
			opts = append(opts, config.WithRegion(f.region))
		}
		if f.profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(f.profile))
		}
		awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			fmt.Fprintln(stderr, "imgprep reprocess: aws config:", err)
			return exitUsage
		}
		client = sfn.NewFromConfig(awsCfg)
		if in.Bucket == "" {
			fmt.Fprintln(stderr, "imgprep reprocess: --bucket is needed on AWS (the stack's input bucket)")
			return exitUsage
		}
	}

	arn := f.machine
	if arn == "" {
		if arn, err = findReprocessMachine(ctx, client); err != nil {
			fmt.Fprintln(stderr, "imgprep reprocess:", err)
			return exitInternal
		}
	}
	body, _ := json.Marshal(in)
	started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: &arn, Input: aws.String(string(body))})
	if err != nil {
		fmt.Fprintln(stderr, "imgprep reprocess: start:", err)
		return exitFailure
	}
	execARN := aws.ToString(started.ExecutionArn)
	fmt.Fprintln(stderr, "started", execARN)
	if !f.wait {
		if f.json {
			_ = json.NewEncoder(stdout).Encode(map[string]string{"execution": execARN, "status": "RUNNING"})
		} else {
			fmt.Fprintln(stdout, execARN)
		}
		return exitOK
	}

	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	desc, last, err := waitForRun(ctx, client, execARN, stderr)
	fmt.Fprintln(stderr)
	if err != nil {
		fmt.Fprintln(stderr, "imgprep reprocess:", err)
		return exitFailure
	}
	var out tasks.Counts
	if desc.Output != nil {
		_ = json.Unmarshal([]byte(aws.ToString(desc.Output)), &out)
	} else {
		out = last
	}
	status := string(desc.Status)
	if f.json {
		_ = json.NewEncoder(stdout).Encode(map[string]any{
			"execution": execARN, "status": status, "total": out.Total, "processed": out.Processed,
			"rejected": out.Rejected, "failed": out.Failed, "skipped": out.Skipped, "wouldProcess": out.WouldProcess,
		})
	} else {
		fmt.Fprintf(stdout, "%s %s\n", status, execARN)
		fmt.Fprintf(stdout, "%d objects: %d processed, %d rejected, %d failed, %d skipped", out.Total, out.Processed, out.Rejected, out.Failed, out.Skipped)
		if in.DryRun {
			fmt.Fprintf(stdout, ", %d would be processed", out.WouldProcess)
		}
		fmt.Fprintln(stdout)
		if desc.Error != nil {
			fmt.Fprintf(stdout, "%s: %s\n", aws.ToString(desc.Error), aws.ToString(desc.Cause))
		}
	}
	if desc.Status != sfntypes.ExecutionStatusSucceeded {
		return exitFailure
	}
	return exitOK
}

func (f *reprocessFlags) input() (reprocessInput, error) {
	in := reprocessInput{Bucket: f.bucket, Prefix: f.prefix, OnlyMissing: f.onlyMissing, DryRun: f.dryRun,
		MaxConcurrency: f.maxConcurrency, BatchSize: f.batchSize}
	if f.size != "" {
		w, h, err := tasks.ParseSize(f.size)
		if err != nil {
			return in, err
		}
		in.Params.Width, in.Params.Height = w, h
	}
	in.Params.Mode, in.Params.Format = f.mode, f.format
	if err := in.Params.WithDefaults(tasks.Params{Width: 1, Height: 1, Mode: "stretch", Format: "png"}).Validate(); err != nil {
		return in, err
	}
	if f.maxConcurrency < 0 || f.batchSize < 0 {
		return in, errors.New("--max-concurrency and --batch-size must not be negative")
	}
	if f.tolerated >= 0 {
		if f.tolerated > 100 {
			return in, errors.New("--tolerated-failure-percentage must be 0..100")
		}
		in.ToleratedFailurePercentage = &f.tolerated
	}
	return in, nil
}

func localSFN(endpoint, region, key, secret string) *sfn.Client {
	return sfn.New(sfn.Options{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
	}, sfnapi.ClientOptions(endpoint))
}

func findReprocessMachine(ctx context.Context, c *sfn.Client) (string, error) {
	var found []string
	p := sfn.NewListStateMachinesPaginator(c, &sfn.ListStateMachinesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return "", fmt.Errorf("list state machines: %w", err)
		}
		for _, sm := range page.StateMachines {
			if strings.Contains(strings.ToLower(aws.ToString(sm.Name)), "reprocess") {
				found = append(found, aws.ToString(sm.StateMachineArn))
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", errors.New("no state machine named like *reprocess*: give --state-machine")
	}
	return "", fmt.Errorf("several reprocess state machines (%s): give --state-machine", strings.Join(found, ", "))
}

// waitForRun polls the execution until it ends, drawing a progress bar on
// stderr from the finished child executions of its map run.
func waitForRun(ctx context.Context, c *sfn.Client, arn string, stderr io.Writer) (*sfn.DescribeExecutionOutput, tasks.Counts, error) {
	var mapRun string
	var last tasks.Counts
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		desc, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: &arn})
		if err != nil {
			return nil, last, fmt.Errorf("describe %s: %w", arn, err)
		}
		if mapRun == "" {
			mapRun = findMapRun(ctx, c, arn)
		}
		if mapRun != "" {
			if got, ok := childCounts(ctx, c, mapRun); ok {
				last = got
			}
		}
		drawProgress(stderr, last, string(desc.Status))
		if desc.Status != sfntypes.ExecutionStatusRunning && desc.Status != sfntypes.ExecutionStatusPendingRedrive {
			return desc, last, nil
		}
		select {
		case <-ctx.Done():
			return desc, last, fmt.Errorf("still %s: %w", desc.Status, ctx.Err())
		case <-tick.C:
		}
	}
}

func findMapRun(ctx context.Context, c *sfn.Client, arn string) string {
	h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: &arn, MaxResults: 100})
	if err != nil {
		return ""
	}
	for _, e := range h.Events {
		if e.MapRunStartedEventDetails != nil {
			return aws.ToString(e.MapRunStartedEventDetails.MapRunArn)
		}
	}
	return ""
}

// childCounts adds up the outputs of the finished children. On AWS, Express
// children are not listed; DescribeMapRun's item counts stand in for them.
func childCounts(ctx context.Context, c *sfn.Client, mapRun string) (tasks.Counts, bool) {
	var sum tasks.Counts
	p := sfn.NewListExecutionsPaginator(c, &sfn.ListExecutionsInput{MapRunArn: &mapRun})
	listed := false
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			break
		}
		for _, e := range page.Executions {
			listed = true
			if e.Status != sfntypes.ExecutionStatusSucceeded {
				continue
			}
			d, err := c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: e.ExecutionArn})
			if err != nil || d.Output == nil {
				continue
			}
			var one tasks.Counts
			if json.Unmarshal([]byte(aws.ToString(d.Output)), &one) == nil {
				sum.Add(one)
			}
		}
	}
	if listed {
		return sum, true
	}
	mr, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRun})
	if err != nil || mr.ItemCounts == nil {
		return sum, false
	}
	return tasks.Counts{Total: int(mr.ItemCounts.Total), Processed: int(mr.ItemCounts.Succeeded), Failed: int(mr.ItemCounts.Failed)}, true
}

func drawProgress(w io.Writer, c tasks.Counts, status string) {
	const width = 30
	done := c.Processed + c.Rejected + c.Failed + c.Skipped + c.WouldProcess
	bar := strings.Repeat("-", width)
	if c.Total > 0 {
		n := width * done / c.Total
		bar = strings.Repeat("#", n) + strings.Repeat("-", width-n)
	}
	fmt.Fprintf(w, "\r[%s] %d processed, %d rejected, %d failed, %d skipped (%s)   ", bar, c.Processed, c.Rejected, c.Failed, c.Skipped, strings.ToLower(status))
}
