package awsemu

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/rootwatch/rootwatch/filterpattern"
)

// Events holds CloudWatch Logs events, which awsfake does not model, for
// FilterLogEvents. The filter pattern is applied here, server-side, as
// AWS does, with rootwatch's own engine.
type Events struct {
	mu     sync.Mutex
	groups map[string][]logtypes.FilteredLogEvent // account/region/group
	// PageSize caps events per page (0: 2, so tests page).
	PageSize int
}

// NewEvents returns an empty store.
func NewEvents() *Events { return &Events{groups: map[string][]logtypes.FilteredLogEvent{}} }

func groupKey(account, region, group string) string { return account + "/" + region + "/" + group }

// Put appends an event to a log group's stream.
func (e *Events) Put(account, region, group, stream string, at time.Time, message string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := groupKey(account, region, group)
	ms := at.UnixMilli()
	e.groups[k] = append(e.groups[k], logtypes.FilteredLogEvent{
		EventId: aws.String(fmt.Sprintf("%d-%d", ms, len(e.groups[k]))), LogStreamName: aws.String(stream),
		Timestamp: aws.Int64(ms), IngestionTime: aws.Int64(ms), Message: aws.String(message),
	})
	sort.SliceStable(e.groups[k], func(i, j int) bool { return *e.groups[k][i].Timestamp < *e.groups[k][j].Timestamp })
}

func (s *Server) filterLogEvents(c caller, data any) (*node, error) {
	in := &cloudwatchlogs.FilterLogEventsInput{}
	if err := assignInput(in, data, "FilterLogEventsInput"); err != nil {
		return nil, err
	}
	name := aws.ToString(in.LogGroupName)
	if id := aws.ToString(in.LogGroupIdentifier); id != "" {
		// arn:aws:logs:REGION:ACCOUNT:log-group:NAME
		if i := strings.Index(id, ":log-group:"); i >= 0 {
			name = id[i+len(":log-group:"):]
		} else {
			name = id
		}
	}
	if c.account == "" {
		return nil, apiErr("UnrecognizedClientException", "The security token included in the request is invalid.", http.StatusBadRequest)
	}
	if s.Events == nil {
		return nil, apiErr("ResourceNotFoundException", "The specified log group does not exist.", http.StatusBadRequest)
	}
	var match func([]byte) bool
	if p := aws.ToString(in.FilterPattern); p != "" {
		m, err := filterpattern.Compile(p)
		if err != nil {
			return nil, apiErr("InvalidParameterException", "Invalid filter pattern: "+err.Error(), http.StatusBadRequest)
		}
		match = m.Match
	}
	e := s.Events
	e.mu.Lock()
	all, ok := e.groups[groupKey(c.account, c.region, name)]
	all = append([]logtypes.FilteredLogEvent(nil), all...)
	size := e.PageSize
	e.mu.Unlock()
	if !ok {
		return nil, apiErr("ResourceNotFoundException", "The specified log group does not exist.", http.StatusBadRequest)
	}
	if size <= 0 {
		size = 2
	}
	start := 0
	if t := aws.ToString(in.NextToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(all) {
			return nil, apiErr("InvalidParameterException", "The specified nextToken is invalid.", http.StatusBadRequest)
		}
		start = n
	}
	out := &cloudwatchlogs.FilterLogEventsOutput{}
	i := start
	for ; i < len(all) && len(out.Events) < size; i++ {
		ev := all[i]
		ts := aws.ToInt64(ev.Timestamp)
		if (in.StartTime != nil && ts < *in.StartTime) || (in.EndTime != nil && ts > *in.EndTime) {
			continue
		}
		if match != nil && !match([]byte(aws.ToString(ev.Message))) {
			continue
		}
		out.Events = append(out.Events, ev)
	}
	if i < len(all) {
		out.NextToken = aws.String(strconv.Itoa(i))
	}
	return capture(out), nil
}
