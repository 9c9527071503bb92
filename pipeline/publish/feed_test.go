package publish

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/claims"
	"vigie/pipeline/publish/publishtest"
	"vigie/pipeline/specs"
)

// needXmllint returns the xmllint path, skipping the test when it is
// missing, except under CI=true where that fails.
func needXmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (Debian package libxml2-utils)")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils); skipping schema validation")
	}
	return p
}

// xmllintRelaxNG validates file against the Atom RELAX NG schema.
func xmllintRelaxNG(t *testing.T, file string) error {
	t.Helper()
	bin := needXmllint(t)
	out, err := exec.Command(bin, "--noout", "--relaxng", specs.Path("atom", "atom.rng.derived-by-trang.rng"), file).CombinedOutput()
	if err != nil {
		return &xmllintError{out: string(out), err: err}
	}
	return nil
}

type xmllintError struct {
	out string
	err error
}

func (e *xmllintError) Error() string { return e.err.Error() + ": " + e.out }

func sampleVerdicts() []Verdict {
	a := sampleVerdict()
	b := sampleVerdict()
	b.ID, b.URL, b.Version = "vrd_02", "https://verif.example.org/verdicts/vrd_02", 1
	b.ClaimReviewed = `O Porto vai fechar a ponte D. Luís <amanhã> & "sempre"`
	b.Rating, b.TextualRating, b.Language = claims.RatingMisleading, "Enganador", "pt"
	b.Localities = []string{"PT-1312"}
	b.Published = time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	b.Modified, b.Corrections = time.Time{}, nil
	b.Summary = "Line one.\nLine two with a control char \x01 and an emoji 🌉."
	c := sampleVerdict()
	c.ID, c.URL, c.Version = "vrd_03", "https://verif.example.org/verdicts/vrd_03", 3
	c.ClaimReviewed = "Le marché de Valence est déplacé"
	c.Rating, c.TextualRating, c.Retracted = claims.RatingUnproven, "Non prouvé", true
	c.Localities = []string{"FR-26362", "FR-75056"}
	c.Published = time.Date(2026, 11, 10, 8, 0, 0, 0, time.UTC)
	c.Modified = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	c.Corrections = []Correction{{Date: c.Modified, Note: "Retracted: the source was a parody account."}}
	return []Verdict{a, b, c}
}

func sampleFeed(entries []Entry) Feed {
	return Feed{
		Title: "Vérif Locale — verdicts", Description: "Published verdicts of Vérif Locale",
		SelfURL: "https://verif.example.org/feeds/verdicts.atom", HomeURL: "https://verif.example.org/verdicts",
		Language: "fr", Author: Party{Name: "Vérif Locale", URL: "https://verif.example.org/"},
		Entries: entries,
	}
}

type writer struct {
	name   string
	ext    string
	write  func(*bytes.Buffer, Feed) error
	format gofeed.FeedType
}

var writers = []writer{
	{"atom", "atom", func(b *bytes.Buffer, f Feed) error { return WriteAtom(b, f) }, gofeed.FeedTypeAtom},
	{"rss", "rss", func(b *bytes.Buffer, f Feed) error { return WriteRSS(b, f) }, gofeed.FeedTypeRSS},
	{"jsonfeed", "json", func(b *bytes.Buffer, f Feed) error { return WriteJSONFeed(b, f) }, gofeed.FeedTypeJSON},
}

func TestFeedsParseBackWithGofeed(t *testing.T) {
	t.Parallel()
	vs := sampleVerdicts()
	entries := Filter{}.Entries(vs, 0)
	cases := []struct {
		name    string
		entries []Entry
	}{{"three verdicts", entries}, {"empty", nil}}
	for _, c := range cases {
		for _, w := range writers {
			t.Run(c.name+"/"+w.name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := w.write(&buf, sampleFeed(c.entries)); err != nil {
					t.Fatal(err)
				}
				compareGolden(t, filepath.Join("testdata", "feed_"+strings.ReplaceAll(c.name, " ", "_")+"."+w.ext), buf.Bytes())
				if gofeed.DetectFeedType(bytes.NewReader(buf.Bytes())) != w.format {
					t.Errorf("gofeed detects %v", gofeed.DetectFeedType(bytes.NewReader(buf.Bytes())))
				}
				f, err := gofeed.NewParser().Parse(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatalf("gofeed: %v", err)
				}
				if f.Title != "Vérif Locale — verdicts" || len(f.Items) != len(c.entries) {
					t.Fatalf("gofeed read title %q and %d items, want %d", f.Title, len(f.Items), len(c.entries))
				}
				if f.Language != "fr" && w.name != "atom" { // gofeed does not read the Atom xml:lang into Language
					t.Errorf("language %q", f.Language)
				}
				for i, it := range f.Items {
					e := c.entries[i]
					if it.Title != strings.ToValidUTF8(strings.ReplaceAll(e.Title, "\x01", "\uFFFD"), "") {
						t.Errorf("item %d title %q, want %q", i, it.Title, e.Title)
					}
					if it.Link != e.URL || (it.GUID != e.URL && w.name != "jsonfeed") {
						t.Errorf("item %d link %q guid %q, want %q", i, it.Link, it.GUID, e.URL)
					}
					if it.UpdatedParsed == nil && it.PublishedParsed == nil {
						t.Errorf("item %d has no date", i)
					}
					want := append([]string{string(e.Rating)}, e.Localities...)
					if w.name == "atom" { // gofeed reads an Atom category's label when it has one
						want[0] = e.TextualRating
					}
					if !slices.Equal(it.Categories, want) {
						t.Errorf("item %d categories %v, want %v", i, it.Categories, want)
					}
				}
			})
		}
	}
}

