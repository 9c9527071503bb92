package claims

import (
	"path/filepath"
	"strings"
	"testing"

	"vigie/claims/match"
)

func TestCouldBeClaim(t *testing.T) {
	tests := []struct {
		lang, s string
		want    bool
	}{
		{"pt", "As vacinas causam autismo.", true},
		{"en", "Vaccines cause autism.", true},
		{"fr", "L'allocation de rentrée s'élève à 632 € par enfant.", true},
		{"sv", "Kommunen satsade 1,5 miljoner kronor på skolan.", true},
		{"en", "Unemployment fell to 7 percent!", true},
		{"en", "Hello everyone.", false},
		{"en", "Thanks!", false},
		{"fr", "Bonjour à tous.", false},
		{"en", "Do vaccines cause autism?", false},
		{"fr", "Les vaccins causent-ils l'autisme ?", false},
		{"en", "It is what it is.", false}, // no content word
		{"en", "", false},
		{"en", "Thanks for reading!", false},
		{"en", strings.Repeat("claim ", MaxClaimWords+1), false},
	}
	for _, tt := range tests {
		if got := CouldBeClaim(tt.s, tt.lang); got != tt.want {
			t.Errorf("CouldBeClaim(%q, %s) = %v, want %v", tt.s, tt.lang, got, tt.want)
		}
	}
}

// TestLowPriorityKept: with KeepLowPriority, an item whose sentences all score
// under the threshold still has its possible claims, marked LowPriority, with
// the ids they would have had as claims; greetings and questions are not kept.
func TestLowPriorityKept(t *testing.T) {
	it := Item{ID: "item-lp", Language: "pt", Title: "Olá a todos.",
		Text: "As vacinas causam autismo. Você sabia? O prefeito disse que a cidade plantou 10.000 árvores em 2021."}
	off := NewEngine(testStore(), DefaultConfig())
	cfg := DefaultConfig()
	cfg.KeepLowPriority = true
	on := NewEngine(testStore(), cfg)
	before := map[int]Claim{}
	for _, c := range off.Analyze(it) {
		if c.LowPriority {
			t.Errorf("LowPriority set without KeepLowPriority: %+v", c)
		}
		before[c.Index] = c
	}
	got := map[int]Claim{}
	for _, c := range on.Analyze(it) {
		got[c.Index] = c
		if c.ID != ClaimID(it.ID, c.Index) {
			t.Errorf("claim %d id %s", c.Index, c.ID)
		}
		if b, ok := before[c.Index]; ok {
			if c.LowPriority || c.ID != b.ID {
				t.Errorf("claim %d changed: %+v vs %+v", c.Index, c, b)
			}
		} else if !c.LowPriority || c.Worthiness >= cfg.WorthinessThreshold || len(c.Matches) > 0 {
			t.Errorf("extra claim %d not marked low priority: %+v", c.Index, c)
		}
	}
	// sentence 1 is the hoax, 0 the greeting, 2 the question
	if c, ok := got[1]; !ok || c.Text != "As vacinas causam autismo." {
		t.Errorf("the hoax is not kept: %+v", got)
	}
	for _, i := range []int{0, 2} {
		if _, ok := got[i]; ok {
			t.Errorf("sentence %d kept: %+v", i, got[i])
		}
	}
}

func TestWithMatcherModel(t *testing.T) {
	e := NewEngine(testStore(), DefaultConfig())
	if e.MatcherModel().Source != match.DefaultModel().Source {
		t.Fatalf("default engine does not use the committed model")
	}
	if _, err := match.LoadModel(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Fatal("missing model file loaded")
	}
	m, err := match.LoadModel("")
	if err != nil {
		t.Fatal(err)
	}
	m.Source = "a newsroom's model"
	m.B -= 20 // scores everything near 0
	e2 := e.WithMatcherModel(m)
	if e2.MatcherModel().Source != "a newsroom's model" || e.MatcherModel().Source == "a newsroom's model" {
		t.Fatal("WithMatcherModel changed the original or not the copy")
	}
	s := "A viral post claims that 5G towers are spreading the coronavirus."
	if len(e.AnalyzeSentence("i", 0, s, "en").Matches) == 0 {
		t.Fatal("committed model: no match")
	}
	for _, mm := range e2.AnalyzeSentence("i", 0, s, "en").Matches {
		if mm.Score < 0.9 { // the near-duplicate floor may still apply
			t.Errorf("the engine did not use the given model: %+v", mm)
		}
	}
}
