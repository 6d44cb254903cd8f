package awsfake

import (
	"encoding/json"
	"fmt"
)

// StateJSON is a canonical dump of one account's state (trails, every
// region's resources, tags, roles) with empty collections dropped, so two
// dumps are equal exactly when the account holds the same things. Alarm
// history is left out: AWS keeps it after an alarm is gone.
func (c *Cloud) StateJSON(account string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.Accounts[account]
	if !ok {
		return "", fmt.Errorf("no account %s", account)
	}
	type regionState struct {
		LogGroups, Alarms, Topics, Keys, Aliases, Rules, Tags, Schedules any
	}
	regions := map[string]regionState{}
	for name, r := range a.Regional {
		regions[name] = regionState{r.LogGroups, alarmsWithoutState(r), r.Topics, r.Keys, r.Aliases, r.Rules, r.Tags, r.Schedules}
	}
	b, err := json.Marshal(map[string]any{
		"trails": a.Trails, "roles": a.Roles, "iam_roles": a.IAMRoles, "regions": regions,
	})
	if err != nil {
		return "", err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	out, err := json.MarshalIndent(prune(v), "", "  ")
	return string(out), err
}

// alarmsWithoutState drops the fields AWS changes on its own (state and
// its timestamps), which an account-state comparison must ignore.
func alarmsWithoutState(r *Region) map[string]any {
	out := map[string]any{}
	for name, al := range r.Alarms {
		cp := *al
		cp.StateValue, cp.StateReason, cp.StateReasonData = "", nil, nil
		cp.StateUpdatedTimestamp, cp.StateTransitionedTimestamp, cp.AlarmConfigurationUpdatedTimestamp = nil, nil, nil
		out[name] = cp
	}
	return out
}

func prune(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			e = prune(e)
			if isEmpty(e) {
				delete(x, k)
				continue
			}
			x[k] = e
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = prune(e)
		}
		return x
	}
	return v
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