func TestAtomValidatesAgainstRelaxNG(t *testing.T) {
	t.Parallel()
	needXmllint(t)
	vs := sampleVerdicts()
	cases := []struct {
		name string
		feed Feed
	}{
		{"three verdicts", sampleFeed(Filter{}.Entries(vs, 0))},
		{"empty", sampleFeed(nil)},
		{"no language no description", func() Feed { f := sampleFeed(Filter{}.Entries(vs, 0)); f.Language, f.Description = "", ""; return f }()},
		{"regional language tags", func() Feed {
			f := sampleFeed(Filter{}.Entries(vs, 0))
			f.Language, f.Entries[1].Language = "fr-FR", "pt-BR"
			return f
		}()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteAtom(&buf, c.feed); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "feed.atom")
			if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := xmllintRelaxNG(t, file); err != nil {
				t.Errorf("Atom feed fails RFC 4287 RELAX NG: %v\n%s", err, buf.String())
			}
		})
	}
}

// TestRelaxNGOracle checks that the schema check rejects invalid Atom and
// accepts valid Atom from the W3C feed validator's test cases.
func TestRelaxNGOracle(t *testing.T) {
	t.Parallel()
	needXmllint(t)
	dir := specs.Path("atom", "feedvalidator-testcases", "atom")
	cases := []struct {
		file  string
		valid bool
	}{
		{"valid/1.1__extensive-noerror.xml", true},
		{"valid/4.1.1__multiple-authors.xml", true},
		{"invalid/4.1.1__missing-id.xml", false},
		{"invalid/4.2.2.1__category-no-term.xml", false},
		{"invalid/4.1.2__missing-updated.xml", false},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			err := xmllintRelaxNG(t, filepath.Join(dir, c.file))
			if c.valid && err != nil {
				t.Errorf("valid case rejected: %v", err)
			}
			if !c.valid && err == nil {
				t.Errorf("invalid case accepted")
			}
		})
	}
}

func compileJSONFeedSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return publishtest.JSONFeedSchema(t)
}

func validateJSON(s *jsonschema.Schema, b []byte) error {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return err
	}
	return s.Validate(doc)
}

func TestJSONFeedValidatesAgainstSchema(t *testing.T) {
	t.Parallel()
	s := compileJSONFeedSchema(t)
	for _, c := range []struct {
		name    string
		entries []Entry
	}{{"three verdicts", Filter{}.Entries(sampleVerdicts(), 0)}, {"empty", nil}} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteJSONFeed(&buf, sampleFeed(c.entries)); err != nil {
				t.Fatal(err)
			}
			if err := validateJSON(s, buf.Bytes()); err != nil {
				t.Errorf("JSON Feed fails the 1.1 schema: %v\n%s", err, buf.String())
			}
			var got struct {
				Version string `json:"version"`
				Items   []struct {
					Vigie jfVigie `json:"_vigie"`
				} `json:"items"`
			}
			if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Version != "https://jsonfeed.org/version/1.1" || len(got.Items) != len(c.entries) {
				t.Fatalf("version %q, %d items", got.Version, len(got.Items))
			}
			for i, it := range got.Items {
				if it.Vigie.Rating != c.entries[i].Rating || !slices.Equal(it.Vigie.Localities, c.entries[i].Localities) {
					t.Errorf("item %d _vigie = %+v", i, it.Vigie)
				}
			}
		})
	}
	// The oracle must be able to fail.
	for _, bad := range []struct{ name, doc string }{
		{"no items", `{"version":"https://jsonfeed.org/version/1.1","title":"x"}`},
		{"item without content", `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1"}]}`},
		{"bad date", `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[{"id":"1","content_text":"a","date_modified":"yesterday"}]}`},
		{"unknown key", `{"version":"https://jsonfeed.org/version/1.1","title":"x","items":[],"vigie":{}}`},
	} {
		t.Run("rejects "+bad.name, func(t *testing.T) {
			if validateJSON(s, []byte(bad.doc)) == nil {
				t.Errorf("schema accepted %s", bad.doc)
			}
		})
	}
}

