package report

import (
	"encoding/json"
	"io"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// JSON writes the report as one JSON document: per account "account",
// "status", "covered_by" and "links" [{name, status, resource, detail}].
type JSON struct{}

// Format implements Formatter.
func (JSON) Format(w io.Writer, r *audit.Report) error {
	return writeJSON(w, r)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
