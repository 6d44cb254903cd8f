package inventory

// Account returns the account with id, or nil.
func (s *Snapshot) Account(id string) *Account {
	for i := range s.Accounts {
		if s.Accounts[i].ID == id {
			return &s.Accounts[i]
		}
	}
	return nil
}

// LogGroup returns the looked-up log group with the trail's ARN, or nil.
func (a *Account) LogGroup(arn string) *LogGroup {
	for i := range a.LogGroups {
		if a.LogGroups[i].ARN == arn {
			return &a.LogGroups[i]
		}
	}
	return nil
}

// Topic returns the topic with arn, or nil.
func (a *Account) Topic(arn string) *Topic {
	for i := range a.Topics {
		if a.Topics[i].ARN == arn {
			return &a.Topics[i]
		}
	}
	return nil
}

// Key returns the key a topic names (ref) in region, or nil.
func (a *Account) Key(region, ref string) *Key {
	for i := range a.Keys {
		if a.Keys[i].Region == region && a.Keys[i].Ref == ref {
			return &a.Keys[i]
		}
	}
	return nil
}

// AlarmsIn returns the alarms read in region and whether that region's
// alarms were read at all.
func (a *Account) AlarmsIn(region string) ([]Alarm, bool) {
	read := false
	for _, r := range a.AlarmRegions {
		if r == region {
			read = true
		}
	}
	var out []Alarm
	for _, al := range a.Alarms {
		if al.Region == region {
			out = append(out, al)
		}
	}
	return out, read
}
