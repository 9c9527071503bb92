package publisher

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"vigie/pipeline/publish/publishtest"
	"vigie/pipeline/specs"
)

// threeVerdicts publishes a Porto, a Paris and a Stockholm verdict, in
// that order, and corrects the Porto one.
func threeVerdicts(t *testing.T) *env {
	e := newEnv(t, Options{})
	e.publish("pt1", porto())
	e.publish("fr1", paris())
	e.publish("sv1", stockholm())
	fixed := porto()
	fixed.Summary += "\n\nAtualização."
	e.correct("pt1", fixed, "Acrescentámos uma atualização.")
	return e
}

func jsonFeedSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	return publishtest.JSONFeedSchema(t)
}

// TestFeedsPassStandards checks the three feeds, unfiltered and filtered,
// against the Atom RELAX NG schema and the JSON Feed schema, and parses
// all of them back with gofeed.
func TestFeedsPassStandards(t *testing.T) {
	t.Parallel()
	e := threeVerdicts(t)
	schema := jsonFeedSchema(t)
	for _, query := range []string{"", "?locality=PT-1312", "?language=fr&rating=misleading", "?rating=true"} {
		for _, c := range []struct {
			ext   string
			ctype string
			kind  gofeed.FeedType
		}{
			{"atom", "application/atom+xml", gofeed.FeedTypeAtom},
			{"rss", "application/rss+xml", gofeed.FeedTypeRSS},
			{"json", "application/feed+json", gofeed.FeedTypeJSON},
		} {
			t.Run(c.ext+query, func(t *testing.T) {
				resp, body := e.get(FeedPath(c.ext) + query)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("status %d: %s", resp.StatusCode, body)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, c.ctype) {
					t.Errorf("content type %q", ct)
				}
				if got := gofeed.DetectFeedType(bytes.NewReader(body)); got != c.kind {
					t.Errorf("gofeed detects %v", got)
				}
				f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("gofeed: %v\n%s", err, body)
				}
				want := map[string]int{"": 3, "?locality=PT-1312": 1, "?language=fr&rating=misleading": 1, "?rating=true": 0}[query]
				if len(f.Items) != want {
					t.Errorf("gofeed read %d items, want %d", len(f.Items), want)
				}
				switch c.ext {
				case "atom":
					file := filepath.Join(t.TempDir(), "feed.atom")
					if err := os.WriteFile(file, body, 0o600); err != nil {
						t.Fatal(err)
					}
					bin := needXmllint(t)
					out, err := exec.Command(bin, "--noout", "--relaxng",
						specs.Path("atom", "atom.rng.derived-by-trang.rng"), file).CombinedOutput()
					if err != nil {
						t.Errorf("atom feed fails RFC 4287 RELAX NG: %v\n%s\n%s", err, out, body)
					}
				case "json":
					doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if err := schema.Validate(doc); err != nil {
						t.Errorf("json feed fails its schema: %v", err)
					}
				}
			})
		}
	}
}

func TestFeedFilters(t *testing.T) {
	t.Parallel()
	e := threeVerdicts(t)
	for _, c := range []struct {
		name, query string
		want        []string // verdict ids, newest update first
		status      int
	}{
		{"all, the corrected one first", "", []string{"pt1", "sv1", "fr1"}, http.StatusOK},
		{"locality", "?locality=PT-1312", []string{"pt1"}, http.StatusOK},
		{"locality lower case", "?locality=fr-75056", []string{"fr1"}, http.StatusOK},
		{"two localities", "?locality=FR-75056,SE-0180", []string{"sv1", "fr1"}, http.StatusOK},
		{"repeated parameter", "?locality=FR-75056&locality=PT-1312", []string{"pt1", "fr1"}, http.StatusOK},
		{"language", "?language=sv", []string{"sv1"}, http.StatusOK},
		{"language covers regions", "?language=PT", []string{"pt1"}, http.StatusOK},
		{"rating", "?rating=false", []string{"pt1"}, http.StatusOK},
		{"rating spelled with a space", "?rating=Mostly%20False,misleading", []string{"fr1"}, http.StatusOK},
		{"all three", "?locality=PT-1312&language=pt&rating=false", []string{"pt1"}, http.StatusOK},
		{"none match", "?locality=PT-1312&language=fr", nil, http.StatusOK},
		{"bad locality", "?locality=Porto", nil, http.StatusBadRequest},
		{"bad rating", "?rating=pants-on-fire", nil, http.StatusBadRequest},
		{"bad language", "?language=p", nil, http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, body := e.get(FeedPath("json") + c.query)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			if c.status != http.StatusOK {
				return
			}
			f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range f.Items {
				got = append(got, it.Link[strings.LastIndex(it.Link, "/")+1:])
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("items %v, want %v", got, c.want)
			}
			// The list page applies the same filter.
			_, page := e.get("/verdicts" + c.query)
			for _, id := range []string{"pt1", "fr1", "sv1"} {
				if has := bytes.Contains(page, []byte(`href="/verdicts/`+id+`"`)); has != slices.Contains(c.want, id) {
					t.Errorf("list page shows %s: %v", id, has)
				}
			}
		})
	}
}

