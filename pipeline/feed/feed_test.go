package feed

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
)

// patient parses like Parse without its 10 s deadline: these tests check what
// is parsed, not how fast (a race-detector build on a loaded machine can
// come close to 10 s on the large fixtures); TestDeadline checks the deadline.
var patient = &Parser{Limits: Limits{Timeout: time.Hour}}

func mustParse(t *testing.T, body, feedURL string) *Feed {
	t.Helper()
	f, err := patient.Parse(context.Background(), []byte(body), "", feedURL)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestSanitize(t *testing.T) {
	t.Parallel()
	const body = `<?xml version="1.0"?>
<rss version="2.0"><channel><title>t</title><link>https://news.example/</link>
<item><title>Hostile &lt;b&gt;bold&lt;/b&gt;</title><link>/a/1</link><description><![CDATA[
<p onclick="steal()">Hello <b>world</b><script>alert('x')</script></p>
<a href="javascript:alert(1)">js link</a> <a href="JaVaScRiPt:alert(2)">js2</a>
<a href="/relative/page">rel</a> <img src="x.png" onerror="alert(3)">
<iframe src="https://evil.example/"></iframe><style>body{display:none}</style>
<svg onload="alert(4)"><circle/></svg><form action="https://evil.example/"><input name=a></form>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>
<div style="background:url(javascript:alert(5))">styled</div>
]]></description></item></channel></rss>`
	f := mustParse(t, body, "https://news.example/feed.xml")
	e := f.Entries[0]
	low := strings.ToLower(e.ContentHTML)
	for _, bad := range []string{"<script", "alert(", "onclick", "onerror", "onload", "javascript:", "<iframe", "<style", "<form", "data:text", "style="} {
		if strings.Contains(low, bad) {
			t.Errorf("sanitized HTML keeps %q: %s", bad, e.ContentHTML)
		}
	}
	for _, good := range []string{"<b>world</b>", `href="https://news.example/relative/page"`, `src="https://news.example/a/x.png"`, `rel="nofollow noreferrer`} {
		if !strings.Contains(e.ContentHTML, good) {
			t.Errorf("sanitized HTML lacks %q: %s", good, e.ContentHTML)
		}
	}
	if strings.Contains(e.Text, "alert") || strings.Contains(e.Text, "display:none") {
		t.Errorf("text keeps script or style: %q", e.Text)
	}
	if !strings.Contains(e.Text, "Hello world") || !strings.Contains(e.Text, "styled") {
		t.Errorf("text %q lacks the visible words", e.Text)
	}
	if e.Title != "Hostile bold" {
		t.Errorf("title %q, want tags stripped", e.Title)
	}
	if e.Link != "https://news.example/a/1" {
		t.Errorf("link %q, want resolved against the feed URL", e.Link)
	}
}

func TestSanitizeJSONFeedScript(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile(filepath.Join(fixtureDir, "feeds/feedparser_jsonfeed_v1_example.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "<script") {
		t.Fatal("fixture no longer contains a script: test is moot")
	}
	f, err := Parse(context.Background(), body, "application/feed+json", "https://example.org/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Entries {
		if strings.Contains(strings.ToLower(e.ContentHTML), "<script") {
			t.Errorf("entry %s keeps a script: %s", e.GUID, e.ContentHTML)
		}
	}
}

func TestLinksAndIdentity(t *testing.T) {
	t.Parallel()
	item := func(guid, link, title string) string {
		g := ""
		if guid != "" {
			g = "<guid>" + guid + "</guid>"
		}
		return "<item>" + g + "<link>" + link + "</link><title>" + title + "</title><pubDate>Fri, 27 Nov 2026 08:00:00 +0100</pubDate></item>"
	}
	a := "<rss><channel>" + item("id-1", "https://Site.example:443/n/1?utm_source=rss&amp;fbclid=x#c", "one") +
		item("", "../n/2?gclid=1&amp;b=2&amp;a=1", "two") + item("", "", "three") + "</channel></rss>"
	b := "<rss><channel>" + item("", "", "three") + item("", "../n/2?gclid=1&amp;b=2&amp;a=1", "two") +
		item("id-1", "https://Site.example:443/n/1?utm_source=rss&amp;fbclid=x#c", "one") + "</channel></rss>"
	fa := mustParse(t, a, "https://site.example/feeds/main.xml")
	fb := mustParse(t, b, "https://site.example/feeds/main.xml")
	tests := []struct {
		name     string
		e        Entry
		guid     string
		link     string
		hashGUID bool
	}{
		{"guid kept, link canonical", fa.Entries[0], "id-1", "https://site.example/n/1", false},
		{"relative link resolved and canonical", fa.Entries[1], "https://site.example/n/2?a=1&b=2", "https://site.example/n/2?a=1&b=2", false},
		{"no guid no link: content hash", fa.Entries[2], "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.e.Link != tc.link {
				t.Errorf("link %q, want %q", tc.e.Link, tc.link)
			}
			if tc.hashGUID {
				if !strings.HasPrefix(tc.e.GUID, "urn:sha256:") {
					t.Errorf("guid %q, want a content hash", tc.e.GUID)
				}
			} else if tc.e.GUID != tc.guid {
				t.Errorf("guid %q, want %q", tc.e.GUID, tc.guid)
			}
		})
	}
	t.Run("item ids", func(t *testing.T) {
		seen := map[string]bool{}
		for _, e := range fa.Entries {
			id := ItemID("src-a", e)
			if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
				t.Errorf("ItemID %q not 32 hex digits", id)
			}
			if seen[id] {
				t.Errorf("duplicate id %s", id)
			}
			seen[id] = true
			if ItemID("src-b", e) == id {
				t.Errorf("same id for two sources")
			}
		}
		for _, e := range fb.Entries {
			if !seen[ItemID("src-a", e)] {
				t.Errorf("%q: id changed after re-ordering", e.Title)
			}
		}
	})
	t.Run("guid permalink used as link", func(t *testing.T) {
		f := mustParse(t, `<rss><channel><item><guid>https://site.example/p/9?utm_medium=x</guid><title>g</title></item></channel></rss>`, "")
		if f.Entries[0].Link != "https://site.example/p/9" {
			t.Errorf("link %q", f.Entries[0].Link)
		}
	})
	t.Run("stable across re-ordering", func(t *testing.T) {
		ids := map[string]string{}
		for _, e := range fa.Entries {
			ids[e.Title] = e.GUID
		}
		for _, e := range fb.Entries {
			if ids[e.Title] != e.GUID {
				t.Errorf("%q: guid %q after re-ordering, was %q", e.Title, e.GUID, ids[e.Title])
			}
		}
	})
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body string
		want       []string
	}{
		{"feed language inherited", `<rss><channel><language>pt-br</language><item><title>a</title></item></channel></rss>`, []string{"pt-BR"}},
		{"item dc:language wins", `<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><language>fr</language><item><title>a</title><dc:language>en-GB</dc:language></item><item><title>b</title></item></channel></rss>`, []string{"en-GB", "fr"}},
		{"iso 639-2 normalised", `<rss><channel><language>spa</language><item><title>a</title></item></channel></rss>`, []string{"es"}},
		{"underscore form", `<rss><channel><language>sv_SE</language><item><title>a</title></item></channel></rss>`, []string{"sv-SE"}},
		{"garbage dropped", `<rss><channel><language>not a language!</language><item><title>a</title></item></channel></rss>`, []string{""}},
		{"absent", `<rss><channel><item><title>a</title></item></channel></rss>`, []string{""}},
		{"atom xml:lang", `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-AT"><entry><title>a</title></entry></feed>`, []string{"de-AT"}},
		{"atom entry xml:lang wins", `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><entry xml:lang="en"><title>a</title></entry><entry><title>b</title></entry><entry xml:lang = 'pt-br'><title>c</title></entry></feed>`, []string{"en", "fr", "pt-BR"}},
		{"json feed item language", `{"version":"https://jsonfeed.org/version/1.1","title":"t","language":"en","items":[{"id":"1","content_text":"x","language":"fr-CA"},{"id":"2","content_text":"y"}]}`, []string{"fr-CA", "en"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, tc.body, "https://example.org/feed")
			if len(f.Entries) != len(tc.want) {
				t.Fatalf("%d entries, want %d", len(f.Entries), len(tc.want))
			}
			for i, w := range tc.want {
				if f.Entries[i].Language != w {
					t.Errorf("entry %d language %q, want %q", i, f.Entries[i].Language, w)
				}
			}
		})
	}
}

