package alertprotocol

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/publish"
	"vigie/pipeline/specs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// capSpecs is the CAP 1.2 folder of package specs (XSD and examples).
var capSpecs = specs.Path("cap")

// xmllintSchema validates file against the CAP 1.2 XSD; it skips when
// xmllint is missing, except under CI=true where that fails.
func xmllintSchema(t *testing.T, file string) error {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (Debian package libxml2-utils)")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils); skipping CAP schema validation")
	}
	out, err := exec.Command(bin, "--noout", "--schema", filepath.Join(capSpecs, "CAP-v1.2.xsd"), file).CombinedOutput()
	if err != nil {
		return errors.New(err.Error() + ": " + string(out))
	}
	return nil
}

func validateBytes(t *testing.T, b []byte) error {
	t.Helper()
	file := filepath.Join(t.TempDir(), "alert.xml")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return xmllintSchema(t, file)
}

func sampleVerdict() publish.Verdict {
	pub := time.Date(2026, 11, 20, 14, 30, 0, 0, time.UTC)
	return publish.Verdict{
		ID: "vrd_01", Version: 1, URL: "https://verif.example.org/verdicts/vrd_01",
		ClaimReviewed: "L'eau du robinet est impropre à la consommation à Paris cette semaine",
		Rating:        claims.RatingFalse, TextualRating: "Faux",
		Summary:   "Eau de Paris et l'ARS ne signalent aucune contamination.",
		Language:  "fr",
		Publisher: publish.Party{Name: "Vérif Locale", URL: "https://verif.example.org/"},
		Published: pub, Localities: []string{"FR-75056"},
	}
}

func sampleOptions() Options {
	return Options{
		Sender: "alerts@verif.example.org", Sent: time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC), Severity: 4,
		Areas: []Area{{Code: "FR-75056", Name: "Paris"}},
	}
}

// capDoc is the part of a CAP message the tests read back.
type capDoc struct {
	Identifier string `xml:"identifier"`
	Sent       string `xml:"sent"`
	MsgType    string `xml:"msgType"`
	References string `xml:"references"`
	Info       struct {
		Severity     string `xml:"severity"`
		ResponseType string `xml:"responseType"`
		Headline     string `xml:"headline"`
		Web          string `xml:"web"`
		Area         []struct {
			AreaDesc string `xml:"areaDesc"`
			Geocode  []struct {
				ValueName string `xml:"valueName"`
				Value     string `xml:"value"`
			} `xml:"geocode"`
		} `xml:"area"`
	} `xml:"info"`
}

