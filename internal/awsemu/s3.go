package awsemu

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Buckets is the emulator's S3: objects by bucket and key. awsfake has
// no S3, and scan only reads objects, so this small store is enough.
type Buckets struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	denied  map[string]bool
	failing map[string]s3Error // "bucket/key" → the error every GET of it gets
	// PageSize caps ListObjectsV2 pages (0: 1000, as S3) so tests can
	// drive continuation tokens.
	PageSize int
}

// bucket keeps its keys sorted (lazily, after puts) so that a LIST costs
// the page it returns, not the whole bucket: benchmarks serve hundreds of
// thousands of objects.
type bucket struct {
	objs   map[string]object
	keys   []string
	sorted bool
}

type object struct {
	data     []byte
	modified time.Time
	etag     string
}

// NewBuckets returns an empty store.
func NewBuckets() *Buckets {
	return &Buckets{buckets: map[string]*bucket{}, denied: map[string]bool{}, failing: map[string]s3Error{}}
}

// Put stores an object, creating the bucket.
func (b *Buckets) Put(bucketName, key string, data []byte, modified time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	bk := b.buckets[bucketName]
	if bk == nil {
		bk = &bucket{objs: map[string]object{}, sorted: true}
		b.buckets[bucketName] = bk
	}
	if _, ok := bk.objs[key]; !ok {
		bk.keys = append(bk.keys, key)
		bk.sorted = false
	}
	sum := md5.Sum(data)
	bk.objs[key] = object{data: append([]byte(nil), data...), modified: modified.UTC(), etag: `"` + hex.EncodeToString(sum[:]) + `"`}
}

// Deny makes every request on bucket fail with AccessDenied.
func (b *Buckets) Deny(bucket string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.denied[bucket] = true
}

// Fail makes every GET of one object answer as S3 does when it throttles
// ("SlowDown", HTTP 503) or denies it ("AccessDenied", 403); listing is
// unaffected.
func (b *Buckets) Fail(bucket, key, code string) error {
	e, ok := map[string]s3Error{
		"SlowDown":     {"SlowDown", "Please reduce your request rate.", http.StatusServiceUnavailable},
		"AccessDenied": {"AccessDenied", "Access Denied", http.StatusForbidden},
	}[code]
	if !ok {
		return fmt.Errorf("fail %s/%s: code %q: want SlowDown or AccessDenied", bucket, key, code)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failing[bucket+"/"+key] = e
	return nil
}

type s3Error struct {
	code, msg string
	status    int
}

func (s *Server) serveS3(w http.ResponseWriter, r *http.Request, c caller, _ []byte) {
	bucket, key := s3Path(r)
	if s.S3 == nil {
		writeS3Error(w, s3Error{"NoSuchBucket", "The specified bucket does not exist", http.StatusNotFound})
		return
	}
	if c.account == "" {
		writeS3Error(w, s3Error{"InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.", http.StatusForbidden})
		return
	}
	b := s.S3
	b.mu.Lock()
	bk, ok := b.buckets[bucket]
	denied := b.denied[bucket]
	b.mu.Unlock()
	switch {
	case denied:
		writeS3Error(w, s3Error{"AccessDenied", "Access Denied", http.StatusForbidden})
	case !ok:
		writeS3Error(w, s3Error{"NoSuchBucket", "The specified bucket does not exist", http.StatusNotFound})
	case r.Method == http.MethodGet && key == "" && r.URL.Query().Get("list-type") == "2":
		b.list(w, r, bucket, bk)
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && key != "":
		b.mu.Lock()
		o, ok := bk.objs[key]
		fail, failing := b.failing[bucket+"/"+key]
		b.mu.Unlock()
		if failing {
			writeS3Error(w, fail)
			return
		}
		if !ok {
			writeS3Error(w, s3Error{"NoSuchKey", "The specified key does not exist.", http.StatusNotFound})
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(o.data)))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("ETag", o.etag)
		w.Header().Set("Last-Modified", o.modified.Format(http.TimeFormat))
		if r.Method == http.MethodGet {
			_, _ = w.Write(o.data)
		}
	default:
		writeS3Error(w, s3Error{"NotImplemented", fmt.Sprintf("%s %s is not emulated", r.Method, r.URL.Path), http.StatusNotImplemented})
	}
}

