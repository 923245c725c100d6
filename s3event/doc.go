// Package s3event holds the one encoding that S3 event notifications (and
// the EventBridge "Object Created" events built from them) apply to object
// keys, and its inverse. AWS documents the key in those events as "URL
// encoded", e.g. "red flower.jpg" arrives as "red+flower.jpg" — the
// application/x-www-form-urlencoded form (Amazon S3 User Guide, "Event
// message structure"). Keys from ListObjectsV2 are raw and never go through
// here.
//
// The local S3 endpoint encodes with EncodeEventKey; the task handlers
// decode with DecodeEventKey, in exactly one place (tasks.Validate). It
// imports only the standard library.
package s3event