func TestWriteValidatesAgainstXSD(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		name        string
		edit        func(*publish.Verdict, *Options)
		wantType    string
		wantSent    string
		wantSev     string
		wantRefs    string
		wantAreas   int
		golden      string
		wantInTitle string
	}{
		{"first alert", func(*publish.Verdict, *Options) {}, "Alert", "2026-11-20T15:00:00-00:00", "Severe", "", 1, "alert_first.golden.xml", "Faux: "},
		{"correction is an update", func(v *publish.Verdict, o *Options) {
			v.Version = 2
			v.Corrections = []publish.Correction{{Date: o.Sent, Note: "Lien corrigé."}}
			o.Sent = time.Date(2026, 11, 21, 9, 0, 0, 0, paris)
			o.References = []Reference{{Sender: "alerts@verif.example.org", Identifier: "vigie.verdict.vrd_01.v1", Sent: time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)}}
		}, "Update", "2026-11-21T09:00:00+01:00", "Severe",
			"alerts@verif.example.org,vigie.verdict.vrd_01.v1,2026-11-20T15:00:00-00:00", 1, "alert_update.golden.xml", "Faux: "},
		{"retraction is a cancel", func(v *publish.Verdict, o *Options) {
			v.Version, v.Retracted = 3, true
			o.References = []Reference{
				{Sender: "alerts@verif.example.org", Identifier: "vigie.verdict.vrd_01.v1", Sent: time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)},
				{Sender: "alerts@verif.example.org", Identifier: "vigie.verdict.vrd_01.v2", Sent: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)},
			}
		}, "Cancel", "2026-11-20T15:00:00-00:00", "Severe",
			"alerts@verif.example.org,vigie.verdict.vrd_01.v1,2026-11-20T15:00:00-00:00 alerts@verif.example.org,vigie.verdict.vrd_01.v2,2026-11-21T08:00:00-00:00",
			1, "", "Retracted: "},
		{"several areas, minimal fields, unknown severity", func(v *publish.Verdict, o *Options) {
			v.Summary, v.Language, v.Rating, v.TextualRating = "", "", claims.RatingUnproven, ""
			o.Severity, o.Category, o.Status = 0, "Health", StatusTest
			o.Areas = []Area{{Code: "PT-1312", Name: "Porto"}, {Code: "MA-CS.CB", Name: "Casablanca"}}
			o.Expires = time.Date(2026, 12, 20, 0, 0, 0, 0, time.UTC)
		}, "Alert", "2026-11-20T15:00:00-00:00", "Unknown", "", 2, "", "Unproven: "},
		{"long claim and markup characters", func(v *publish.Verdict, o *Options) {
			v.ClaimReviewed = strings.Repeat("<b>Tarifs & taxes</b> ", 20)
			v.ID = "vrd 01,<&>"
			o.Severity = 2
		}, "Alert", "2026-11-20T15:00:00-00:00", "Minor", "", 1, "", "Faux: <b>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, o := sampleVerdict(), sampleOptions()
			tt.edit(&v, &o)
			var buf bytes.Buffer
			if err := Write(&buf, v, o); err != nil {
				t.Fatal(err)
			}
			var doc capDoc
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.MsgType != tt.wantType || doc.Sent != tt.wantSent || doc.Info.Severity != tt.wantSev || doc.References != tt.wantRefs {
				t.Errorf("msgType %q sent %q severity %q references %q", doc.MsgType, doc.Sent, doc.Info.Severity, doc.References)
			}
			if len(doc.Info.Area) != tt.wantAreas || doc.Info.Web != v.URL || !strings.HasPrefix(doc.Info.Headline, tt.wantInTitle) {
				t.Errorf("areas %d web %q headline %q", len(doc.Info.Area), doc.Info.Web, doc.Info.Headline)
			}
			if n := len([]rune(doc.Info.Headline)); n > MaxHeadlineRunes {
				t.Errorf("headline has %d characters", n)
			}
			if strings.ContainsAny(doc.Identifier, " ,<&") {
				t.Errorf("identifier %q holds a forbidden character", doc.Identifier)
			}
			if tt.golden != "" {
				compareGolden(t, filepath.Join("testdata", tt.golden), buf.Bytes())
			}
			if err := validateBytes(t, buf.Bytes()); err != nil {
				t.Errorf("CAP message fails the CAP 1.2 XSD: %v\n%s", err, buf.String())
			}
		})
	}
}

func TestGeocodes(t *testing.T) {
	t.Parallel()
	v, o := sampleVerdict(), sampleOptions()
	o.Areas = []Area{{Code: "FR-75056", Name: "Paris"}, {Code: "TN-11", Name: "Tunis"}}
	var buf bytes.Buffer
	if err := Write(&buf, v, o); err != nil {
		t.Fatal(err)
	}
	var doc capDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range doc.Info.Area {
		for _, g := range a.Geocode {
			got[a.AreaDesc+"/"+g.ValueName] = g.Value
		}
	}
	want := map[string]string{"Paris/vigie:locality": "FR-75056", "Paris/INSEE": "75056", "Tunis/vigie:locality": "TN-11"}
	if len(got) != len(want) {
		t.Errorf("geocodes %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("geocode %s = %q, want %q", k, got[k], v)
		}
	}
}

