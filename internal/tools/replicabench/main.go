// Command replicabench measures `rootwatch watch` replicas sharing one
// PostgreSQL store and one SQS queue, for bench/replicas.sh. It serves S3
// and SQS from the repository's emulator (internal/awsemu) on loopback,
// receives the alerts on a loopback webhook, starts the replicas (the real
// binary), writes CloudTrail log files to the bucket with an S3
// notification per file, and reports:
//
//   - events/s: a backlog of --files files (each --records records, one
//     of them a root call from its own source IP, so one alert per file)
//     from the first notification to the last alert received;
//   - p99 delay: --paced files at --rate files/s, from writing the file
//     to its alert reaching the webhook;
//   - lost and duplicated: every root event in exactly one alert, every
//     alert accepted once.
//
// With --kill it SIGKILLs one replica once half the backlog's alerts have
// arrived, then checks that nothing is lost and that the deliveries leased
// to the dead replica were sent by another within the lease of the kill.
//
//	replicabench --rootwatch BIN --dsn postgres://... --replicas 2 [--kill]
//
// It prints one JSON object on standard output.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/notify/webhook"
	"github.com/rootwatch/rootwatch/internal/store"
)

const (
	account = "111122223333"
	region  = "us-east-1"
	bucket  = "trail-bucket"
)

type options struct {
	bin, dsn, work        string
	replicas, files, recs int
	paced                 int
	rate                  float64
	latency, lease, vis   time.Duration
	workers               int
	kill                  bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "rootwatch", "", "rootwatch binary")
	flag.StringVar(&o.dsn, "dsn", "", "PostgreSQL URL of an empty database")
	flag.StringVar(&o.work, "work", os.TempDir(), "directory for config files and replica logs")
	flag.IntVar(&o.replicas, "replicas", 1, "watch replicas")
	flag.IntVar(&o.files, "files", 1000, "log files in the backlog (one alert each)")
	flag.IntVar(&o.recs, "records", 100, "records per log file")
	flag.IntVar(&o.paced, "paced", 200, "log files written at --rate for the delay measurement (0: none)")
	flag.Float64Var(&o.rate, "rate", 20, "files per second in the paced phase")
	flag.DurationVar(&o.latency, "latency", 10*time.Millisecond, "added to every S3 and SQS request")
	flag.DurationVar(&o.lease, "lease", 10*time.Second, "the replicas' --lease")
	flag.DurationVar(&o.vis, "visibility", 10*time.Second, "the queue's visibility timeout (the replicas ask for it too)")
	flag.IntVar(&o.workers, "workers", 4, "messages each replica processes at once")
	flag.BoolVar(&o.kill, "kill", false, "SIGKILL one replica half-way through the backlog")
	freePort := flag.Bool("free-port", false, "print a free loopback TCP port and exit (for the script's PostgreSQL)")
	flag.Parse()
	if *freePort {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, "replicabench:", err)
			os.Exit(1)
		}
		fmt.Println(ln.Addr().(*net.TCPAddr).Port)
		_ = ln.Close()
		return
	}
	// Interrupted, it still stops the replicas it started.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "replicabench:", err)
		os.Exit(1)
	}
}

// receiver is the webhook: it counts accepted deliveries per alert ID and
// when each root event first arrived.
type receiver struct {
	mu       sync.Mutex
	accepted map[string]int       // alert ID → deliveries accepted
	arrived  map[string]time.Time // event ID → first accepted
	changed  chan struct{}
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var p webhook.Payload
	if err == nil {
		err = json.Unmarshal(body, &p)
	}
	if err != nil || p.ID == "" {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	now := time.Now()
	rc.mu.Lock()
	rc.accepted[p.ID]++
	for _, id := range p.EventIDs {
		if _, ok := rc.arrived[id]; !ok {
			rc.arrived[id] = now
		}
	}
	rc.mu.Unlock()
	select {
	case rc.changed <- struct{}{}:
	default:
	}
}

// waitFor blocks until every id has arrived, or ctx ends.
func (rc *receiver) waitFor(ctx context.Context, ids []string, each func(got int)) error {
	t := time.NewTicker(100 * time.Millisecond) // a lost wake-up costs at most this
	defer t.Stop()
	for {
		rc.mu.Lock()
		got := 0
		for _, id := range ids {
			if _, ok := rc.arrived[id]; ok {
				got++
			}
		}
		rc.mu.Unlock()
		if each != nil {
			each(got)
		}
		if got == len(ids) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d of %d root events never reached the webhook (lost)", len(ids)-got, len(ids))
		case <-rc.changed:
		case <-t.C:
		}
	}
}

