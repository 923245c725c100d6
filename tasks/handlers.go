package tasks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/s3event"
	"github.com/imgprep/imgprep/tasks/imaging"
)

// S3API is the part of the S3 client the handlers use.
type S3API interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
	PutObject(ctx context.Context, in *s3.PutObjectInput, opts ...func(*s3.Options)) (*s3.PutObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// Handlers holds what every task needs. Its methods are the Lambda handlers.
type Handlers struct {
	S3     S3API
	Config Config
	Logger *slog.Logger
	// Now is the clock for quarantine records; nil means time.Now.
	Now func() time.Time
}

// New checks cfg and returns the handlers.
func New(client S3API, cfg Config, logger *slog.Logger) (*Handlers, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Handlers{S3: client, Config: cfg, Logger: logger}, nil
}

// ByName returns the handler function for a _HANDLER name, in the form
// lambda.NewHandler and lambda.Start take.
func (h *Handlers) ByName(name string) (any, bool) {
	switch name {
	case "validate":
		return h.Validate, true
	case "grayscale":
		return h.Grayscale, true
	case "resize":
		return h.Resize, true
	case "store":
		return h.Store, true
	case "quarantine":
		return h.Quarantine, true
	case "check":
		return h.Check, true
	case "summarize":
		return h.Summarize, true
	}
	return nil, false
}

func (h *Handlers) limits() imaging.Limits {
	return imaging.Limits{MaxBytes: h.Config.Limits.MaxBytes, MaxPixels: h.Config.Limits.MaxPixels, MaxFrames: h.Config.Limits.MaxFrames}
}

// Validate decodes the key, resolves the parameters, and checks the input
// by its content: format from magic bytes, dimensions and frames from the
// header, every limit before a pixel is decoded.
func (h *Handlers) Validate(ctx context.Context, job Job) (Job, error) {
	out, err := h.validate(ctx, job)
	return out, edge("validate", err)
}

func (h *Handlers) validate(ctx context.Context, job Job) (Job, error) {
	if job.Source.Bucket == "" || job.Source.Key == "" {
		return job, invalidf("job has no source bucket or key")
	}
	if job.Source.KeyEncoding == "url" {
		key, err := s3event.DecodeEventKey(job.Source.Key)
		if err != nil {
			return job, invalidf("source key %q: %v", job.Source.Key, err)
		}
		job.Source.Key, job.Source.KeyEncoding = key, ""
	} else if job.Source.KeyEncoding != "" {
		return job, invalidf("unknown key encoding %q", job.Source.KeyEncoding)
	}
	job.Params = job.Params.WithDefaults(h.Config.Defaults)
	if err := job.Params.Validate(); err != nil {
		return job, invalidf("params: %v", err)
	}

	head, err := h.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &job.Source.Bucket, Key: &job.Source.Key, IfMatch: etagCondition(job.Source.ETag)})
	if err != nil {
		return job, fmt.Errorf("head s3://%s/%s: %w", job.Source.Bucket, job.Source.Key, err)
	}
	job.Source.ETag = strings.Trim(aws.ToString(head.ETag), `"`)
	job.Source.Size = aws.ToInt64(head.ContentLength)
	lim := h.limits()
	if max := effectiveMaxBytes(lim); job.Source.Size > max {
		return job, &LimitExceededError{Msg: fmt.Sprintf("object is %d bytes, over the limit of %d", job.Source.Size, max)}
	}
	if job.Source.Size == 0 {
		return job, &UnsupportedFormatError{Msg: "object is empty"}
	}
	data, err := h.get(ctx, job.Source)
	if err != nil {
		return job, err
	}
	info, err := imaging.Inspect(bytes.NewReader(data), int64(len(data)), lim)
	if err != nil {
		return job, err
	}
	job.Image = &ImageInfo{Format: string(info.Format), Width: info.Width, Height: info.Height, Orientation: info.Orientation, Frames: info.Frames}
	h.Logger.InfoContext(ctx, "validated", "bucket", job.Source.Bucket, "key", job.Source.Key,
		"format", info.Format, "width", info.Width, "height", info.Height)
	return job, nil
}

func effectiveMaxBytes(lim imaging.Limits) int64 {
	if lim.MaxBytes > 0 {
		return lim.MaxBytes
	}
	return imaging.DefaultLimits().MaxBytes
}

// Grayscale decodes the input, shrunk on load (in the DCT domain for JPEG)
// to the smallest scale that still covers the target, applies EXIF
// orientation and takes BT.601 luma. The
// gray plane goes to scratch raw: encoding a full PNG between steps would
// cost more than the image work (DESIGN §3).
func (h *Handlers) Grayscale(ctx context.Context, job Job) (Job, error) {
	out, err := h.grayscale(ctx, job)
	return out, edge("grayscale", err)
}

