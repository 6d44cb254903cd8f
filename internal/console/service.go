package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/audit"
	"github.com/rootwatch/rootwatch/internal/notify/format"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch"
)

// Paging bounds: a page is never larger than MaxLimit rows.
const (
	DefaultLimit = 50
	MaxLimit     = 200
	// HistoryRuns is how many runs an account's history shows.
	HistoryRuns = 60
)

// Service answers the console's questions from the store. Pages and the
// JSON API both go through it, so they show the same thing.
type Service struct {
	Store *store.Store
	Now   func() time.Time
}

// Page is one page of a list.
type Page[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
	// TotalCapped: there are more than Total (alerts are counted up to
	// store.AlertCountCap, so a page costs the same however many there are).
	TotalCapped bool `json:"total_capped,omitempty"`
	Offset      int  `json:"offset"`
	Limit       int  `json:"limit"`
}

// Paging clamps offset and limit.
func Paging(offset, limit int) (int, int) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	return max(offset, 0), min(limit, MaxLimit)
}

// Run is one audit run.
type Run struct {
	ID       string    `json:"id"`
	At       time.Time `json:"at"`
	Accounts int       `json:"accounts"`
	Pass     int       `json:"pass"`
	Fail     int       `json:"fail"`
	Unknown  int       `json:"unknown"`
	Error    string    `json:"error,omitempty"`
}

// AccountRow is one account in the overview.
type AccountRow struct {
	Account   string   `json:"account"`
	Name      string   `json:"name,omitempty"`
	Status    string   `json:"status"`
	Broken    string   `json:"broken_link,omitempty"`
	Detail    string   `json:"detail,omitempty"`
	CoveredBy string   `json:"covered_by,omitempty"`
	Warnings  int      `json:"warnings"`
	Regions   []string `json:"regions"`
	// OUs is where the account sits (root first), when the audit read it
	// (watch --org).
	OUs     []string  `json:"ous"`
	Audited time.Time `json:"audited_at"`
}

// Overview is the overview page: counts, the last run, and a page of accounts.
type Overview struct {
	Counts  map[string]int   `json:"counts"`
	LastRun *Run             `json:"last_run,omitempty"`
	Page    Page[AccountRow] `json:"accounts"`
}

// OverviewFilter selects the overview's accounts.
type OverviewFilter struct {
	Status  string // PASS, FAIL, UNKNOWN or ""
	Account string // part of an account ID or name
	OU      string // an OU or root ID: the accounts under it
	Offset  int
	Limit   int
}

// ErrBadRequest marks a request the caller must change.
var ErrBadRequest = errors.New("bad request")

// Overview lists the latest result of the accounts f selects.
func (s *Service) Overview(ctx context.Context, f OverviewFilter) (Overview, error) {
	switch f.Status {
	case "", watch.ChainPass, watch.ChainFail, watch.ChainUnknown:
	default:
		return Overview{}, fmt.Errorf("status %q: want PASS, FAIL or UNKNOWN: %w", f.Status, ErrBadRequest)
	}
	f.Offset, f.Limit = Paging(f.Offset, f.Limit)
	counts, err := s.Store.LatestCounts(ctx)
	if err != nil {
		return Overview{}, err
	}
	rs, total, err := s.Store.LatestResults(ctx, store.LatestFilter{Status: f.Status, Account: f.Account, OU: f.OU, Offset: f.Offset, Limit: f.Limit})
	if err != nil {
		return Overview{}, err
	}
	out := Overview{Counts: counts, Page: Page[AccountRow]{Items: []AccountRow{}, Total: total, Offset: f.Offset, Limit: f.Limit}}
	for _, r := range rs {
		out.Page.Items = append(out.Page.Items, accountRow(r))
	}
	runs, err := s.Store.LastAuditRuns(ctx, 1)
	if err != nil {
		return Overview{}, err
	}
	if len(runs) == 1 {
		r := runOf(runs[0])
		out.LastRun = &r
	}
	return out, nil
}

func runOf(r store.AuditRun) Run {
	return Run{ID: r.ID, At: r.At, Accounts: r.Accounts, Pass: r.Pass, Fail: r.Fail, Unknown: r.Unknown, Error: r.Error}
}

func accountRow(r store.AuditResult) AccountRow {
	regions := r.Regions
	if regions == nil {
		regions = []string{}
	}
	return AccountRow{Account: r.Account, Name: r.Name, Status: r.Status, Broken: r.Broken, Detail: r.Detail,
		CoveredBy: r.CoveredBy, Warnings: r.Warnings, Regions: regions, OUs: orEmpty(r.OUs), Audited: r.At}
}

// HistoryPoint is one run's verdict on one account.
type HistoryPoint struct {
	At       time.Time `json:"at"`
	Run      string    `json:"run"`
	Status   string    `json:"status"`
	Broken   string    `json:"broken_link,omitempty"`
	Warnings int       `json:"warnings"`
}

