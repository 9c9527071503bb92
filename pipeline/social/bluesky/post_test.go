package bluesky

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"vigie/pipeline/social"
	"vigie/pipeline/social/socialtest"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestPostGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		fixture string
		posts   int
	}{
		{name: "jetstream_expected_v1", fixture: corpusFile, posts: 18},
		{name: "jetstream_golden_v1", fixture: goldenFile, posts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			n := 0
			for _, e := range loadEvents(t, tt.fixture) {
				if !e.ev.IsPost() {
					if _, err := e.ev.Post(""); err == nil {
						t.Errorf("%s event mapped to a post", e.ev.Kind)
					}
					continue
				}
				p, err := e.ev.Post("")
				if err != nil {
					t.Fatalf("%s: %v", e.ev.PostURI(), err)
				}
				if p.ID != e.ev.PostURI() || p.AuthorID != e.ev.DID || p.Created.IsZero() {
					t.Errorf("identity of %s: %+v", e.ev.PostURI(), p)
				}
				socialtest.CheckPost(t, p)
				if err := enc.Encode(p); err != nil {
					t.Fatal(err)
				}
				n++
			}
			if n != tt.posts {
				t.Errorf("%d posts, want %d", n, tt.posts)
			}
			golden := filepath.Join("testdata", "golden", tt.name+".golden.jsonl")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("posts differ from %s; run with -update after checking the diff", golden)
			}
		})
	}
}

func corpusPost(t *testing.T, rkey string) (Event, PostRecord) {
	t.Helper()
	for _, e := range loadEvents(t, corpusFile) {
		if e.ev.IsPost() && e.ev.Commit.RKey == rkey {
			var rec PostRecord
			if err := json.Unmarshal(e.ev.Commit.Record, &rec); err != nil {
				t.Fatal(err)
			}
			return e.ev, rec
		}
	}
	t.Fatalf("no post %s in the corpus", rkey)
	return Event{}, PostRecord{}
}

func TestPostFromCorpus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		rkey      string
		text      string
		links     []string
		tags      []string
		lang      string
		htmlHas   []string
		createdAt string
	}{
		{
			name:    "shortened link gets its full URL",
			rkey:    "3mptbyoeyc22k",
			text:    "https://www.youtube.com/watch?v=V5lDo-jw8mA",
			links:   []string{"https://www.youtube.com/watch?v=V5lDo-jw8mA"},
			lang:    "en",
			htmlHas: []string{`<a href="https://www.youtube.com/watch?v=V5lDo-jw8mA" rel="nofollow noreferrer noopener" target="_blank">www.youtube.com/watch?v=V5lD...</a>`},
		},
		{
			name:    "hashtags from facets",
			rkey:    "3mptbypfywk2v",
			tags:    []string{"HowToTellAiToShutUp", "IndieRebellion"},
			lang:    "de",
			links:   nil,
			htmlHas: []string{`<a href="https://bsky.app/hashtag/HowToTellAiToShutUp"`, "<br>"},
		},
		{
			name:      "full link in text and external embed",
			rkey:      "3mptbyoigog2b",
			links:     []string{"https://www.ufofeed.com/266486/has-anyone-properly-debunked-tic-tac-video/"},
			lang:      "en-US",
			createdAt: "2026-07-04T14:38:02Z",
		},
		{
			name:  "bare domain link",
			rkey:  "3mptbypt22l26",
			links: []string{"https://denikn.cz/2113523"},
		},
		{
			name:  "link and tags in one post",
			rkey:  "3mptbyo7tas2u",
			links: []string{"https://www.tumblr.com/tempo-tales/765681292369166336/behind-them-timmi-and-wankyu-follow-silently-but?source=share"},
			tags:  []string{"talesatwonderworld", "balanwonderworldoc"},
			lang:  "es",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, rec := corpusPost(t, tt.rkey)
			p, err := ev.Post("")
			if err != nil {
				t.Fatal(err)
			}
			if tt.text != "" && p.Text != tt.text {
				t.Errorf("text = %q, want %q", p.Text, tt.text)
			}
			for _, l := range tt.links {
				if !strings.Contains(p.Text, l) {
					t.Errorf("text %q lacks the full link %s", p.Text, l)
				}
			}
			if !slices.Equal(p.Links, tt.links) {
				t.Errorf("links = %q, want %q", p.Links, tt.links)
			}
			if !slices.Equal(p.Tags, tt.tags) {
				t.Errorf("tags = %q, want %q", p.Tags, tt.tags)
			}
			if tt.lang != "" && p.Language != tt.lang {
				t.Errorf("language = %q, want %q", p.Language, tt.lang)
			}
			for _, h := range tt.htmlHas {
				if !strings.Contains(p.HTML, h) {
					t.Errorf("html %s lacks %s", p.HTML, h)
				}
			}
			if tt.createdAt != "" && p.Created.Format("2006-01-02T15:04:05Z07:00") != tt.createdAt {
				t.Errorf("created = %s, want %s", p.Created, tt.createdAt)
			}
			if p.URL != "https://bsky.app/profile/"+ev.DID+"/post/"+tt.rkey || p.Author != ev.DID || p.SourceID != tt.rkey {
				t.Errorf("url/author/source id: %q %q %q", p.URL, p.Author, p.SourceID)
			}
			if len(rec.Facets) > 0 && !strings.Contains(p.HTML, "<a ") {
				t.Errorf("facets not rendered: %s", p.HTML)
			}
		})
	}
}