func (h *Handlers) grayscale(ctx context.Context, job Job) (Job, error) {
	if err := h.ready(job); err != nil {
		return job, err
	}
	data, err := h.get(ctx, job.Source)
	if err != nil {
		return job, err
	}
	gray, _, err := imaging.DecodeGray(bytes.NewReader(data), int64(len(data)), &imaging.DecodeOptions{
		Limits: h.limits(), TargetWidth: job.Params.Width, TargetHeight: job.Params.Height,
	})
	if err != nil {
		return job, err
	}
	var buf bytes.Buffer
	if err := imaging.WriteRaw(&buf, gray); err != nil {
		return job, err
	}
	obj := Object{Bucket: h.Config.ScratchBucket, Key: scratchKey(h.Config.ScratchPrefix, job, "gray.raw")}
	if err := h.put(ctx, obj, buf.Bytes(), "application/octet-stream", nil); err != nil {
		return job, err
	}
	obj.Size = int64(buf.Len())
	job.Gray = &obj
	return job, nil
}

// Resize resamples the gray plane to the requested size and mode and encodes
// it in the output format; the encoded image waits in scratch for Store.
func (h *Handlers) Resize(ctx context.Context, job Job) (Job, error) {
	out, err := h.resize(ctx, job)
	return out, edge("resize", err)
}

func (h *Handlers) resize(ctx context.Context, job Job) (Job, error) {
	if err := h.ready(job); err != nil {
		return job, err
	}
	if job.Gray == nil {
		return job, invalidf("job has no gray intermediate: Grayscale must run first")
	}
	data, err := h.get(ctx, *job.Gray)
	if err != nil {
		return job, err
	}
	gray, err := imaging.ReadRaw(bytes.NewReader(data), h.limits())
	if err != nil {
		return job, err
	}
	img := imaging.Resize(gray, job.Params.Width, job.Params.Height, imaging.Mode(job.Params.Mode))
	var buf bytes.Buffer
	if err := imaging.Encode(&buf, img, imaging.Format(job.Params.Format)); err != nil {
		return job, err
	}
	obj := Object{Bucket: h.Config.ScratchBucket, Key: scratchKey(h.Config.ScratchPrefix, job, "resized."+extension(job.Params.Format))}
	if err := h.put(ctx, obj, buf.Bytes(), contentType(job.Params.Format), nil); err != nil {
		return job, err
	}
	obj.Size = int64(buf.Len())
	job.Resized = &obj
	return job, nil
}

// Store writes the encoded image to the output bucket under OutputKey, with
// provenance metadata. If the output is already there from the same source
// object and parameters (a repeated event), it writes nothing; if it is
// there from another input key, it refuses with OutputConflictError.
func (h *Handlers) Store(ctx context.Context, job Job) (Job, error) {
	out, err := h.store(ctx, job)
	return out, edge("store", err)
}

func (h *Handlers) store(ctx context.Context, job Job) (Job, error) {
	if err := h.ready(job); err != nil {
		return job, err
	}
	if job.Resized == nil {
		return job, invalidf("job has no resized intermediate: Resize must run first")
	}
	out := Object{Bucket: h.Config.OutputBucket, Key: OutputKey(job.Source.Key, job.Params)}
	meta := map[string]string{
		MetaSourceBucket: job.Source.Bucket,
		MetaSourceKey:    url.PathEscape(job.Source.Key),
		MetaSourceETag:   job.Source.ETag,
		MetaParams:       ParamsTag(job.Params),
		MetaExecution:    job.Execution,
	}
	existing, err := h.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &out.Bucket, Key: &out.Key})
	switch {
	case err == nil:
		m := existing.Metadata
		if m[MetaSourceBucket] != meta[MetaSourceBucket] || m[MetaSourceKey] != meta[MetaSourceKey] {
			src, _ := url.PathUnescape(m[MetaSourceKey])
			return job, &OutputConflictError{Msg: fmt.Sprintf("output s3://%s/%s already holds the output of s3://%s/%s", out.Bucket, out.Key, m[MetaSourceBucket], src)}
		}
		if m[MetaSourceETag] == meta[MetaSourceETag] && m[MetaParams] == meta[MetaParams] {
			out.ETag = strings.Trim(aws.ToString(existing.ETag), `"`)
			out.Size = aws.ToInt64(existing.ContentLength)
			job.Output = &Output{Object: out, Unchanged: true}
			h.Logger.InfoContext(ctx, "output already stored", "key", out.Key)
			return job, nil
		}
		// Same input key, new content: replace the output.
	case isNotFound(err):
	default:
		return job, fmt.Errorf("head s3://%s/%s: %w", out.Bucket, out.Key, err)
	}
	data, err := h.get(ctx, *job.Resized)
	if err != nil {
		return job, err
	}
	if err := h.put(ctx, out, data, contentType(job.Params.Format), meta); err != nil {
		return job, err
	}
	out.Size = int64(len(data))
	job.Output = &Output{Object: out}
	h.Logger.InfoContext(ctx, "stored", "bucket", out.Bucket, "key", out.Key, "bytes", out.Size)
	return job, nil
}

