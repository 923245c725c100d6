package s3local

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"
	"github.com/imgprep/imgprep/s3event"
	"github.com/versity/versitygw/backend"
	"github.com/versity/versitygw/s3err"
	"github.com/versity/versitygw/s3response"
)

// eventBackend is the posix backend with an "Object Created" event after
// each successful write. Everything else passes through unchanged.
type eventBackend struct {
	backend.Backend
	s *Server
	// keyLocks serialize writes to one key from the backend write through
	// the choice of sequencer, so that for one key a later sequencer always
	// means the later write, as S3 promises. Keys share 256 locks.
	keyLocks [256]sync.Mutex
}

// lockKey locks the shard of bucket/key and returns the unlock function.
func (b *eventBackend) lockKey(bucket, key string) func() {
	h := fnv.New32a()
	h.Write([]byte(bucket))
	h.Write([]byte{0})
	h.Write([]byte(key))
	m := &b.keyLocks[h.Sum32()%uint32(len(b.keyLocks))]
	m.Lock()
	return m.Unlock
}

var _ backend.Backend = (*eventBackend)(nil)

func (b *eventBackend) PutObject(ctx context.Context, in s3response.PutObjectInput) (s3response.PutObjectOutput, error) {
	unlock := b.lockKey(deref(in.Bucket), deref(in.Key))
	defer unlock()
	out, err := b.Backend.PutObject(ctx, in)
	if err != nil {
		return out, err
	}
	reason := s3event.ReasonPutObject
	// Browser-form uploads reach the backend through the same PutObject;
	// only the HTTP method tells them apart.
	if m, ok := ctx.(interface{ Method() []byte }); ok && string(m.Method()) == "POST" {
		reason = s3event.ReasonPostObject
	}
	var size int64 = -1
	if out.Size != nil {
		size = *out.Size
	}
	if err := b.created(ctx, deref(in.Bucket), deref(in.Key), size, out.ETag, out.VersionID, reason); err != nil {
		return s3response.PutObjectOutput{}, err
	}
	return out, nil
}

func (b *eventBackend) CopyObject(ctx context.Context, in s3response.CopyObjectInput) (s3response.CopyObjectOutput, error) {
	unlock := b.lockKey(deref(in.Bucket), deref(in.Key))
	defer unlock()
	out, err := b.Backend.CopyObject(ctx, in)
	if err != nil {
		return out, err
	}
	var etag string
	if out.CopyObjectResult != nil && out.CopyObjectResult.ETag != nil {
		etag = *out.CopyObjectResult.ETag
	}
	if err := b.created(ctx, deref(in.Bucket), deref(in.Key), -1, etag, deref(out.VersionId), s3event.ReasonCopyObject); err != nil {
		return s3response.CopyObjectOutput{}, err
	}
	return out, nil
}

func (b *eventBackend) CompleteMultipartUpload(ctx context.Context, in *s3.CompleteMultipartUploadInput) (s3response.CompleteMultipartUploadResult, string, error) {
	unlock := b.lockKey(deref(in.Bucket), deref(in.Key))
	defer unlock()
	out, versionID, err := b.Backend.CompleteMultipartUpload(ctx, in)
	if err != nil {
		return out, versionID, err
	}
	if err := b.created(ctx, deref(in.Bucket), deref(in.Key), -1, deref(out.ETag), versionID, s3event.ReasonCompleteMultipartUpload); err != nil {
		return s3response.CompleteMultipartUploadResult{}, "", err
	}
	return out, versionID, nil
}

// created runs after the backend wrote an object and before the response is
// sent. It flushes the object to disk and, for event buckets, writes the
// event to the outbox. An error here fails the request, so the client never
// sees success for a write whose event could be lost; a retry of the request
// writes the object again and emits the event then.
func (b *eventBackend) created(ctx context.Context, bucket, key string, size int64, etag, versionID, reason string) error {
	s := b.s
	if err := syncFile(s.ObjectPath(bucket, key)); err != nil {
		s.cfg.Logger.Error("s3local: flush object", "bucket", bucket, "key", key, "err", err)
		return s3err.GetAPIError(s3err.ErrInternalError)
	}
	if s.cfg.EventBuckets != nil && !slices.Contains(s.cfg.EventBuckets, bucket) {
		return nil
	}
	if size < 0 || etag == "" {
		head, err := b.Backend.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			s.cfg.Logger.Error("s3local: head written object", "bucket", bucket, "key", key, "err", err)
			return s3err.GetAPIError(s3err.ErrInternalError)
		}
		if size < 0 && head.ContentLength != nil {
			size = *head.ContentLength
		}
		if etag == "" {
			etag = deref(head.ETag)
		}
	}
	id := uuid.NewString()
	seq := s.outbox.nextSequencer()
	ev := s3event.Event{
		Version:    "0",
		ID:         id,
		DetailType: s3event.DetailTypeObjectCreated,
		Source:     s3event.Source,
		Account:    s.cfg.Account,
		Time:       time.Now().UTC().Format(time.RFC3339),
		Region:     s.cfg.Region,
		Resources:  []string{"arn:aws:s3:::" + bucket},
		Detail: s3event.Detail{
			Version: "0",
			Bucket:  s3event.Bucket{Name: bucket},
			Object: s3event.Object{
				Key:       s3event.EncodeEventKey(key),
				Size:      max(size, 0),
				ETag:      strings.Trim(etag, `"`),
				VersionID: versionIDForEvent(versionID),
				Sequencer: seq,
			},
			RequestID:       requestID(ctx),
			Requester:       s.cfg.Account,
			SourceIPAddress: sourceIP(ctx),
			Reason:          reason,
		},
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("s3local: encode event: %w", err)
	}
	if err := s.outbox.put(seq, id, data); err != nil {
		s.cfg.Logger.Error("s3local: store event", "bucket", bucket, "key", key, "err", err)
		return s3err.GetAPIError(s3err.ErrInternalError)
	}
	s.cfg.Logger.Debug("s3local: object created", "bucket", bucket, "key", key, "reason", reason, "id", id)
	return nil
}

// versionIDForEvent drops the "null" version that unversioned buckets
// report: AWS omits version-id for them.
func versionIDForEvent(v string) string {
	if v == "null" {
		return ""
	}
	return v
}

// requestID is the x-amz-request-id versitygw sent (or will send) for this
// request; its middleware keeps it as the request-local value "request-id".
func requestID(ctx context.Context) string {
	if id, ok := ctx.Value("request-id").(string); ok && id != "" {
		return id
	}
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func sourceIP(ctx context.Context) string {
	if r, ok := ctx.(interface{ RemoteIP() net.IP }); ok {
		if ip := r.RemoteIP(); ip != nil && !ip.IsUnspecified() {
			return ip.String()
		}
	}
	return "127.0.0.1"
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
