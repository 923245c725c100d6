// Package layers has no code: its test holds the dependency rules of
// docs/ARCHITECTURE.md true over `go list -deps`.
package layers
