package filterpattern_test

import (
	"errors"
	"fmt"

	"github.com/rootwatch/rootwatch/filterpattern"
)

func ExampleParse() {
	p, err := filterpattern.Parse(`{($.userIdentity.type=Root)&&($.userIdentity.invokedBy NOT EXISTS)&&($.eventType!=AwsServiceEvent)}`)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Kind)
	fmt.Println(p)
	// Output:
	// json
	// { $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }
}

func ExampleSyntaxError() {
	_, err := filterpattern.Parse(`{ $.userIdentity.invokedBy IS NOT NULL }`)
	var se *filterpattern.SyntaxError
	if errors.As(err, &se) {
		fmt.Println(se)
		fmt.Println(se.Caret())
	}
	// Output:
	// column 31: IS NOT is not supported; to test that a field is absent write $.userIdentity.invokedBy NOT EXISTS
	// { $.userIdentity.invokedBy IS NOT NULL }
	//                               ^
}

func ExampleExplain() {
	p, _ := filterpattern.Parse(`{ $.eventName = ConsoleLogin && ($.errorMessage = "Failed authentication" || $.responseElements.ConsoleLogin = Failure) }`)
	fmt.Println(filterpattern.Explain(p))
	// Output:
	// matches JSON events where eventName is exactly "ConsoleLogin", and (either errorMessage is exactly "Failed authentication", or responseElements.ConsoleLogin is exactly "Failure"); a comparison on a missing field, or on an object or array, does not match; events that are not JSON never match
}
