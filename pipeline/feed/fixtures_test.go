package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/fixtures"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureDir holds the real-world feeds of package fixtures (feeds/ and
// feeds/malformed/, provenance in their SOURCE.txt).
var fixtureDir = fixtures.Path()

// fixtureFiles lists the feed fixtures of dir (not SOURCE.txt or dotfiles).
func fixtureFiles(t testing.TB, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(fixtureDir, dir))
	if err != nil {
		t.Fatalf("read fixtures: %v", err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "SOURCE.txt" {
			continue
		}
		out = append(out, filepath.Join(fixtureDir, dir, e.Name()))
	}
	if len(out) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	return out
}

// feedURLFor is the URL a fixture pretends to come from.
func feedURLFor(path string) string {
	return "https://feeds.example.org/" + filepath.Base(path)
}

// rawItem is what an independent reading of a fixture says an item has.
type rawItem struct {
	title, link, date bool
}

// oracle reads a fixture with encoding/xml (or encoding/json) directly to
// learn which items carry a title, a link and a date, and whether the feed
// declares a language. It decodes the body with decodeToUTF8, the one part
// it shares with the parser (encodings are checked by the golden files).
func oracle(t *testing.T, body []byte) (items []rawItem, hasLang bool) {
	t.Helper()
	text, _ := decodeToUTF8(body, "")
	text = bytes.TrimLeft(text, " \t\r\n\uFEFF")
	if len(text) > 0 && text[0] == '{' {
		var raw struct {
			Language string                       `json:"language"`
			Items    []map[string]json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(text, &raw); err != nil {
			t.Fatalf("oracle json: %v", err)
		}
		nonEmpty := func(m map[string]json.RawMessage, k string) bool {
			var s string
			return json.Unmarshal(m[k], &s) == nil && strings.TrimSpace(s) != ""
		}
		for _, it := range raw.Items {
			items = append(items, rawItem{
				title: nonEmpty(it, "title"),
				link:  nonEmpty(it, "url") && strings.HasPrefix(strings.TrimSpace(string(it["url"])), `"http`),
				date:  nonEmpty(it, "date_published") || nonEmpty(it, "date_modified"),
			})
		}
		return items, raw.Language != ""
	}
	d := xml.NewDecoder(bytes.NewReader(text))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var cur *rawItem
	var field string
	var buf strings.Builder
	depth, itemDepth := 0, 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			depth++
			name := strings.ToLower(tk.Name.Local)
			if depth == 1 {
				for _, a := range tk.Attr {
					if a.Name.Local == "lang" && strings.TrimSpace(a.Value) != "" {
						hasLang = true
					}
				}
			}
			if cur == nil && (name == "item" || name == "entry") {
				items = append(items, rawItem{})
				cur = &items[len(items)-1]
				itemDepth = depth
				continue
			}
			if cur == nil && name == "language" {
				field = "language"
				buf.Reset()
			}
			if cur != nil && depth == itemDepth+1 {
				field = name
				buf.Reset()
				if name == "link" {
					for _, a := range tk.Attr {
						if a.Name.Local == "href" && strings.TrimSpace(a.Value) != "" {
							cur.link = true
						}
					}
				}
			}
		case xml.CharData:
			if field != "" {
				buf.Write(tk)
			}
		case xml.EndElement:
			v := strings.TrimSpace(buf.String())
			switch {
			case cur == nil && field == "language" && v != "":
				hasLang = true
			case cur != nil && depth == itemDepth+1 && v != "":
				switch field {
				case "title":
					cur.title = true
				case "link":
					cur.link = true
				case "pubdate", "date", "published", "updated", "issued", "modified":
					cur.date = true
				}
			}
			if cur != nil && depth == itemDepth {
				cur = nil
			}
			if depth <= itemDepth+1 || cur == nil {
				field = ""
			}
			depth--
		}
	}
	return items, hasLang
}

