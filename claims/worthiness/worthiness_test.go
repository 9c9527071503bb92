package worthiness

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"

	"vigie/claims/text"
)

func feature(f []float64, name string) float64 {
	for i, n := range FeatureNames {
		if n == name {
			return f[i]
		}
	}
	panic(name)
}

func TestFeatures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, lang, in string
		want           map[string]float64
	}{
		{"number percent", "en", "Unemployment fell to 7% last year, the minister said.", map[string]float64{"number": 1, "percent": 1, "attribution": 1}},
		{"question", "en", "Is this true?", map[string]float64{"question": 1, "short": 1}},
		{"greeting", "en", "Thank you all, good evening!", map[string]float64{"greeting": 1, "exclamation": 1}},
		{"first person", "en", "I feel my family deserves better.", map[string]float64{"first_person": 1}},
		{"superlative suffix", "en", "This is the greatest increase ever recorded in the region", map[string]float64{"comparative": 1}},
		{"fr", "fr", "Selon le rapport, le chômage a augmenté de 5 pour cent.", map[string]float64{"attribution": 1, "number": 1}},
		{"pt", "pt", "Segundo o governo, a inflação caiu para 4 por cento.", map[string]float64{"attribution": 1, "number": 1}},
		{"es", "es", "Según el informe, el desempleo aumentó un 5 por ciento.", map[string]float64{"attribution": 1, "number": 1}},
		{"sv", "sv", "Enligt rapporten ökade arbetslösheten med 5 procent.", map[string]float64{"attribution": 1, "percent": 1}},
		{"ar prefix", "ar", "وقال الوزير إن عدد الحالات ارتفع إلى 500 حالة", map[string]float64{"attribution": 1, "number": 1}},
		{"link", "", "see https://example.org now", map[string]float64{"link": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := Features(tt.in, tt.lang)
			for n, v := range tt.want {
				if got := feature(f, n); got != v {
					t.Errorf("%s = %v, want %v", n, got, v)
				}
			}
		})
	}
}

func TestDefaultModelScores(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	claim, reasons := m.Score("The unemployment rate fell to 3.5 percent in 2019, the lowest in 50 years.", "en")
	chat, _ := m.Score("Thank you so much, everybody, good night!", "en")
	if claim <= chat {
		t.Errorf("claim %.3f not above chatter %.3f", claim, chat)
	}
	if claim < 0.5 || chat >= 0.5 {
		t.Errorf("claim %.3f, chatter %.3f on the wrong side of 0.5", claim, chat)
	}
	if len(reasons) == 0 || len(reasons) > 5 {
		t.Fatalf("reasons %v", reasons)
	}
	for i := 1; i < len(reasons); i++ {
		if math.Abs(reasons[i].Weight) > math.Abs(reasons[i-1].Weight) {
			t.Errorf("reasons not sorted: %v", reasons)
		}
	}
	// languages without lexical weights still get the hand-made cues
	fr, _ := m.Score("Selon l'INSEE, le chômage a baissé de 3 % en 2023.", "fr")
	frChat, _ := m.Score("Merci à tous, bonne soirée !", "fr")
	if fr <= frChat {
		t.Errorf("fr claim %.3f not above chatter %.3f", fr, frChat)
	}
	a, ra := m.Score("The unemployment rate fell to 3.5 percent in 2019.", "en")
	b, rb := m.Score("The unemployment rate fell to 3.5 percent in 2019.", "en")
	if a != b || !reflect.DeepEqual(ra, rb) {
		t.Error("Score not deterministic")
	}
}

func TestTrainAndBaseline(t *testing.T) {
	t.Parallel()
	var ex []Example
	for i := 0; i < 40; i++ {
		ex = append(ex,
			Example{Text: "The deficit grew by 20 percent in 2019 according to the report.", Label: true},
			Example{Text: "Crime fell to 3 percent last year, officials said.", Label: true},
			Example{Text: "Thank you very much, good night everybody.", Label: false},
			Example{Text: "I love you all, what a wonderful crowd!", Label: false},
		)
	}
	m, err := Train(context.Background(), ex, TrainOptions{Lang: "en", Bigrams: true})
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := Train(context.Background(), ex, TrainOptions{Lang: "en", Bigrams: true})
	j1, _ := m.MarshalIndent()
	j2, _ := m2.MarshalIndent()
	if string(j1) != string(j2) {
		t.Error("training not deterministic")
	}
	if p, _ := m.Score("Taxes grew by 10 percent in 2018, the report said.", "en"); p < 0.5 {
		t.Errorf("trained model scores a claim %.3f", p)
	}
	b := TrainBaseline(ex)
	if b.Score("Crime fell to 3 percent last year.") <= b.Score("good night everybody") {
		t.Error("baseline does not separate the classes")
	}
	if _, err := Train(context.Background(), nil, TrainOptions{}); err == nil {
		t.Error("training without examples succeeded")
	}
	if _, err := ParseModel([]byte(`{"bias":1,"feature_weights":[1]}`)); err == nil {
		t.Error("short model accepted")
	}
}

func TestBaselineTokens(t *testing.T) {
	t.Parallel()
	got := baselineTokens("The U.S. a 2019 test")
	want := []string{"the", "2019", "test", "the 2019", "2019 test"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("baselineTokens = %q, want %q", got, want)
	}
}

