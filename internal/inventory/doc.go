// Package inventory is the SDK-free snapshot of everything the CIS 4.3
// chain depends on in a set of AWS accounts: trails, log groups, metric
// filters, alarms, SNS topics and subscriptions, KMS keys and EventBridge
// rules. The collector (internal/awsread) fills it; the audit
// (internal/audit) and the fix planner read it as plain values, so their
// logic is tested with literal snapshots and never needs AWS.
//
// A read that failed is recorded next to what it would have filled, as a
// *ReadError, so the audit can say "could not look" (UNKNOWN) instead of
// mistaking an unreadable resource for a missing one.
package inventory