// Account is one account: its latest result with the audit's evidence,
// and its status over the last runs (newest first).
type Account struct {
	AccountRow
	// Evidence is the audit's verdict on each link (audit.AccountResult,
	// as `rootwatch audit --format json` writes it); nil when the run
	// that recorded it kept none.
	Evidence *audit.AccountResult `json:"evidence,omitempty"`
	History  []HistoryPoint       `json:"history"`
}

// Account returns one account, or an error wrapping store.ErrNotFound.
func (s *Service) Account(ctx context.Context, id string) (Account, error) {
	r, err := s.Store.LatestResult(ctx, id)
	if err != nil {
		return Account{}, err
	}
	out := Account{AccountRow: accountRow(r), History: []HistoryPoint{}}
	if r.Evidence != "" {
		var ev audit.AccountResult
		if err := json.Unmarshal([]byte(r.Evidence), &ev); err != nil {
			return Account{}, fmt.Errorf("account %s: read its evidence: %w", id, err)
		}
		out.Evidence = &ev
	}
	hs, err := s.Store.AuditHistory(ctx, id, HistoryRuns)
	if err != nil {
		return Account{}, err
	}
	for _, h := range hs {
		out.History = append(out.History, HistoryPoint{At: h.At, Run: h.RunID, Status: h.Status, Broken: h.Broken, Warnings: h.Warnings})
	}
	return out, nil
}

// Delivery is one alert's delivery to one notifier.
type Delivery struct {
	Notifier    string    `json:"notifier"`
	State       string    `json:"state"` // pending, sent, dead
	Attempts    int       `json:"attempts"`
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Sent        time.Time `json:"sent_at,omitzero"`
}

// Alert is one alert with its deliveries. The alert is as the notifiers
// receive it (docs/watch.md, "Alert schema") without the raw events.
type Alert struct {
	alert.Alert
	// Link is the CloudTrail console page of the event, only when it is
	// an AWS console address (the region in it comes from CloudTrail).
	Link       string     `json:"link,omitempty"`
	Deliveries []Delivery `json:"deliveries"`
}

// MarshalJSON keeps the alert's own encoding (its severity word) and adds
// the console's fields.
func (a Alert) MarshalJSON() ([]byte, error) {
	base, err := json.Marshal(a.Alert)
	if err != nil {
		return nil, err
	}
	extra, err := json.Marshal(struct {
		Link       string     `json:"link,omitempty"`
		Deliveries []Delivery `json:"deliveries"`
	}{a.Link, a.Deliveries})
	if err != nil {
		return nil, err
	}
	if len(base) < 2 || len(extra) < 2 {
		return nil, errors.New("encode alert: unexpected JSON")
	}
	if string(base) == "{}" {
		return extra, nil
	}
	return append(append(base[:len(base)-1], ','), extra[1:]...), nil
}

// AlertFilter selects alerts.
type AlertFilter struct {
	Rule    string
	Account string
	Dead    bool
	Offset  int
	Limit   int
}

// Alerts lists alerts newest first.
func (s *Service) Alerts(ctx context.Context, f AlertFilter) (Page[Alert], error) {
	f.Offset, f.Limit = Paging(f.Offset, f.Limit)
	groups, total, capped, err := s.Store.AlertPage(ctx, store.AlertFilter{Rule: f.Rule, Account: f.Account, Dead: f.Dead, Offset: f.Offset, Limit: f.Limit})
	if err != nil {
		return Page[Alert]{}, err
	}
	out := Page[Alert]{Items: []Alert{}, Total: total, TotalCapped: capped, Offset: f.Offset, Limit: f.Limit}
	for _, g := range groups {
		if len(g) == 0 {
			continue
		}
		a := Alert{Alert: g[0].Alert, Deliveries: []Delivery{}}
		a.Events = nil
		a.Link = awsConsoleLink(format.ConsoleLink(a.Alert))
		for _, it := range g {
			d := Delivery{Notifier: it.Notifier, State: it.State, Attempts: it.Attempts, LastError: it.LastError, Sent: it.Sent}
			if it.State == store.OutboxPending {
				d.NextAttempt = it.NextAttempt
			}
			a.Deliveries = append(a.Deliveries, d)
		}
		out.Items = append(out.Items, a)
	}
	return out, nil
}

// awsConsoleLink returns link when it is an https address of the AWS
// console (any partition), else "": the host is built from CloudTrail's
// awsRegion, which whoever writes events chooses.
func awsConsoleLink(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Port() != "" {
		return ""
	}
	h := u.Hostname()
	for _, suffix := range []string{".console.aws.amazon.com", ".console.amazonaws.cn", ".console.amazonaws-us-gov.com"} {
		if region, ok := strings.CutSuffix(h, suffix); ok && region != "" && !strings.Contains(region, ".") {
			return link
		}
	}
	return ""
}

// Retry makes the dead deliveries of alert id due again; it returns how
// many it revived.
func (s *Service) Retry(ctx context.Context, id string) (int64, error) {
	if id == "" {
		return 0, fmt.Errorf("no alert named: %w", ErrBadRequest)
	}
	return s.Store.Retry(ctx, id, s.Now())
}

