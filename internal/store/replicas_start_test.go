package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/rootwatch/rootwatch/internal/store"
	"github.com/rootwatch/rootwatch/internal/store/storetest"
)

// Replicas started together on an empty PostgreSQL database all open and
// migrate it: CREATE TABLE IF NOT EXISTS alone races on PostgreSQL's
// catalog (a unique violation in pg_type), so the migrations table is
// made under the migration lock too.
func TestReplicasStartTogetherOnPostgres(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	ctx := context.Background()
	const replicas = 8
	var wg sync.WaitGroup
	ready := make(chan struct{})
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() {
			<-ready // start every Open at once
			st, err := store.Open(ctx, dsn)
			if err == nil {
				err = st.MigrateWatch(ctx)
				_ = st.Close()
			}
			errs[i] = err
		})
	}
	close(ready)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
}
