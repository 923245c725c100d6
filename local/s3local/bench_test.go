package s3local

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// BenchmarkPutObject1MiB measures an acknowledged 1 MiB PUT over loopback,
// including the object fsync and the durable outbox write, with the consumer
// acking every event.
func BenchmarkPutObject1MiB(b *testing.B) {
	b.Run("events", func(b *testing.B) { benchPut(b, nil) })
	// Without events only the object fsync remains: the difference is the
	// outbox's cost.
	b.Run("no-events", func(b *testing.B) { benchPut(b, []string{}) })
}

func benchPut(b *testing.B, eventBuckets []string) {
	s, err := Start(context.Background(), Config{Dir: b.TempDir(), EventBuckets: eventBuckets, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	go func() {
		for d := range s.Events() {
			_ = s.Ack(d.ID)
		}
	}()
	c := newClient(s, "")
	body := bytes.Repeat([]byte("x"), 1<<20)
	b.SetBytes(int64(len(body)))
	for i := 0; b.Loop(); i++ {
		_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(testBucket), Key: aws.String(fmt.Sprintf("bench/%d", i)), Body: bytes.NewReader(body),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetObject1MiB(b *testing.B) {
	s, err := Start(context.Background(), Config{Dir: b.TempDir(), EventBuckets: []string{}, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	c := newClient(s, "")
	body := bytes.Repeat([]byte("x"), 1<<20)
	if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(testBucket), Key: aws.String("bench/get"), Body: bytes.NewReader(body),
	}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		out, err := c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(testBucket), Key: aws.String("bench/get")})
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, out.Body)
		out.Body.Close()
	}
}
