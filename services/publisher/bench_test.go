package publisher

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"vigie/claims"

	"go.uber.org/zap"
)

// benchService holds n published verdicts in memory.
func benchService(b *testing.B, n int) (*Service, []published) {
	b.Helper()
	src := &fakeSource{}
	for i := range n {
		in := porto()
		if i%3 == 1 {
			in = paris()
		}
		src.vs = append(src.vs, record(fmt.Sprintf("v%05d", i), in, day.Add(time.Duration(i)*time.Minute)))
	}
	s := New(src, Options{Site: testSite, CacheTTL: time.Hour}, zap.NewNop())
	vs, err := s.publicVerdicts(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	return s, vs
}

// BenchmarkFeedAtom renders the Atom feed (100 newest of 1,000 verdicts,
// filtered by locality): the hot path of feed readers polling.
func BenchmarkFeedAtom(b *testing.B) {
	s, vs := benchService(b, 1000)
	f := Filter{Localities: []string{"PT-1312"}}
	for b.Loop() {
		if _, _, err := s.renderFeed(vs, formatAtom, f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerdictPage builds and renders one verdict page with its JSON-LD.
func BenchmarkVerdictPage(b *testing.B) {
	s, _ := benchService(b, 1)
	v := corrected()
	versions := []*claims.Verdict{record("pt1", porto(), day), v}
	for b.Loop() {
		p := s.verdictPage(s.toPublish(b.Context(), v), v, versions)
		if err := verdictTemplate.ExecuteTemplate(discard{}, "layout", p); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkFeedServeCached serves the Atom feed of 1,000 verdicts through
// the handler within the cache TTL, as a poller revalidating with its ETag
// (304) sees it.
func BenchmarkFeedServeCached(b *testing.B) {
	s, _ := benchService(b, 1000)
	h := serve(s)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/feeds/verdicts.atom?locality=PT-1312", nil))
	etag := rec.Header().Get("ETag")
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/feeds/verdicts.atom?locality=PT-1312", nil)
		req.Header.Set("If-None-Match", etag)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotModified {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
