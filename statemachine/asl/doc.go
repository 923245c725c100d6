// Package asl is the local Step Functions engine: it parses, validates and
// runs Amazon States Language definitions the way AWS Step Functions does,
// so the same *.asl.json files run on AWS and in the embedded default.
//
// It is a pure engine. It must not import the AWS SDK, CDK, the tasks
// packages or anything under local/ or cmd/; it does no I/O of its own.
// Lambda functions, S3 (Distributed Map ItemReader/ResultWriter) and time
// come in through the small interfaces LambdaInvoker, S3Client and Clock.
//
// # API
//
//	m, err := asl.Parse(def)            // ValidationErrors, each with a path like /States/Foo/Next
//	err = m.CheckType("EXPRESS")        // Distributed Map is STANDARD-only, as on AWS
//	eng := &asl.Engine{Lambda: inv, S3: s3, Clock: nil /* real time */, Region: "us-east-1", Account: "123456789012"}
//	res := eng.Execute(ctx, m, input, asl.ExecutionOptions{Name: "run-1", Type: "EXPRESS",
//		Listener: func(asl.HistoryEvent) {...}, ChildExecution: func(mapRunARN string, child asl.Result) {...}})
//	res.Status, res.Output, res.Error, res.Cause, res.History
//
// Package asltest has in-memory Lambdas, S3 and a manual Clock for tests
// and for `imgprep exec`.
//
// Cancelling ctx aborts the execution (ABORTED); a top-level
// TimeoutSeconds ends it TIMED_OUT. History events carry AWS's
// GetExecutionHistory type names and *EventDetails objects, numbered as AWS
// numbers them (ExecutionStarted is 1, each state's Entered/Exited and each
// task's Scheduled/Started/Succeeded events follow), because States.Runtime
// causes quote the id of the event where the failing state was entered.
//
// # Error naming
//
// A Lambda function error (*LambdaFunctionError) becomes the state error
// ErrorType, its Cause the runtime's error JSON (Python separators for a
// plain function-ARN Task, compact for arn:aws:states:::lambda:invoke, as
// recorded on AWS). A *LambdaServiceError becomes "Lambda.<ErrorCode>" with
// the SDK's "(Service: AWSLambda; Status Code: ...)" cause. Any other
// invoker error becomes Lambda.ServiceException (the name AWS gives a
// Lambda service fault and lists among the errors to retry). An exceeded
// TimeoutSeconds is States.Timeout. States.Runtime and
// States.DataLimitExceeded end the execution: States.ALL does not match
// them (AWS documents both as terminal).
//
// # Paths
//
// JSONPath evaluation uses github.com/ohler55/ojg behind an ASL front-end
// (jsonpath.go). ojg alone lacks what ASL needs: names with characters its
// dot notation rejects (AWS takes `$.delivery-partner` literally up to the
// next '.' or '['), the context object root `$$`, variable roots `$name`,
// the definite/indefinite distinction (a definite path that names nothing is
// an error, an indefinite one yields []), and ResultPath's "set, creating
// objects on the way, without mutating the input". The front-end splits the
// root off, turns plain names and indices into ojg fragments itself, and
// hands only filters, slices, wildcards and recursive descent to ojg's
// parser. Compiled paths are cached process-wide.
//
// Intrinsic functions and JSONata are evaluated by the subpackages
// intrinsic and jsonata; the engine reaches them through the function
// variables in exprhooks.go.
//
// # Map and Parallel
//
// Parallel branches and Map iterations run concurrently, each with its own
// variable scope that reads the enclosing one; the first failure stops the
// siblings. Inline Map runs at most 40 iterations at once when
// MaxConcurrency is 0. A Distributed Map runs each item (or ItemBatcher
// batch) as a child execution with its own ARN and history, reported
// through ExecutionOptions.ChildExecution; failures beyond
// ToleratedFailureCount/Percentage fail the state with
// States.ExceedToleratedFailureThreshold. ItemReader supports
// s3:listObjectsV2 (items {Key, Etag, LastModified, Size, StorageClass},
// LastModified in epoch seconds as in the ItemReader page's example) and
// s3:getObject with InputType JSON, JSONL and CSV; ResultWriter writes
// <Prefix>/<run id>/manifest.json with SUCCEEDED_0.json and FAILED_0.json.
//
// # Limits
//
// State output over 256 KiB fails with States.DataLimitExceeded; EXPRESS
// executions time out after five minutes. HeartbeatSeconds is accepted but
// has no effect: Lambda invocations send no heartbeats. Task resources other
// than Lambda (function ARNs and arn:aws:states:::lambda:invoke) fail with
// States.Runtime.
package asl