// TestParseFixtures runs every file of pipeline/fixtures/feeds through
// Parse: each yields its items, and every item has a title, link, date and
// language wherever the file gives one.
func TestParseFixtures(t *testing.T) {
	// Not parallel: it parses large fixtures, CPU-bound.
	for _, path := range fixtureFiles(t, "feeds") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := patient.Parse(context.Background(), body, "", feedURLFor(path))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want, hasLang := oracle(t, body)
			if len(want) == 0 {
				t.Fatal("oracle found no items: fixture or oracle broken")
			}
			var titles, links, dates int
			for _, w := range want {
				titles, links, dates = titles+b2i(w.title), links+b2i(w.link), dates+b2i(w.date)
			}
			t.Logf("file has %d items: %d titles, %d links, %d dates, language=%v", len(want), titles, links, dates, hasLang)
			if len(f.Entries) != len(want) {
				t.Fatalf("%d entries, file has %d items", len(f.Entries), len(want))
			}
			for i, e := range f.Entries {
				w := want[i]
				if w.title && e.Title == "" {
					t.Errorf("entry %d: title missing", i)
				}
				if w.link && e.Link == "" {
					t.Errorf("entry %d: link missing", i)
				}
				if w.date && e.Published.IsZero() {
					t.Errorf("entry %d: date missing", i)
				}
				if hasLang && e.Language == "" {
					t.Errorf("entry %d: language missing", i)
				}
				if e.GUID == "" {
					t.Errorf("entry %d: empty GUID", i)
				}
				if e.Link != "" && !strings.HasPrefix(e.Link, "http") {
					t.Errorf("entry %d: link %q not absolute http(s)", i, e.Link)
				}
				if strings.ContainsRune(e.Title+e.Text, '\uFFFD') && !strings.Contains(path, "mojibake") {
					t.Errorf("entry %d: replacement character in %q: encoding wrong", i, e.Title)
				}
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// goldenCases are the representative fixtures pinned by golden files,
// covering every format and every encoding case of the issue.
var goldenCases = []string{
	"feeds/miniflux_golem_de_rss_iso8859-1.xml",                          // declared ISO-8859-1
	"feeds/rssparser_jn_pt_rss_iso8859-1.rss",                            // declared ISO-8859-1, pt-PT
	"feeds/miniflux_lecerclepsy_fr_rss_undeclared_iso8859-1.xml",         // undeclared Latin-1, no declaration
	"feeds/rssparser_uol_noticias_br_rss_undeclared_latin1.rss",          // undeclared Latin-1
	"feeds/miniflux_ibash_ru_rss_windows1251.xml",                        // windows-1251
	"feeds/nodefeedparser_oren_ru_orenburg_regional_rss_windows1251.xml", // windows-1251, regional
	"feeds/prof18_liberal_gr_rss_iso8859-7.xml",                          // ISO-8859-7
	"feeds/rsparser_kc0011_cn_rss_gb2312.xml",                            // GB2312
	"feeds/feedjira_techcrunch_rss_leading_space.xml",                    // whitespace before the XML declaration
	"feeds/feedjira_youtube_channel_atom.xml",                            // whitespace before the declaration, Atom, media:
	"feeds/malformed/feedparser_utf16le_bom.xml",                         // UTF-16 with BOM
	"feeds/malformed/miniflux_utf8_body_declared_iso8859-1.xml",          // wrong declared encoding
	"feeds/malformed/miniflux_utf8_body_declared_windows1252.xml",        // wrong declared encoding
	"feeds/malformed/miniflux_koi8r_rss.xml",                             // KOI8-R
	"feeds/miniflux_heise_de_rdf.xml",                                    // RDF
	"feeds/miniflux_github_commits_atom.xml",                             // Atom with xml:lang
	"feeds/feedparser_jsonfeed_v1_example.json",                          // JSON Feed with <script>
	"feeds/feedrs_tjrs_jus_br_rss091_iso8859-1.xml",                      // RSS 0.91
	"feeds/miniflux_bbc_urdu_rss.xml",                                    // right-to-left, ttl
	"feeds/ambito_ar_mundo_rss_spanish_date.xml",                         // Spanish local news
	"feeds/feedrs_nbc_new_york_local_rss.xml",                            // non-RFC date
	"feeds/prof18_reporterre_fr_rss_dcdate.xml",                          // dc:date
}

type goldenEntry struct {
	GUID       string   `json:"guid"`
	Link       string   `json:"link"`
	Title      string   `json:"title"`
	Language   string   `json:"language"`
	Published  string   `json:"published"`
	Authors    []string `json:"authors,omitempty"`
	Categories []string `json:"categories,omitempty"`
	Text       string   `json:"text"`
	HTMLSHA256 string   `json:"html_sha256,omitempty"`
}

type goldenFeed struct {
	Title    string        `json:"title"`
	Link     string        `json:"link"`
	Language string        `json:"language"`
	TTL      string        `json:"ttl"`
	Format   string        `json:"format"`
	Encoding string        `json:"encoding"`
	Count    int           `json:"entries_total"`
	Entries  []goldenEntry `json:"entries"`
}

func toGolden(f *Feed) goldenFeed {
	g := goldenFeed{Title: f.Title, Link: f.Link, Language: f.Language, TTL: f.TTL.String(), Format: f.Format, Encoding: f.Encoding, Count: len(f.Entries)}
	for i, e := range f.Entries {
		if i == 8 {
			break
		}
		ge := goldenEntry{GUID: e.GUID, Link: e.Link, Title: e.Title, Language: e.Language, Authors: e.Authors, Categories: e.Categories}
		if !e.Published.IsZero() {
			ge.Published = e.Published.Format(time.RFC3339)
		}
		ge.Text = e.Text
		if r := []rune(ge.Text); len(r) > 240 {
			ge.Text = string(r[:240]) + "…"
		}
		if e.ContentHTML != "" {
			h := sha256.Sum256([]byte(e.ContentHTML))
			ge.HTMLSHA256 = hex.EncodeToString(h[:8])
		}
		g.Entries = append(g.Entries, ge)
	}
	return g
}

func TestGolden(t *testing.T) {
	// Not parallel: it parses large fixtures, CPU-bound.
	for _, rel := range goldenCases {
		name := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(fixtureDir, rel))
			if err != nil {
				t.Fatal(err)
			}
			f, err := patient.Parse(context.Background(), body, "", feedURLFor(rel))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := json.MarshalIndent(toGolden(f), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (go test -update to accept):\n%s", golden, diffLines(string(want), string(got)))
			}
		})
	}
}

