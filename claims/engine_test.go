package claims

import (
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"vigie/claims/datasets"
)

func testStore() *Store {
	s := NewStore()
	s.Add(
		FactCheck{ID: "fc1", Text: "5G towers spread the coronavirus.", Title: "No, 5G does not spread COVID-19", Rating: RatingFalse, Publisher: "Check", URL: "https://example.org/1"},
		FactCheck{ID: "fc2", Text: "Drinking bleach cures COVID-19.", Title: "Bleach is no cure", Rating: RatingFalse},
		FactCheck{ID: "fc3", Text: "The city of Lyon planted 10,000 trees in 2021.", Title: "Lyon tree planting figures", Rating: RatingTrue},
		FactCheck{ID: "fc4", Text: "Unemployment fell to 7 percent last year.", Title: "Jobless rate claim", Rating: RatingMixed},
	)
	return s
}

func TestRatingFlagged(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r    Rating
		want bool
	}{
		{RatingFalse, true}, {RatingMostlyFalse, true}, {RatingMisleading, true},
		{RatingMixed, false}, {RatingMostlyTrue, false}, {RatingTrue, false},
		{RatingUnproven, false}, {RatingOther, false}, {RatingUnknown, false}, {Rating("bogus"), false},
	}
	for _, tt := range tests {
		t.Run(string(tt.r), func(t *testing.T) {
			if got := tt.r.Flagged(); got != tt.want {
				t.Errorf("Flagged() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStore(t *testing.T) {
	t.Parallel()
	s := testStore()
	if s.Len() != 4 {
		t.Fatalf("Len = %d, want 4", s.Len())
	}
	s.Add(FactCheck{ID: "fc1", Text: "replaced text", Rating: RatingTrue})
	if s.Len() != 4 {
		t.Errorf("Len after replace = %d, want 4", s.Len())
	}
	fc, ok := s.Get("fc1")
	if !ok || fc.Text != "replaced text" || fc.Rating != RatingTrue {
		t.Errorf("Get(fc1) = %+v, %v", fc, ok)
	}
	if got := s.Index().Len(); got != 4 {
		t.Errorf("index Len = %d, want 4", got)
	}
	s.Remove("fc1")
	if _, ok := s.Get("fc1"); ok || s.Len() != 3 || s.Index().Len() != 3 {
		t.Errorf("after Remove: ok=%v Len=%d index=%d", ok, s.Len(), s.Index().Len())
	}
	s.Add(FactCheck{Text: "no id"})
	if s.Len() != 3 {
		t.Errorf("fact-check without id was added")
	}
	if got, want := s.IDs(), []string{"fc2", "fc3", "fc4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("IDs = %v, want %v", got, want)
	}
}

func TestAnalyze(t *testing.T) {
	t.Parallel()
	e := NewEngine(testStore(), DefaultConfig())
	it := Item{ID: "item-1", Language: "en", Title: "Local news",
		Text: "Hello everyone. A viral post claims that 5G towers are spreading the coronavirus in our town. The mayor said the city planted 10,000 trees in 2021. What a nice day!"}
	cs := e.Analyze(it)
	if len(cs) == 0 {
		t.Fatal("no claims")
	}
	var matched *Claim
	for i := range cs {
		c := &cs[i]
		if c.ID != ClaimID("item-1", c.Index) || c.ItemID != "item-1" {
			t.Errorf("claim %d id %q item %q", c.Index, c.ID, c.ItemID)
		}
		if i > 0 && cs[i-1].Index >= c.Index {
			t.Errorf("claims not in sentence order")
		}
		if c.Worthiness < 0 || c.Worthiness > 1 {
			t.Errorf("worthiness %v out of [0,1]", c.Worthiness)
		}
		if strings.Contains(c.Text, "5G towers") {
			matched = c
		}
		if strings.HasPrefix(c.Text, "Hello") {
			t.Errorf("greeting kept as claim: %+v", c)
		}
	}
	if matched == nil {
		t.Fatalf("5G sentence not returned: %+v", cs)
	}
	if len(matched.Matches) == 0 || matched.Matches[0].FactCheckID != "fc1" {
		t.Fatalf("5G sentence matches = %+v, want fc1 first", matched.Matches)
	}
	m := matched.Matches[0]
	if !matched.Flagged || m.Rating != RatingFalse {
		t.Errorf("flagged=%v rating=%v", matched.Flagged, m.Rating)
	}
	if m.Score < 0.70 || m.Score > 1 {
		t.Errorf("score %v outside [suggest,1]", m.Score)
	}
	if !strings.Contains(m.Explanation, "5g") || len(m.SharedTerms) == 0 {
		t.Errorf("explanation %q terms %v", m.Explanation, m.SharedTerms)
	}
	// deterministic
	if again := e.Analyze(it); !reflect.DeepEqual(cs, again) {
		t.Errorf("Analyze not deterministic")
	}
}

func TestAnalyzeIncrementalStore(t *testing.T) {
	t.Parallel()
	s := NewStore()
	e := NewEngine(s, DefaultConfig())
	it := Item{ID: "x", Language: "en", Text: "The new bridge over the river cost 45 million euros to build in 2019."}
	has := func() bool {
		for _, c := range e.Analyze(it) {
			for _, m := range c.Matches {
				if m.FactCheckID == "v1" {
					return true
				}
			}
		}
		return false
	}
	if has() {
		t.Fatal("match before the verdict exists")
	}
	s.Add(FactCheck{ID: "v1", Text: "The new bridge over the river cost 45 million euros to build in 2019.", Title: "Bridge cost verified", Rating: RatingMostlyTrue})
	if !has() {
		t.Fatal("verdict added to the store not matched at once")
	}
	s.Remove("v1")
	if has() {
		t.Fatal("removed verdict still matched")
	}
}

func TestAutoNeedsWords(t *testing.T) {
	t.Parallel()
	s := NewStore()
	s.Add(FactCheck{ID: "a", Text: "Garlic cures covid", Rating: RatingFalse})
	e := NewEngine(s, DefaultConfig())
	c := e.AnalyzeSentence("i", 0, "Garlic cures covid", "en")
	if len(c.Matches) == 0 {
		t.Fatal("exact repeat not matched")
	}
	if c.Matches[0].Auto {
		t.Errorf("auto match under MinAutoWords words")
	}
}

func TestClaimIDStable(t *testing.T) {
	t.Parallel()
	if a, b := ClaimID("item", 3), ClaimID("item", 3); a != b || len(a) != 32 {
		t.Errorf("ClaimID unstable or wrong length: %q %q", a, b)
	}
	if ClaimID("item", 1) == ClaimID("item1", 0) || ClaimID("a", 12) == ClaimID("a1", 2) {
		t.Errorf("ClaimID collides on concatenation")
	}
}

func TestConcurrentStore(t *testing.T) {
	t.Parallel()
	s := testStore()
	e := NewEngine(s, DefaultConfig())
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				s.Add(FactCheck{ID: "tmp", Text: "temporary claim about taxes", Rating: RatingFalse})
				_ = e.Analyze(Item{ID: "c", Language: "en", Text: "Drinking bleach cures COVID-19 says a viral post."})
				s.Remove("tmp")
			}
		}()
	}
	wg.Wait()
	if s.Len() != 4 {
		t.Errorf("Len = %d after concurrent add/remove, want 4", s.Len())
	}
}

// TestLoadTSVCheckThat2020 loads the CheckThat! 2020 collection, the
// dataset LoadTSV's format comes from (evaluation data, outside the
// repository).
func TestLoadTSVCheckThat2020(t *testing.T) {
	t.Parallel()
	f, err := os.Open(datasets.Require(t, "claim-matching", "checkthat2020-en", "vclaims.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fcs, err := LoadTSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(fcs) != 10375 {
		t.Errorf("loaded %d, want 10375", len(fcs))
	}
	if fcs[0].ID != "0" || !strings.HasPrefix(fcs[0].Text, "122 detainees") || !strings.HasPrefix(fcs[0].Title, "Did 122 Prisoners") {
		t.Errorf("first record %+v", fcs[0])
	}
}

func TestLoadTSV(t *testing.T) {
	t.Parallel()
	t.Run("collection shape", func(t *testing.T) {
		// the CheckThat! 2020 layout: id, text, title; no quoting, so quotes
		// and apostrophes are text
		in := "id\ttext\ttitle\n0\t5G towers spread the \"virus\".\tDid 5G Spread It?\n1\tThe mayor's claim\t\n"
		fcs, err := LoadTSV(strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		if len(fcs) != 2 || fcs[0].ID != "0" || fcs[0].Text != `5G towers spread the "virus".` || fcs[0].Title != "Did 5G Spread It?" ||
			fcs[1].ID != "1" || fcs[1].Text != "The mayor's claim" || fcs[1].Title != "" {
			t.Errorf("got %+v", fcs)
		}
	})
	for _, tt := range []struct{ name, in, err string }{
		{"no id column", "text\ttitle\nx\ty\n", "no id column"},
		{"empty", "", "empty input"},
		{"bad rating", "id\ttext\trating\n1\tx\tbogus\n", "not a normalised rating"},
		{"empty id", "id\ttext\n\tx\n", "empty id"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadTSV(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
	t.Run("optional columns", func(t *testing.T) {
		fcs, err := LoadTSV(strings.NewReader("title\tid\ttext\trating\tpublisher\r\nT\t7\tsome claim\tfalse\tP\r\n"))
		if err != nil || len(fcs) != 1 || fcs[0].ID != "7" || fcs[0].Rating != RatingFalse || fcs[0].Publisher != "P" || fcs[0].Title != "T" {
			t.Errorf("got %+v, %v", fcs, err)
		}
	})
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	a := Fingerprint("The mayor said the city planted 10,000 trees in 2021.", "en")
	b := Fingerprint("RT @x: The mayor said the city planted 10,000 trees in 2021!! https://t.co/abc", "en")
	c := Fingerprint("Drinking bleach cures COVID-19 according to a viral post.", "en")
	if a == 0 || a != b {
		t.Errorf("near-identical sentences: %x vs %x", a, b)
	}
	if Near(a, c) {
		t.Errorf("different sentences are near: distance %d", Distance(a, c))
	}
	d := Fingerprint("The mayor said that the city planted 10,000 new trees in 2021.", "en")
	if !Near(a, d) {
		t.Errorf("small edit not near: distance %d", Distance(a, d))
	}
	if Fingerprint("", "en") != 0 {
		t.Errorf("empty sentence fingerprint not 0")
	}
}

func TestClaimIDPinned(t *testing.T) {
	t.Parallel()
	// pinned: the id must not change between versions (stored ids refer to it)
	if got, want := ClaimID("item-1", 0), pinnedClaimID; got != want {
		t.Errorf("ClaimID(item-1, 0) = %s, want %s", got, want)
	}
}

const pinnedClaimID = "78218006036586a7ccbd56d13642c3d6" // sha256("item-1\x000")[:16] in hex

func BenchmarkAnalyze(b *testing.B) { benchmarkAnalyze(b, DefaultConfig()) }

// BenchmarkAnalyzeKeepLowPriority is BenchmarkAnalyze keeping the sentences
// that could be claims under the worthiness threshold.
func BenchmarkAnalyzeKeepLowPriority(b *testing.B) {
	cfg := DefaultConfig()
	cfg.KeepLowPriority = true
	benchmarkAnalyze(b, cfg)
}

func benchmarkAnalyze(b *testing.B, cfg Config) {
	f, err := os.Open(datasets.Require(b, "claim-matching", "checkthat2020-en", "vclaims.tsv"))
	if err != nil {
		b.Fatal(err)
	}
	fcs, err := LoadTSV(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	s := NewStore()
	s.Add(fcs...)
	e := NewEngine(s, cfg)
	it := Item{ID: "bench", Language: "en", Title: "Viral claims about the city",
		Text: "A viral post claims that 5G towers are spreading the coronavirus. The mayor said the city planted 10,000 trees in 2021. Drinking hot water every fifteen minutes does not kill the virus, doctors say. Thanks for reading!"}
	for b.Loop() {
		_ = e.Analyze(it)
	}
}