func TestPostOperations(t *testing.T) {
	t.Parallel()
	ev, _ := corpusPost(t, "3mptbypjm6224")
	t.Run("update keeps the id and sets edited", func(t *testing.T) {
		up := ev
		c := *ev.Commit
		c.Operation = OpUpdate
		up.Commit = &c
		up.TimeUS = ev.TimeUS + 60_000_000
		p, err := up.Post("alice.example.com")
		if err != nil {
			t.Fatal(err)
		}
		orig, _ := ev.Post("")
		if p.ID != orig.ID || p.Edited == nil || !p.Edited.After(p.Created) || p.Text != orig.Text {
			t.Errorf("update = %+v", p)
		}
		if p.Author != "alice.example.com" {
			t.Errorf("author = %q, want the handle", p.Author)
		}
	})
	t.Run("delete is a tombstone", func(t *testing.T) {
		var del Event
		for _, e := range loadEvents(t, corpusFile) {
			if e.ev.IsPost() && e.ev.Commit.Operation == OpDelete {
				del = e.ev
			}
		}
		p, err := del.Post("")
		if err != nil {
			t.Fatal(err)
		}
		if !p.Deleted || p.ID != "at://did:plc:4smmjsqf6l5jkzczvw6vsrqc/app.bsky.feed.post/3mpt73z3ejc2p" || p.Text != "" {
			t.Errorf("delete = %+v", p)
		}
	})
	t.Run("record that is not a post record", func(t *testing.T) {
		bad := ev
		c := *ev.Commit
		c.Record = json.RawMessage(`"text"`)
		bad.Commit = &c
		if _, err := bad.Post(""); err == nil {
			t.Error("want an error")
		}
	})
}

func TestRenderText(t *testing.T) {
	t.Parallel()
	link := func(s, e int, uri string) Facet {
		var f Facet
		f.Index.ByteStart, f.Index.ByteEnd = s, e
		f.Features = []Feature{{Type: FeatureLink, URI: uri}}
		return f
	}
	tests := []struct {
		name   string
		text   string
		facets []Facet
		plain  string
		html   string
		links  []string
	}{
		{name: "no facets", text: "a < b\nc", plain: "a < b\nc", html: "<p>a &lt; b<br>c</p>"},
		{name: "custom anchor text kept", text: "read this now", facets: []Facet{link(5, 9, "https://x.example/a")},
			plain: "read this now", html: `<p>read <a href="https://x.example/a" rel="nofollow noreferrer noopener" target="_blank">this</a> now</p>`, links: []string{"https://x.example/a"}},
		{name: "javascript link dropped from html", text: "click", facets: []Facet{link(0, 5, "javascript:alert(1)")},
			plain: "click", html: "<p>click</p>"},
		{name: "out of range facet ignored", text: "short", facets: []Facet{link(2, 50, "https://x.example/")}, plain: "short", html: "<p>short</p>"},
		{name: "negative facet ignored", text: "short", facets: []Facet{link(-1, 3, "https://x.example/")}, plain: "short", html: "<p>short</p>"},
		{name: "facet cutting a rune ignored", text: "é link", facets: []Facet{link(1, 7, "https://x.example/")}, plain: "é link", html: "<p>é link</p>"},
		{name: "overlapping facet ignored", text: "abcdef", facets: []Facet{link(0, 4, "https://a.example/"), link(2, 6, "https://b.example/")},
			plain: "abcdef", html: `<p><a href="https://a.example/" rel="nofollow noreferrer noopener" target="_blank">abcd</a>ef</p>`, links: []string{"https://a.example/"}},
		{name: "unsorted facets", text: "x.example/1 y.example/2",
			facets: []Facet{link(12, 23, "https://y.example/2"), link(0, 11, "https://x.example/1")},
			plain:  "https://x.example/1 https://y.example/2",
			html:   `<p><a href="https://x.example/1" rel="nofollow noreferrer noopener" target="_blank">x.example/1</a> <a href="https://y.example/2" rel="nofollow noreferrer noopener" target="_blank">y.example/2</a></p>`,
			links:  []string{"https://x.example/1", "https://y.example/2"}},
		{name: "script in text is escaped", text: "<script>alert(1)</script>", plain: "<script>alert(1)</script>", html: "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := renderText(tt.text, tt.facets)
			if r.text != tt.plain {
				t.Errorf("text = %q, want %q", r.text, tt.plain)
			}
			if h := sanitize(r.html); h != tt.html {
				t.Errorf("html = %q, want %q", h, tt.html)
			}
			if !slices.Equal(r.links, tt.links) {
				t.Errorf("links = %q, want %q", r.links, tt.links)
			}
		})
	}
}

func TestDecodeEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{name: "commit", in: `{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k","record":{}}}`, ok: true},
		{name: "identity", in: `{"did":"did:plc:a","time_us":1,"kind":"identity","identity":{"did":"did:plc:a","handle":"a.example"}}`, ok: true},
		{name: "future kind", in: `{"did":"did:plc:a","time_us":1,"kind":"sync"}`, ok: true},
		{name: "not json", in: `{"did":`},
		{name: "no did", in: `{"time_us":1,"kind":"identity"}`},
		{name: "zero time", in: `{"did":"did:plc:a","time_us":0,"kind":"identity"}`},
		{name: "commit without body", in: `{"did":"did:plc:a","time_us":1,"kind":"commit"}`},
		{name: "unknown operation", in: `{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"merge","collection":"c","rkey":"k"}}`},
		{name: "no rkey", in: `{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"delete","collection":"c"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(tt.in))
			if (err == nil) != tt.ok {
				t.Errorf("err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	t.Run("too large", func(t *testing.T) {
		big := `{"did":"did:plc:a","time_us":1,"kind":"identity","x":"` + strings.Repeat("a", maxEventBytes) + `"}`
		if _, err := DecodeEvent([]byte(big)); !errors.Is(err, ErrEventTooLarge) {
			t.Errorf("err = %v, want ErrEventTooLarge", err)
		}
	})
}

// FuzzDecodeEvent checks that decoding and mapping any message never
// panics, and that a mapped post has valid UTF-8 text, its stable ID, and
// HTML free of script and javascript: URLs.
func FuzzDecodeEvent(f *testing.F) {
	f.Add([]byte(`{"did":"did:plc:a","time_us":1,"kind":"commit","commit":{"operation":"create","collection":"app.bsky.feed.post","rkey":"k","record":{"text":"hi","facets":[{"index":{"byteStart":0,"byteEnd":2},"features":[{"$type":"app.bsky.richtext.facet#link","uri":"javascript:x"}]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := DecodeEvent(data)
		if err != nil || !ev.IsPost() {
			return
		}
		p, err := ev.Post("")
		if err != nil {
			return
		}
		if p.ID != ev.PostURI() {
			t.Fatalf("id %q, want %q", p.ID, ev.PostURI())
		}
		if !utf8.ValidString(p.Text) {
			t.Fatalf("invalid UTF-8 text %q", p.Text)
		}
		low := strings.ToLower(p.HTML)
		if strings.Contains(low, "<script") || strings.Contains(low, "javascript:") {
			t.Fatalf("unsafe html %q", p.HTML)
		}
		for _, l := range p.Links {
			if !isWebURL(l) {
				t.Fatalf("non-web link %q", l)
			}
		}
	})
}

func BenchmarkDecodePost(b *testing.B) {
	evs := loadEvents(b, corpusFile)
	size := 0
	for _, e := range evs {
		size += len(e.raw)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, e := range evs {
			ev, err := DecodeEvent(e.raw)
			if err != nil {
				b.Fatal(err)
			}
			if ev.IsPost() {
				if _, err := ev.Post(""); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

func sanitize(h string) string { return social.SanitizeHTML(h) }
