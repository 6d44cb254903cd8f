// Package console is the security team's web console of rootwatch watch:
// an overview of every account's CIS 4.3 chain, the alerts and their
// deliveries, and the corrections waiting for a decision, as HTML pages
// and as a JSON API under /api/v1/ (docs/console.md). It reads the store
// watch writes and writes only decisions and retries; it never calls AWS.
//
// Access is OpenID Connect (groups mapped to the roles viewer and
// approver) or a static token file; sessions are HMAC-signed cookies with
// a CSRF token bound to them.
package console
