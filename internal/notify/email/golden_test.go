package email

import (
	"regexp"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenMessage(t *testing.T) {
	msg, err := Message(Config{From: "rootwatch <alerts@example.com>", To: []string{"sec@example.com"}}, notifytest.Alert(), notifytest.Now)
	if err != nil {
		t.Fatal(err)
	}
	// The Message-ID's random part differs per send.
	msg = regexp.MustCompile(`\.[0-9a-f]{12}@`).ReplaceAll(msg, []byte(".RANDOM@"))
	notifytest.Golden(t, "root-console-login.eml", msg)
}