func TestFeedSelfURLIsCanonical(t *testing.T) {
	t.Parallel()
	e := threeVerdicts(t)
	_, a := e.get(FeedPath("atom") + "?rating=false&locality=pt-1312,PT-1312")
	_, b := e.get(FeedPath("atom") + "?locality=PT-1312&rating=false")
	if !bytes.Equal(a, b) {
		t.Errorf("the same filter in another order gives another feed")
	}
	want := `href="https://verif.example.org/feeds/verdicts.atom?locality=PT-1312&amp;rating=false"`
	if !bytes.Contains(a, []byte(want)) {
		t.Errorf("atom self link is not %s:\n%s", want, a)
	}
}

func TestFeedConditionalRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	e.publish("pt1", porto())
	for _, ext := range []string{"atom", "rss", "json"} {
		t.Run(ext, func(t *testing.T) {
			first, body := e.get(FeedPath(ext))
			etag, lm := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("no validators: %v", first.Header)
			}
			if r, _ := e.get(FeedPath(ext), "If-None-Match", etag); r.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: %d, want 304", r.StatusCode)
			}
			if r, _ := e.get(FeedPath(ext), "If-Modified-Since", lm); r.StatusCode != http.StatusNotModified {
				t.Errorf("If-Modified-Since: %d, want 304", r.StatusCode)
			}
			if r, _ := e.get(FeedPath(ext), "If-None-Match", `"other"`); r.StatusCode != http.StatusOK {
				t.Errorf("stale ETag: %d, want 200", r.StatusCode)
			}
			if r, _ := e.get(FeedPath(ext)+"?locality=FR-75056", "If-None-Match", etag); r.StatusCode != http.StatusOK {
				t.Errorf("a filtered feed matched the unfiltered ETag")
			}
			if len(body) == 0 {
				t.Fatal("empty feed")
			}
		})
	}
	// A new publication changes both validators.
	_, before := e.get(FeedPath("atom"))
	r0, _ := e.get(FeedPath("atom"))
	e.publish("fr1", paris())
	r1, after := e.get(FeedPath("atom"), "If-None-Match", r0.Header.Get("ETag"))
	if r1.StatusCode != http.StatusOK || bytes.Equal(before, after) {
		t.Fatalf("after a publication: %d, feed changed %v", r1.StatusCode, !bytes.Equal(before, after))
	}
	t0, _ := http.ParseTime(r0.Header.Get("Last-Modified"))
	t1, _ := http.ParseTime(r1.Header.Get("Last-Modified"))
	if !t1.After(t0) {
		t.Errorf("Last-Modified %v not after %v", t1, t0)
	}
}

func TestFeedCacheTTL(t *testing.T) {
	t.Parallel()
	c := &testClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	src := &fakeSource{vs: nil}
	s := New(src, Options{Site: testSite, CacheTTL: time.Minute, Now: c.Now}, nil)
	if vs, err := s.publicVerdicts(t.Context()); err != nil || len(vs) != 0 {
		t.Fatalf("%v %v", vs, err)
	}
	src.vs = append(src.vs, corrected())
	if vs, _ := s.publicVerdicts(t.Context()); len(vs) != 0 {
		t.Errorf("the cache was not used within its TTL")
	}
	c.mu.Lock()
	c.t = c.t.Add(2 * time.Minute)
	c.mu.Unlock()
	if vs, _ := s.publicVerdicts(t.Context()); len(vs) != 1 {
		t.Errorf("the cache was not refreshed after its TTL: %d verdicts", len(vs))
	}
	// Rendered feeds follow the same generation.
	req := httptest.NewRequest(http.MethodGet, "/feeds/verdicts.atom", nil)
	a, _, err := s.feed(req, formatAtom, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	src.vs = append(src.vs, record("ar1", arabic().VerdictInput, day.Add(time.Hour)))
	if b, _, _ := s.feed(req, formatAtom, Filter{}); !bytes.Equal(a, b) {
		t.Errorf("the rendered feed was not reused within the TTL")
	}
	if b, _, _ := s.feed(req, formatAtom, Filter{Languages: []string{"ar"}}); bytes.Contains(b, []byte("ar1")) {
		t.Errorf("a new filter read verdicts newer than the cached list")
	}
	c.mu.Lock()
	c.t = c.t.Add(2 * time.Minute)
	c.mu.Unlock()
	if b, _, _ := s.feed(req, formatAtom, Filter{}); bytes.Equal(a, b) || !bytes.Contains(b, []byte("ar1")) {
		t.Errorf("the rendered feed was not refreshed after the TTL")
	}
}

func TestFeedOfOneLanguageSpeaksIt(t *testing.T) {
	t.Parallel()
	e := threeVerdicts(t)
	for _, c := range []struct{ query, want string }{
		{"?language=pt", `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="pt">`},
		{"?language=pt", "Vérif Locale — Verificações publicadas (pt)"},
		{"", "Vérif Locale — Published verdicts</title>"},
	} {
		t.Run(c.query+c.want, func(t *testing.T) {
			_, body := e.get(FeedPath("atom") + c.query)
			if !bytes.Contains(body, []byte(c.want)) {
				t.Errorf("feed lacks %q:\n%s", c.want, body)
			}
		})
	}
}