// diffLines shows the first differing lines of two texts.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			b.WriteString("- " + wl + "\n+ " + gl + "\n")
			shown++
		}
	}
	return b.String()
}

// TestEncodings checks that each encoding case decodes to the right
// characters, independently of the golden files.
func TestEncodings(t *testing.T) {
	// Not parallel: it parses large fixtures, CPU-bound.
	tests := []struct {
		file, encoding, want string
	}{
		{"feeds/miniflux_golem_de_rss_iso8859-1.xml", "windows-1252", "wünschen"},
		{"feeds/rssparser_jn_pt_rss_iso8859-1.rss", "windows-1252", "Mãe de utente"},
		{"feeds/miniflux_lecerclepsy_fr_rss_undeclared_iso8859-1.xml", "windows-1252", "Perturbateurs endocriniens : quels effets sur le cerveau"},
		{"feeds/rssparser_uol_noticias_br_rss_undeclared_latin1.rss", "windows-1252", "Líder na pesquisa"},
		{"feeds/miniflux_ibash_ru_rss_windows1251.xml", "windows-1251", "Цитата"},
		{"feeds/nodefeedparser_oren_ru_orenburg_regional_rss_windows1251.xml", "windows-1251", "В Бузулуке"},
		{"feeds/prof18_liberal_gr_rss_iso8859-7.xml", "iso-8859-7", "Πορτραίτα καραντίνας"},
		{"feeds/rsparser_kc0011_cn_rss_gb2312.xml", "gbk", "建国35周年纪念"},
		{"feeds/feedjira_techcrunch_rss_leading_space.xml", "utf-8", "Angie’s List"},
		{"feeds/malformed/miniflux_utf8_body_declared_iso8859-1.xml", "utf-8", "Café"},
		{"feeds/malformed/miniflux_utf8_body_declared_windows1252.xml", "utf-8", "Euro €"},
		{"feeds/malformed/miniflux_invalid_encoding_name_prolog.xml", "utf-8", "테스트 피드"},
		{"feeds/malformed/miniflux_koi8r_rss.xml", "koi8-r", "Первая новость"},
		{"feeds/malformed/feedparser_hebrew_windows1255_no_decl.xml", "windows-1255", "האם תדפיס נייר"},
		{"feeds/malformed/feedparser_invalid_bytes_with_utf8_bom.xml", "utf-8", "Valid UTF8: \u0468Invalid UTF8: España"},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join(fixtureDir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := patient.Parse(context.Background(), body, "", feedURLFor(tc.file))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			all := f.Title
			for _, e := range f.Entries {
				all += "\n" + e.Title + "\n" + e.Text
			}
			if f.Encoding != tc.encoding {
				t.Errorf("encoding %q, want %q", f.Encoding, tc.encoding)
			}
			if !strings.Contains(all, tc.want) {
				t.Errorf("decoded text lacks %q; starts %q", tc.want, head([]byte(all), 200))
			}
		})
	}
	t.Run("utf-16le with BOM", func(t *testing.T) {
		body, err := os.ReadFile(filepath.Join(fixtureDir, "feeds/malformed/feedparser_utf16le_bom.xml"))
		if err != nil {
			t.Fatal(err)
		}
		f, err := patient.Parse(context.Background(), body, "", "")
		if err != nil || f.Format != "rss" || f.Encoding != "utf-16le" {
			t.Fatalf("Parse = %+v, %v", f, err)
		}
	})
	t.Run("content-type charset used when undeclared", func(t *testing.T) {
		body := []byte("<rss><channel><title>\xcf\xf0\xe8\xe2\xe5\xf2</title><item><title>x</title></item></channel></rss>")
		f, err := patient.Parse(context.Background(), body, "application/rss+xml; charset=windows-1251", "")
		if err != nil || f.Title != "Привет" {
			t.Fatalf("Parse = %q, %v; want Привет", f.Title, err)
		}
	})
}