type result struct {
	Replicas     int     `json:"replicas"`
	Files        int     `json:"backlog_files"`
	Events       int     `json:"backlog_events"`
	Seconds      float64 `json:"backlog_seconds"`
	EventsPerSec float64 `json:"events_per_second"`
	// CPU is the replicas' CPU seconds over the backlog (user + system):
	// events per CPU second hold on a busier or a bigger machine.
	CPU          float64 `json:"replica_cpu_seconds,omitempty"`
	EventsPerCPU float64 `json:"events_per_replica_cpu_second,omitempty"`
	AlertsPerSec float64 `json:"alerts_per_second"`
	Paced        int     `json:"paced_files,omitempty"`
	Rate         float64 `json:"paced_files_per_second,omitempty"`
	P50ms        float64 `json:"p50_delay_ms,omitempty"`
	P99ms        float64 `json:"p99_delay_ms,omitempty"`
	Lost         int     `json:"lost"`
	Redelivered  int     `json:"redelivered"`
	Split        int     `json:"events_in_several_alerts"`
	Killed       bool    `json:"killed,omitempty"`
	Leased       int     `json:"leased_to_killed,omitempty"`
	TakeoverMax  float64 `json:"takeover_max_seconds,omitempty"`
	Lease        float64 `json:"lease_seconds"`
}

