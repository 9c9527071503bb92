package opml

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/fixtures"
	"vigie/pipeline/specs"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestParseSharedLists(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		wantCount int
		first     Outline
	}{
		{"awesome_rss_feeds_Brazil.opml", 7, Outline{Title: "Folha de S.Paulo - Em cima da hora - Principal", XMLURL: "https://feeds.folha.uol.com.br/emcimadahora/rss091.xml", Category: "Brazil"}},
		{"awesome_rss_feeds_Spain.opml", -1, Outline{}},
		{"liferea_feedlist_sv.opml", -1, Outline{Title: "Aftonbladet Nyheter", XMLURL: "http://www.aftonbladet.se/rss/nyheter.xml", Category: "Exempelkanaler/Nyheter"}},
		{"liferea_feedlist_pt_BR.opml", -1, Outline{}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(fixtures.Path("opml", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			outs, err := Parse(f)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if len(outs) == 0 {
				t.Fatal("no outlines")
			}
			if tc.wantCount >= 0 && len(outs) != tc.wantCount {
				t.Errorf("%d outlines, want %d", len(outs), tc.wantCount)
			}
			if tc.first.XMLURL != "" && !reflect.DeepEqual(outs[0], tc.first) {
				t.Errorf("first outline %+v, want %+v", outs[0], tc.first)
			}
			for _, o := range outs {
				if o.Title == "" || !strings.HasPrefix(o.XMLURL, "http") {
					t.Errorf("bad outline %+v", o)
				}
			}
		})
	}
}

func TestParseFranceRawAmpersand(t *testing.T) {
	t.Parallel()
	f, err := os.Open(fixtures.Path("opml", "awesome_rss_feeds_France.opml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	outs, err := Parse(f)
	var le *LineError
	if !errors.As(err, &le) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("Parse = %d outlines, %v; want a *LineError", len(outs), err)
	}
	if le.Line != 17 || !strings.Contains(err.Error(), "line 17") {
		t.Errorf("error %q names line %d, want 17", err, le.Line)
	}
	if outs != nil {
		t.Errorf("%d outlines imported half-way", len(outs))
	}
}

// TestFeedValidatorCases runs the W3C Feed Validator OPML cases of
// pipeline/specs/opml: valid ones parse, invalid ones fail with the
// problem their label names.
func TestFeedValidatorCases(t *testing.T) {
	t.Parallel()
	dir := specs.Path("opml", "feedvalidator-testcases")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cases []struct {
			File, Label, Expect string
		}
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Cases) < 19 {
		t.Fatalf("manifest has %d cases, want 19", len(m.Cases))
	}
	// What each invalid label must show up as in our error text.
	wantText := map[string]string{
		"MissingElement{element:body, parent:opml}":     "no <body>",
		"MissingElement{element:head, parent:opml}":     "no <head>",
		"MissingAttribute{attr:version,element:opml}":   "no version",
		"MissingAttribute{attr:text,element:outline}":   "no text",
		"MissingElement{element:outline,parent:body}":   "<body> has no <outline>",
		"InvalidRFC2822Date{element:dateCreated}":       "<dateCreated>",
		"InvalidRFC2822Date{element:dateModified}":      "RFC 822",
		"UndefinedElement{parent:head,element:outline}": "<outline> inside <head>",
		"InvalidTrueFalse{element:isComment}":           "isComment",
		"InvalidTrueFalse{element:isBreakpoint}":        "isBreakpoint",
		"InvalidOPMLVersion":                            "unsupported opml version",
		"SAXError":                                      "not well-formed",
	}
	for _, c := range m.Cases {
		t.Run(c.File, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, c.File))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			outs, err := Parse(f)
			switch c.Label {
			case "valid":
				if err != nil {
					t.Fatalf("valid case refused: %v", err)
				}
			case "invalid":
				want, ok := wantText[c.Expect]
				if !ok {
					t.Fatalf("no expectation for label %q", c.Expect)
				}
				if err == nil {
					t.Fatalf("invalid case (%s) accepted with %d outlines", c.Expect, len(outs))
				}
				var le *LineError
				if !errors.As(err, &le) || le.Line == 0 {
					t.Errorf("error %v names no line", err)
				}
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q (%s)", err, want, c.Expect)
				}
			default:
				t.Fatalf("unknown label %q", c.Label)
			}
		})
	}
}

