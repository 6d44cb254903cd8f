package report

import (
	"io"

	"github.com/rootwatch/rootwatch/internal/audit"
)

// SARIF writes SARIF 2.1.0: one rule per link, one result per link that
// is not PASS (FAIL is an error, UNKNOWN a warning).
type SARIF struct{}

// Format implements Formatter.
func (SARIF) Format(w io.Writer, r *audit.Report) error {
	var rules []map[string]any
	for _, n := range audit.LinkNames {
		rules = append(rules, map[string]any{
			"id":               "CIS" + r.Control + "/" + n,
			"name":             n,
			"shortDescription": map[string]any{"text": "CIS " + r.Control + " chain link: " + n},
			"helpUri":          "https://www.cisecurity.org/benchmark/amazon_web_services",
		})
	}
	results := []map[string]any{}
	for _, a := range r.Accounts {
		for _, l := range a.Links {
			level := ""
			switch l.Status {
			case audit.Fail:
				level = "error"
			case audit.Unknown:
				level = "warning"
			default:
				continue
			}
			msg := "account " + a.Account + ": " + l.Detail
			if l.Fix != "" {
				msg += " (fix: " + l.Fix + ")"
			}
			res := l.Resource
			if res == "" {
				res = "aws-account/" + a.Account
			}
			results = append(results, map[string]any{
				"ruleId":  "CIS" + r.Control + "/" + l.Name,
				"level":   level,
				"message": map[string]any{"text": msg},
				"locations": []map[string]any{{
					"logicalLocations": []map[string]any{{"fullyQualifiedName": res, "kind": "resource"}},
				}},
				"properties": map[string]any{"account": a.Account, "status": string(l.Status)},
			})
		}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []map[string]any{{
			"tool":    map[string]any{"driver": map[string]any{"name": "rootwatch", "informationUri": "https://github.com/rootwatch/rootwatch", "rules": rules}},
			"results": results,
		}},
	}
	return writeJSON(w, doc)
}
