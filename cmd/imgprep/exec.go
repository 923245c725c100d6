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

	"github.com/imgprep/imgprep/statemachine/asl"
	"github.com/imgprep/imgprep/statemachine/asl/asltest"
)

func init() {
	register("exec", "run a state machine definition locally and print its result", runExec)
}

const execUsage = `usage: imgprep exec --definition DEF.json --input IN.json [flags]

Runs an Amazon States Language definition on the local engine, without AWS,
and prints one JSON object:
  {"status":"SUCCEEDED","output":<json>}
  {"status":"FAILED","error":"...","cause":"..."}
The exit status is 0 whatever the execution's status; 1 when a file cannot
be read or the definition is invalid (each problem is printed with the path
of its field, e.g. /States/Foo/Next); 2 for bad usage.

Lambda tasks call scripted functions from --lambdas, a JSON object mapping
function ARNs to behaviours:
  {"arn:aws:lambda:us-east-1:123456789012:function:f": {"behaviour": "identity"}}
  behaviours: identity (returns its event), constant ("result": X),
  raise ("errorType", "errorMessage", "stackTrace").
Distributed Map item readers read from an in-memory S3 filled from --s3:
  {"objects": [{"bucket": "b", "key": "k", "body": "..."}]}

flags:
`

func runExec(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, execUsage)
		fs.PrintDefaults()
	}
	defPath := fs.String("definition", "", "state machine definition `file` (required)")
	inPath := fs.String("input", "", "execution input `file` (default {})")
	typ := fs.String("type", "STANDARD", "state machine `type`: STANDARD or EXPRESS")
	lambdas := fs.String("lambdas", "", "scripted Lambda functions `file`")
	s3File := fs.String("s3", "", "`file` of objects to put in the in-memory S3 before the run")
	region := fs.String("region", "us-east-1", "AWS `region` used in ARNs")
	account := fs.String("account", "123456789012", "AWS `account` id used in ARNs")
	history := fs.Bool("history", false, "also print the execution history (GetExecutionHistory events)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if *defPath == "" || fs.NArg() > 0 || (*typ != "STANDARD" && *typ != "EXPRESS") {
		fs.Usage()
		return exitUsage
	}
	def, err := os.ReadFile(*defPath)
	if err != nil {
		fmt.Fprintf(stderr, "imgprep exec: %v\n", err)
		return exitFailure
	}
	input := []byte("{}")
	if *inPath != "" {
		if input, err = os.ReadFile(*inPath); err != nil {
			fmt.Fprintf(stderr, "imgprep exec: %v\n", err)
			return exitFailure
		}
	}
	m, err := asl.Parse(def)
	if err == nil {
		err = m.CheckType(*typ)
	}
	if err != nil {
		var ves asl.ValidationErrors
		if errors.As(err, &ves) {
			fmt.Fprintf(stderr, "imgprep exec: invalid definition %s:\n", *defPath)
			for _, ve := range ves {
				fmt.Fprintf(stderr, "  %s\n", ve)
			}
			return exitFailure
		}
		fmt.Fprintf(stderr, "imgprep exec: %v\n", err)
		return exitFailure
	}
	eng := &asl.Engine{Region: *region, Account: *account, S3: &asltest.S3{}}
	fns := &asltest.Lambdas{Functions: map[string]asltest.Behaviour{}}
	eng.Lambda = fns
	if *lambdas != "" {
		if err := readJSON(*lambdas, &fns.Functions); err != nil {
			fmt.Fprintf(stderr, "imgprep exec: --lambdas: %v\n", err)
			return exitFailure
		}
	}
	if *s3File != "" {
		var spec struct {
			Objects []struct{ Bucket, Key, Body string } `json:"objects"`
		}
		if err := readJSON(*s3File, &spec); err != nil {
			fmt.Fprintf(stderr, "imgprep exec: --s3: %v\n", err)
			return exitFailure
		}
		s3 := eng.S3.(*asltest.S3)
		for _, o := range spec.Objects {
			s3.Put(o.Bucket, o.Key, []byte(o.Body))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res := eng.Execute(ctx, m, input, asl.ExecutionOptions{
		Type:            *typ,
		StateMachineARN: fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:exec", *region, *account),
	})
	out := map[string]any{"status": res.Status}
	if res.Status == asl.StatusSucceeded {
		out["output"] = res.Output
	} else {
		out["error"] = nullIfEmpty(res.Error)
		out["cause"] = nullIfEmpty(res.Cause)
	}
	if *history {
		out["history"] = res.History
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "imgprep exec: %v\n", err)
		return exitInternal
	}
	return exitOK
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
