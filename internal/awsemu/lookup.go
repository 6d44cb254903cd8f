package awsemu

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
)

// History is CloudTrail event history (LookupEvents), which awsfake does
// not model: CloudTrail records by account and region.
type History struct {
	mu     sync.Mutex
	events map[string][]cttypes.Event // account/region
}

// NewHistory returns an empty history.
func NewHistory() *History { return &History{events: map[string][]cttypes.Event{}} }

// Put records a CloudTrail event (one record's JSON). Username is what
// LookupEvents filters on: "root" for the root user, as CloudTrail shows.
func (h *History) Put(account, region, record string) error {
	var r struct {
		EventID      string    `json:"eventID"`
		EventName    string    `json:"eventName"`
		EventSource  string    `json:"eventSource"`
		EventTime    time.Time `json:"eventTime"`
		UserIdentity struct {
			Type     string `json:"type"`
			UserName string `json:"userName"`
		} `json:"userIdentity"`
	}
	if err := json.Unmarshal([]byte(record), &r); err != nil {
		return err
	}
	user := r.UserIdentity.UserName
	if r.UserIdentity.Type == "Root" {
		user = "root"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	k := account + "/" + region
	h.events[k] = append(h.events[k], cttypes.Event{
		EventId: aws.String(r.EventID), EventName: aws.String(r.EventName), EventSource: aws.String(r.EventSource),
		EventTime: aws.Time(r.EventTime), Username: aws.String(user), CloudTrailEvent: aws.String(record),
	})
	return nil
}

func (s *Server) lookupEvents(c caller, data any) (*node, error) {
	in := &cloudtrail.LookupEventsInput{}
	if err := assignInput(in, data, "LookupEventsInput"); err != nil {
		return nil, err
	}
	if c.account == "" {
		return nil, apiErr("UnrecognizedClientException", "The security token included in the request is invalid.", http.StatusBadRequest)
	}
	if err := s.Cloud.Allowed(c.account, c.region, "cloudtrail:LookupEvents"); err != nil {
		return nil, err
	}
	user := ""
	for _, a := range in.LookupAttributes {
		if a.AttributeKey != cttypes.LookupAttributeKeyUsername {
			return nil, apiErr("InvalidLookupAttributesException", "only Username is emulated", http.StatusBadRequest)
		}
		user = aws.ToString(a.AttributeValue)
	}
	var all []cttypes.Event
	if s.History != nil {
		s.History.mu.Lock()
		all = append(all, s.History.events[c.account+"/"+c.region]...)
		s.History.mu.Unlock()
	}
	var match []cttypes.Event
	// CloudTrail returns the newest first.
	for i := len(all) - 1; i >= 0; i-- {
		e := all[i]
		t := aws.ToTime(e.EventTime)
		if (in.StartTime != nil && t.Before(*in.StartTime)) || (in.EndTime != nil && t.After(*in.EndTime)) {
			continue
		}
		if user != "" && aws.ToString(e.Username) != user {
			continue
		}
		match = append(match, e)
	}
	size := int(aws.ToInt32(in.MaxResults))
	if size <= 0 || size > 50 {
		size = 50
	}
	start := 0
	if t := aws.ToString(in.NextToken); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 || n > len(match) {
			return nil, apiErr("InvalidNextTokenException", "Invalid NextToken.", http.StatusBadRequest)
		}
		start = n
	}
	end := min(start+size, len(match))
	out := &cloudtrail.LookupEventsOutput{Events: match[start:end]}
	if end < len(match) {
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	return outputTree(out), nil
}