func run(ctx context.Context, o options) error {
	if o.bin == "" || o.dsn == "" {
		return errors.New("--rootwatch and --dsn are required")
	}
	cloud := awsfake.New()
	cloud.AddAccount(account, "bench")
	emu := awsemu.New(cloud)
	emu.Latency = o.latency
	dlq, err := emu.Queues.Create(account, region, "cloudtrail-files-dlq", awsemu.QueueConfig{})
	if err != nil {
		return err
	}
	queue, err := emu.Queues.Create(account, region, "cloudtrail-files", awsemu.QueueConfig{Visibility: o.vis, DeadLetter: dlq, MaxReceive: 5})
	if err != nil {
		return err
	}
	emuURL, stopEmu, err := serve(emu)
	if err != nil {
		return err
	}
	defer stopEmu()
	rc := &receiver{accepted: map[string]int{}, arrived: map[string]time.Time{}, changed: make(chan struct{}, 1)}
	hookURL, stopHook, err := serve(rc)
	if err != nil {
		return err
	}
	defer stopHook()

	cfg := filepath.Join(o.work, "replica.yaml")
	yaml := fmt.Sprintf("store: %q\nwatch:\n  lease: %s\n  sources:\n    - sqs: {queue_url: %q, visibility_timeout: %s, workers: %d}\n",
		o.dsn, o.lease, queue, o.vis, o.workers)
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		return err
	}
	var procs []*exec.Cmd
	defer func() {
		for _, p := range procs {
			if p.ProcessState == nil {
				_ = p.Process.Signal(syscall.SIGTERM)
				_ = p.Wait()
			}
		}
	}()
	for i := range o.replicas {
		logf, err := os.Create(filepath.Join(o.work, fmt.Sprintf("replica-%d.log", i)))
		if err != nil {
			return err
		}
		defer func() { _ = logf.Close() }() // the replicas' logs, for reading after a failure
		cmd := exec.Command(o.bin, "watch", "--config", cfg, "--listen", "", "--log-level", "warn",
			"--notify", "webhook:env:ROOTWATCH_BENCH_HOOK")
		cmd.Env = append(os.Environ(), "AWS_ENDPOINT_URL="+emuURL, "AWS_ACCESS_KEY_ID=AKIA"+account,
			"AWS_SECRET_ACCESS_KEY=bench", "AWS_REGION="+region, "AWS_EC2_METADATA_DISABLED=true",
			"AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "HOME="+o.work,
			"ROOTWATCH_BENCH_HOOK="+hookURL+"/hook")
		cmd.Stdout, cmd.Stderr = logf, logf
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
	}
	// A warm-up file: every replica is running and polling once it is
	// through (the first to poll takes it; the others have migrated).
	w := &writer{emu: emu, queue: queue, recs: o.recs}
	first, err := w.file("warm")
	if err != nil {
		return err
	}
	if err := rc.waitFor(ctx, []string{first}, nil); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	st, err := store.Open(ctx, o.dsn)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	res := result{Replicas: o.replicas, Files: o.files, Events: o.files * o.recs, Lease: o.lease.Seconds(), Killed: o.kill}

	// Backlog: throughput.
	var ids []string
	cpu0 := cpuSeconds(procs)
	start := time.Now()
	for i := range o.files {
		id, err := w.file(fmt.Sprint("b", i))
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	var killAt time.Time
	var victim *exec.Cmd
	var leased map[string]time.Time // outbox row → the dead replica's lease end
	var snapErr error
	each := func(got int) {
		if o.kill && victim == nil && got >= len(ids)/2 {
			victim = procs[0]
			_ = victim.Process.Signal(syscall.SIGKILL)
			_ = victim.Wait()
			killAt = time.Now()
			// The dead replica's leases as it left them: no one else
			// can change them until they run out.
			leased, snapErr = leasesOf(ctx, st, victim.Process.Pid, killAt)
		}
	}
	if err := rc.waitFor(ctx, ids, each); err != nil {
		res.Lost = countMissing(rc, ids)
		return report(res, err)
	}
	el := time.Since(start)
	if !o.kill && cpu0 >= 0 {
		if c := cpuSeconds(procs); c > cpu0 {
			res.CPU = c - cpu0
			res.EventsPerCPU = float64(o.files*o.recs) / res.CPU
		}
	}
	res.Seconds = el.Seconds()
	res.EventsPerSec = float64(o.files*o.recs) / el.Seconds()
	res.AlertsPerSec = float64(o.files) / el.Seconds()
	if o.kill {
		if victim == nil {
			return errors.New("the backlog finished before the kill")
		}
		if snapErr != nil {
			return report(res, snapErr)
		}
		if err := takeover(ctx, o, st, leased, killAt, &res); err != nil {
			return report(res, err)
		}
	}

	// Paced: delay.
	if o.paced > 0 && !o.kill {
		res.Paced, res.Rate = o.paced, o.rate
		var pids []string
		written := map[string]time.Time{}
		tick := time.NewTicker(time.Duration(float64(time.Second) / o.rate))
		for i := range o.paced {
			<-tick.C
			at := time.Now()
			id, err := w.file(fmt.Sprint("p", i))
			if err != nil {
				tick.Stop()
				return err
			}
			written[id] = at
			pids = append(pids, id)
		}
		tick.Stop()
		if err := rc.waitFor(ctx, pids, nil); err != nil {
			res.Lost = countMissing(rc, pids)
			return report(res, err)
		}
		rc.mu.Lock()
		var d []time.Duration
		for _, id := range pids {
			d = append(d, rc.arrived[id].Sub(written[id]))
		}
		rc.mu.Unlock()
		slices.Sort(d)
		res.P50ms = ms(d[len(d)/2])
		res.P99ms = ms(d[(len(d)*99+99)/100-1])
		ids = append(ids, pids...)
	}
	// Let redeliveries (at-least-once after a kill) arrive before
	// counting them: the outbox holds nothing pending at the end.
	if err := drained(ctx, o.dsn); err != nil {
		return report(res, err)
	}
	rc.mu.Lock()
	for _, n := range rc.accepted {
		res.Redelivered += n - 1
	}
	rc.mu.Unlock()
	res.Split = splitEvents(ctx, o.dsn, len(ids)+1)
	var fail error
	if res.Redelivered > 0 && !o.kill {
		fail = fmt.Errorf("%d alerts delivered more than once without a crash", res.Redelivered)
	}
	if res.Redelivered > 8 {
		fail = fmt.Errorf("%d alerts delivered twice after one kill; at most 8 (one replica's deliveries in flight) may be", res.Redelivered)
	}
	if res.Split != 0 {
		fail = fmt.Errorf("%d alerts beyond one per root event: an event was alerted twice", res.Split)
	}
	return report(res, fail)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func report(res result, err error) error {
	b, _ := json.Marshal(res)
	fmt.Println(string(b))
	return err
}

func countMissing(rc *receiver, ids []string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, id := range ids {
		if _, ok := rc.arrived[id]; !ok {
			n++
		}
	}
	return n
}

// leasesOf returns the pending outbox rows leased to the replica with
// process ID pid (its owner name is host-PID-random) past at.
func leasesOf(ctx context.Context, st *store.Store, pid int, at time.Time) (map[string]time.Time, error) {
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{State: store.OutboxPending})
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	tag := fmt.Sprintf("-%d-", pid)
	for _, r := range rows {
		if strings.Contains(r.LeaseOwner, tag) && r.LeaseUntil.After(at) {
			out[r.ID] = r.LeaseUntil
		}
	}
	return out, nil
}

