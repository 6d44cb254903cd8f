// Package audit decides, from an inventory.Snapshot and nothing else,
// whether CIS AWS Foundations Benchmark 4.3 holds in each account: one
// chain trail → log group → metric filter → alarm → topic → subscription
// must hold end to end. Each link is PASS, FAIL or UNKNOWN (we were not
// allowed to look), with the resource, why, and the command that fixes it.
package audit
