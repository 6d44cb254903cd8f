// Package sqlpattern compiles CloudWatch Logs filter patterns (as parsed by
// the filterpattern engine) into SQL WHERE clauses for the tables CloudTrail
// history lives in: the Amazon Athena table AWS documents for CloudTrail
// logs (also read by Trino, and loaded into DuckDB for tests) and the
// CloudTrail Lake event data store schema.
//
// Every translation is labelled Exact or approximate. Exact means: on every
// record as CloudTrail writes it (the table contract below), the SQL selects
// the record if and only if the engine matches it. Approximate means the
// SQL selects a superset of the engine's matches, and each Reason says why
// (a NULL that stands for both a JSON null and a missing field, numbers held
// as text, a wildcard, a field that lives inside a JSON string column or
// outside the table). A caller that needs exact results re-checks the
// selected records with the engine.
//
// The table contract: a field the table types as a CloudTrail string holds a
// JSON string when present and is never a JSON null (CloudTrail omits a
// field it has no value for); readOnly and managementEvent are JSON
// booleans; top-level and userIdentity keys are spelled as CloudTrail
// documents them, once. Request and response contents (requestParameters,
// responseElements, additionalEventData, serviceEventDetails) are caller
// data and carry no contract: conditions on them are always approximate.
//
// The translation is monotone: a pattern is built from && and || of
// conditions, each condition becomes a SQL predicate that is TRUE whenever
// the engine's condition holds, so the whole WHERE clause is TRUE whenever
// the pattern matches. SQL's NULL (unknown) never turns a match into a
// miss: without NOT, Kleene logic is TRUE only when the same formula with
// every unknown read as FALSE is TRUE.
package sqlpattern