// Quarantine writes a record of why the job's input was rejected or failed.
// It must work on any job a Catch hands it, however early the failure.
func (h *Handlers) Quarantine(ctx context.Context, job Job) (QuarantineResult, error) {
	res, err := h.quarantine(ctx, job)
	return res, edge("quarantine", err)
}

func (h *Handlers) quarantine(ctx context.Context, job Job) (QuarantineResult, error) {
	src := job.Source
	if src.KeyEncoding == "url" {
		if key, err := s3event.DecodeEventKey(src.Key); err == nil {
			src.Key, src.KeyEncoding = key, ""
		}
	}
	if src.Key == "" {
		return QuarantineResult{}, invalidf("job has no source key to quarantine")
	}
	rec := QuarantineRecord{
		Status:    "failed",
		Input:     src,
		Execution: job.Execution,
		Params:    job.Params,
		Time:      h.now().UTC(),
	}
	if job.Failure != nil {
		rec.Error, rec.Cause = job.Failure.Error, job.Failure.Cause
		rec.Reason = ReasonFromCause(job.Failure.Cause)
		if slices.Contains(RejectionNames, job.Failure.Error) {
			rec.Status = "rejected"
		}
	}
	body, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return QuarantineResult{}, err
	}
	obj := Object{Bucket: h.Config.OutputBucket, Key: QuarantineKey(h.Config.QuarantinePrefix, src.Key)}
	if err := h.put(ctx, obj, body, "application/json", nil); err != nil {
		return QuarantineResult{}, err
	}
	obj.Size = int64(len(body))
	h.Logger.WarnContext(ctx, "quarantined", "key", src.Key, "status", rec.Status, "error", rec.Error, "reason", rec.Reason)
	return QuarantineResult{Object: obj, Status: rec.Status}, nil
}

// ReasonFromCause pulls the errorMessage out of the Lambda runtime's error
// JSON that Step Functions puts in Cause; other causes are kept as they are.
func ReasonFromCause(cause string) string {
	var rt struct {
		ErrorMessage string `json:"errorMessage"`
	}
	if json.Unmarshal([]byte(cause), &rt) == nil && rt.ErrorMessage != "" {
		return rt.ErrorMessage
	}
	return cause
}

func (h *Handlers) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// ready checks what every step after Validate relies on.
func (h *Handlers) ready(job Job) error {
	if job.Source.KeyEncoding != "" || job.Image == nil {
		return invalidf("job not validated: Validate must run first")
	}
	return job.Params.Validate()
}

func (h *Handlers) get(ctx context.Context, o Object) ([]byte, error) {
	in := &s3.GetObjectInput{Bucket: &o.Bucket, Key: &o.Key, IfMatch: etagCondition(o.ETag)}
	res, err := h.S3.GetObject(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("get s3://%s/%s: %w", o.Bucket, o.Key, err)
	}
	defer res.Body.Close()
	max := effectiveMaxBytes(h.limits())
	data, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", o.Bucket, o.Key, err)
	}
	if int64(len(data)) > max {
		return nil, &LimitExceededError{Msg: fmt.Sprintf("s3://%s/%s is over the limit of %d bytes", o.Bucket, o.Key, max)}
	}
	return data, nil
}

func (h *Handlers) put(ctx context.Context, o Object, body []byte, contentType string, meta map[string]string) error {
	_, err := h.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &o.Bucket, Key: &o.Key, Body: bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))), ContentType: &contentType, Metadata: meta,
	})
	if err != nil {
		return fmt.Errorf("put s3://%s/%s: %w", o.Bucket, o.Key, err)
	}
	return nil
}

func etagCondition(etag string) *string {
	if etag == "" {
		return nil
	}
	return aws.String(`"` + strings.Trim(etag, `"`) + `"`)
}

func contentType(format string) string {
	return "image/" + format
}

func isNotFound(err error) bool {
	var nf *SourceNotFoundError
	return errors.As(edge("", err), &nf)
}
