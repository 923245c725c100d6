package tasks

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// CheckResult says whether a job's output already exists.
type CheckResult struct {
	Exists bool   `json:"exists"`
	Key    string `json:"key"`
}

// Check reports whether the output for the job's parameters is already in
// the output bucket and was made from this very object: same source bucket,
// key and ETag, and same parameters, by the provenance metadata — a file of
// the right name made from an older version does not count. Reprocess uses
// it for onlyMissing.
func (h *Handlers) Check(ctx context.Context, job Job) (CheckResult, error) {
	res, err := h.check(ctx, job)
	return res, edge("check", err)
}

func (h *Handlers) check(ctx context.Context, job Job) (CheckResult, error) {
	if job.Source.Bucket == "" || job.Source.Key == "" || job.Source.KeyEncoding != "" {
		return CheckResult{}, invalidf("check needs a source bucket and a raw key")
	}
	p := job.Params.WithDefaults(h.Config.Defaults)
	if err := p.Validate(); err != nil {
		return CheckResult{}, invalidf("params: %v", err)
	}
	res := CheckResult{Key: OutputKey(job.Source.Key, p)}
	head, err := h.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &h.Config.OutputBucket, Key: &res.Key})
	if err != nil {
		if isNotFound(err) {
			return res, nil
		}
		return res, fmt.Errorf("head s3://%s/%s: %w", h.Config.OutputBucket, res.Key, err)
	}
	m := head.Metadata
	res.Exists = m[MetaSourceBucket] == job.Source.Bucket &&
		m[MetaSourceKey] == url.PathEscape(job.Source.Key) &&
		m[MetaSourceETag] == strings.Trim(job.Source.ETag, `"`) &&
		m[MetaParams] == ParamsTag(p)
	return res, nil
}
