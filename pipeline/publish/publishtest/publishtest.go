// Package publishtest holds test helpers shared by the packages that write
// standard feeds: the JSON Feed 1.1 schema compiled from its copy in package
// specs.
package publishtest

import (
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/pipeline/specs"
)

// JSONFeedSchema compiles the JSON Feed 1.1 schema (pipeline/specs/
// jsonfeed/schema-v1.1.json), with format assertions on.
func JSONFeedSchema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(specs.Path("jsonfeed", "schema-v1.1.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("schema-v1.1.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema-v1.1.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}
