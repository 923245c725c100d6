// Package sfnapi is the embedded stack's Step Functions front: a Service
// that starts, stops and records every execution of the local engine
// (statemachine/asl) in the execution store (local/execstore), and an HTTP
// handler that speaks the AWS JSON 1.0 protocol of Step Functions
// (X-Amz-Target: AWSStepFunctions.<Op>), so the aws-sdk-go-v2 sfn client,
// the AWS CLI and `imgprep reprocess` work against the local stack.
//
// Operations: CreateStateMachine, DescribeStateMachine,
// DescribeStateMachineForExecution, ListStateMachines,
// StartExecution, StartSyncExecution (EXPRESS only, as on AWS),
// StopExecution, DescribeExecution, ListExecutions (by state machine or map
// run), GetExecutionHistory. Timestamps are epoch seconds, as the protocol
// sends them. SigV4 signatures are accepted, not verified.
//
// Differences from AWS, on purpose: Express executions are recorded and
// can be described, listed, stopped and read back event by event (AWS
// keeps them only in CloudWatch Logs), because the local stack has no
// other trace. The engine draws an Express execution's ARN itself and
// reveals it only at the end, so an Express start answers with an ARN the
// Service draws; the record is saved under the engine's ARN (the one
// $$.Execution.Id showed) and the first stays an alias of it for the life
// of the process. Until the engine can be told the ARN, the two differ.
// Executions that were RUNNING when the process ended are recorded ABORTED.
//
// It must not import tasks, cmd, infra or local/stack.
package sfnapi