// takeover checks the deliveries the dead replica had leased: each sent
// by another replica after its lease ran out (never while the dead one
// might still have been delivering it) and within the lease of the kill
// plus a poll.
func takeover(ctx context.Context, o options, st *store.Store, leased map[string]time.Time, killAt time.Time, res *result) error {
	if len(leased) == 0 {
		return errors.New("no delivery was leased to the killed replica: the kill proved nothing")
	}
	if err := waitDrained(ctx, st); err != nil {
		return err
	}
	rows, err := st.ListOutbox(ctx, store.OutboxFilter{State: store.OutboxSent})
	if err != nil {
		return err
	}
	res.Leased = len(leased)
	seen := 0
	for _, r := range rows {
		until, ok := leased[r.ID]
		if !ok {
			continue
		}
		seen++
		if r.Sent.Before(until) {
			return fmt.Errorf("%s sent %s before the dead replica's lease ran out", r.ID, until.Sub(r.Sent))
		}
		res.TakeoverMax = max(res.TakeoverMax, r.Sent.Sub(killAt).Seconds())
	}
	if seen != len(leased) {
		return fmt.Errorf("%d of %d deliveries leased to the killed replica never sent", len(leased)-seen, len(leased))
	}
	if lim := o.lease + 2*time.Second; res.TakeoverMax > lim.Seconds() {
		return fmt.Errorf("a leased delivery was taken over %.1fs after the kill, more than the lease and a poll (%s)", res.TakeoverMax, lim)
	}
	return nil
}

// drained waits until the outbox has nothing pending.
func drained(ctx context.Context, dsn string) error {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer func() { _ = st.Close() }()
	return waitDrained(ctx, st)
}

func waitDrained(ctx context.Context, st *store.Store) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		c, err := st.OutboxCounts(ctx)
		if err != nil {
			return err
		}
		if c[store.OutboxPending] == 0 {
			if c[store.OutboxDead] != 0 {
				return fmt.Errorf("%d deliveries dead", c[store.OutboxDead])
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d deliveries still pending: %w", c[store.OutboxPending], ctx.Err())
		case <-t.C:
		}
	}
}

// splitEvents is how many alerts there are beyond want (one per root
// event, the warm-up's included): an event detected twice would show here.
func splitEvents(ctx context.Context, dsn string, want int) int {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return -1
	}
	defer func() { _ = st.Close() }()
	c, err := st.OutboxCounts(ctx)
	if err != nil {
		return -1
	}
	return c[store.OutboxSent] + c[store.OutboxPending] + c[store.OutboxDead] - want
}

// writer puts log files in the bucket and notifies the queue, as S3 does.
type writer struct {
	emu   *awsemu.Server
	queue string
	recs  int
}

// file writes one log file and returns its root event's ID.
func (w *writer) file(name string) (string, error) {
	now := time.Now().UTC()
	root := "root-" + name
	var b bytes.Buffer
	b.WriteString(`{"Records":[`)
	for i := range w.recs {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == w.recs/2 {
			fmt.Fprintf(&b, `{"eventVersion":"1.08","userIdentity":{"type":"Root","principalId":%q,"arn":"arn:aws:iam::%s:root","accountId":%q},"eventTime":%q,"eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":%q,"sourceIPAddress":"root-%s","userAgent":"aws-cli/2","eventID":%q,"eventType":"AwsApiCall","recipientAccountId":%q}`,
				account, account, account, now.Format(time.RFC3339), region, name, root, account)
			continue
		}
		fmt.Fprintf(&b, `{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::%s:assumed-role/app/i-0abc","accountId":%q},"eventTime":%q,"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":%q,"sourceIPAddress":"10.0.0.1","userAgent":"aws-sdk-go-v2","requestParameters":{"maxResults":1000},"eventID":"%s-%d","eventType":"AwsApiCall","recipientAccountId":%q}`,
			account, account, now.Format(time.RFC3339), region, name, i, account)
	}
	b.WriteString(`]}`)
	key := fmt.Sprintf("AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json", account, region, now.Format("2006/01/02"), account, region, now.Format("20060102T1504Z"), name)
	w.emu.S3.Put(bucket, key, b.Bytes(), now)
	msg := fmt.Sprintf(`{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":%q,"eventTime":%q,"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":%q},"object":{"key":%q,"size":%d}}}]}`,
		region, now.Format(time.RFC3339), bucket, key, b.Len())
	if err := w.emu.Queues.Send(w.queue, msg); err != nil {
		return "", err
	}
	return root, nil
}

// cpuSeconds is the user and system time of the running processes, from
// /proc (clock ticks of 1/100 s, as Linux reports them); -1 when unknown.
func cpuSeconds(procs []*exec.Cmd) float64 {
	total := 0.0
	for _, p := range procs {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.Process.Pid))
		if err != nil {
			return -1
		}
		// The command name may hold spaces: fields start after its ')'.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) < 13 {
			return -1
		}
		var ut, st float64
		if _, err := fmt.Sscan(f[11], &ut); err != nil {
			return -1
		}
		if _, err := fmt.Sscan(f[12], &st); err != nil {
			return -1
		}
		total += (ut + st) / 100
	}
	return total
}

// serve runs h on a loopback port.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}
