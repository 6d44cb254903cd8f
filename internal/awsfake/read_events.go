package awsfake

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/rootwatch/rootwatch/internal/awsread"
)

// EventBridge is the fake EventBridge client of one account and region.
type EventBridge struct {
	c               *Cloud
	account, region string
}

var _ awsread.EventBridgeAPI = (*EventBridge)(nil)

// ListRules implements awsread.EventBridgeAPI (default bus only).
func (e *EventBridge) ListRules(ctx context.Context, in *eventbridge.ListRulesInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListRulesOutput, error) {
	if err := e.c.call(ctx, e.account, e.region, "events:ListRules"); err != nil {
		return nil, err
	}
	e.c.mu.Lock()
	defer e.c.mu.Unlock()
	a, err := e.c.lookup(e.account)
	if err != nil {
		return nil, err
	}
	r := a.Region(e.region)
	var rules []ebtypes.Rule
	for _, name := range sortedKeys(r.Rules) {
		if in.NamePrefix != nil && !strings.HasPrefix(name, *in.NamePrefix) {
			continue
		}
		rl := r.Rules[name].Rule
		rl.Name = aws.String(name)
		if rl.Arn == nil {
			rl.Arn = aws.String("arn:" + e.c.partition() + ":events:" + e.region + ":" + e.account + ":rule/" + name)
		}
		rules = append(rules, rl)
	}
	lo, hi, next, err := e.c.page(len(rules), in.NextToken, int(aws.ToInt32(in.Limit)))
	if err != nil {
		return nil, err
	}
	return &eventbridge.ListRulesOutput{Rules: rules[lo:hi], NextToken: next}, nil
}

// ListTargetsByRule implements awsread.EventBridgeAPI.
func (e *EventBridge) ListTargetsByRule(ctx context.Context, in *eventbridge.ListTargetsByRuleInput, _ ...func(*eventbridge.Options)) (*eventbridge.ListTargetsByRuleOutput, error) {
	if err := e.c.call(ctx, e.account, e.region, "events:ListTargetsByRule"); err != nil {
		return nil, err
	}
	e.c.mu.Lock()
	defer e.c.mu.Unlock()
	a, err := e.c.lookup(e.account)
	if err != nil {
		return nil, err
	}
	rl, ok := a.Region(e.region).Rules[aws.ToString(in.Rule)]
	if !ok {
		return nil, apiError("ResourceNotFoundException", "Rule "+aws.ToString(in.Rule)+" does not exist.")
	}
	lo, hi, next, err := e.c.page(len(rl.Targets), in.NextToken, int(aws.ToInt32(in.Limit)))
	if err != nil {
		return nil, err
	}
	return &eventbridge.ListTargetsByRuleOutput{Targets: rl.Targets[lo:hi], NextToken: next}, nil
}
