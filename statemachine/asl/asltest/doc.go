// Package asltest provides in-memory back-ends for the ASL engine: scripted
// Lambda functions (Lambdas, in the conformance cases' --lambdas format), an
// in-memory S3 (S3) and a Clock that only moves when told to. `imgprep exec`
// and tests use them to run Tasks, Distributed Maps, Wait states and Retry
// back-off without AWS and without sleeping.
//
// It must not import the AWS SDK or anything above the engine (local/,
// tasks/, cmd/).
package asltest