func TestTruncate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		n        int
		want     string
	}{
		{"long", "besmettingen", 5, "besme"},
		{"exact", "zorg", 4, "zorg"},
		{"short", "op", 5, "op"},
		{"empty", "", 5, ""},
		{"cyrillic", "правителството", 5, "прави"},
		{"turkish", "açıklamasında", 5, "açıkl"},
		{"zero", "word", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := truncate(tt.in, tt.n); got != tt.want {
				t.Errorf("truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
			}
		})
	}
}

func TestLexicalTerms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, lang, in string
		want           []string
	}{
		// no stemmer (bg, undetermined): truncation to PrefixLen letters, numbers as <num>
		{"und truncated", "", "Kabinet ondersteunt ondernemers in 2020", []string{"kabin", "onder", "onder", "in", "<num>"}},
		{"bg truncated", "bg", "правителството обяви", []string{"прави", "обяви"}},
		// a stemmer: Snowball stems, stop words kept, no truncation
		{"en stemmed", "en", "The governments announced", []string{"the", "govern", "announc"}},
		{"nl stemmed", "nl", "Het kabinet steunt de ondernemers in 2020", []string{"het", "kabinet", "steunt", "de", "ondernemer", "in", "<num>"}},
		{"tr stemmed", "tr", "Bu kitaplardan ve evlerinden", []string{"bu", "kitap", "ve", "ev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LexicalTerms(text.AnalyzerFor(tt.lang), text.Tokenize(tt.in))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("LexicalTerms = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBaseRateThreshold(t *testing.T) {
	t.Parallel()
	var ex []Example
	for i := 0; i < 10; i++ {
		ex = append(ex,
			Example{Text: "The deficit grew by 20 percent in 2019 according to the report.", Label: true},
			Example{Text: "Thank you very much, good night everybody.", Label: false},
			Example{Text: "I love you all, what a wonderful crowd!", Label: false},
			Example{Text: "Crime fell last year, officials said, but what a night.", Label: i%2 == 0},
		)
	}
	ctx := context.Background()
	plain, err := Train(ctx, ex, TrainOptions{Lang: "en", Bigrams: true})
	if err != nil {
		t.Fatal(err)
	}
	opt := TrainOptions{Lang: "en", Bigrams: true, BaseRateThreshold: true}
	shifted, err := Train(ctx, ex, opt)
	if err != nil {
		t.Fatal(err)
	}
	const rate = 15.0 / 40
	if plain.BaseRate != 0 || shifted.BaseRate != rate {
		t.Fatalf("base rates %v, %v; want 0, %v", plain.BaseRate, shifted.BaseRate, rate)
	}
	if want := plain.Bias - math.Log(rate/(1-rate)); math.Abs(shifted.Bias-want) > 2e-6 {
		t.Errorf("shifted bias %v, want %v", shifted.Bias, want)
	}
	if !reflect.DeepEqual(plain.FeatureWeights, shifted.FeatureWeights) || !reflect.DeepEqual(plain.Lexical, shifted.Lexical) {
		t.Error("the shift changed weights other than the bias")
	}
	// a sentence the unshifted model scores at the base rate sits at 0.5
	s := "Crime fell last year, officials said, but what a night."
	p, _ := plain.Score(s, "en")
	q, _ := shifted.Score(s, "en")
	if want := p / (p + (1-p)*rate/(1-rate)); math.Abs(q-want) > 1e-5 {
		t.Errorf("shifted score %v, want %v (unshifted %v)", q, want, p)
	}
	again, _ := Train(ctx, ex, opt)
	a, _ := shifted.MarshalIndent()
	b, _ := again.MarshalIndent()
	if string(a) != string(b) {
		t.Error("training with BaseRateThreshold not deterministic")
	}
	// one class only: nothing to shift
	one, err := Train(ctx, ex[:1], opt)
	if err != nil || one.BaseRate != 0 {
		t.Errorf("one-class training: base rate %v, err %v", one.BaseRate, err)
	}
}

func BenchmarkScore(b *testing.B) {
	m := DefaultModel()
	s := "The unemployment rate fell to 3.5 percent in 2019, the lowest level in 50 years, the minister said."
	for b.Loop() {
		_, _ = m.Score(s, "en")
	}
}

func FuzzLexicalTerms(f *testing.F) {
	for _, s := range []string{"Kabinet ondersteunt ondernemers in 2020", "правителството обяви", "açıklamasında %50", ""} {
		f.Add(s)
	}
	plain := text.AnalyzerFor("")
	f.Fuzz(func(t *testing.T, s string) {
		toks := text.Tokenize(s)
		terms := LexicalTerms(plain, toks)
		if len(terms) != len(toks) {
			t.Fatalf("%d terms for %d tokens", len(terms), len(toks))
		}
		for i, term := range terms {
			if n := len([]rune(term)); n > PrefixLen && term != "<num>" {
				t.Errorf("term %q of %q has %d letters", term, toks[i].Text, n)
			}
			if !toks[i].Number && !strings.HasPrefix(toks[i].Text, term) {
				t.Errorf("term %q is not a prefix of %q", term, toks[i].Text)
			}
		}
	})
}

func TestGreeting(t *testing.T) {
	for _, tt := range []struct {
		w, lang string
		want    bool
	}{{"thanks", "en", true}, {"bonjour", "fr", true}, {"ola", "pt-BR", true}, {"vaccines", "en", false}, {"thanks", "xx", false}} {
		if got := Greeting(tt.w, tt.lang); got != tt.want {
			t.Errorf("Greeting(%q, %q) = %v", tt.w, tt.lang, got)
		}
	}
}
