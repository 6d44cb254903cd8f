package webhook

import (
	"encoding/json"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenPayload(t *testing.T) {
	b, err := json.Marshal(NewPayload(notifytest.Alert(), notifytest.Now))
	if err != nil {
		t.Fatal(err)
	}
	notifytest.Golden(t, "payload.json", b)
}
