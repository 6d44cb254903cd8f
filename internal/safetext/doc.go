// Package safetext turns attacker-controlled text into text that stays text
// in the place it is written to.
//
// Every CloudTrail field (userAgent, sourceIPAddress, requestParameters,
// errorMessage) and every S3 key can be written by whoever holds the root
// credentials, so it reaches terminals, spreadsheets and chat clients with
// whatever escape sequences, formulas or markup that person chose. Each
// function here neutralises one such consumer; callers pick the one that
// matches where the value is going. The package is a leaf: standard library
// only.
package safetext
