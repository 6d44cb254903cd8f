package inventory

import "time"

// Snapshot is one collection run over one or more accounts.
type Snapshot struct {
	CollectedAt time.Time `json:"collected_at"`
	// Caller is the account whose credentials ran the collection.
	Caller string `json:"caller"`
	// Organization is true for an --org run; ManagementAccount is then the
	// organization's management account.
	Organization      bool      `json:"organization,omitempty"`
	ManagementAccount string    `json:"management_account,omitempty"`
	Accounts          []Account `json:"accounts"`
}

// Account status values as AWS Organizations reports them.
const (
	StatusActive         = "ACTIVE"
	StatusSuspended      = "SUSPENDED"
	StatusPendingClosure = "PENDING_CLOSURE"
)

// Account is everything read in one account.
type Account struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Status string `json:"status,omitempty"`
	// Skipped explains why the account was not read (suspended, closing).
	Skipped string `json:"skipped,omitempty"`
	// OUs is the account's place in the organization, root first, parent
	// last ("r-ab12", "ou-ab12-11111111", ...), read only when asked for
	// (per-OU policies); OUsError says why it is unknown.
	OUs      []string   `json:"ous,omitempty"`
	OUsError *ReadError `json:"ous_error,omitempty"`
	// Error is set when nothing could be read at all (for example the role
	// could not be assumed).
	Error *ReadError `json:"error,omitempty"`

	Regions []string `json:"regions"`
	// RegionsError is set when region discovery failed and the collector
	// fell back to a fixed list.
	RegionsError *ReadError `json:"regions_error,omitempty"`
	// RegionErrors holds per-region listing failures (DescribeTrails,
	// DescribeAlarms, ListRules) keyed by what was being listed.
	RegionErrors []RegionError `json:"region_errors,omitempty"`

	// Trails are every trail visible from this account, own and
	// organization trails owned elsewhere, once each (keyed by ARN).
	Trails    []Trail    `json:"trails,omitempty"`
	LogGroups []LogGroup `json:"log_groups,omitempty"`
	// AlarmRegions lists the regions whose metric alarms were read, so an
	// empty Alarms in such a region means "no alarms", not "not read".
	AlarmRegions []string `json:"alarm_regions,omitempty"`
	Alarms       []Alarm  `json:"alarms,omitempty"`
	Topics       []Topic  `json:"topics,omitempty"`
	Keys         []Key    `json:"keys,omitempty"`
	Rules        []Rule   `json:"rules,omitempty"`
}

// Listing names what a RegionError failed to list.
type Listing string

// What the collector lists per region.
const (
	ListTrails Listing = "trails"
	ListAlarms Listing = "alarms"
	ListRules  Listing = "rules"
)

// RegionError is a listing that failed in one region.
type RegionError struct {
	Region  string     `json:"region"`
	Listing Listing    `json:"listing"`
	Err     *ReadError `json:"error"`
}

// RegionError returns the failure listing l in region, or nil.
func (a *Account) RegionError(region string, l Listing) *ReadError {
	for _, e := range a.RegionErrors {
		if e.Region == region && e.Listing == l {
			return e.Err
		}
	}
	return nil
}

// Readable reports whether the account was read at all.
func (a *Account) Readable() bool { return a.Skipped == "" && a.Error == nil }
