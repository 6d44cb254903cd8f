// Package watch is the long-running service behind `rootwatch watch`: it
// reads CloudTrail from its sources, runs detection, records alerts in the
// store's outbox in the same transaction as the dedup state and the source
// checkpoint, and delivers them with retries. The CLI, the Lambda handler
// and the tests all use it through Options, New, Run and Stop.
package watch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/detect"
	"github.com/rootwatch/rootwatch/internal/notify"
	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/watch/source"
)

// Options configure a Service. Store and at least one Target are required.
type Options struct {
	Store   *store.Store
	Sources []source.Source
	Targets []Target
	// Detector defaults to detect.DefaultRules through the engine.
	Detector *detect.Detector
	Mode     string             // ModeEvent (default) or ModeAlarm
	Group    detect.GroupPolicy // zero: detect.DefaultGroupPolicy
	Alarm    detect.AlarmPolicy // zero: detect.CISAlarmPolicy
	// Listen is the address of /healthz, /readyz and /metrics; empty
	// serves none. Use 127.0.0.1:0 in tests and read Addr.
	Listen string
	Logger *slog.Logger
	// Now is the clock (detection windows, backoff, leases).
	Now func() time.Time
	// Owner names this replica in outbox leases; default host-pid-random.
	Owner   string
	Backoff store.Backoff // zero: store.DefaultBackoff
	// Lease bounds how long a claimed delivery is this replica's; after it
	// another replica (or this one after a restart) delivers it again.
	Lease time.Duration
	// NotifyTimeout bounds one delivery attempt.
	NotifyTimeout time.Duration
	// TickEvery is how often follow-ups, expiry and alarms are evaluated.
	TickEvery time.Duration
	// SeenRetention is how long event IDs are remembered for dedup.
	SeenRetention time.Duration
	// Enrich, when set, adds the account alias and name to each alert
	// just before delivery (enrich.Enricher.Enrich); it must not block long.
	Enrich func(ctx context.Context, a *alert.Alert)
	// Audit, when set, re-runs the chain audit every AuditEvery.
	Audit      *AuditOptions
	AuditEvery time.Duration
	// Console, when set, is served on Listen beside the operational
	// endpoints (everything but /healthz, /readyz and /metrics).
	Console http.Handler
}

// Service is a running watch. Create it with New.
type Service struct {
	o        Options
	pipe     *pipeline
	disp     *dispatcher
	m        *metrics
	log      *slog.Logger
	listener net.Listener
	srv      *http.Server

	// places is where each audited account sits, from the latest audit
	// run, so a decision is checked against the same policy rule that
	// proposed it.
	placeMu sync.Mutex
	places  map[string]Placement

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	ready   bool
	started bool
}

// New checks o and prepares the service; it binds the listen address so
// a port clash is reported before anything runs.
func New(ctx context.Context, o Options) (*Service, error) {
	if o.Store == nil {
		return nil, errors.New("watch: no store")
	}
	if len(o.Targets) == 0 {
		return nil, errors.New("watch: no notifier configured (--notify)")
	}
	if o.Mode == "" {
		o.Mode = ModeEvent
	}
	if o.Mode != ModeEvent && o.Mode != ModeAlarm {
		return nil, fmt.Errorf("watch: mode %q: want event or alarm", o.Mode)
	}
	if o.Group == (detect.GroupPolicy{}) {
		o.Group = detect.DefaultGroupPolicy()
	}
	if o.Alarm.Period == 0 {
		o.Alarm = detect.CISAlarmPolicy()
	}
	if err := o.Alarm.Validate(); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Owner == "" {
		o.Owner = defaultOwner()
	}
	if o.Backoff == (store.Backoff{}) {
		o.Backoff = store.DefaultBackoff()
	}
	if o.Lease == 0 {
		o.Lease = DefaultLease
	}
	if o.NotifyTimeout == 0 {
		o.NotifyTimeout = DefaultNotifyTimeout
	}
	if o.NotifyTimeout >= o.Lease {
		return nil, fmt.Errorf("watch: notify timeout %s must be shorter than the lease %s", o.NotifyTimeout, o.Lease)
	}
	if o.TickEvery == 0 {
		o.TickEvery = time.Second
	}
	if o.SeenRetention == 0 {
		o.SeenRetention = 7 * 24 * time.Hour
	}
	if err := checkAudit(o.Audit); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if o.Detector == nil {
		d, err := detect.New(nil)
		if err != nil {
			return nil, fmt.Errorf("watch: %w", err)
		}
		o.Detector = d
	}
	notifiers := map[string]notify.Notifier{}
	for _, t := range o.Targets {
		if _, dup := notifiers[t.Name]; t.Name == "" || dup {
			return nil, fmt.Errorf("watch: notifier names must be unique and not empty (%q)", t.Name)
		}
		notifiers[t.Name] = t.Notifier
	}
	srcNames := map[string]bool{}
	for _, src := range o.Sources {
		if srcNames[src.Name()] {
			return nil, fmt.Errorf("watch: source %s configured twice", src.Name())
		}
		srcNames[src.Name()] = true
	}
	if err := o.Store.MigrateWatch(ctx); err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	m := newMetrics()
	log := o.Logger
	s := &Service{o: o, m: m, log: log}
	s.disp = &dispatcher{store: o.Store, notifiers: notifiers, owner: o.Owner, lease: o.Lease,
		enrich: o.Enrich, timeout: o.NotifyTimeout, backoff: o.Backoff, parallel: 8, idle: time.Second, now: o.Now,
		m: m, log: log, wakeCh: make(chan struct{}, 1), quiesceCh: make(chan struct{})}
	s.pipe = &pipeline{store: o.Store, det: o.Detector, mode: o.Mode, group: o.Group, alarm: o.Alarm,
		targets: o.Targets, now: o.Now, m: m, log: log, wake: s.disp.wake, health: &storeHealth{}}
	s.disp.health = s.pipe.health
	if o.Listen != "" {
		l, err := net.Listen("tcp", o.Listen)
		if err != nil {
			return nil, fmt.Errorf("watch: listen on %s: %w", o.Listen, err)
		}
		what := "/healthz, /readyz and /metrics"
		if o.Console != nil {
			// Logins, session cookies and decisions would cross the network in clear text.
			what = "the console (logins and decisions), /healthz, /readyz and /metrics"
		}
		source.WarnIfExposed(log, l, what, false)
		s.listener = l
		s.srv = &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	}
	return s, nil
}

