package worthiness

import (
	"context"
	"math"
	"reflect"
	"testing"
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
	got := baselineTokens("The U.S. a 2019 test")
	want := []string{"the", "2019", "test", "the 2019", "2019 test"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("baselineTokens = %q, want %q", got, want)
	}
}

func BenchmarkScore(b *testing.B) {
	m := DefaultModel()
	s := "The unemployment rate fell to 3.5 percent in 2019, the lowest level in 50 years, the minister said."
	for b.Loop() {
		_, _ = m.Score(s, "en")
	}
}
