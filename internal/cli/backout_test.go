package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/rootwatch/rootwatch/internal/awsfake"
	"github.com/rootwatch/rootwatch/internal/cis"
	"github.com/rootwatch/rootwatch/internal/exitcode"
	"github.com/rootwatch/rootwatch/internal/store"
)

// testJournalKey signs the journal in command tests, so none of them
// writes a key file under the real home directory.
var testJournalKey = strings.Repeat("5a", store.JournalKeySize)

func testJournalKeyEnv(k string) string {
	if k == store.EnvJournalKey {
		return testJournalKey
	}
	return ""
}

// TestHostileBackoutRefusesWhatItDidNotMake: a row forged straight into the
// store (naming a customer's alarm and topic) and a correctly signed row
// whose resource was since replaced by someone else's are both refused,
// named, and leave the account as it was; backout exits 4.
func TestHostileBackoutRefusesWhatItDidNotMake(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	e.expect(exitcode.OK, "Done (journal run", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	// Someone replaces rootwatch's alarm with their own of the same name.
	e.c.Edit(func(c *awsfake.Cloud) {
		r := c.Accounts[fixAccount].Region(fixRegion)
		delete(r.Tags, c.AlarmARN(fixAccount, fixRegion, cis.AlarmName))
	})
	customerTopic := e.c.TopicARN(fixAccount, fixRegion, "app-ops")
	e.c.Edit(func(c *awsfake.Cloud) {
		c.Accounts[fixAccount].Region(fixRegion).Topics[customerTopic] = &awsfake.Topic{Attributes: map[string]string{"DisplayName": "app-ops"}}
	})
	s, err := store.Open(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().Exec(`INSERT INTO journal_runs (id, command, args, started_at, finished_at, status) VALUES ('forged', 'fix', '', 1, 2, 'done')`)
	if err == nil {
		_, err = s.DB().Exec(`INSERT INTO journal_changes (run_id, seq, account, region, kind, resource, action, before_state, after_state, result, status, error, reverted_by, started_at, finished_at, mac)
			VALUES ('forged', 1, $1, $2, 'topic', $3, 'create', '', $4, '', 'done', '', '', 1, 2, $5)`,
			fixAccount, fixRegion, customerTopic, `{"arn":"`+customerTopic+`","name":"app-ops"}`, strings.Repeat("00", 32))
	}
	_ = s.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := e.state()
	out := e.expect(exitcode.Partial, "Refused (2)", "backout", "--remove", "--dry-run")
	for _, want := range []string{"refused SNS topic " + customerTopic + " (journal forged/1): the journal row fails its HMAC check",
		"refused alarm RootAccountUsage", "does not carry rootwatch's tag"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	e.expect(exitcode.Partial, "Refused (2)", "backout", "--remove", "--yes")
	after := e.state()
	if !strings.Contains(after, "app-ops") || !strings.Contains(after, `"RootAccountUsage": {`) {
		t.Fatalf("backout deleted what it did not make:\n%s", after)
	}
	if after == before {
		t.Fatal("backout removed nothing of its own")
	}
}

// TestBackoutUnsignedRowsNeedTheFlag: rows written before signing are
// refused until --allow-unsigned-journal.
func TestBackoutUnsignedRowsNeedTheFlag(t *testing.T) {
	e := newFixEnv(t)
	e.breakChain()
	before := e.state()
	e.expect(exitcode.OK, "Done (journal run", "fix", "--regions", fixRegion, "--subscribe", fixQueue, "--yes")
	s, err := store.Open(context.Background(), e.store)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().Exec(`UPDATE journal_changes SET mac = ''`)
	_ = s.Close()
	if err != nil {
		t.Fatal(err)
	}
	e.expect(exitcode.Partial, "--allow-unsigned-journal", "backout", "--remove", "--yes")
	e.expect(exitcode.OK, "to destroy", "backout", "--remove", "--yes", "--allow-unsigned-journal")
	if got := e.state(); got != before {
		t.Fatalf("after --remove:\n%s\nwant:\n%s", got, before)
	}
}
