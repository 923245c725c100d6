// Package stack assembles the embedded default: the S3 endpoint with its
// event outbox (local/s3local), the event bus with the ingest rule
// (local/eventbus, pattern from statemachine.IngestEventPattern), the local
// Step Functions engine running statemachine/ingest.asl.json
// (statemachine/asl), and the task handlers called in-process
// (local/lambdalocal), all in one process.
//
// An upload's event is acknowledged in the outbox only after its execution
// ended with an output or a quarantine record, so a crash at any point means
// the event is delivered again at the next start.
//
// It must not import cmd or infra.
package stack
