package scan

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

func apiErr(code string) error {
	return &smithy.GenericAPIError{Code: code, Message: code, Fault: smithy.FaultClient}
}

// throttler fails every nth call with a throttling error, as AWS does
// under load.
type throttler struct {
	mu    sync.Mutex
	every int
	calls int
}

func (t *throttler) hit(code string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls++
	if t.every > 0 && t.calls%t.every == 0 {
		return apiErr(code)
	}
	return nil
}

// fakeS3 is a bucket: ListObjectsV2 pages (MaxKeys) with continuation
// tokens and delimiters, GetObject, throttling and denied prefixes.
type fakeS3 struct {
	throttler
	objects  map[string][]byte
	page     int
	deny     string // keys under this prefix are AccessDenied
	mu       sync.Mutex
	listed   []string // prefixes listed
	gotten   []string
	denyList bool
}

func (f *fakeS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if err := f.hit("SlowDown"); err != nil {
		return nil, err
	}
	if f.denyList {
		return nil, apiErr("AccessDenied")
	}
	prefix, delim := aws.ToString(in.Prefix), aws.ToString(in.Delimiter)
	f.mu.Lock()
	f.listed = append(f.listed, prefix)
	f.mu.Unlock()
	var keys []string
	for k := range f.objects {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	// Entries are keys, or common prefixes when a delimiter cuts them.
	type entry struct {
		key    string
		prefix bool
	}
	var entries []entry
	seen := map[string]bool{}
	for _, k := range keys {
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				p := k[:len(prefix)+i+len(delim)]
				if !seen[p] {
					seen[p] = true
					entries = append(entries, entry{p, true})
				}
				continue
			}
		}
		entries = append(entries, entry{k, false})
	}
	start := 0
	if in.ContinuationToken != nil {
		start, _ = strconv.Atoi(*in.ContinuationToken)
	}
	end := min(start+f.page, len(entries))
	out := &s3.ListObjectsV2Output{}
	for _, e := range entries[start:end] {
		if e.prefix {
			out.CommonPrefixes = append(out.CommonPrefixes, s3types.CommonPrefix{Prefix: aws.String(e.key)})
		} else {
			out.Contents = append(out.Contents, s3types.Object{Key: aws.String(e.key), Size: aws.Int64(int64(len(f.objects[e.key])))})
		}
	}
	if end < len(entries) {
		out.IsTruncated = aws.Bool(true)
		out.NextContinuationToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

func (f *fakeS3) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	key := aws.ToString(in.Key)
	if f.deny != "" && strings.HasPrefix(key, f.deny) {
		return nil, apiErr("AccessDenied")
	}
	b, ok := f.objects[key]
	if !ok {
		return nil, apiErr("NoSuchKey")
	}
	f.mu.Lock()
	f.gotten = append(f.gotten, key)
	f.mu.Unlock()
	return &s3.GetObjectOutput{Body: io.NopCloser(bytes.NewReader(b))}, nil
}

// fakeLogs serves FilterLogEvents in pages, with an empty page holding a
// token (as the service does while it searches) and throttling.
type fakeLogs struct {
	throttler
	messages []string
	page     int
	inputs   []cloudwatchlogs.FilterLogEventsInput
	deny     bool
}

func (f *fakeLogs) FilterLogEvents(ctx context.Context, in *cloudwatchlogs.FilterLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.FilterLogEventsOutput, error) {
	if err := f.hit("ThrottlingException"); err != nil {
		return nil, err
	}
	if f.deny {
		return nil, apiErr("AccessDeniedException")
	}
	f.inputs = append(f.inputs, *in)
	tok := aws.ToString(in.NextToken)
	if tok == "" {
		return &cloudwatchlogs.FilterLogEventsOutput{NextToken: aws.String("p0")}, nil // empty first page
	}
	start, _ := strconv.Atoi(strings.TrimPrefix(tok, "p"))
	end := min(start+f.page, len(f.messages))
	out := &cloudwatchlogs.FilterLogEventsOutput{}
	for _, m := range f.messages[start:end] {
		out.Events = append(out.Events, cwltypes.FilteredLogEvent{Message: aws.String(m)})
	}
	if end < len(f.messages) {
		out.NextToken = aws.String("p" + strconv.Itoa(end))
	}
	return out, nil
}

type fakeLookup struct {
	throttler
	events []string
	page   int
	deny   bool
	inputs []cloudtrail.LookupEventsInput
}

func (f *fakeLookup) LookupEvents(ctx context.Context, in *cloudtrail.LookupEventsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.LookupEventsOutput, error) {
	if err := f.hit("ThrottlingException"); err != nil {
		return nil, err
	}
	if f.deny {
		return nil, apiErr("AccessDeniedException")
	}
	f.inputs = append(f.inputs, *in)
	start := 0
	if in.NextToken != nil {
		start, _ = strconv.Atoi(*in.NextToken)
	}
	end := min(start+f.page, len(f.events))
	out := &cloudtrail.LookupEventsOutput{}
	for _, e := range f.events[start:end] {
		out.Events = append(out.Events, cttypes.Event{CloudTrailEvent: aws.String(e)})
	}
	if end < len(f.events) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return out, nil
}

type fakeRegions struct{ regions []string }

func (f *fakeRegions) DescribeRegions(ctx context.Context, in *ec2.DescribeRegionsInput, _ ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	out := &ec2.DescribeRegionsOutput{}
	for _, r := range f.regions {
		out.Regions = append(out.Regions, ec2types.Region{RegionName: aws.String(r), OptInStatus: aws.String("opt-in-not-required")})
	}
	return out, nil
}

var (
	_ S3API      = (*fakeS3)(nil)
	_ LogsAPI    = (*fakeLogs)(nil)
	_ LookupAPI  = (*fakeLookup)(nil)
	_ RegionsAPI = (*fakeRegions)(nil)
)
