package asltest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/imgprep/imgprep/statemachine/asl"
)

// Behaviour says what a scripted Lambda function does, in the format of
// the conformance cases' --lambdas file.
type Behaviour struct {
	Behaviour    string          `json:"behaviour"` // identity | constant | raise
	Result       json.RawMessage `json:"result,omitempty"`
	ErrorType    string          `json:"errorType,omitempty"`
	ErrorMessage string          `json:"errorMessage,omitempty"`
	StackTrace   []string        `json:"stackTrace,omitempty"`
}

// Lambdas is a LambdaInvoker over scripted functions keyed by ARN.
type Lambdas struct {
	Functions map[string]Behaviour
}

var _ asl.LambdaInvoker = (*Lambdas)(nil)

// InvokeLambda runs the scripted behaviour. A function is found by its
// full ARN, or else by its name (so a file written for one account works
// in another); an unknown function fails as Lambda does, with
// ResourceNotFoundException.
func (l *Lambdas) InvokeLambda(ctx context.Context, arn string, payload []byte) ([]byte, error) {
	b, ok := l.lookup(arn)
	if !ok {
		q := arn
		if strings.Count(arn, ":") == 6 {
			q += ":$LATEST"
		}
		return nil, &asl.LambdaServiceError{StatusCode: 404, ErrorCode: "ResourceNotFoundException", Message: "Function not found: " + q}
	}
	switch b.Behaviour {
	case "identity":
		return payload, nil
	case "constant":
		if len(b.Result) == 0 {
			return []byte("null"), nil
		}
		return b.Result, nil
	case "raise":
		st := b.StackTrace
		if st == nil {
			st = []string{}
		}
		return nil, &asl.LambdaFunctionError{ErrorType: b.ErrorType, ErrorMessage: b.ErrorMessage, StackTrace: st}
	}
	return nil, fmt.Errorf("asltest: unknown behaviour %q for %s", b.Behaviour, arn)
}

func (l *Lambdas) lookup(arn string) (Behaviour, bool) {
	if b, ok := l.Functions[arn]; ok {
		return b, true
	}
	name := functionName(arn)
	for k, b := range l.Functions {
		if functionName(k) == name {
			return b, true
		}
	}
	return Behaviour{}, false
}

func functionName(arn string) string {
	parts := strings.Split(arn, ":")
	for i, p := range parts {
		if p == "function" && i+1 < len(parts) {
			return parts[i+1]
		}
	}
	return arn
}

// S3 is an in-memory S3Client. The zero value is empty and ready.
type S3 struct {
	mu      sync.Mutex
	objects map[string]map[string]object // bucket -> key -> object
	Now     func() time.Time             // LastModified of new objects; nil: time.Now
}

type object struct {
	body     []byte
	modified time.Time
}

var _ asl.S3Client = (*S3)(nil)

// Put stores an object (a test or --s3 set-up helper).
func (s *S3) Put(bucket, key string, body []byte) {
	_ = s.PutObject(context.Background(), bucket, key, body)
}

// Get returns a stored object.
func (s *S3) Get(bucket, key string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.objects[bucket][key]
	return o.body, ok
}

// Keys lists a bucket's keys in order.
func (s *S3) Keys(bucket string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.objects[bucket] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (s *S3) PutObject(_ context.Context, bucket, key string, body []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.objects == nil {
		s.objects = map[string]map[string]object{}
	}
	if s.objects[bucket] == nil {
		s.objects[bucket] = map[string]object{}
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	s.objects[bucket][key] = object{body: append([]byte(nil), body...), modified: now()}
	return nil
}

func (s *S3) GetObject(_ context.Context, bucket, key string) ([]byte, error) {
	b, ok := s.Get(bucket, key)
	if !ok {
		return nil, fmt.Errorf("NoSuchKey: %s/%s", bucket, key)
	}
	return b, nil
}

// ListObjectsV2 pages keys in lexical order; the continuation token is
// the last key of the previous page.
func (s *S3) ListObjectsV2(_ context.Context, bucket, prefix, token string, maxKeys int) (asl.ListPage, error) {
	if maxKeys <= 0 {
		maxKeys = 1000
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.objects[bucket]; !ok {
		return asl.ListPage{}, fmt.Errorf("NoSuchBucket: %s", bucket)
	}
	var keys []string
	for k := range s.objects[bucket] {
		if strings.HasPrefix(k, prefix) && k > token {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var page asl.ListPage
	for i, k := range keys {
		if i == maxKeys {
			page.NextToken = keys[i-1]
			break
		}
		o := s.objects[bucket][k]
		page.Objects = append(page.Objects, asl.S3Object{
			Key: k, Etag: fmt.Sprintf("\"%x\"", len(o.body)), LastModified: o.modified,
			Size: int64(len(o.body)), StorageClass: "STANDARD",
		})
	}
	return page, nil
}
