package format_test

import (
	"testing"

	"github.com/rootwatch/rootwatch/internal/notify/format"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenBody(t *testing.T) {
	notifytest.Golden(t, "root-console-login.txt", []byte(format.Body(notifytest.Alert())))
}
