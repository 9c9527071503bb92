package match

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"vigie/claims/datasets"
)

func TestClean(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"url", "Look at this https://t.co/abc123 now", "Look at this now"},
		{"pic", "Wow pic.twitter.com/xyz and morepic.twitter.com/abc", "Wow and more"},
		{"signature keeps author", "No collusion! — Donald J. Trump (@realDonaldTrump) March 24, 2019", "No collusion! Donald J. Trump"},
		{"handle", "Thanks @JoeBiden for this", "Thanks Joe Biden for this"},
		{"hashtags glued", "#StayHome#COVID19Vaccine", "Stay Home COVID 19 Vaccine"},
		{"retweet", "RT @someone: the claim", "the claim"},
		{"plain", "  plain   text ", "plain text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSplitCompound(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"realDonaldTrump": "real Donald Trump", "COVIDVaccine": "COVID Vaccine", "stay_home": "stay home", "abc": "abc", "G7Summit": "G 7 Summit"} {
		if got := SplitCompound(in); got != want {
			t.Errorf("SplitCompound(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLessID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{"9", "10", true}, {"10", "9", false}, {"010", "9", false}, {"2", "a", true}, {"a", "b", true}, {"b", "a", false}, {"5", "5", false},
	}
	for _, tt := range tests {
		if got := lessID(tt.a, tt.b); got != tt.want {
			t.Errorf("lessID(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func testIndex() *Index {
	x := NewIndex()
	x.Add(
		Doc{ID: "1", Text: "5G towers spread the coronavirus.", Title: "Does 5G spread COVID-19?", Language: "en"},
		Doc{ID: "2", Text: "Drinking bleach cures COVID-19.", Title: "Bleach is not a cure", Language: "en"},
		Doc{ID: "3", Text: "The city planted 10,000 trees in 2021.", Title: "Tree planting", Language: "en"},
		Doc{ID: "4", Text: "The city planted 500 trees in 2019.", Title: "Older tree planting", Language: "en"},
		Doc{ID: "10", Text: "5G towers spread the coronavirus.", Title: "Does 5G spread COVID-19?", Language: "en"},
	)
	return x
}

func TestSearch(t *testing.T) {
	t.Parallel()
	x := testIndex()
	t.Run("exact repeat scores high", func(t *testing.T) {
		rs := x.Search("5G towers spread the coronavirus", Options{Lang: "en"})
		if len(rs) < 2 || rs[0].ID != "1" || rs[1].ID != "10" {
			t.Fatalf("got %+v, want duplicate 1 then 10", ids(rs))
		}
		if rs[0].Score < 0.95 || rs[0].Score > 1 {
			t.Errorf("exact repeat score %v", rs[0].Score)
		}
		if !slices.Contains(rs[0].SharedTerms, "5g") || !slices.Contains(rs[0].SharedTerms, "coronavirus") {
			t.Errorf("shared terms %v", rs[0].SharedTerms)
		}
	})
	t.Run("numbers decide", func(t *testing.T) {
		rs := x.Search("They planted 10,000 trees in the city in 2021", Options{Lang: "en"})
		if len(rs) == 0 || rs[0].ID != "3" {
			t.Fatalf("got %v, want 3 first", ids(rs))
		}
		if !reflect.DeepEqual(rs[0].SharedNumbers, []string{"10000", "2021"}) {
			t.Errorf("shared numbers %v", rs[0].SharedNumbers)
		}
		if len(rs) > 1 && rs[1].ID == "4" && rs[1].Score >= rs[0].Score {
			t.Errorf("conflicting numbers not ranked lower: %+v", rs)
		}
	})
	t.Run("unrelated scores low", func(t *testing.T) {
		for _, r := range x.Search("The football match ended in a draw", Options{Lang: "en"}) {
			if r.Score >= 0.5 {
				t.Errorf("unrelated match %s scored %v", r.ID, r.Score)
			}
		}
	})
	t.Run("scores in [0,1] and sorted", func(t *testing.T) {
		rs := x.Search("bleach coronavirus 5G cure trees", Options{Lang: "en", Limit: 10})
		for i, r := range rs {
			if r.Score < 0 || r.Score > 1 || (i > 0 && r.Score > rs[i-1].Score) {
				t.Errorf("result %d score %v not in order", i, r.Score)
			}
			if len(r.Features) != len(FeatureNames) {
				t.Errorf("features %d", len(r.Features))
			}
		}
	})
	t.Run("empty query", func(t *testing.T) {
		if rs := x.Search("the a of", Options{Lang: "en"}); len(rs) != 0 {
			t.Errorf("stop-word query matched %v", ids(rs))
		}
	})
}

func ids(rs []Result) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func TestIndexIncremental(t *testing.T) {
	t.Parallel()
	x := testIndex()
	if x.Len() != 5 {
		t.Fatalf("Len %d", x.Len())
	}
	x.Add(Doc{ID: "2", Text: "Garlic protects against the flu.", Language: "en"})
	if x.Len() != 5 {
		t.Errorf("replace changed Len to %d", x.Len())
	}
	if rs := x.Search("bleach cures covid", Options{Lang: "en"}); len(rs) > 0 && rs[0].ID == "2" {
		t.Errorf("replaced text still matched")
	}
	if rs := x.Search("garlic flu", Options{Lang: "en"}); len(rs) == 0 || rs[0].ID != "2" {
		t.Errorf("new text not matched: %v", ids(rs))
	}
	x.Remove("2")
	x.Remove("missing")
	if _, ok := x.Get("2"); ok || x.Len() != 4 {
		t.Errorf("remove failed")
	}
	// force compaction: add and remove many
	for i := 0; i < 3000; i++ {
		x.Add(Doc{ID: fmt.Sprintf("t%d", i), Text: fmt.Sprintf("temporary claim number %d about taxes", i), Language: "en"})
	}
	for i := 0; i < 3000; i++ {
		x.Remove(fmt.Sprintf("t%d", i))
	}
	if x.Len() != 4 || len(x.IDs()) != 4 {
		t.Fatalf("after churn Len %d", x.Len())
	}
	if rs := x.Search("planted 500 trees in 2019", Options{Lang: "en"}); len(rs) == 0 || rs[0].ID != "4" {
		t.Errorf("after compaction: %v", ids(rs))
	}
}

func TestSearchDeterministicConcurrent(t *testing.T) {
	t.Parallel()
	x := testIndex()
	want := x.Search("the city planted trees", Options{Lang: "en", Limit: 5})
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if got := x.Search("the city planted trees", Options{Lang: "en", Limit: 5}); !reflect.DeepEqual(got, want) {
					errs <- "results changed"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

type fakeEmbedder struct{ err error }

func (f fakeEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	if f.err != nil {
		return nil, f.err
	}
	out := make([][]float32, len(texts))
	for i, s := range texts {
		v := []float32{0, 0}
		if strings.Contains(strings.ToLower(s), "tree") {
			v[0] = 1
		} else {
			v[1] = 1
		}
		out[i] = v
	}
	return out, nil
}

func TestEmbedderSeam(t *testing.T) {
	t.Parallel()
	x := testIndex()
	rs, err := x.SearchContext(context.Background(), "trees planted", Options{Lang: "en", Embedder: fakeEmbedder{}})
	if err != nil {
		t.Fatal(err)
	}
	emb := featEmbedding
	if FeatureNames[emb] != "embedding" {
		t.Fatalf("embedding feature index %d is %s", emb, FeatureNames[emb])
	}
	for _, r := range rs {
		if r.ID == "3" && r.Features[emb] != 1 {
			t.Errorf("embedding feature %v, want 1", r.Features[emb])
		}
	}
	boom := errors.New("boom")
	rs, err = x.SearchContext(context.Background(), "trees planted", Options{Lang: "en", Embedder: fakeEmbedder{err: boom}})
	if !errors.Is(err, boom) || len(rs) == 0 {
		t.Errorf("embedder error %v with %d lexical results, want boom and results", err, len(rs))
	}
}

func TestModel(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	if len(m.Weights) != len(FeatureNames) || m.Candidates <= 0 {
		t.Fatalf("default model %+v", m)
	}
	if _, err := ParseModel([]byte(`{"weights":[1]}`)); err == nil {
		t.Error("short model accepted")
	}
	if _, err := ParseModel([]byte(`{`)); err == nil {
		t.Error("broken model accepted")
	}
	for j, s := range featureSign {
		if s*m.Weights[j] < 0 {
			t.Errorf("committed weight of %s has the wrong sign: %v", FeatureNames[j], m.Weights[j])
		}
	}
}

// sharedMatch is the path of a file of the CheckThat! 2020 claim-matching
// set (evaluation data, outside the repository: see package datasets).
func sharedMatch(t testing.TB, parts ...string) string {
	t.Helper()
	return datasets.Require(t, append([]string{"claim-matching", "checkthat2020-en"}, parts...)...)
}

func TestTrainDeterministic(t *testing.T) {
	t.Parallel()
	x := testIndex()
	train := []LabeledQuery{
		{Text: "5G spreads corona", Relevant: map[string]bool{"1": true}},
		{Text: "bleach cures covid", Relevant: map[string]bool{"2": true}},
		{Text: "the city planted 10000 trees in 2021", Relevant: map[string]bool{"3": true}},
		{Text: "500 trees planted in 2019", Relevant: map[string]bool{"4": true}},
	}
	a, err := Train(context.Background(), x, train, train, TrainOptions{Lang: "en", Candidates: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Train(context.Background(), x, train, train, TrainOptions{Lang: "en", Candidates: 5})
	ja, _ := a.MarshalIndent()
	jb, _ := b.MarshalIndent()
	if string(ja) != string(jb) {
		t.Error("two trainings differ")
	}
	c, err := Train(context.Background(), x, train, train, TrainOptions{Lang: "en", Candidates: 5, Ascent: true})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := Train(context.Background(), x, train, train, TrainOptions{Lang: "en", Candidates: 5, Ascent: true})
	jc, _ := c.MarshalIndent()
	jd, _ := d.MarshalIndent()
	if string(jc) != string(jd) || c.Bias != 0 {
		t.Error("ascent training not deterministic or kept a bias")
	}
	if rs := x.Search("bleach cures covid", Options{Lang: "en", Model: &c}); len(rs) == 0 || rs[0].ID != "2" {
		t.Errorf("ascent model ranks %v", ids(rs))
	}
	if _, err := Train(context.Background(), NewIndex(), train, nil, TrainOptions{}); err == nil {
		t.Error("training on an empty index succeeded")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Train(ctx, x, train, nil, TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled training: %v", err)
	}
}

func TestSignatureYearAndYearFeatures(t *testing.T) {
	t.Parallel()
	if y := SignatureYear("claim text — Someone (@some1) August 4, 2019"); y != 2019 {
		t.Errorf("SignatureYear = %d", y)
	}
	if y := SignatureYear("no signature 2019"); y != 0 {
		t.Errorf("SignatureYear without signature = %d", y)
	}
	x := testIndex()
	agree, other := featureIndex("year_agree"), featureIndex("year_other")
	for _, r := range x.Search("the city planted trees", Options{Lang: "en", Year: 2021, Limit: 10}) {
		switch r.ID {
		case "3":
			if r.Features[agree] != 1 || r.Features[other] != 0 {
				t.Errorf("doc 3 (2021) features %v/%v", r.Features[agree], r.Features[other])
			}
		case "4":
			if r.Features[agree] != 0 || r.Features[other] != 1 {
				t.Errorf("doc 4 (2019) features %v/%v", r.Features[agree], r.Features[other])
			}
		}
	}
}

func TestCleanUnicodeHashtag(t *testing.T) {
	t.Parallel()
	if got, want := Clean("خبر #كورونا_الجديد اليوم"), "خبر كورونا الجديد اليوم"; got != want {
		t.Errorf("Clean = %q, want %q", got, want)
	}
	if got, want := Clean("#ÉtatDUrgence décrété"), "État D Urgence décrété"; got != want {
		t.Errorf("Clean = %q, want %q", got, want)
	}
}
