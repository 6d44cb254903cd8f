package cloudtrail

// Shape names a container format CloudTrail data arrives in.
type Shape int

const (
	ShapeUnknown          Shape = iota
	ShapeS3Log                  // {"Records":[...]}, as CloudTrail delivers to S3
	ShapeArray                  // a bare JSON array of records
	ShapeLines                  // JSON Lines: one record (or envelope) a line
	ShapeEventBridge            // EventBridge events, the record in "detail"
	ShapeLogsSubscription       // CloudWatch Logs subscription payloads
	ShapeS3Notification         // S3 event notifications (direct, SNS, SQS) pointing at log files
	ShapeDigest                 // CloudTrail digest files: skipped
	ShapeInsights               // CloudTrail Insights events: skipped
)

func (s Shape) String() string {
	switch s {
	case ShapeS3Log:
		return "s3-log"
	case ShapeArray:
		return "array"
	case ShapeLines:
		return "jsonl"
	case ShapeEventBridge:
		return "eventbridge"
	case ShapeLogsSubscription:
		return "logs-subscription"
	case ShapeS3Notification:
		return "s3-notification"
	case ShapeDigest:
		return "digest"
	case ShapeInsights:
		return "insights"
	}
	return "unknown"
}

// ObjectRef is an S3 object an event notification points at.
type ObjectRef struct {
	Bucket string
	Key    string
	Size   int64
}

// Stats counts what a decode saw.
type Stats struct {
	Shape    Shape // the first container shape seen
	Records  int64 // CloudTrail records (all of them, candidates or not)
	Yielded  int64 // records passed to the handler
	Insights int64 // Insights events skipped
	Digests  int64 // digest files skipped
	Skipped  int64 // other recognised non-record values (control messages)
	Objects  int64 // S3 objects referenced by notifications
	Bytes    int64 // decompressed bytes read
	Problems int64 // non-fatal decode errors reported to Handler.Problem
}