func TestDatesAndTTL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, date string
		want       time.Time
	}{
		{"rfc822", "Fri, 27 Nov 2026 08:00:00 +0100", time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)},
		{"spanish", "Vie, 27 Nov 2020 08:00:00 -0300", time.Date(2020, 11, 27, 11, 0, 0, 0, time.UTC)},
		{"portuguese", "Sex, 04 Dez 2020 10:00:00 -0300", time.Date(2020, 12, 4, 13, 0, 0, 0, time.UTC)},
		{"italian", "mer, 16 nov 2022 00:38:15 +0100", time.Date(2022, 11, 15, 23, 38, 15, 0, time.UTC)},
		{"slashes", "2020/1/10 14:33:00", time.Date(2020, 1, 10, 14, 33, 0, 0, time.UTC)},
		{"sql-like", "2018-12-13 00:00:00", time.Date(2018, 12, 13, 0, 0, 0, 0, time.UTC)},
		{"epoch", "1508166600", time.Date(2017, 10, 16, 15, 10, 0, 0, time.UTC)},
		{"us 12h", "Sat, Dec 16 2023 02:02:33 PM", time.Date(2023, 12, 16, 14, 2, 33, 0, time.UTC)},
		{"nonsense", "yesterday-ish", time.Time{}},
		{"far future refused", "Fri, 27 Nov 2099 08:00:00 +0000", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, "<rss><channel><ttl>45</ttl><item><title>a</title><pubDate>"+tc.date+"</pubDate></item></channel></rss>", "")
			if got := f.Entries[0].Published; !got.Equal(tc.want) {
				t.Errorf("Published = %v, want %v", got, tc.want)
			}
			if f.TTL != 45*time.Minute {
				t.Errorf("TTL = %v", f.TTL)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	deep := "<rss><channel><item><title>a</title><description>" + strings.Repeat("<x>", 300) + strings.Repeat("</x>", 300) + "</description></item></channel></rss>"
	manyEntities := "<!DOCTYPE rss [" + func() string {
		var b strings.Builder
		for i := range 70 {
			fmt.Fprintf(&b, `<!ENTITY e%d "v">`, i)
		}
		return b.String()
	}() + "]><rss><channel><item><title>a</title></item></channel></rss>"
	tests := []struct {
		name string
		lim  Limits
		body string
		want error
	}{
		{"size cap", Limits{MaxBytes: 100}, "<rss><channel><item><title>" + strings.Repeat("a", 200) + "</title></item></channel></rss>", ErrTooLarge},
		{"xml depth", Limits{}, deep, ErrTooDeep},
		{"json depth", Limits{}, `{"items":` + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "}", ErrTooDeep},
		{"entity count", Limits{}, manyEntities, ErrEntity},
		{"entity expansion", Limits{MaxEntityExpansion: 10}, `<!DOCTYPE rss [<!ENTITY a "0123456789">]><rss><channel><title>&a;&a;</title></channel></rss>`, ErrEntity},
		{"external parameter entity referenced in entity", Limits{}, `<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://127.0.0.1/x"><!ENTITY a "%p;">]><rss/>`, ErrEntity},
		{"gzip bomb", Limits{MaxBytes: 1 << 10}, string(gzipBytes(t, "<rss>"+strings.Repeat(" ", 1<<20)+"</rss>")), ErrTooLarge},
		{"not a feed", Limits{}, "hello world", ErrUnknownFormat},
		{"html page", Limits{}, "<!DOCTYPE html><html><body>hi</body></html>", ErrUnknownFormat},
		{"whitespace only", Limits{}, " \n\t ", ErrEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lim := tc.lim
			lim.Timeout = patient.Limits.Timeout
			p := &Parser{Limits: lim}
			_, err := p.Parse(context.Background(), []byte(tc.body), "", "")
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse err = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("depth within limit parses", func(t *testing.T) {
		p := &Parser{Limits: Limits{MaxDepth: 400}}
		if _, err := p.Parse(context.Background(), []byte(deep), "", ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDeadline(t *testing.T) {
	// Not parallel: it measures a deadline.
	body, err := os.ReadFile(filepath.Join(fixtureDir, "feeds/feeder_londonist_local_rss_large.xml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("caller cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Parse(ctx, body, "", "")
		if !errors.Is(err, context.Canceled) || ErrorKind(err) != KindCanceled {
			t.Fatalf("err = %v (kind %q), want canceled", err, ErrorKind(err))
		}
	})
	t.Run("parser timeout", func(t *testing.T) {
		p := &Parser{Limits: Limits{Timeout: time.Nanosecond}}
		_, err := p.Parse(context.Background(), body, "", "")
		if !errors.Is(err, ErrTimeout) || ErrorKind(err) != KindTimeout {
			t.Fatalf("err = %v (kind %q), want ErrTimeout", err, ErrorKind(err))
		}
	})
}

func TestTruncatedFeedKeepsItems(t *testing.T) {
	t.Parallel()
	full := "<rss><channel><title>t</title>" +
		"<item><title>first</title><link>https://e.example/1</link></item>" +
		"<item><title>second</title><link>https://e.example/2</link></item>" +
		"<item><title>third</title><link>https://e.ex"
	f := mustParse(t, full, "")
	if len(f.Entries) < 2 || f.Entries[0].Title != "first" || f.Entries[1].Title != "second" {
		t.Fatalf("entries %+v", f.Entries)
	}
}

func TestRecoversCommonBreakage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, wantTitle string
	}{
		{"bare ampersand", "<rss><channel><item><title>Fish & Chips</title></item></channel></rss>", "Fish & Chips"},
		{"html entity", "<rss><channel><item><title>caf&eacute; &nbsp;&hellip;</title></item></channel></rss>", "café …"},
		{"unknown entity", "<rss><channel><item><title>a &bogus; b</title></item></channel></rss>", "a &bogus; b"},
		{"stray end tag", "<rss><channel><item><title>t</title></b></item></channel></rss>", "t"},
		{"unclosed html inside", "<rss><channel><item><title>t<br></title></item></channel></rss>", "t"},
		{"control characters", "<rss><channel><item><title>a\x06b\x00c</title></item></channel></rss>", "abc"},
		{"stray less-than", "<rss><channel><item><title>1 < 2</title></item></channel></rss>", "1 < 2"},
		{"numeric refs", "<rss><channel><item><title>&#233;&#x20AC;</title></item></channel></rss>", "é€"},
		{"illegal numeric ref", "<rss><channel><item><title>ok&#0;&#xD800;</title></item></channel></rss>", "ok\uFFFD\uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, tc.body, "")
			if len(f.Entries) != 1 || f.Entries[0].Title != tc.wantTitle {
				t.Fatalf("entries %+v, want title %q", f.Entries, tc.wantTitle)
			}
		})
	}
}

func TestErrorKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("x: %w", ErrEntity), KindEntity},
		{fmt.Errorf("x: %w", ErrTooDeep), KindTooDeep},
		{ErrTooLarge, KindTooLarge},
		{ErrEmpty, KindEmpty},
		{ErrUnknownFormat, KindUnknownFormat},
		{ErrSyntax, KindSyntax},
		{context.DeadlineExceeded, KindTimeout},
		{errors.New("boom"), KindOther},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := ErrorKind(tc.err); got != tc.want {
				t.Errorf("ErrorKind(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`<rss><channel><title>t</title><item><title>a &amp; b</title><link>/x</link></item></channel></rss>`,
		`<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>t</title><link href="x"/></entry></feed>`,
		`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1","content_html":"<p>x</p>"}]}`,
		`<!DOCTYPE r [<!ENTITY a "x">]><rss><channel><item><title>&a;</title></item></channel></rss>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		feed, err := Parse(ctx, body, "", "https://example.org/feed")
		if err != nil {
			if ErrorKind(err) == KindOther {
				t.Fatalf("untyped error: %v", err)
			}
			return
		}
		for _, e := range feed.Entries {
			if strings.Contains(strings.ToLower(e.ContentHTML), "<script") {
				t.Fatalf("script survived: %q", e.ContentHTML)
			}
			if e.Link != "" && !strings.HasPrefix(e.Link, "http") {
				t.Fatalf("non-http link %q", e.Link)
			}
			if e.GUID == "" {
				t.Fatal("empty GUID")
			}
		}
	})
}

// BenchmarkParse parses every fixture of pipeline/fixtures/feeds per
// iteration and reports items/s alongside MB/s.
func BenchmarkParse(b *testing.B) {
	var bodies [][]byte
	var total int64
	for _, p := range fixtureFiles(b, "feeds") {
		body, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		bodies = append(bodies, body)
		total += int64(len(body))
	}
	b.SetBytes(total)
	ctx := context.Background()
	items := 0
	for b.Loop() {
		for _, body := range bodies {
			f, err := Parse(ctx, body, "", "https://example.org/feed")
			if err != nil {
				b.Fatal(err)
			}
			items += len(f.Entries)
		}
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
}

// TestUndeclaredLegacyEncodings encodes real-looking text in legacy code
// pages with no XML declaration, no Content-Type charset and no language
// element: the byte-distribution sniffing alone must pick the code page.
func TestUndeclaredLegacyEncodings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text, charset string
	}{
		{"french latin-1", "Le conseil municipal a voté la rénovation de l'école élémentaire, près de la mairie ; les travaux débuteront à la rentrée.", "windows-1252"},
		{"portuguese latin-1", "A prefeitura anunciou a construção de três creches e a ampliação do hospital municipal até o próximo verão.", "windows-1252"},
		{"swedish latin-1", "Kommunfullmäktige beslutade på måndagen att bygga en ny förskola i centrala Göteborg före årsskiftet.", "windows-1252"},
		{"russian windows-1251", "Городская администрация сообщила о ремонте дорог в центре города. Работы начнутся в понедельник и продлятся две недели.", "windows-1251"},
		{"russian koi8-r", "Городская администрация сообщила о ремонте дорог в центре города. Работы начнутся в понедельник и продлятся две недели.", "koi8-r"},
		{"ukrainian windows-1251", "Міська рада ухвалила рішення про будівництво нової школи. Роботи розпочнуться навесні наступного року.", "windows-1251"},
		{"greek windows-1253", "Το δημοτικό συμβούλιο ενέκρινε την ανακαίνιση του σχολείου. Οι εργασίες θα ξεκινήσουν τη Δευτέρα και θα διαρκέσουν δύο εβδομάδες.", "windows-1253"},
		{"hebrew windows-1255", "מועצת העיר אישרה את שיפוץ בית הספר. העבודות יתחילו ביום שני ויימשכו שבועיים.", "windows-1255"},
		{"chinese gb2312", "市政府宣布将在市中心修建新的学校和医院，工程将于下周一开始，预计持续两年。", "gb18030"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, _ := charset.Lookup(tc.charset)
			if tc.charset == "gb18030" {
				enc, _ = charset.Lookup("gb2312")
			}
			body := "<rss><channel><title>t</title><item><title>x</title><description>" + tc.text + "</description></item></channel></rss>"
			raw, err := enc.NewEncoder().Bytes([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if utf8.Valid(raw) {
				t.Fatal("encoded body is valid UTF-8: test is moot")
			}
			f, err := Parse(context.Background(), raw, "", "")
			if err != nil {
				t.Fatal(err)
			}
			if f.Encoding != tc.charset || f.Entries[0].Text != tc.text {
				t.Fatalf("decoded as %s: %q", f.Encoding, f.Entries[0].Text)
			}
		})
	}
}
