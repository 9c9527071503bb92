package claims_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/claims/claimreview"
	"vigie/claims/fixtures"
)

// TestImportedFactChecksFlagItems loads the Brazilian and Arabic fact-check
// files through the importers and checks that an item repeating one of their
// claims, in its own language, comes out flagged with the match explained.
func TestImportedFactChecksFlagItems(t *testing.T) {
	t.Parallel()
	store := claims.NewStore()
	for _, f := range []string{"factckbr_pt_br_claimreview.tsv", "google_factcheck_api_arabic_claim_reviews.json"} {
		r, err := os.Open(fixtures.Path("claimreview", f))
		if err != nil {
			t.Fatal(err)
		}
		fcs, _, err := claimreview.Import(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		store.Add(fcs...)
	}
	if store.Len() < 2500 {
		t.Fatalf("store has %d fact-checks", store.Len())
	}
	e := claims.NewEngine(store, claims.DefaultConfig())
	tests := []struct {
		name  string
		item  claims.Item
		want  string // a word of the matched fact-check
		langs string
	}{
		{"pt", claims.Item{ID: "pt-1", Published: time.Date(2019, 7, 23, 0, 0, 0, 0, time.UTC),
			Text: "Olá a todos. Espaço dedicado para os eleitores do Bolsonaro explicarem a retirada da insulina do SUS. Compartilhe!"}, "insulina", "pt"},
		{"ar", claims.Item{ID: "ar-1",
			Text: "خبر تلفزيوني نشر حديثًا عن دعوة لجنة في مجلس الأمة الكويتي إلى اللجوء إلى الخيار العسكري لترسيم الحدود البحرية بين الكويت والعراق."}, "الكويت", "ar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hit *claims.Claim
			cs := e.Analyze(tt.item)
			for i := range cs {
				if len(cs[i].Matches) > 0 && strings.Contains(strings.ToLower(cs[i].Matches[0].Text), tt.want) {
					hit = &cs[i]
				}
			}
			if hit == nil {
				t.Fatalf("no claim matched a fact-check containing %q: %+v", tt.want, cs)
			}
			m := hit.Matches[0]
			if hit.Language != tt.langs || !hit.Flagged || !m.Rating.Flagged() || m.Score < e.Config().SuggestThreshold {
				t.Errorf("claim %q: lang %s flagged %v rating %s score %.2f", hit.Text, hit.Language, hit.Flagged, m.Rating, m.Score)
			}
			if !strings.Contains(m.Explanation, "shared terms") || m.URL == "" {
				t.Errorf("explanation %q url %q", m.Explanation, m.URL)
			}
		})
	}
}