// TestXSDOracle checks that the schema check accepts the specification's
// examples and rejects what CAP forbids.
func TestXSDOracle(t *testing.T) {
	t.Parallel()
	for _, f := range []string{"v1dot2_appendix_adot1.xml", "v1dot2_appendix_adot2.xml", "v1dot2_appendix_adot3.xml", "v1dot2_appendix_adot4.xml"} {
		t.Run(f, func(t *testing.T) {
			if err := xmllintSchema(t, filepath.Join(capSpecs, "examples", f)); err != nil {
				t.Errorf("spec example rejected: %v", err)
			}
		})
	}
	var buf bytes.Buffer
	if err := Write(&buf, sampleVerdict(), sampleOptions()); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	for _, bad := range []struct{ name, from, to string }{
		{"Z time zone", "2026-11-20T15:00:00-00:00", "2026-11-20T15:00:00Z"},
		{"unknown severity word", "<severity>Severe</severity>", "<severity>High</severity>"},
		{"missing event", "<event>Misinformation verdict</event>", ""},
	} {
		t.Run("rejects "+bad.name, func(t *testing.T) {
			doc := strings.Replace(good, bad.from, bad.to, 1)
			if doc == good {
				t.Fatalf("replacement %q not applied", bad.from)
			}
			if validateBytes(t, []byte(doc)) == nil {
				t.Errorf("XSD accepted a message with %s", bad.name)
			}
		})
	}
}

func TestWriteRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*publish.Verdict, *Options)
	}{
		{"unpublished verdict", func(v *publish.Verdict, _ *Options) { v.Published = time.Time{} }},
		{"no url", func(v *publish.Verdict, _ *Options) { v.URL = "" }},
		{"no claim", func(v *publish.Verdict, _ *Options) { v.ClaimReviewed = "" }},
		{"bad rating", func(v *publish.Verdict, _ *Options) { v.Rating = "pants_on_fire" }},
		{"bad language", func(v *publish.Verdict, _ *Options) { v.Language = "fr_FR" }},
		{"sender with space", func(_ *publish.Verdict, o *Options) { o.Sender = "verif locale" }},
		{"sender with comma", func(_ *publish.Verdict, o *Options) { o.Sender = "a,b" }},
		{"no sent time", func(_ *publish.Verdict, o *Options) { o.Sent = time.Time{} }},
		{"no area", func(_ *publish.Verdict, o *Options) { o.Areas = nil }},
		{"area without name", func(_ *publish.Verdict, o *Options) { o.Areas = []Area{{Code: "FR-75056"}} }},
		{"bad status", func(_ *publish.Verdict, o *Options) { o.Status = "Real" }},
		{"bad category", func(_ *publish.Verdict, o *Options) { o.Category = "Misinformation" }},
		{"retraction without references", func(v *publish.Verdict, _ *Options) { v.Retracted = true }},
		{"bad reference", func(_ *publish.Verdict, o *Options) {
			o.References = []Reference{{Sender: "a b", Identifier: "x", Sent: o.Sent}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, o := sampleVerdict(), sampleOptions()
			tt.edit(&v, &o)
			err := Write(&bytes.Buffer{}, v, o)
			if !errors.Is(err, ErrNotPublishable) {
				t.Errorf("Write = %v, want ErrNotPublishable", err)
			}
		})
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 11, 20, 15, 0, 0, 999_000_000, time.UTC), "2026-11-20T15:00:00-00:00"},
		{time.Date(2026, 11, 20, 15, 0, 0, 0, time.FixedZone("BRT", -3*3600)), "2026-11-20T15:00:00-03:00"},
		{time.Date(2026, 7, 1, 8, 30, 5, 0, time.FixedZone("IST", 5*3600+1800)), "2026-07-01T08:30:05+05:30"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Time(tt.in); got != tt.want {
				t.Errorf("Time = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzIdentifier checks that any verdict id gives a CAP-valid identifier
// and that distinct versions give distinct identifiers.
func FuzzIdentifier(f *testing.F) {
	f.Add("vrd_01", 1)
	f.Add("a b,c<d&e", 0)
	f.Add("\xff\u00a0\x7f", -3)
	f.Fuzz(func(t *testing.T, id string, version int) {
		got := Identifier(id, version)
		if !validToken(got) {
			t.Fatalf("Identifier(%q, %d) = %q is not a valid CAP identifier", id, version, got)
		}
		if version > 1 && version < 1<<30 && got == Identifier(id, version+1) {
			t.Fatalf("versions %d and %d share %q", version, version+1, got)
		}
	})
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update if intended):\n%s", path, got)
	}
}

func BenchmarkWrite(b *testing.B) {
	v, o := sampleVerdict(), sampleOptions()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, v, o); err != nil {
			b.Fatal(err)
		}
	}
}
