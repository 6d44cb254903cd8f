package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

func TestFirstSeenKeepsTheFirstSighting(t *testing.T) {
	ctx := context.Background()
	s := storetest.SQLite(t)
	if err := s.MigrateFindings(ctx); err != nil {
		t.Fatal(err)
	}
	day1 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	day2 := day1.Add(24 * time.Hour)
	got, err := s.FirstSeen(ctx, []string{"a", "b"}, day1)
	if err != nil {
		t.Fatal(err)
	}
	if !got["a"].Equal(day1) || !got["b"].Equal(day1) {
		t.Fatalf("first run = %v", got)
	}
	got, err = s.FirstSeen(ctx, []string{"a", "c"}, day2)
	if err != nil {
		t.Fatal(err)
	}
	if !got["a"].Equal(day1) || !got["c"].Equal(day2) || len(got) != 2 {
		t.Errorf("second run = %v, want a from day 1 and c from day 2", got)
	}
}