func TestParseLocalitiesAndErrors(t *testing.T) {
	t.Parallel()
	const head = `<?xml version="1.0"?><opml version="2.0" xmlns:vigie="urn:x-vigie:opml:1"><head><title>t</title></head><body>`
	tests := []struct {
		name    string
		body    string
		want    []Outline
		wantErr string
	}{
		{"vigie namespace", `<outline text="Le Parisien" xmlUrl="https://www.leparisien.fr/rss" vigie:localities="FR-75056, FR-92012" language="fr"/>`,
			[]Outline{{Title: "Le Parisien", XMLURL: "https://www.leparisien.fr/rss", Language: "fr", Localities: []string{"FR-75056", "FR-92012"}}}, ""},
		{"plain attribute", `<outline text="Público" xmlUrl="https://www.publico.pt/rss" localities="PT-1106 PT-1106"/>`,
			[]Outline{{Title: "Público", XMLURL: "https://www.publico.pt/rss", Localities: []string{"PT-1106"}}}, ""},
		{"title only, feed scheme", `<outline title="X" xmlUrl="feed://x.example/rss"/>`,
			[]Outline{{Title: "X", XMLURL: "http://x.example/rss"}}, ""},
		{"duplicate dropped", `<outline text="a" xmlUrl="https://a.example/rss"/><outline text="b" xmlUrl="https://a.example/rss"/>`,
			[]Outline{{Title: "a", XMLURL: "https://a.example/rss"}}, ""},
		{"bad locality", `<outline text="a" xmlUrl="https://a.example/rss" localities="Paris"/>`, nil, "locality"},
		{"bad xmlUrl", `<outline text="a" xmlUrl="javascript:alert(1)"/>`, nil, "xmlUrl"},
		{"relative xmlUrl", `<outline text="a" xmlUrl="/rss"/>`, nil, "xmlUrl"},
		{"error after good outlines", `<outline text="a" xmlUrl="https://a.example/rss"/><outline text="b" xmlUrl="https://b.example/rss?a=1&b=2"/>`, nil, "not well-formed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			outs, err := Parse(strings.NewReader(head + tc.body + `</body></opml>`))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || outs != nil {
					t.Fatalf("Parse = %+v, %v; want error with %q and nothing imported", outs, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(outs, tc.want) {
				t.Fatalf("got %+v, want %+v", outs, tc.want)
			}
		})
	}
	t.Run("too deep", func(t *testing.T) {
		doc := head + strings.Repeat(`<outline text="f">`, MaxDepth+1) + strings.Repeat(`</outline>`, MaxDepth+1) + `</body></opml>`
		if _, err := Parse(strings.NewReader(doc)); err == nil || !strings.Contains(err.Error(), "nested deeper") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("not opml", func(t *testing.T) {
		if _, err := Parse(strings.NewReader(`<rss version="2.0"/>`)); !errors.Is(err, ErrInvalid) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("entity bomb refused by strict xml", func(t *testing.T) {
		doc := `<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><opml version="2.0"><head/><body><outline text="&b;"/></body></opml>`
		if _, err := Parse(strings.NewReader(doc)); !errors.Is(err, ErrInvalid) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestWriteRoundTrip(t *testing.T) {
	now = func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) }
	defer func() { now = time.Now }()
	outs := []Outline{
		{Title: "Le Parisien – Paris", XMLURL: "https://www.leparisien.fr/paris-75/rss.xml", HTMLURL: "https://www.leparisien.fr/", Language: "fr", Localities: []string{"FR-75056"}, Category: "France/Île-de-France"},
		{Title: "Público & Co <local>", XMLURL: "https://www.publico.pt/rss?a=1&b=2", Language: "pt-PT", Localities: []string{"PT-1106", "PT-1312"}, Category: "Portugal"},
		{Title: "Top level", XMLURL: "https://top.example/feed"},
		{Title: "Paris bis", XMLURL: "https://bis.example/feed", Category: "France/Île-de-France"},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "Vigie sources", outs); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "export.opml")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update to create)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("export differs from %s:\n%s", golden, buf.String())
	}
	if !strings.Contains(buf.String(), `<opml version="2.0"`) {
		t.Error("not OPML 2.0")
	}
	back, err := Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("Parse(Write(...)): %v", err)
	}
	// Write groups by category: the round trip keeps every outline, in
	// category order.
	wantBack := []Outline{outs[0], outs[3], outs[1], outs[2]}
	if !reflect.DeepEqual(back, wantBack) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, wantBack)
	}
	t.Run("empty list still valid", func(t *testing.T) {
		var b bytes.Buffer
		if err := Write(&b, "none", nil); err != nil {
			t.Fatal(err)
		}
		got, err := Parse(&b)
		if err != nil || len(got) != 0 {
			t.Fatalf("Parse = %v, %v", got, err)
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<opml version="2.0"><head/><body><outline text="a" xmlUrl="https://a.example/rss" localities="FR-75056"/></body></opml>`))
	f.Add([]byte(`<opml version="1.0"><head><dateCreated>Mon, 02 Jan 2006 15:04:05 GMT</dateCreated></head><body><outline text="f"><outline title="x" xmlUrl="feed://x.example/"/></outline></body></opml>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		outs, err := Parse(bytes.NewReader(doc))
		if err != nil {
			if outs != nil {
				t.Fatal("outlines returned with an error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, "fuzz", outs); err != nil {
			t.Fatal(err)
		}
		back, err := Parse(&buf)
		if err != nil {
			t.Fatalf("re-parse of export: %v\n%s", err, buf.String())
		}
		if len(back) != len(outs) {
			t.Fatalf("round trip %d -> %d outlines", len(outs), len(back))
		}
	})
}
