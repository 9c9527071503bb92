package alertprotocol

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"vigie/pipeline/publish"
	"vigie/pipeline/specs"
)

func TestIndexValidatesAgainstAtomRelaxNG(t *testing.T) {
	t.Parallel()
	v1, o1 := sampleVerdict(), sampleOptions()
	v2, o2 := sampleVerdict(), sampleOptions()
	v2.Version = 2
	o2.Sent = o1.Sent.Add(20 * time.Hour)
	o2.References = []Reference{{Sender: o1.Sender, Identifier: Identifier(v1.ID, 1), Sent: o1.Sent}}
	base := "https://verif.example.org/cap/"
	feed := publish.Feed{
		Title: "Vérif Locale — CAP", SelfURL: base + "index.atom", HomeURL: "https://verif.example.org/",
		Author: publish.Party{Name: "Vérif Locale"}, Language: "fr",
		Entries: []publish.Entry{
			IndexEntry(v2, o2, base+Identifier(v2.ID, 2)+".xml"),
			IndexEntry(v1, o1, base+Identifier(v1.ID, 1)+".xml"),
		},
	}
	var buf bytes.Buffer
	if err := publish.WriteAtom(&buf, feed); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `type="application/cap+xml" href="https://verif.example.org/cap/vigie.verdict.vrd_01.v2.xml"`) {
		t.Errorf("index entries do not link to the CAP messages:\n%s", buf.String())
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(buf.Bytes()))
	if err != nil || len(f.Items) != 2 || f.Items[0].Link != base+"vigie.verdict.vrd_01.v2.xml" {
		t.Fatalf("gofeed: %v, %+v", err, f)
	}
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (Debian package libxml2-utils)")
		}
		t.Skip("xmllint not installed; skipping RELAX NG validation")
	}
	file := filepath.Join(t.TempDir(), "index.atom")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	rng := specs.Path("atom", "atom.rng.derived-by-trang.rng")
	if out, err := exec.Command(bin, "--noout", "--relaxng", rng, file).CombinedOutput(); err != nil {
		t.Errorf("CAP index fails the Atom RELAX NG schema: %v", errors.New(string(out)))
	}
}
