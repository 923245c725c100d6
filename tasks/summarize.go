package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Counts are what a reprocess run did, by status. Each reprocess child
// returns them for its batch.
type Counts struct {
	Total        int `json:"total"`
	Processed    int `json:"processed"`
	Rejected     int `json:"rejected"`
	Failed       int `json:"failed"`
	Skipped      int `json:"skipped"`
	WouldProcess int `json:"wouldProcess"`
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Total += o.Total
	c.Processed += o.Processed
	c.Rejected += o.Rejected
	c.Failed += o.Failed
	c.Skipped += o.Skipped
	c.WouldProcess += o.WouldProcess
}

// SummarizeInput is the input of the reprocess machine's last state: where
// the map run wrote its results, and the run's parameters to echo.
type SummarizeInput struct {
	Manifest struct {
		Bucket string `json:"Bucket"`
		Key    string `json:"Key"`
	} `json:"manifest"`
	Bucket      string `json:"bucket"`
	Prefix      string `json:"prefix"`
	Params      Params `json:"params"`
	DryRun      bool   `json:"dryRun"`
	OnlyMissing bool   `json:"onlyMissing"`
}

// Summary is the reprocess machine's output.
type Summary struct {
	Bucket      string `json:"bucket"`
	Prefix      string `json:"prefix"`
	Params      Params `json:"params"`
	DryRun      bool   `json:"dryRun"`
	OnlyMissing bool   `json:"onlyMissing"`
	Counts
	// FailedBatches are children that failed as a whole; their objects
	// are counted as failed.
	FailedBatches int `json:"failedBatches"`
	// Results is the manifest of the map run's result files.
	Results string `json:"results"`
}

// Summarize adds up the counts in the result files a Distributed Map's
// ResultWriter wrote (manifest.json, SUCCEEDED_n.json, FAILED_n.json, as
// AWS lays them out). Files are decoded one record at a time, so memory
// does not grow with the number of batches.
func (h *Handlers) Summarize(ctx context.Context, in SummarizeInput) (Summary, error) {
	s, err := h.summarize(ctx, in)
	return s, edge("summarize", err)
}

func (h *Handlers) summarize(ctx context.Context, in SummarizeInput) (Summary, error) {
	out := Summary{Bucket: in.Bucket, Prefix: in.Prefix, Params: in.Params, DryRun: in.DryRun, OnlyMissing: in.OnlyMissing}
	if in.Manifest.Bucket == "" || in.Manifest.Key == "" {
		return out, invalidf("summarize needs the ResultWriterDetails of the map run")
	}
	out.Results = fmt.Sprintf("s3://%s/%s", in.Manifest.Bucket, in.Manifest.Key)
	var manifest struct {
		ResultFiles map[string][]struct {
			Key string `json:"Key"`
		} `json:"ResultFiles"`
	}
	if err := h.decodeObject(ctx, in.Manifest.Bucket, in.Manifest.Key, func(dec *json.Decoder) error { return dec.Decode(&manifest) }); err != nil {
		return out, err
	}
	for _, f := range manifest.ResultFiles["SUCCEEDED"] {
		err := h.eachRecord(ctx, in.Manifest.Bucket, f.Key, func(r resultRecord) error {
			var c Counts
			if err := json.Unmarshal([]byte(r.Output), &c); err != nil {
				return fmt.Errorf("%s: output of %s: %w", f.Key, r.ExecutionArn, err)
			}
			out.Add(c)
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	for _, f := range manifest.ResultFiles["FAILED"] {
		err := h.eachRecord(ctx, in.Manifest.Bucket, f.Key, func(r resultRecord) error {
			var batch struct {
				Items []json.RawMessage `json:"Items"`
			}
			n := 1
			if json.Unmarshal([]byte(r.Input), &batch) == nil && len(batch.Items) > 0 {
				n = len(batch.Items)
			}
			out.FailedBatches++
			out.Total += n
			out.Failed += n
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// resultRecord is one child execution in a ResultWriter file.
type resultRecord struct {
	ExecutionArn string `json:"ExecutionArn"`
	Input        string `json:"Input"`
	Output       string `json:"Output"`
}

func (h *Handlers) eachRecord(ctx context.Context, bucket, key string, fn func(resultRecord) error) error {
	return h.decodeObject(ctx, bucket, key, func(dec *json.Decoder) error {
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return &InvalidJobError{Msg: fmt.Sprintf("s3://%s/%s is not a JSON array of results", bucket, key)}
		}
		for dec.More() {
			var r resultRecord
			if err := dec.Decode(&r); err != nil {
				return &InvalidJobError{Msg: fmt.Sprintf("s3://%s/%s: %v", bucket, key, err)}
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func (h *Handlers) decodeObject(ctx context.Context, bucket, key string, fn func(*json.Decoder) error) error {
	res, err := h.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return fmt.Errorf("get s3://%s/%s: %w", bucket, key, err)
	}
	defer res.Body.Close()
	if err := fn(json.NewDecoder(res.Body)); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	return nil
}
