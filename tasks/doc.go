// Package tasks holds the Lambda task handlers of the imgprep workflows —
// Validate, Grayscale, Resize, Store and Quarantine — the Job that passes
// between their states, and the named error types that the state machines'
// Retry and Catch match.
//
// aws-lambda-go names a returned error by its Go type (a *CorruptImageError
// reaches Step Functions as "CorruptImageError"), so every error a handler
// returns is converted at the edge (see edge.go) into one of the types in
// errors.go; the ASL files refer to those names.
//
// Handlers are methods on Handlers, which holds an S3 client interface and the
// Config; they never read the environment (LoadConfig takes a lookup function
// that main passes os.LookupEnv). tasks must not import local, statemachine,
// infra or cmd; image work lives in tasks/imaging.
package tasks
