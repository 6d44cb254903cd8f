package watch

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics live in a registry owned by the service (no global registry), so
// several services in one test process do not collide.
type metrics struct {
	reg           *prometheus.Registry
	eventsRead    *prometheus.CounterVec
	eventsMatched *prometheus.CounterVec
	batchesFailed *prometheus.CounterVec
	poison        *prometheus.CounterVec
	unreadable    *prometheus.CounterVec
	alertsSent    *prometheus.CounterVec
	alertsFailed  *prometheus.CounterVec
	alertsDead    *prometheus.CounterVec
	alertsPending prometheus.Gauge
	alertsDeadNow prometheus.Gauge
	sourceLag     *prometheus.GaugeVec
	deliveryDelay prometheus.Histogram
	auditAccounts *prometheus.GaugeVec
	auditLastRun  prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		eventsRead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_events_read_total", Help: "CloudTrail records read, by source."}, []string{"source"}),
		eventsMatched: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_events_matched_total", Help: "Records matched by a rule (new, not seen before), by rule."}, []string{"rule"}),
		batchesFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_batches_failed_total", Help: "Batches not recorded (left for redelivery), by source."}, []string{"source"}),
		poison: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_poison_messages_total", Help: "Inputs that cannot be decoded, left to the dead-letter policy, by source."}, []string{"source"}),
		unreadable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_inputs_unreadable_total", Help: "Inputs that could not be read (each reported as an input-unreadable alert), by source."}, []string{"source"}),
		alertsSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_alerts_sent_total", Help: "Alert deliveries accepted by a receiver, by notifier."}, []string{"notifier"}),
		alertsFailed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_alerts_failed_total", Help: "Failed alert delivery attempts, by notifier."}, []string{"notifier"}),
		alertsDead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rootwatch_alerts_dead_letter_total", Help: "Alert deliveries moved to the dead-letter state, by notifier."}, []string{"notifier"}),
		alertsPending: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rootwatch_alerts_pending", Help: "Alert deliveries waiting in the outbox."}),
		alertsDeadNow: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rootwatch_alerts_dead_letter", Help: "Alert deliveries in the dead-letter state (rootwatch alerts retry)."}),
		sourceLag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "rootwatch_source_lag_seconds", Help: "Age of the newest input when it reached rootwatch, by source."}, []string{"source"}),
		deliveryDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "rootwatch_alert_delivery_seconds", Help: "Time from the input reaching rootwatch to a receiver accepting its alert.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300}}),
		auditAccounts: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "rootwatch_audit_accounts", Help: "Accounts by CIS 4.3 chain status (PASS, FAIL, UNKNOWN) in the last completed audit."}, []string{"status"}),
		auditLastRun: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rootwatch_audit_last_run_timestamp_seconds", Help: "When the last audit completed (Unix time); 0 before the first."}),
	}
	m.reg.MustRegister(m.eventsRead, m.eventsMatched, m.batchesFailed, m.poison, m.unreadable, m.alertsSent, m.alertsFailed,
		m.alertsDead, m.alertsPending, m.alertsDeadNow, m.sourceLag, m.deliveryDelay, m.auditAccounts, m.auditLastRun,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// auditDone records a completed audit's account statuses and time, for
// the alert rules in deploy/prometheus (audit failing, audit stale).
func (m *metrics) auditDone(results []ChainResult, at time.Time) {
	counts := map[string]int{ChainPass: 0, ChainFail: 0, ChainUnknown: 0}
	for _, r := range results {
		counts[r.Status]++
	}
	for status, n := range counts {
		m.auditAccounts.WithLabelValues(status).Set(float64(n))
	}
	m.auditLastRun.Set(float64(at.Unix()))
}
