package cloudtrail

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ctgenCorpus builds internal/tools/ctgen and writes a corpus with it.
func ctgenCorpus(t *testing.T, args ...string) (dir string, truth map[string]int64) {
	t.Helper()
	src, _ := filepath.Abs("../tools/ctgen")
	dir = t.TempDir()
	bin := filepath.Join(dir, "ctgen")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = src
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build ctgen: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "corpus")
	if b, err := exec.Command(bin, append(args, "--out", out)...).CombinedOutput(); err != nil {
		t.Fatalf("ctgen: %v\n%s", err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	truth = map[string]int64{}
	for k, v := range raw {
		if f, ok := v.(float64); ok {
			truth[k] = int64(f)
		}
	}
	return out, truth
}

// Counts from the decoders and Classify agree with ctgen's truth, on the
// S3 layout and on JSON Lines, with and without the candidate fast path.
func TestCountsMatchCtgenTruth(t *testing.T) {
	dir, truth := ctgenCorpus(t, "--seed", "3", "--records", "4000", "--root-fraction", "0.03")
	var gzFiles []string
	filepath.WalkDir(filepath.Join(dir, "AWSLogs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".json.gz") {
			gzFiles = append(gzFiles, p)
		}
		return nil
	})
	for _, layout := range []struct {
		name  string
		files []string
	}{{"s3", gzFiles}, {"jsonl", []string{filepath.Join(dir, "events.jsonl")}}} {
		for _, cands := range [][][]byte{nil, {[]byte("Root")}} {
			got := map[string]int64{}
			for _, f := range layout.files {
				fh, err := os.Open(f)
				if err != nil {
					t.Fatal(err)
				}
				st, err := DecodeStream(fh, f, Options{Candidates: cands}, Handler{Record: func(raw []byte, _ int64) error {
					r, err := ParseRecord(raw)
					if err != nil {
						return err
					}
					v := Classify(&r)
					if v.CIS {
						got["cis_matches"]++
					}
					if v.Root {
						got["user_identity_type_root"]++
						if r.Present.InvokedBy {
							got["root_with_invoked_by"]++
						}
						if r.EventType == "AwsServiceEvent" {
							got["root_aws_service_event"]++
						}
						if r.EventName == "ConsoleLogin" {
							got["root_console_login"]++
						}
					}
					return nil
				}})
				fh.Close()
				if err != nil {
					t.Fatalf("%s: %v", f, err)
				}
				got["records"] += st.Records
			}
			for _, k := range []string{"records", "cis_matches", "user_identity_type_root", "root_with_invoked_by", "root_aws_service_event", "root_console_login"} {
				if got[k] != truth[k] {
					t.Errorf("%s candidates=%v: %s = %d, truth %d", layout.name, cands != nil, k, got[k], truth[k])
				}
			}
		}
	}
}

// The real public data in ../shared/data holds no root activity.
func TestSharedDataHasNoRoot(t *testing.T) {
	root, _ := filepath.Abs("../../../shared/data/cloudtrail")
	if _, err := os.Stat(root); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data not found at %s", root)
		}
		t.Skip("shared data not found")
	}
	var records, roots int64
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".md") {
			return nil
		}
		fh, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		st, _ := DecodeStream(fh, p, Options{}, Handler{Record: func(raw []byte, _ int64) error {
			r, err := ParseRecord(raw)
			if err == nil && Classify(&r).Root {
				roots++
			}
			return nil
		}})
		records += st.Records
		return nil
	})
	// 2,900 + 310 + 103 + 39 events per the folders' MANIFESTs.
	if records != 3352 || roots != 0 {
		t.Errorf("records %d roots %d, want 3352 and 0", records, roots)
	}
}
