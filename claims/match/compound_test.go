package match

import (
	"slices"
	"testing"
)

// TestSplitCompounds checks that a model with SplitCompounds finds a claim
// through a glued handle, that the committed model does not split, and which
// words are split.
func TestSplitCompounds(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	x.Add(
		Doc{ID: "1", Text: "George Soros was a Nazi collaborator during World War II.", Language: "en"},
		Doc{ID: "2", Text: "Kellogg's Corn Flakes were invented to curb desire.", Language: "en"},
		Doc{ID: "3", Text: "A photograph shows a flooded airport in the storm.", Language: "en"},
	)
	m := DefaultModel()
	if m.SplitCompounds {
		t.Fatal("the committed model splits compounds: update docs/quality.md and this test")
	}
	if rs := x.Search("georgesoros admits it", Options{Lang: "en", Model: &m}); len(rs) != 0 {
		t.Errorf("committed model: %v, want no match (the glued word is unknown)", rs)
	}
	m.SplitCompounds = true
	rs := x.Search("georgesoros admits it", Options{Lang: "en", Model: &m})
	if len(rs) == 0 || rs[0].ID != "1" {
		t.Fatalf("split model: %v, want claim 1", rs)
	}
	if !slices.Contains(rs[0].SharedTerms, "soros") || !slices.Contains(rs[0].SharedTerms, "george") {
		t.Errorf("shared terms %v, want george and soros", rs[0].SharedTerms)
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"georgesoros", []string{"georg", "soro"}},
		{"cornflakes", []string{"corn", "flake"}},
		{"airport", []string{"airport"}},           // indexed: kept
		{"stormy", []string{"stormi"}},             // too short to split
		{"floodedzzz", []string{"floodedzzz"}},     // no split into indexed words
		{"Corn Flakes", []string{"corn", "flake"}}, // already apart
	} {
		qp := prepareQuery(tt.q, "en", false)
		x.mu.RLock()
		x.splitCompoundsLocked(qp, "en")
		x.mu.RUnlock()
		if !slices.Equal(qp.stems, tt.want) || len(qp.words) != len(qp.stems) {
			t.Errorf("%q: stems %v words %v, want stems %v", tt.q, qp.stems, qp.words, tt.want)
		}
	}
}
