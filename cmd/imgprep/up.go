package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/imgprep/imgprep/local/execstore"
	"github.com/imgprep/imgprep/local/stack"
	"github.com/imgprep/imgprep/tasks"
)

func init() {
	register("up", "run the embedded stack until interrupted (S3 endpoint, events, workflows)", upCmd)
}

func upCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf stackFlags
	sf.register(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: imgprep up [--data DIR] [--addr 127.0.0.1:PORT] [--api-addr 127.0.0.1:PORT] [--size WxH] [--mode M] [--format F]")
		fmt.Fprintln(stderr, "\nRuns the embedded stack until interrupted. Anything uploaded to the input bucket through the")
		fmt.Fprintln(stderr, "S3 endpoint is processed; each finished execution is printed on stdout.")
		fmt.Fprintln(stderr, "\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "imgprep up: unexpected arguments:", fs.Args())
		return exitUsage
	}
	cfg, err := sf.config()
	if err != nil {
		fmt.Fprintln(stderr, "imgprep up:", err)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := stack.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "imgprep up:", err)
		return exitInternal
	}
	defer st.Close()
	c := st.Config()
	fmt.Fprintf(stdout, "imgprep is up (data in %s)\n\n", c.DataDir)
	fmt.Fprintf(stdout, "  S3 endpoint   %s\n", st.S3Endpoint())
	fmt.Fprintf(stdout, "  region        %s\n", c.Region)
	fmt.Fprintf(stdout, "  credentials   AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s\n", c.AccessKey, c.SecretKey)
	fmt.Fprintf(stdout, "  input bucket  %s   (uploads here start the ingest workflow)\n", c.InputBucket)
	fmt.Fprintf(stdout, "  output bucket %s   (outputs under %s/, records under quarantine/)\n", c.OutputBucket, c.Params.WithDefaults(tasks.DefaultConfig("", "").Defaults).String())
	fmt.Fprintf(stdout, "  state machines %s\n                %s\n", st.IngestARN(), st.ReprocessARN())
	fmt.Fprintf(stdout, "  sfn API       %s   (aws stepfunctions --endpoint-url %s ...)\n", st.APIEndpoint(), st.APIEndpoint())
	fmt.Fprintf(stdout, "  console       %s/\n\n", st.APIEndpoint())
	fmt.Fprintf(stdout, "Try:\n  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s aws --region %s --endpoint-url %s s3 cp photo.jpg s3://%s/\n\n",
		c.AccessKey, c.SecretKey, c.Region, st.S3Endpoint(), c.InputBucket)
	st.OnExecution(func(r execstore.Record) {
		o, ok := stack.OutcomeOf(r)
		if !ok {
			return
		}
		switch o.Status {
		case "processed":
			fmt.Fprintf(stdout, "processed %s -> s3://%s/%s (%.1f ms)\n", o.Key, c.OutputBucket, o.OutputKey, ms(o.Total))
		default:
			fmt.Fprintf(stdout, "%s %s: %s: %s\n", o.Status, o.Key, o.Error, o.Reason)
		}
	})
	<-ctx.Done()
	fmt.Fprintln(stderr, "\nimgprep up: shutting down; unfinished events stay in the outbox for the next start")
	return exitOK
}
