// Package s3event holds the shape of the Amazon S3 "Object Created" event as
// EventBridge delivers it, and the one pair of functions that encode and
// decode object keys the way S3 writes them into event notifications.
//
// Both sides of the event contract import it: the embedded S3 endpoint
// (local/s3local) that produces events and the task handlers that consume
// them. It is a leaf package: it must import only the standard library, and
// never local/, tasks/, statemachine/ or any AWS SDK.
//
// Sources:
//   - Event envelope and detail fields:
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
//     ("EventBridge event message structure", example "Object created").
//   - Key encoding: "The object key name value is URL encoded. For example,
//     "red flower.jpg" becomes "red+flower.jpg" (Amazon S3 returns
//     "application/x-www-form-urlencoded" as the content type in the
//     response)."
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
//   - Sequencer: hexadecimal, compare by left-padding the shorter value with
//     zeros, then lexicographically; only meaningful for one key (same page).
package s3event
