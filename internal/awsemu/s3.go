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
	buckets map[string]map[string]object
	denied  map[string]bool
	// PageSize caps ListObjectsV2 pages (0: 1000, as S3) so tests can
	// drive continuation tokens.
	PageSize int
}

type object struct {
	data     []byte
	modified time.Time
}

// NewBuckets returns an empty store.
func NewBuckets() *Buckets {
	return &Buckets{buckets: map[string]map[string]object{}, denied: map[string]bool{}}
}

// Put stores an object, creating the bucket.
func (b *Buckets) Put(bucket, key string, data []byte, modified time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buckets[bucket] == nil {
		b.buckets[bucket] = map[string]object{}
	}
	b.buckets[bucket][key] = object{data: append([]byte(nil), data...), modified: modified.UTC()}
}

// Deny makes every request on bucket fail with AccessDenied.
func (b *Buckets) Deny(bucket string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.denied[bucket] = true
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
	objs, ok := b.buckets[bucket]
	denied := b.denied[bucket]
	var snapshot map[string]object
	if ok {
		snapshot = make(map[string]object, len(objs))
		for k, v := range objs {
			snapshot[k] = v
		}
	}
	b.mu.Unlock()
	switch {
	case denied:
		writeS3Error(w, s3Error{"AccessDenied", "Access Denied", http.StatusForbidden})
	case !ok:
		writeS3Error(w, s3Error{"NoSuchBucket", "The specified bucket does not exist", http.StatusNotFound})
	case r.Method == http.MethodGet && key == "" && r.URL.Query().Get("list-type") == "2":
		b.list(w, r, bucket, snapshot)
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) && key != "":
		o, ok := snapshot[key]
		if !ok {
			writeS3Error(w, s3Error{"NoSuchKey", "The specified key does not exist.", http.StatusNotFound})
			return
		}
		sum := md5.Sum(o.data)
		w.Header().Set("Content-Length", strconv.Itoa(len(o.data)))
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
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

func (b *Buckets) list(w http.ResponseWriter, r *http.Request, bucket string, objs map[string]object) {
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
	keys := make([]string, 0, len(objs))
	for k := range objs {
		if strings.HasPrefix(k, prefix) && k > after {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
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
	seen := map[string]bool{}
	n, next := 0, ""
	for i, k := range keys {
		if n == max {
			next = keys[i-1]
			break
		}
		if delim != "" {
			if j := strings.Index(k[len(prefix):], delim); j >= 0 {
				cp := k[:len(prefix)+j+len(delim)]
				if !seen[cp] {
					seen[cp] = true
					x.WriteString("<CommonPrefixes>")
					el("Prefix", cp)
					x.WriteString("</CommonPrefixes>")
					n++
				}
				continue
			}
		}
		o := objs[k]
		sum := md5.Sum(o.data)
		x.WriteString("<Contents>")
		el("Key", k)
		el("LastModified", o.modified.Format("2006-01-02T15:04:05.000Z"))
		el("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
		el("Size", strconv.Itoa(len(o.data)))
		el("StorageClass", "STANDARD")
		x.WriteString("</Contents>")
		n++
	}
	el("KeyCount", strconv.Itoa(n))
	el("IsTruncated", strconv.FormatBool(next != ""))
	if next != "" {
		el("NextContinuationToken", next)
	}
	x.WriteString(`</ListBucketResult>`)
	w.Header().Set("Content-Type", "application/xml")
	_, _ = w.Write(x.Bytes())
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
