// Package awsread collects an inventory.Snapshot from AWS: one account or
// a whole organization, every enabled region, through the narrow
// interfaces in api.go that the SDK clients satisfy and internal/awsfake
// fakes. Every failed read is kept in the snapshot as an
// *inventory.ReadError naming the IAM action, so the audit can say what it
// could not see instead of guessing.
package awsread
