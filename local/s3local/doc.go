// Package s3local runs an S3-compatible endpoint inside the process and emits
// the Amazon S3 "Object Created" event, in EventBridge's shape, after every
// successful PutObject, POST Object, CopyObject and CompleteMultipartUpload.
// It is the embedded default's stand-in for an S3 bucket with EventBridge
// notifications turned on.
//
// # API
//
//	srv, err := s3local.Start(ctx, s3local.Config{Dir: dir}) // one per process
//	client := s3.New(srv.S3Options())                        // or srv.Endpoint(), srv.Credentials()
//	for d := range srv.Events() {                            // Delivery{ID, Event []byte}
//		... handle d.Event (EventBridge JSON, see s3event.Event) ...
//		srv.Ack(d.ID)                                        // only when fully handled
//		// or srv.Redeliver(d.ID) to try again now
//	}
//	srv.ObjectPath(bucket, key)                              // the plain file behind an object
//	srv.Close()                                              // closes Events; unacked events stay
//
// # Endpoint
//
// The S3 API is github.com/versity/versitygw (embedgw + posix backend): SigV4
// is checked against Config.AccessKey/SecretKey (defaults DefaultAccessKey and
// DefaultSecretKey), the listener is bound to a loopback address (Config.Addr,
// port 0 picks a free one), clients must use path-style addressing. Objects
// are plain files: Dir/objects/<bucket>/<key> (see Server.ObjectPath); their
// metadata (ETag, x-amz-meta-*, content type) is kept by versitygw in user
// xattrs, or in sidecar files under Dir/meta where xattrs are missing.
// Config.Buckets are created at Start if missing.
//
// Caveats inherited from versitygw v1.8.0:
//   - One endpoint per process (Start returns ErrAlreadyRunning otherwise):
//     embedgw keeps package-level state and posix.New calls os.Chdir to the
//     objects directory. Every path here is made absolute first; callers that
//     use relative paths while the endpoint runs are affected too. Close
//     changes back to the directory that was current at Start.
//   - Keys "a" and "a/b" cannot coexist (a key is a file, a prefix a
//     directory); the second write fails and emits nothing.
//   - Object metadata is kept in user xattrs; on a filesystem without them
//     it falls back to sidecar files, and posix.New then prints "Using sidecar
//     directory for metadata: ..." to stdout.
//   - CopyObjectThreshold is set to 5 GiB (S3's limit); versitygw rejects all
//     copies at its zero value.
//
// # Events
//
// The event document follows "EventBridge event message structure",
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html:
// version "0", a UUID id, detail-type "Object Created", source "aws.s3",
// account (Config.Account, 12 digits), time (RFC 3339, seconds), region,
// resources ["arn:aws:s3:::<bucket>"], and detail {version, bucket.name,
// object {key, size, etag (no quotes), version-id (versioned buckets only),
// sequencer}, request-id (the x-amz-request-id of the write), requester,
// source-ip-address, reason}. The key is URL-encoded as S3 notifications
// encode it (spaces as "+"): decode it with s3event.DecodeEventKey, the one
// decoder shared with the task handlers. Sequencers are 16 upper-case hex
// digits and grow across restarts. Config.EventBuckets limits which buckets
// emit events.
//
// # Delivery: at least once, nothing lost
//
// The event is written to Dir/outbox (temporary file, fsync, rename, fsync of
// the directory) after the backend write succeeded and the object file was
// fsynced, and before the HTTP response is sent. If that fails the client gets
// a 500 and retries, so an acknowledged upload always has a durable event.
// Server.Events delivers outbox entries; Server.Ack(id) deletes one once the
// consumer has fully handled it (for imgprep: an output or a quarantine record
// exists). Unacknowledged events are delivered again by the next Start on the
// same Dir, so one key may produce the same event twice, and an overwritten
// key produces one event per write, as on AWS (which is also at-least-once):
// consumers must be idempotent.
//
// # Tested S3 operations
//
// PutObject (with x-amz-meta-* and conditional If-None-Match: *, refused with
// 412 when the key exists), GetObject, HeadObject, ListObjectsV2 with MaxKeys
// paging, CopyObject, CreateMultipartUpload/UploadPart/CompleteMultipartUpload,
// SigV4 rejection of a wrong secret; keys with spaces, "+", "%", "=", "&" and
// non-ASCII characters.
//
// # Imports
//
// Imports versitygw, the AWS SDK types it speaks and s3event. Nothing under
// tasks/, statemachine/ or cmd/ may be imported here, and tasks must not
// import this package (they get events as JSON and keys through s3event).
package s3local
