package cli

import (
	"strings"

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
