package watch_test

import (
	"bytes"

	"github.com/rootwatch/rootwatch/internal/cloudtrail"
)

func decodeForBench(body []byte, fn func([]byte) error) error {
	_, err := cloudtrail.DecodeStream(bytes.NewReader(body), "bench", cloudtrail.Options{}, cloudtrail.Handler{
		Record: func(raw []byte, _ int64) error { return fn(raw) },
	})
	return err
}