// TestMalformed runs every file of feeds/malformed: each yields items or a
// typed error; none panics or hangs. The watchdog only catches a hang.
func TestMalformed(t *testing.T) {
	// Not parallel: it parses large fixtures, CPU-bound.
	want := map[string]struct {
		err   error
		check func(t *testing.T, f *Feed)
	}{
		"defusedxml_xmlbomb_billion_laughs.xml":  {err: ErrEntity},
		"defusedxml_cyclic_entity.xml":           {err: ErrEntity},
		"defusedxml_quadratic_blowup.xml":        {err: ErrEntity},
		"defusedxml_xxe_external_file.xml":       {err: ErrEntity},
		"defusedxml_xxe_external_http.xml":       {err: ErrEntity},
		"defusedxml_xmlbomb2.xml":                {err: ErrUnknownFormat},
		"gofeed_empty_feed.xml":                  {err: ErrEmpty},
		"gofeed_invalid.json":                    {err: ErrSyntax},
		"gofeed_unknown_root.xml":                {err: ErrUnknownFormat},
		"miniflux_latin1_body_declared_utf8.xml": {err: ErrUnknownFormat},
		"feedparser_rss_internal_entity_in_doctype.xml": {check: func(t *testing.T, f *Feed) {
			if len(f.Entries) != 1 || f.Entries[0].GUID != "tag:example.com,2006-05-04:/blog/" {
				t.Errorf("entries %+v, want guid expanded from the internal entity", f.Entries)
			}
		}},
		"feedparser_undeclared_html_entity_aacute.xml": {check: func(t *testing.T, f *Feed) {
			if f.Title != "testing á entity" {
				t.Errorf("title %q", f.Title)
			}
		}},
		"feedparser_bogus_xhtml_doctype.xml": {check: func(t *testing.T, f *Feed) {
			if f.Title != "found" {
				t.Errorf("title %q", f.Title)
			}
		}},
		"rssreader_atom_smart_quotes_in_xml_decl.xml": {check: func(t *testing.T, f *Feed) {
			if f.Format != "atom" || len(f.Entries) == 0 || f.Entries[0].Link != "http://example.org/2005/09/09/atom01" {
				t.Errorf("format %q entries %d", f.Format, len(f.Entries))
			}
		}},
		"nodefeedparser_nshipster_gzip_body_as_xml.xml.gz": {check: func(t *testing.T, f *Feed) {
			if len(f.Entries) == 0 {
				t.Error("no entries from the gzip body")
			}
		}},
		"nodefeedparser_saxerror_item.xml": {check: func(t *testing.T, f *Feed) {
			if len(f.Entries) == 0 || f.Entries[0].Title != "Good Item" {
				t.Errorf("entries %+v", f.Entries)
			}
		}},
		"feedjira_invalid_dc_date_epoch.xml": {check: func(t *testing.T, f *Feed) {
			if len(f.Entries) != 2 {
				t.Errorf("%d entries from the truncated feed, want 2", len(f.Entries))
			}
		}},
		"rssreader_rutor_ru_rss091_control_char_0x6.xml": {check: func(t *testing.T, f *Feed) {
			if len(f.Entries) == 0 {
				t.Error("no entries despite the control character")
			}
		}},
		"rssreader_myrskyla_fi_municipality_undeclared_entity.xml": {check: func(t *testing.T, f *Feed) {
			if len(f.Entries) == 0 || !strings.Contains(f.Entries[0].Title, "jätetaksa") {
				t.Errorf("entries %d", len(f.Entries))
			}
		}},
	}
	for _, path := range fixtureFiles(t, "feeds/malformed") {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			body, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			type result struct {
				f   *Feed
				err error
			}
			done := make(chan result, 1)
			go func() {
				f, err := patient.Parse(context.Background(), body, "", feedURLFor(path))
				done <- result{f, err}
			}()
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Minute):
				t.Fatal("Parse hung (10 min watchdog)")
			}
			w := want[name]
			if w.err != nil {
				if !errors.Is(r.err, w.err) {
					t.Fatalf("Parse err = %v, want %v", r.err, w.err)
				}
				return
			}
			if r.err != nil {
				if k := ErrorKind(r.err); k == KindOther || k == "" {
					t.Fatalf("untyped error %v", r.err)
				}
				if w.check != nil {
					t.Fatalf("Parse: %v", r.err)
				}
				return
			}
			if r.f == nil {
				t.Fatal("nil feed without error")
			}
			if w.check != nil {
				w.check(t, r.f)
			}
		})
	}
}

func gzipBytes(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
