package awsread

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/rootwatch/rootwatch/internal/inventory"
)

// readRules lists the default bus's rules in region and keeps those whose
// pattern mentions the Root identity type, with their targets: the
// alternative design the audit reports as "monitored, not the CIS chain".
func (r *accountReader) readRules(ctx context.Context, region string) {
	eb := r.conn.EventBridge(region)
	var rules []inventory.Rule
	var token *string
	for {
		page, err := do(ctx, r.o.Retry, "events:ListRules", func(ctx context.Context) (*eventbridge.ListRulesOutput, error) {
			return eb.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: token})
		})
		if err != nil {
			r.regionError(region, inventory.ListRules, err)
			return
		}
		for _, rl := range page.Rules {
			pat := aws.ToString(rl.EventPattern)
			if !strings.Contains(pat, `"Root"`) {
				continue
			}
			rules = append(rules, inventory.Rule{Name: aws.ToString(rl.Name), ARN: aws.ToString(rl.Arn), Region: region, State: string(rl.State), EventPattern: pat})
		}
		if token = page.NextToken; token == nil || *token == "" {
			break
		}
	}
	for i := range rules {
		rl := &rules[i]
		var token *string
		for {
			page, err := do(ctx, r.o.Retry, "events:ListTargetsByRule", func(ctx context.Context) (*eventbridge.ListTargetsByRuleOutput, error) {
				return eb.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: aws.String(rl.Name), NextToken: token})
			})
			if err != nil {
				rl.TargetsError = readErr(err)
				break
			}
			for _, t := range page.Targets {
				rl.Targets = append(rl.Targets, inventory.Target{ID: aws.ToString(t.Id), ARN: aws.ToString(t.Arn)})
			}
			if token = page.NextToken; token == nil || *token == "" {
				break
			}
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.a.Rules = append(r.a.Rules, rules...)
}
