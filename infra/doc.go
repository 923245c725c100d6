// Command infra is the imgprep CDK app: `npx aws-cdk@2 synth` (via cdk.json)
// or `go run ./infra` synthesizes one CloudFormation stack with the input,
// output and scratch buckets, one Lambda function per task handler (all
// running the single bootstrap binary from cmd/bootstrap), the ingest
// Express state machine started by an EventBridge rule, the bulk reprocess
// Standard state machine, and the dashboard and alarms. See README.md here.
//
// The definitions and the rule's pattern come from package statemachine
// unchanged; the functions' environment names from package tasks. This is
// the only package that imports the CDK or jsii; nothing may import it (it is
// a main package).
package main
