package match

import (
	"math"
	"testing"
)

// TestSemanticFeature checks, for a model that weighs wv_cos, that word vectors rank a paraphrase without
// shared words above an unrelated claim, that the feature is computed for
// claims added later (incremental index), and that it is absent (the model's
// training mean) for other languages.
func TestSemanticFeature(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	x.Add(
		Doc{ID: "1", Text: "Photo shows the largest mansion ever built in Texas", Language: "en"},
		Doc{ID: "2", Text: "Photo shows a mansion that burned in Texas after the storm", Language: "en"},
		Doc{ID: "fr", Text: "La photo montre le plus grand manoir du Texas", Language: "fr"},
	)
	x.Add(Doc{ID: "3", Text: "The biggest mansion in Texas photographed from above", Language: "en"})
	m := DefaultModel()
	if m.Weights[featWVCos] != 0 {
		t.Fatal("the committed model weighs wv_cos: update docs/quality.md and this test")
	}
	m.Weights[featWVCos] = 1 // as a model trained with --semantic
	feat := func(q, lang string) map[string]float64 {
		out := map[string]float64{}
		for _, r := range x.Search(q, Options{Lang: lang, Limit: 10, Model: &m}) {
			out[r.ID] = r.Features[featWVCos]
		}
		return out
	}
	en := feat("biggest mansion Texas", "en")
	if !(en["3"] > en["2"] && en["1"] > en["2"]) {
		t.Errorf("wv_cos %v: want claims 1 and 3 (biggest/largest) above 2", en)
	}
	for id, v := range en {
		if math.IsNaN(v) || v < -1.01 || v > 1.01 {
			t.Errorf("claim %s: wv_cos %v", id, v)
		}
	}
	fr := feat("plus grand manoir Texas", "fr")
	if len(fr) == 0 {
		t.Fatal("no French result")
	}
	for id, v := range fr {
		if v != m.Mean[featWVCos] {
			t.Errorf("French query, claim %s: wv_cos %v, want the training mean %v", id, v, m.Mean[featWVCos])
		}
	}
	if v := semFeature(nil, semanticOf("en", nil)); !math.IsNaN(v) {
		t.Errorf("empty texts: %v, want NaN (absent)", v)
	}
}

func BenchmarkSemanticFeature(b *testing.B) {
	q := prepareQuery("The biggest mansion in Texas was sold for a record price", "en", true)
	d := prepareDoc(Doc{ID: "1", Text: "Photo shows the largest mansion ever built in Texas", Language: "en"}, true)
	for b.Loop() {
		semFeature(q.mean, d.sem)
	}
}

// TestSemanticLazy checks that no claim pays for word vectors while the
// model does not weigh wv_cos, and that claims get them (those present and
// those added later) once a model does.
func TestSemanticLazy(t *testing.T) {
	t.Parallel()
	x := NewIndex()
	x.Add(Doc{ID: "1", Text: "Photo shows the largest mansion ever built in Texas", Language: "en"})
	x.Search("biggest mansion Texas", Options{Lang: "en"})
	if x.docs[0].prep.sem != nil || x.semOn.Load() {
		t.Fatal("claim vectors computed for a model with wv_cos weight 0")
	}
	m := DefaultModel()
	m.Weights[featWVCos] = 1
	x.Search("biggest mansion Texas", Options{Lang: "en", Model: &m})
	x.Add(Doc{ID: "2", Text: "The biggest mansion in Texas photographed from above", Language: "en"})
	for _, d := range x.docs {
		if d.prep.sem == nil {
			t.Errorf("claim %s: no vector after a search with wv_cos", d.id)
		}
	}
}
