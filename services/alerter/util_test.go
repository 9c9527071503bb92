package alerter

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/pipeline/publish"
	"vigie/pipeline/publish/publishtest"
	"vigie/pipeline/specs"
)

func publishParty(name string) publish.Party { return publish.Party{Name: name} }

// needXmllint returns the xmllint path, skipping when it is missing except
// under CI=true, where that fails.
func needXmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (Debian package libxml2-utils)")
		}
		t.Skip("xmllint not installed; skipping schema validation")
	}
	return p
}

func xmllint(t *testing.T, body []byte, args ...string) {
	t.Helper()
	bin := needXmllint(t)
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(append([]string{"--noout"}, args...), f)...).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint %v: %v\n%s\n%s", args, err, out, body)
	}
}

// validateCAP checks a CAP message against the OASIS CAP 1.2 XSD.
func validateCAP(t *testing.T, body []byte) {
	t.Helper()
	xmllint(t, body, "--schema", specs.Path("cap", "CAP-v1.2.xsd"))
}

// validateAtom checks an Atom document against the RFC 4287 RELAX NG schema.
func validateAtom(t *testing.T, body []byte) {
	t.Helper()
	xmllint(t, body, "--relaxng", specs.Path("atom", "atom.rng.derived-by-trang.rng"))
}

// validateJSONFeed checks a JSON Feed against the JSON Feed 1.1 schema.
func validateJSONFeed(t *testing.T, body []byte) {
	t.Helper()
	s := publishtest.JSONFeedSchema(t)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("JSON Feed does not validate: %v\n%s", err, body)
	}
}
