// Command s3serve serves a ctgen corpus as an S3 bucket on loopback
// through the repository's emulator (internal/awsemu), with AWS's round
// trip added to every request, for bench/s3.sh.
//
//	s3serve --dir CORPUS [--org o-ID] [--digests] [--latency 30ms]
//
// It prints the endpoint URL on the first line of standard output, then
// serves until killed. GET /_stats returns the LIST and GET requests
// served as JSON; GET /_stats?reset=1 also sets them to zero.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rootwatch/rootwatch/internal/awsemu"
	"github.com/rootwatch/rootwatch/internal/awsfake"
)

func main() {
	dir := flag.String("dir", "", "ctgen output directory (its AWSLogs/ tree is served)")
	bucket := flag.String("bucket", "trail-bucket", "bucket name")
	org := flag.String("org", "", "organization ID: serve the organization trail layout AWSLogs/o-ID/ACCOUNT/...")
	digests := flag.Bool("digests", false, "add an hourly CloudTrail-Digest file per account, region and day, as CloudTrail writes them")
	latency := flag.Duration("latency", 30*time.Millisecond, "added to every request")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	flag.Parse()
	if err := run(*dir, *bucket, *org, *digests, *latency, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "s3serve:", err)
		os.Exit(1)
	}
}

func run(dir, bucket, org string, digests bool, latency time.Duration, addr string) error {
	if dir == "" {
		return fmt.Errorf("--dir is required")
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		return fmt.Errorf("--addr %q: want 127.0.0.1:PORT", addr)
	}
	emu := awsemu.New(awsfake.New())
	emu.Latency = latency
	n, err := load(emu.S3, dir, bucket, org, digests)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("http://%s\n", ln.Addr())
	fmt.Fprintf(os.Stderr, "s3serve: %d objects in s3://%s, %v per request\n", n, bucket, latency)
	var lists, gets atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/_stats", func(w http.ResponseWriter, r *http.Request) {
		st := map[string]int64{"lists": lists.Load(), "gets": gets.Load(), "objects": int64(n)}
		if r.URL.Query().Get("reset") != "" {
			lists.Store(0)
			gets.Store(0)
		}
		_ = json.NewEncoder(w).Encode(st)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("list-type") != "" {
			lists.Add(1)
		} else {
			gets.Add(1)
		}
		emu.ServeHTTP(w, r)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(ln)
}

// load puts every file under dir/AWSLogs in the bucket, the account
// directory moved under org when set, and returns how many objects it put.
func load(b *awsemu.Buckets, dir, bucket, org string, digests bool) (int, error) {
	n := 0
	days := map[string]time.Time{} // ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ -> day
	base := filepath.Join(dir, "AWSLogs")
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(base, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		b.Put(bucket, key(org, rel), data, info.ModTime())
		n++
		// ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/file
		if e := strings.Split(rel, "/"); len(e) == 7 {
			if t, err := time.Parse("2006/01/02", strings.Join(e[3:6], "/")); err == nil {
				days[e[0]+"/CloudTrail-Digest/"+e[2]+"/"+strings.Join(e[3:6], "/")+"/"] = t
			}
		}
		return nil
	})
	if err != nil || !digests {
		return n, err
	}
	body, err := gzipped([]byte(`{"awsAccountId":"","digestStartTime":"","logFiles":[]}`))
	if err != nil {
		return n, err
	}
	for prefix, day := range days {
		e := strings.Split(prefix, "/")
		acct, region := e[0], e[2]
		for h := range 24 {
			at := day.Add(time.Duration(h) * time.Hour)
			name := fmt.Sprintf("%s_CloudTrail-Digest_%s_trail_%s_%s.json.gz", acct, region, region, at.Format("20060102T150405Z"))
			b.Put(bucket, key(org, prefix+name), body, at)
			n++
		}
	}
	return n, nil
}

func key(org, rel string) string {
	if org != "" {
		return "AWSLogs/" + org + "/" + rel
	}
	return "AWSLogs/" + rel
}

func gzipped(p []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(p); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