func TestFeedEntriesFromVerdicts(t *testing.T) {
	t.Parallel()
	vs := sampleVerdicts()
	tests := []struct {
		name   string
		filter Filter
		limit  int
		want   []string // entry ids
	}{
		{"all, newest update first", Filter{}, 0, []string{vs[2].URL, vs[1].URL, vs[0].URL}},
		{"limit", Filter{}, 2, []string{vs[2].URL, vs[1].URL}},
		{"locality Paris", Filter{Localities: []string{"FR-75056"}}, 0, []string{vs[2].URL, vs[0].URL}},
		{"locality Porto", Filter{Localities: []string{"PT-1312"}}, 0, []string{vs[1].URL}},
		{"language pt, case-insensitive", Filter{Languages: []string{"PT"}}, 0, []string{vs[1].URL}},
		{"rating false or misleading", Filter{Ratings: []claims.Rating{claims.RatingFalse, claims.RatingMisleading}}, 0, []string{vs[1].URL, vs[0].URL}},
		{"combined, nothing", Filter{Localities: []string{"PT-1312"}, Ratings: []claims.Rating{claims.RatingFalse}}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range tt.filter.Entries(vs, tt.limit) {
				got = append(got, e.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("entries %v, want %v", got, tt.want)
			}
		})
	}
	e := EntryFromVerdict(vs[2])
	if !strings.HasPrefix(e.Title, "[retracted] Non prouvé — ") || !e.Retracted || e.Version != 3 {
		t.Errorf("retracted entry %+v", e)
	}
	e = EntryFromVerdict(vs[0])
	if !strings.Contains(e.Summary, "Correction (2026-11-21): Source link fixed.") || !e.Updated.Equal(vs[0].Modified) {
		t.Errorf("corrected entry summary %q updated %v", e.Summary, e.Updated)
	}
}

func TestFeedRejectsIncomplete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*Feed)
	}{
		{"no title", func(f *Feed) { f.Title = "" }},
		{"relative self", func(f *Feed) { f.SelfURL = "/feed" }},
		{"no home", func(f *Feed) { f.HomeURL = "" }},
		{"no author", func(f *Feed) { f.Author = Party{} }},
		{"entry without date", func(f *Feed) { f.Entries[0].Published, f.Entries[0].Updated = time.Time{}, time.Time{} }},
		{"entry without url", func(f *Feed) { f.Entries[0].URL = "" }},
		{"entry without title", func(f *Feed) { f.Entries[0].Title = "" }},
		{"bad feed language", func(f *Feed) { f.Language = "fr_FR" }},
		{"bad entry language", func(f *Feed) { f.Entries[0].Language = "français" }},
	}
	for _, tt := range tests {
		for _, w := range writers {
			t.Run(tt.name+"/"+w.name, func(t *testing.T) {
				f := sampleFeed(Filter{}.Entries(sampleVerdicts(), 0))
				tt.edit(&f)
				if err := w.write(&bytes.Buffer{}, f); err == nil {
					t.Errorf("%s accepted an incomplete feed", w.name)
				}
			})
		}
	}
}

// FuzzFeedText feeds arbitrary titles and summaries through the three
// encoders: each output must parse, and the XML title must come back as
// written, with characters XML cannot hold replaced by U+FFFD.
func FuzzFeedText(f *testing.F) {
	f.Add("Faux — <b>eau</b> & \"gaz\"", "line\r\nnext\x00\x01")
	f.Add("]]>", "\uFFFE\U0010FFFF")
	f.Add("\xff\xfe invalid utf-8", "")
	f.Fuzz(func(t *testing.T, title, summary string) {
		if title == "" {
			return
		}
		fd := sampleFeed([]Entry{{URL: "https://verif.example.org/v/1", Title: title, Summary: summary,
			Published: time.Unix(1_800_000_000, 0), Rating: claims.RatingFalse}})
		for _, w := range writers {
			var buf bytes.Buffer
			if err := w.write(&buf, fd); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			if w.name == "jsonfeed" {
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("invalid JSON: %s", buf.Bytes())
				}
				continue
			}
			var doc struct {
				Title []string `xml:"entry>title"`
				Item  []string `xml:"channel>item>title"`
			}
			if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
				t.Fatalf("%s output is not well-formed XML: %v\n%s", w.name, err, buf.Bytes())
			}
			got := append(doc.Title, doc.Item...)
			if want := xmlSafe(title); len(got) != 1 || got[0] != want {
				t.Fatalf("%s title %q, want %q", w.name, got, want)
			}
		}
	})
}

// xmlSafe is what encoding/xml writes for s: invalid UTF-8 and characters
// outside the XML Char production become U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		s = s[n:]
		if r == utf8.RuneError && n == 1 || !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func benchmarkFeed(b *testing.B, write func(*bytes.Buffer, Feed) error) {
	var entries []Entry
	base := sampleVerdicts()
	for i := range 100 {
		v := base[i%len(base)]
		v.URL = v.URL + "-" + string(rune('a'+i%26))
		entries = append(entries, EntryFromVerdict(v))
	}
	f := sampleFeed(entries)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := write(&buf, f); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func BenchmarkWriteAtom100(b *testing.B) {
	benchmarkFeed(b, func(w *bytes.Buffer, f Feed) error { return WriteAtom(w, f) })
}

func BenchmarkWriteRSS100(b *testing.B) {
	benchmarkFeed(b, func(w *bytes.Buffer, f Feed) error { return WriteRSS(w, f) })
}

func BenchmarkWriteJSONFeed100(b *testing.B) {
	benchmarkFeed(b, func(w *bytes.Buffer, f Feed) error { return WriteJSONFeed(w, f) })
}
