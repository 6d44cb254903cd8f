package scan

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the part of the S3 client the scanner uses.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// S3 is a bucket prefix holding CloudTrail log files, in the account
// trail layout (AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/) or the
// organization trail layout (AWSLogs/o-ORG/ACCOUNT/...). With a time
// window it lists only the day prefixes inside it.
type S3 struct {
	Client S3API
	Bucket string
	Prefix string
	Retry  Retry
}

// ParseS3URL splits s3://bucket/prefix.
func ParseS3URL(s string) (bucket, prefix string, err error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "s3" || u.Host == "" {
		return "", "", fmt.Errorf("invalid S3 source %q: want s3://BUCKET[/PREFIX]", s)
	}
	return u.Host, strings.TrimPrefix(u.Path, "/"), nil
}

func (s *S3) String() string { return "s3://" + s.Bucket + "/" + s.Prefix }

func (s *S3) Walk(ctx context.Context, w Window, fn func(Unit) error) error {
	if w.Since.IsZero() && w.Until.IsZero() {
		return s.list(ctx, s.Prefix, "", w, fn)
	}
	return s.walkLayout(ctx, s.Prefix, w, fn, 0)
}

// walkLayout descends the prefix tree with "/" as delimiter until it
// reaches CloudTrail/REGION/, then lists only the days in the window.
func (s *S3) walkLayout(ctx context.Context, prefix string, w Window, fn func(Unit) error, depth int) error {
	elems := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	if below, ok := regionDatesBelow(elems); ok && prefix != "" {
		if from, to, ok := dateSpan(below); ok && !w.Overlaps(from, to) {
			return nil
		}
		if len(below) >= 3 {
			return s.list(ctx, prefix, "", w, fn)
		}
	}
	if depth > 8 {
		return s.list(ctx, prefix, "", w, fn)
	}
	var subs []string
	err := s.list(ctx, prefix, "/", w, func(u Unit) error { return fn(u) }, func(p string) { subs = append(subs, p) })
	if err != nil {
		return err
	}
	for _, p := range subs {
		name := strings.TrimSuffix(strings.TrimPrefix(p, prefix), "/")
		if name == "CloudTrail-Digest" || name == "CloudTrail-Insight" {
			continue
		}
		if err := s.walkLayout(ctx, p, w, fn, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// list pages through ListObjectsV2 and reports log files (and, with a
// delimiter, common prefixes to onPrefix).
func (s *S3) list(ctx context.Context, prefix, delim string, w Window, fn func(Unit) error, onPrefix ...func(string)) error {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.Bucket), Prefix: aws.String(prefix)}
	if delim != "" {
		in.Delimiter = aws.String(delim)
	}
	for {
		var out *s3.ListObjectsV2Output
		err := s.Retry.do(ctx, func() (err error) {
			out, err = s.Client.ListObjectsV2(ctx, in)
			return err
		})
		if err != nil {
			return fmt.Errorf("list s3://%s/%s: %w", s.Bucket, prefix, explain(err, "s3:ListBucket on arn:aws:s3:::"+s.Bucket))
		}
		for _, cp := range out.CommonPrefixes {
			for _, f := range onPrefix {
				f(aws.ToString(cp.Prefix))
			}
		}
		for _, o := range out.Contents {
			key := aws.ToString(o.Key)
			if strings.HasSuffix(key, "/") || !dataFile(key) || strings.Contains(key, "/CloudTrail-Digest/") || !keepFile(key, w) {
				continue
			}
			if err := fn(s.unit(key, aws.ToInt64(o.Size))); err != nil {
				return err
			}
		}
		if !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			return nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

func (s *S3) unit(key string, size int64) Unit {
	name := "s3://" + s.Bucket + "/" + key
	return Unit{Name: name, Size: size, Open: func(ctx context.Context) (io.ReadCloser, error) {
		var out *s3.GetObjectOutput
		err := s.Retry.do(ctx, func() (err error) {
			out, err = s.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.Bucket), Key: aws.String(key)})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("get %s: %w", name, explain(err, "s3:GetObject on arn:aws:s3:::"+s.Bucket+"/*"))
		}
		return out.Body, nil
	}}
}
