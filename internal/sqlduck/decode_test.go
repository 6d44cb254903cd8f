//go:build duckdb

package sqlduck

import "encoding/json"

func decodeAny(b []byte) (any, error) {
	var v any
	err := json.Unmarshal(b, &v)
	return v, err
}
