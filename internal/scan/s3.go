package scan

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// S3API is the part of the S3 client the scanner uses.
type S3API interface {
	ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, opts ...func(*s3.Options)) (*s3.ListObjectsV2Output, error)
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

var _ S3API = (*s3.Client)(nil)

// DefaultListConcurrency is how many LIST requests an S3 source keeps in
// flight. S3 answers each in tens of milliseconds whatever its size, and
// supports at least 5,500 GET/HEAD requests a second per prefix
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/optimizing-performance.html):
// a scan is bounded by round trips, not by S3's rate.
const DefaultListConcurrency = 64

// S3 is a bucket prefix holding CloudTrail log files, in the account
// trail layout (AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/) or the
// organization trail layout (AWSLogs/o-ORG/ACCOUNT/...). It lists in
// parallel: accounts and regions with one delimiter list each, then,
// with a time window, only the day prefixes inside it, computed rather
// than found by walking year and month levels. Digest and Insights
// prefixes are skipped by delimiter, never listed.
type S3 struct {
	Client S3API
	Bucket string
	Prefix string
	Retry  Retry
	// ListConcurrency bounds LIST requests in flight; 0 means
	// DefaultListConcurrency.
	ListConcurrency int
	// Now is the clock for a window open at its end; nil is time.Now.
	Now func() time.Time
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

// Walk lists the source on ListConcurrency goroutines. fn is called
// from one goroutine at a time. A prefix that cannot be listed is
// reported as a unit with Err, named, and the walk goes on.
func (s *S3) Walk(ctx context.Context, w Window, fn func(Unit) error) error {
	n := s.ListConcurrency
	if n <= 0 {
		n = DefaultListConcurrency
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	var mu sync.Mutex
	emit := func(u Unit) error {
		mu.Lock()
		defer mu.Unlock()
		return fn(u)
	}
	days, byDay := dayPrefixes(w, now())
	q := newJobQueue()
	var visit func(prefix string, depth int) error
	visit = func(prefix string, depth int) error {
		err := s.visit(ctx, prefix, depth, w, days, byDay, emit, func(p string) {
			q.push(func() error { return visit(p, depth+1) })
		})
		if err != nil && ctx.Err() == nil {
			// Listing failed (denied, throttled past retries): name the
			// prefix and go on with the others.
			return emit(Unit{Name: "s3://" + s.Bucket + "/" + prefix, Err: err})
		}
		return err
	}
	q.push(func() error { return visit(s.Prefix, 0) })
	return q.run(n)
}

// visit lists one prefix and pushes the prefixes below it worth listing.
func (s *S3) visit(ctx context.Context, prefix string, depth int, w Window, days []string, byDay bool, emit func(Unit) error, push func(string)) error {
	elems := strings.Split(strings.TrimSuffix(prefix, "/"), "/")
	if below, ok := regionDatesBelow(elems); ok && prefix != "" {
		if len(below) == 0 && strings.HasSuffix(prefix, "/") {
			// CloudTrail/REGION/: go straight to the days of the window.
			if !byDay {
				return s.list(ctx, prefix, "", w, emit, nil)
			}
			for _, d := range days {
				push(prefix + d)
			}
			return nil
		}
		from, to, dates := dateSpan(below)
		if dates && !w.Overlaps(from, to) {
			return nil
		}
		if len(below) >= 3 || (len(below) > 0 && !dates) {
			return s.list(ctx, prefix, "", w, emit, nil)
		}
	}
	if depth > 8 {
		return s.list(ctx, prefix, "", w, emit, nil)
	}
	if accountDir(elems) && strings.HasSuffix(prefix, "/") {
		// An account directory holds CloudTrail/, CloudTrail-Digest/
		// and CloudTrail-Insight/: only the first has log files.
		push(prefix + "CloudTrail/")
		return nil
	}
	return s.list(ctx, prefix, "/", w, emit, func(p string) {
		name := strings.TrimSuffix(strings.TrimPrefix(p, prefix), "/")
		if name != "CloudTrail-Digest" && name != "CloudTrail-Insight" {
			push(p)
		}
	})
}

// accountDir reports whether a split path is AWSLogs/ACCOUNT or
// AWSLogs/o-ORG/ACCOUNT.
func accountDir(elems []string) bool {
	n := len(elems)
	if n < 2 || !isAccountID(elems[n-1]) {
		return false
	}
	return elems[n-2] == "AWSLogs" || (n >= 3 && strings.HasPrefix(elems[n-2], "o-") && elems[n-3] == "AWSLogs")
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// maxDayPrefixes bounds the day prefixes listed per region: a window of
// years is listed as a whole region (one LIST per 1,000 keys) instead.
const maxDayPrefixes = 400

// dayPrefixes returns the YYYY/MM/DD/ directories that may hold events
// of w (a day's directory holds files delivered that UTC day, with events
// up to deliverySlack older), or false when w has no start or spans more
// than maxDayPrefixes days. A window open at its end runs to now.
func dayPrefixes(w Window, now time.Time) ([]string, bool) {
	if w.Since.IsZero() {
		return nil, false
	}
	until := w.Until
	if until.IsZero() {
		until = now.Add(deliverySlack)
	}
	since := w.Since.UTC()
	var days []string
	for d := time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, time.UTC); d.Add(-deliverySlack).Before(until); d = d.AddDate(0, 0, 1) {
		if !w.Overlaps(d.Add(-deliverySlack), d.AddDate(0, 0, 1)) {
			continue
		}
		if len(days) == maxDayPrefixes {
			return nil, false
		}
		days = append(days, d.Format("2006/01/02/"))
	}
	return days, true
}

// list pages through ListObjectsV2 and reports log files (and, with a
// delimiter, common prefixes to onPrefix).
func (s *S3) list(ctx context.Context, prefix, delim string, w Window, emit func(Unit) error, onPrefix func(string)) error {
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
		if onPrefix != nil {
			for _, cp := range out.CommonPrefixes {
				onPrefix(aws.ToString(cp.Prefix))
			}
		}
		for _, o := range out.Contents {
			key := aws.ToString(o.Key)
			if strings.HasSuffix(key, "/") || !dataFile(key) || strings.Contains(key, "/CloudTrail-Digest/") || !keepFile(key, w) {
				continue
			}
			if err := emit(s.unit(key, aws.ToInt64(o.Size))); err != nil {
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
	return Unit{Name: name, Size: size, Remote: true, Open: func(ctx context.Context) (io.ReadCloser, error) {
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
