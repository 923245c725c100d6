package stack

import (
	"bytes"
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/imgprep/imgprep/statemachine/asl"
)

// s3Reader gives the engine's Distributed Map its S3 through the SDK client.
type s3Reader struct{ c *s3.Client }

var _ asl.S3Client = s3Reader{}

func (r s3Reader) ListObjectsV2(ctx context.Context, bucket, prefix, token string, maxKeys int) (asl.ListPage, error) {
	in := &s3.ListObjectsV2Input{Bucket: &bucket}
	if prefix != "" {
		in.Prefix = &prefix
	}
	if token != "" {
		in.ContinuationToken = &token
	}
	if maxKeys > 0 {
		in.MaxKeys = aws.Int32(int32(maxKeys))
	}
	out, err := r.c.ListObjectsV2(ctx, in)
	if err != nil {
		return asl.ListPage{}, err
	}
	page := asl.ListPage{NextToken: aws.ToString(out.NextContinuationToken)}
	for _, o := range out.Contents {
		page.Objects = append(page.Objects, asl.S3Object{
			Key: aws.ToString(o.Key), Etag: aws.ToString(o.ETag), LastModified: aws.ToTime(o.LastModified),
			Size: aws.ToInt64(o.Size), StorageClass: string(o.StorageClass),
		})
	}
	return page, nil
}

func (r s3Reader) GetObject(ctx context.Context, bucket, key string) ([]byte, error) {
	out, err := r.c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, err
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}

func (r s3Reader) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	_, err := r.c.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(body)})
	return err
}
