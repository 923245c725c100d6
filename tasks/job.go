package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Object names an S3 object.
type Object struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// KeyEncoding is "url" while Key is still encoded as S3 event
	// notifications encode it; Validate decodes it and clears this.
	KeyEncoding string `json:"keyEncoding,omitempty"`
	ETag        string `json:"etag,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

// ImageInfo is what Validate learnt from the header.
type ImageInfo struct {
	Format      string `json:"format"`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	Orientation int    `json:"orientation,omitempty"`
	Frames      int    `json:"frames,omitempty"`
}

// Output is where Store put the result.
type Output struct {
	Object
	// Unchanged is true when an identical output was already there (a
	// repeated event) and nothing was written.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Failure is what a Catch puts in the job ("ResultPath": "$.failure").
type Failure struct {
	Error string `json:"Error"`
	Cause string `json:"Cause"`
}

// Job is the state every task takes and returns; each task fills its part.
type Job struct {
	Source    Object     `json:"source"`
	Params    Params     `json:"params"`
	Execution string     `json:"execution,omitempty"`
	Image     *ImageInfo `json:"image,omitempty"`
	Gray      *Object    `json:"gray,omitempty"`
	Resized   *Object    `json:"resized,omitempty"`
	Output    *Output    `json:"output,omitempty"`
	Failure   *Failure   `json:"failure,omitempty"`
	// Quarantine is set by the Quarantine task (ResultPath "$.quarantine").
	Quarantine *QuarantineResult `json:"quarantine,omitempty"`
}

// QuarantineResult is what the Quarantine task returns.
type QuarantineResult struct {
	Object
	Status string `json:"status"`
}

// QuarantineRecord is the JSON document written for every rejected or
// failed input.
type QuarantineRecord struct {
	Status    string    `json:"status"` // "rejected" or "failed"
	Input     Object    `json:"input"`
	Error     string    `json:"error"`
	Reason    string    `json:"reason"` // the error message, from the cause
	Cause     string    `json:"cause"`  // the cause as Step Functions reported it
	Execution string    `json:"execution,omitempty"`
	Params    Params    `json:"params"`
	Time      time.Time `json:"time"`
}

// OutputKey is the output key of an input key under the given parameters: a
// pure function of both, so that a repeated event targets the same key. The
// format's extension is appended unless the key already ends with it:
// "photos/cat.jpg" at 256x256 stretch PNG is "256x256-stretch/photos/cat.jpg.png".
func OutputKey(inputKey string, p Params) string {
	ext := "." + extension(p.Format)
	key := p.String() + "/" + inputKey
	if !strings.HasSuffix(strings.ToLower(inputKey), ext) {
		key += ext
	}
	return key
}

// QuarantineKey is where the record for an input key is written.
func QuarantineKey(prefix, inputKey string) string {
	return prefix + inputKey + ".json"
}

func extension(format string) string {
	if format == "jpeg" {
		return "jpg"
	}
	return format
}

// scratchKey names an intermediate of a job deterministically, so a retried
// task overwrites rather than multiplies its intermediates.
func scratchKey(prefix string, j Job, stage string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", j.Source.Bucket, j.Source.Key, j.Source.ETag, j.Params)
	fmt.Fprintf(h, "\x00%s", j.Params.Format)
	return prefix + hex.EncodeToString(h.Sum(nil)[:16]) + "/" + stage
}

// Metadata keys of an output object (x-amz-meta-*), its provenance.
const (
	MetaSourceBucket = "imgprep-source-bucket"
	MetaSourceKey    = "imgprep-source-key" // URL path-escaped: metadata is ASCII
	MetaSourceETag   = "imgprep-source-etag"
	MetaParams       = "imgprep-params"
	MetaExecution    = "imgprep-execution"
)

// ParamsTag is the canonical parameter string stored with an output.
func ParamsTag(p Params) string { return p.String() + "-" + p.Format }