// Day is one day of the root-activity chart.
type Day struct {
	Day    string `json:"day"` // YYYY-MM-DD, UTC
	Alerts int    `json:"alerts"`
}

// RootPerDay counts root-activity alerts (one per root session) per UTC
// day over the last days days, oldest first, days without any included.
func (s *Service) RootPerDay(ctx context.Context, days int) ([]Day, error) {
	days = min(max(days, 1), 366)
	today := s.Now().UTC().Truncate(24 * time.Hour)
	since := today.AddDate(0, 0, -(days - 1))
	counts, err := s.Store.AlertsPerDay(ctx, alert.RuleRootUsage, since)
	if err != nil {
		return nil, err
	}
	out := make([]Day, 0, days)
	for d := since; !d.After(today); d = d.AddDate(0, 0, 1) {
		out = append(out, Day{Day: d.Format(time.DateOnly), Alerts: counts[d]})
	}
	return out, nil
}

// Correction is one correction and its decision.
type Correction struct {
	ID        string    `json:"id"`
	Account   string    `json:"account"`
	State     string    `json:"state"`
	Summary   string    `json:"summary"`
	Plan      string    `json:"plan"`
	Created   time.Time `json:"created"`
	Expires   time.Time `json:"expires,omitzero"`
	Approvers []string  `json:"approvers"`
	Actions   []string  `json:"actions"`
	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
	Result    string    `json:"result,omitempty"`
}

func correctionOf(c store.Correction) Correction {
	return Correction{ID: c.ID, Account: c.Account, State: c.State, Summary: c.Summary, Plan: c.Plan, Created: c.Created,
		Expires: c.Expires, Approvers: orEmpty(c.Approvers), Actions: orEmpty(c.Actions), DecidedBy: c.DecidedBy,
		DecidedAt: c.DecidedAt, Reason: c.Reason, Result: c.Result}
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Corrections lists the proposals waiting (waiting true) or the history
// of decisions and results, newest first.
func (s *Service) Corrections(ctx context.Context, waiting bool, offset, limit int) (Page[Correction], error) {
	offset, limit = Paging(offset, limit)
	state := ""
	if waiting {
		state = store.CorrectionProposed
	}
	cs, total, err := s.Store.CorrectionPage(ctx, state, !waiting, offset, limit)
	if err != nil {
		return Page[Correction]{}, err
	}
	out := Page[Correction]{Items: []Correction{}, Total: total, Offset: offset, Limit: limit}
	for _, c := range cs {
		out.Items = append(out.Items, correctionOf(c))
	}
	return out, nil
}

// Correction returns one correction, or an error wrapping store.ErrNotFound.
func (s *Service) Correction(ctx context.Context, id string) (Correction, error) {
	c, err := s.Store.GetCorrection(ctx, id)
	if err != nil {
		return Correction{}, err
	}
	return correctionOf(c), nil
}

// Decisions the console offers, by the word the API takes.
var decisions = map[string]string{
	"approve": store.CorrectionApproved,
	"reject":  store.CorrectionRejected,
	"skip":    store.CorrectionSkipped,
}

// ErrForbidden: the identity may not do this.
var ErrForbidden = errors.New("forbidden")

// Decide records who decides correction id, how and why. Only an
// identity with the approver role that is one of the correction's
// approvers (watch.MayDecide, as `rootwatch corrections` checks) may, and
// only for an action the account allows; the running watch checks again
// against its own policy before carrying it out.
func (s *Service) Decide(ctx context.Context, who Identity, id, decision, reason string) (Correction, error) {
	state, ok := decisions[decision]
	if !ok {
		return Correction{}, fmt.Errorf("decision %q: want approve, reject or skip: %w", decision, ErrBadRequest)
	}
	if len(reason) > 2000 {
		return Correction{}, fmt.Errorf("reason: at most 2000 bytes: %w", ErrBadRequest)
	}
	if who.Role != RoleApprover {
		return Correction{}, fmt.Errorf("%s has the role %s, not approver: %w", who.ID(), who.Role, ErrForbidden)
	}
	c, err := s.Store.GetCorrection(ctx, id)
	if err != nil {
		return Correction{}, err
	}
	principal, ok := watch.MayDecide(c.Approvers, who.ID())
	if !ok {
		return Correction{}, fmt.Errorf("correction %s: %s is not one of its approvers: %w", id, who.ID(), ErrForbidden)
	}
	if action := watch.DecisionAction(state); len(c.Actions) > 0 && !slices.Contains(c.Actions, action) {
		return Correction{}, fmt.Errorf("correction %s: account %s allows %s, not %s: %w",
			id, c.Account, strings.Join(c.Actions, ", "), action, ErrForbidden)
	}
	by := principal
	if principal != who.ID() {
		by += " (" + who.ID() + ")"
	}
	if err := s.Store.DecideCorrection(ctx, id, store.Decision{State: state, By: by, Reason: reason}, s.Now()); err != nil {
		return Correction{}, err
	}
	return s.Correction(ctx, id)
}
