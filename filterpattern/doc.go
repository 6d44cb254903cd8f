// Package filterpattern parses and evaluates Amazon CloudWatch Logs filter
// patterns (metric filters, subscription filters, FilterLogEvents, Live
// Tail) with the semantics AWS applies, and compares two patterns by
// meaning. It depends on the standard library only, so any Go program can
// import it on its own:
//
//	go get github.com/rootwatch/rootwatch/filterpattern
//
// # API
//
//   - [Parse] turns pattern text into a [Pattern] (an immutable AST) or a
//     positioned [*SyntaxError] (column, message in AWS's words where AWS
//     has one, and [SyntaxError.Caret] to point at it). Printing a Pattern
//     gives its canonical text.
//   - [Compile] (or [NewMatcher] for a parsed Pattern) gives a [*Matcher]:
//     [Matcher.Match] says whether one log event matches. A Matcher is
//     immutable and safe for concurrent use; a non-matching event costs no
//     allocation. [Matcher.Judge] also says when a JSON pattern could not
//     judge an event that holds what it looks for because the event is not
//     well-formed JSON (a security tool reports those; it must not take
//     them for events that do not match).
//   - [NewMetricFilter] validates a [MetricTransformation] as
//     PutMetricFilter does and [MetricFilter.Evaluate] gives the value (and
//     dimensions) one event publishes, as TestMetricFilter reports it.
//   - [Compare] tells whether two patterns are [Equivalent], one is
//     [Broader] or [Narrower], or they are [Different], with an example
//     event only one of them matches. An answer that could not be proven
//     over every case is Different with Comparison.Proven false: never a
//     false "catches everything".
//   - [Explain] describes a pattern in plain English.
//
// # Agreement with AWS
//
// The package implements the four pattern kinds AWS chooses from the first
// non-blank character (terms, %regex%, JSON, space-delimited) with AWS's
// limits and rejections. What it agrees with AWS on is pinned by tests: the
// examples of the CloudWatch Logs documentation (TestConformanceAWSDocs),
// a reference evaluator written independently from the specification
// (randomised differential tests, TestMatchRandomAgainstReference), the
// canonical printer round-trip, Compare checked against the matcher on
// random pattern pairs (TestCompareRandomAgainstMatcher), and fuzz targets
// for the parser, the matcher and the comparer with committed seeds. The
// behaviour it follows where the documentation is silent is written down,
// with its sources, in docs/filterpattern.md of the rootwatch repository.
//
// # Versions
//
// rootwatch follows semantic versioning for this package's exported API:
// within a major version, exported names keep their meaning and signatures.
// A change in what a pattern matches is made only to agree with AWS (a
// bug fix), and is listed in the release notes. The AST types are exported
// for reading; fields may be added to them in a minor version.
package filterpattern
