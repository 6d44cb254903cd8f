package teams

import (
	"encoding/json"
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenMessage(t *testing.T) {
	b, err := json.Marshal(NewMessage(notifytest.Alert()))
	if err != nil {
		t.Fatal(err)
	}
	checkSchema(t, b)
	notifytest.Golden(t, "root-console-login.json", b)
}