// DefaultLease is how long a replica owns the deliveries it claimed, and
// DefaultNotifyTimeout bounds one delivery attempt (shorter than the lease).
const (
	DefaultLease         = 2 * time.Minute
	DefaultNotifyTimeout = 30 * time.Second
)

func defaultOwner() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
}

// Addr is the bound listen address ("" when not listening).
func (s *Service) Addr() string {
	if s.listener == nil {
		return ""
	}
	return s.listener.Addr().String()
}

// Sink is the pipeline, for callers that feed batches themselves (the
// Lambda handler, tests).
func (s *Service) Sink() source.Sink { return s.pipe }

// Run runs the sources, the dispatcher, the periodic work and the HTTP
// endpoints until ctx is cancelled or Stop is called, then shuts down
// gracefully: sources stop reading, batches in progress are recorded,
// deliveries in flight finish. It returns the first source failure.
func (s *Service) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("watch: Run called twice")
	}
	s.started = true
	ctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.done = make(chan struct{})
	s.mu.Unlock()
	defer close(s.done)
	defer cancel()

	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		runErr  error
	)
	fail := func(err error) {
		errOnce.Do(func() { runErr = err })
		cancel()
	}
	if s.srv != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.srv.Serve(s.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
				fail(fmt.Errorf("watch: serve %s: %w", s.Addr(), err))
			}
		}()
	}
	dispCtx, stopDisp := context.WithCancel(context.WithoutCancel(ctx))
	dispDone := make(chan struct{})
	go func() { defer close(dispDone); s.disp.run(dispCtx) }()

	wg.Add(1)
	go func() { defer wg.Done(); s.periodic(ctx) }()
	for _, src := range s.o.Sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.log.Info("source started", "source", src.Name())
			if err := src.Run(ctx, s.pipe); err != nil && ctx.Err() == nil {
				fail(fmt.Errorf("watch: source %s: %w", src.Name(), err))
			}
		}()
	}
	s.setReady(true)
	s.log.Info("watch running", "mode", s.o.Mode, "sources", len(s.o.Sources), "notifiers", len(s.o.Targets),
		"store", s.o.Store.String(), "listen", s.Addr(), "owner", s.o.Owner)
	<-ctx.Done()
	s.setReady(false)
	s.log.Info("watch stopping")
	if s.srv != nil {
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.srv.Shutdown(sctx)
		c()
	}
	wg.Wait()
	// Sources are stopped and their last batches recorded: deliver what is
	// due now (for at most one notifier timeout), then stop the dispatcher.
	s.disp.quiesce()
	select {
	case <-dispDone:
	case <-time.After(s.o.NotifyTimeout):
		stopDisp()
		<-dispDone
	}
	stopDisp()
	s.log.Info("watch stopped")
	return runErr
}

// Stop ends Run and waits for it to return.
func (s *Service) Stop() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (s *Service) setReady(v bool) {
	s.mu.Lock()
	s.ready = v
	s.mu.Unlock()
}

// periodic runs the clock-driven work until ctx ends.
func (s *Service) periodic(ctx context.Context) {
	tick := time.NewTicker(s.o.TickEvery)
	defer tick.Stop()
	var lastPrune time.Time
	var auditC <-chan time.Time
	if s.o.Audit != nil && s.o.AuditEvery > 0 {
		at := time.NewTicker(s.o.AuditEvery)
		defer at.Stop()
		auditC = at.C
		s.runAudit(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-auditC:
			s.runAudit(ctx)
		case <-tick.C:
			if err := s.pipe.tick(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("periodic detection", "error", err)
			}
			s.updateGauges(ctx)
			// Decisions are polled every tick so an approval takes effect
			// within seconds, not at the next audit.
			s.processDecisions(ctx)
			if now := s.o.Now(); now.Sub(lastPrune) > time.Hour {
				lastPrune = now
				if _, err := s.o.Store.PruneSeen(ctx, now.Add(-s.o.SeenRetention)); err != nil && ctx.Err() == nil {
					s.log.Error("prune seen events", "error", err)
				}
				if _, err := s.o.Store.PruneSent(ctx, now.Add(-30*24*time.Hour)); err != nil && ctx.Err() == nil {
					s.log.Error("prune sent alerts", "error", err)
				}
			}
		}
	}
}

// Tick runs the periodic detection work once (tests with a fake clock).
func (s *Service) Tick(ctx context.Context) error { return s.pipe.tick(ctx) }

func (s *Service) updateGauges(ctx context.Context) {
	counts, err := s.o.Store.OutboxCounts(ctx)
	if err != nil {
		return
	}
	s.m.alertsPending.Set(float64(counts[store.OutboxPending]))
	s.m.alertsDeadNow.Set(float64(counts[store.OutboxDead]))
}