// s3Path accepts path-style ("/bucket/key") and virtual-hosted
// ("bucket.127.0.0.1:port/key") requests.
func s3Path(r *http.Request) (bucket, key string) {
	host, _, _ := strings.Cut(r.Host, ":")
	path := strings.TrimPrefix(r.URL.Path, "/")
	if i := strings.Index(host, "."); i > 0 && !isIPv4(host) {
		return host[:i], path
	}
	bucket, key, _ = strings.Cut(path, "/")
	return bucket, key
}

func isIPv4(h string) bool {
	parts := strings.Split(h, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return true
}

// listEntry is one entry of a LIST page: a key, or a common prefix.
type listEntry struct {
	key    string
	obj    object
	prefix bool
}

func (b *Buckets) list(w http.ResponseWriter, r *http.Request, bucket string, bk *bucket) {
	q := r.URL.Query()
	prefix, delim, after := q.Get("prefix"), q.Get("delimiter"), q.Get("continuation-token")
	if after == "" {
		after = q.Get("start-after")
	}
	max := b.PageSize
	if max <= 0 {
		max = 1000
	}
	if m, err := strconv.Atoi(q.Get("max-keys")); err == nil && m > 0 && m < max {
		max = m
	}
	entries, next := b.page(bk, prefix, delim, after, max)
	var x bytes.Buffer
	el := func(name, v string) {
		fmt.Fprintf(&x, "<%s>", name)
		xmlEscape(&x, v)
		fmt.Fprintf(&x, "</%s>", name)
	}
	x.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	el("Name", bucket)
	el("Prefix", prefix)
	if delim != "" {
		el("Delimiter", delim)
	}
	el("MaxKeys", strconv.Itoa(max))
	for _, e := range entries {
		if e.prefix {
			x.WriteString("<CommonPrefixes>")
			el("Prefix", e.key)
			x.WriteString("</CommonPrefixes>")
			continue
		}
		x.WriteString("<Contents>")
		el("Key", e.key)
		el("LastModified", e.obj.modified.Format("2006-01-02T15:04:05.000Z"))
		el("ETag", e.obj.etag)
		el("Size", strconv.Itoa(len(e.obj.data)))
		el("StorageClass", "STANDARD")
		x.WriteString("</Contents>")
	}
	el("KeyCount", strconv.Itoa(len(entries)))
	el("IsTruncated", strconv.FormatBool(next != ""))
	if next != "" {
		el("NextContinuationToken", next)
	}
	x.WriteString(`</ListBucketResult>`)
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(x.Bytes())
}

// page returns up to max entries after the key after, and the key to
// continue from ("" at the end). A common prefix counts once and its keys
// are skipped by binary search, as S3 rolls them up.
func (b *Buckets) page(bk *bucket, prefix, delim, after string, max int) ([]listEntry, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !bk.sorted {
		sort.Strings(bk.keys)
		bk.sorted = true
	}
	keys := bk.keys
	i := sort.SearchStrings(keys, prefix)
	if after >= prefix {
		i = sort.Search(len(keys), func(j int) bool { return keys[j] > after })
	}
	var entries []listEntry
	last := ""
	for i < len(keys) && strings.HasPrefix(keys[i], prefix) {
		if len(entries) == max {
			return entries, last
		}
		k := keys[i]
		if delim != "" {
			if j := strings.Index(k[len(prefix):], delim); j >= 0 {
				cp := k[:len(prefix)+j+len(delim)]
				end := i + sort.Search(len(keys)-i, func(n int) bool { return !strings.HasPrefix(keys[i+n], cp) })
				entries = append(entries, listEntry{key: cp, prefix: true})
				last, i = keys[end-1], end
				continue
			}
		}
		entries = append(entries, listEntry{key: k, obj: bk.objs[k]})
		last, i = k, i+1
	}
	return entries, ""
}

func writeS3Error(w http.ResponseWriter, e s3Error) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.status)
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>`)
	xmlEscape(&b, e.code)
	b.WriteString("</Code><Message>")
	xmlEscape(&b, e.msg)
	fmt.Fprintf(&b, "</Message><RequestId>%s</RequestId></Error>", requestID()[:16])
	_, _ = w.Write(b.Bytes())
}
