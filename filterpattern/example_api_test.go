package filterpattern_test

import (
	"fmt"

	"github.com/rootwatch/rootwatch/filterpattern"
)

// cis43 is the CIS AWS Foundations 4.3 root-usage pattern.
const cis43 = `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`

func ExampleCompile() {
	m, err := filterpattern.Compile(cis43)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Match([]byte(`{"eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","userIdentity":{"type":"Root"}}`)))
	fmt.Println(m.Match([]byte(`{"eventName":"ConsoleLogin","eventType":"AwsConsoleSignIn","userIdentity":{"type":"IAMUser"}}`)))
	fmt.Println(m.Match([]byte(`{"eventType":"AwsApiCall","userIdentity":{"type":"Root","invokedBy":"support.amazonaws.com"}}`)))
	// Output:
	// true
	// false
	// false
}

func ExampleCompare() {
	c, err := filterpattern.Compare(`{ $.userIdentity.type = "Root" }`, cis43)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Relation, c.Proven)
	// An event the first pattern counts and CIS does not:
	m := filterpattern.MustCompile(cis43)
	fmt.Println(m.Match(c.OnlyA))
	// Output:
	// broader true
	// false
}

func ExampleNewMetricFilter() {
	f, err := filterpattern.NewMetricFilter(`{ $.eventName = "PutObject" }`, filterpattern.MetricTransformation{
		MetricName: "BytesUploaded", MetricNamespace: "Example", MetricValue: "$.additionalEventData.bytesTransferredIn",
	})
	if err != nil {
		panic(err)
	}
	r, ok := f.Evaluate([]byte(`{"eventName":"PutObject","additionalEventData":{"bytesTransferredIn":2048}}`))
	fmt.Println(ok, r.HasValue, r.Value)
	// Output:
	// true true 2048
}
