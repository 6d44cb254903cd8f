package pagerduty

import (
	"encoding/json"
	"testing"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/notifytest"
)

func TestGoldenEvents(t *testing.T) {
	cfg := Config{RoutingKey: routingKey}
	trigger, _ := json.Marshal(NewEvent(cfg, notifytest.Alert()))
	notifytest.Golden(t, "trigger.json", trigger)

	a := notifytest.Alert()
	a.Kind, a.State, a.PreviousState = alert.KindAlarm, "OK", "ALARM"
	resolve, _ := json.Marshal(NewEvent(cfg, a))
	notifytest.Golden(t, "resolve.json", resolve)

	hostile, _ := json.Marshal(NewEvent(cfg, notifytest.HostileAlert()))
	notifytest.Golden(t, "hostile.json", hostile)
}
