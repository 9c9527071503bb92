package reviewer

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
)

// benchServer indexes n claims across sources, languages and clusters.
func benchServer(b *testing.B, n int) http.Handler {
	idx := openIndex(b)
	base := time.Now().UTC()
	var cs []claimdoc.Claim
	for i := range n {
		cs = append(cs, claimdoc.Claim{ID: fmt.Sprintf("c%05d", i), Text: fmt.Sprintf("The council spent %d euros on the new library in %d.", i*1000, 2000+i%25),
			ItemID: fmt.Sprintf("i%d", i), ItemTitle: "Budget", ItemURL: "https://news.example/" + fmt.Sprint(i),
			Source: fmt.Sprintf("src-%d", i%12), SourceName: "Source", Language: []string{"fr", "pt", "en"}[i%3],
			Localities: []string{fmt.Sprintf("FR-%05d", i%30)}, Worthiness: float64(i%100) / 100, Flagged: i%7 == 0,
			ClusterID: fmt.Sprintf("cl%d", i%40), Detected: base.Add(-time.Duration(i) * time.Hour),
			Matches: []claims.Match{{FactCheckID: "fc", Text: "A fact-check", Score: 0.8, Rating: "false", Publisher: "AFP"}}})
	}
	putClaims(b, idx, cs...)
	return withRole(serve(New(Deps{Index: idx}, zap.NewNop())), claims.RoleFactChecker)
}

func benchGet(b *testing.B, h http.Handler, target string) {
	for b.Loop() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Accept", "text/html")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%s: %d", target, rec.Code)
		}
	}
}

// BenchmarkQueuePage renders the queue page with every facet count (the
// page a reviewer reloads all day) over 2,000 claims.
func BenchmarkQueuePage(b *testing.B) {
	h := benchServer(b, 2000)
	b.Run("default", func(b *testing.B) { benchGet(b, h, "/queue") })
	b.Run("faceted", func(b *testing.B) { benchGet(b, h, "/queue?language=fr&flagged=true&wmin=50&q=library") })
}

// BenchmarkClaimsAPI is GET /api/v1/claims with facets over 2,000 claims.
func BenchmarkClaimsAPI(b *testing.B) {
	h := benchServer(b, 2000)
	benchGet(b, h, "/api/v1/claims?q=council&facets=source,language,status&limit=50")
}
