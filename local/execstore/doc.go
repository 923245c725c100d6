// Package execstore keeps the executions the embedded stack ran — status,
// input, output, error and the full history — as one JSON file each under
// the data directory, so they survive restarts and can be served by the
// sfn-compatible API and the console.
//
// It knows nothing of the engine beyond the history's JSON form; it must not
// import tasks, cmd or infra.
package execstore
