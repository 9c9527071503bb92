package reviewer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/index"
)

// fixture indexes claims in three languages from three sources.
func fixture(t *testing.T) (*Server, []claimdoc.Claim) {
	t.Helper()
	b := openIndex(t)
	ctx := context.Background()
	langs := []string{"fr", "pt", "en", "fr", "fr", "pt"}
	sources := []string{"le-monde", "jn-porto", "le-monde", "ouest-france", "le-monde", "jn-porto"}
	var indexed []claimdoc.Claim
	var docs []index.Document
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	for i := range langs {
		c := claimdoc.Claim{ID: fmt.Sprintf("c%d", i), Text: fmt.Sprintf("Claim number %d about the town budget", i), ItemID: fmt.Sprintf("i%d", i),
			Source: sources[i], SourceName: sources[i], Language: langs[i], Localities: []string{}, Worthiness: float64(i) / 10,
			Status: claims.StatusNew, Detected: base.Add(time.Duration(i) * time.Hour), Reasons: []claims.Feature{}, Matches: []claims.Match{}}
		indexed = append(indexed, c)
		docs = append(docs, c.Document())
	}
	if err := b.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	return New(Deps{Index: b, Ready: []Readiness{func(context.Context) error { return nil }}}, zaptest.NewLogger(t)), indexed
}

func get(t *testing.T, h http.Handler, target string) (*httptest.ResponseRecorder, ClaimsResponse) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	var out ClaimsResponse
	if rec.Code == http.StatusOK {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("decode %s: %v", target, err)
		}
	}
	return rec, out
}

func TestClaimsFilterAndFacets(t *testing.T) {
	t.Parallel()
	srv, indexed := fixture(t)
	h := withRole(serve(srv), claims.RoleFactChecker)
	rec, res := get(t, h, "/api/v1/claims?filter="+url.QueryEscape("language = fr")+"&facets=source,language")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	wantSources := map[string]int{}
	wantTotal := 0
	for _, c := range indexed {
		if c.Language == "fr" {
			wantTotal++
			wantSources[c.Source]++
		}
	}
	if res.Total != wantTotal || len(res.Hits) != wantTotal {
		t.Fatalf("total %d, %d hits; want %d", res.Total, len(res.Hits), wantTotal)
	}
	for _, h := range res.Hits {
		if h.Language != "fr" {
			t.Errorf("hit %s has language %q", h.ID, h.Language)
		}
	}
	if got := res.Facets["language"]; len(got) != 1 || got["fr"] != wantTotal {
		t.Errorf("language facet %v, want {fr: %d}", got, wantTotal)
	}
	for src, n := range wantSources {
		if res.Facets["source"][src] != n {
			t.Errorf("source facet %v, want %s: %d", res.Facets["source"], src, n)
		}
	}
	if len(res.Facets["source"]) != len(wantSources) {
		t.Errorf("source facet %v has values outside the filter", res.Facets["source"])
	}
}

func TestClaimsQueryParameters(t *testing.T) {
	t.Parallel()
	srv, indexed := fixture(t)
	h := withRole(serve(srv), claims.RoleFactChecker)
	t.Run("empty q lists all, newest first", func(t *testing.T) {
		_, res := get(t, h, "/api/v1/claims?q=")
		if res.Total != len(indexed) {
			t.Fatalf("total %d, want %d", res.Total, len(indexed))
		}
		for i := 1; i < len(res.Hits); i++ {
			if res.Hits[i].Detected.After(res.Hits[i-1].Detected) {
				t.Fatalf("hits not newest first at %d", i)
			}
		}
	})
	t.Run("limit and offset page", func(t *testing.T) {
		_, p1 := get(t, h, "/api/v1/claims?q=&limit=2")
		_, p2 := get(t, h, "/api/v1/claims?q=&limit=2&offset=2")
		if len(p1.Hits) != 2 || len(p2.Hits) != 2 || p1.Hits[0].ID == p2.Hits[0].ID {
			t.Fatalf("pages: %v / %v", p1.Hits, p2.Hits)
		}
	})
	t.Run("sort by worthiness", func(t *testing.T) {
		_, res := get(t, h, "/api/v1/claims?sort=worthiness:desc")
		if res.Hits[0].Worthiness < res.Hits[len(res.Hits)-1].Worthiness {
			t.Fatal("not sorted by worthiness desc")
		}
	})
	for _, bad := range []string{"limit=0", "limit=abc", "limit=100000", "offset=-1", "filter=" + url.QueryEscape("language = ")} {
		t.Run("bad "+bad, func(t *testing.T) {
			rec, _ := get(t, h, "/api/v1/claims?"+bad)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			var e map[string]string
			if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["error"] == "" {
				t.Fatalf("no error message: %s", rec.Body)
			}
		})
	}
}

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	srv, _ := fixture(t)
	h := withRole(serve(srv), claims.RoleFactChecker)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/": 200, "/nope": 404} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
	down := New(Deps{Index: srv.index, Ready: []Readiness{func(context.Context) error { return errors.New("nats down") }}}, zaptest.NewLogger(t))
	rec := httptest.NewRecorder()
	serve(down).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with a dependency down: %d, want 503", rec.Code)
	}
	srv.SetDraining()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz while draining: %d, want 503", rec.Code)
	}
}

func TestQueuePageEscapes(t *testing.T) {
	t.Parallel()
	srv, _ := fixture(t)
	rec := httptest.NewRecorder()
	withRole(serve(srv), claims.RoleFactChecker).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?q="+url.QueryEscape(`"><script>alert(1)</script>`), nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if body := rec.Body.String(); contains(body, "<script>alert(1)") {
		t.Fatal("the query was reflected unescaped")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
