package worthiness

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"

	"vigie/claims/text"
)

// Model is a logistic model: bias, one weight per interpretable feature, and
// per-language lexical weights keyed by stem (unigrams) or "stem stem"
// (bigrams).
type Model struct {
	Bias           float64                       `json:"bias"`
	FeatureWeights []float64                     `json:"feature_weights"`
	Lexical        map[string]map[string]float64 `json:"lexical,omitempty"`
	Bigrams        bool                          `json:"bigrams,omitempty"`
	Source         string                        `json:"source"`
	// BaseRate is the positive rate of the training data when the bias was
	// shifted by −logit(BaseRate) (TrainOptions.BaseRateThreshold); 0 if not.
	BaseRate float64 `json:"base_rate,omitempty"`
}

//go:embed model/worthiness.json
var defaultModelJSON []byte

// DefaultModel returns the committed model.
func DefaultModel() *Model {
	m, err := ParseModel(defaultModelJSON)
	if err != nil {
		panic(fmt.Sprintf("worthiness: embedded model: %v", err)) // build-time invariant, covered by tests
	}
	return m
}

// ParseModel decodes and checks a model file.
func ParseModel(b []byte) (*Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse worthiness model: %w", err)
	}
	if len(m.FeatureWeights) != len(FeatureNames) {
		return nil, fmt.Errorf("parse worthiness model: want %d feature weights, got %d", len(FeatureNames), len(m.FeatureWeights))
	}
	return &m, nil
}

// Contribution is one feature's additive part of the logit.
type Contribution struct {
	Name   string  // feature name, or "word:<stem>" for a lexical weight
	Weight float64 // contribution to the logit
}

// Score returns the check-worthiness of a sentence in [0,1] and its top
// contributions (at most 5, by decreasing absolute value, ties by name).
func (m *Model) Score(sentence, lang string) (float64, []Contribution) {
	f, toks := Features(sentence, lang)
	z := m.Bias
	contrib := make([]Contribution, 0, len(f)+8)
	for i, v := range f {
		if v == 0 || m.FeatureWeights[i] == 0 {
			continue
		}
		c := m.FeatureWeights[i] * v
		z += c
		contrib = append(contrib, Contribution{Name: FeatureNames[i], Weight: c})
	}
	if lex := m.Lexical[baseLang(lang)]; len(lex) > 0 {
		a := text.AnalyzerFor(lang)
		stems := lexicalKeys(a, toks, m.Bigrams)
		slices.Sort(stems) // sorted: stable float sums
		for i := 0; i < len(stems); {
			j := i
			for j < len(stems) && stems[j] == stems[i] {
				j++
			}
			if w, ok := lex[stems[i]]; ok {
				c := w // presence, as in training
				z += c
				contrib = append(contrib, Contribution{Name: "word:" + stems[i], Weight: c})
			}
			i = j
		}
	}
	sort.Slice(contrib, func(i, j int) bool {
		ai, aj := math.Abs(contrib[i].Weight), math.Abs(contrib[j].Weight)
		if ai != aj {
			return ai > aj
		}
		return contrib[i].Name < contrib[j].Name
	})
	if len(contrib) > 5 {
		contrib = contrib[:5]
	}
	return 1 / (1 + math.Exp(-z)), contrib
}

// LexicalTerms returns the lexical keys of a token sequence: the stem of
// every token, stop words included (pronouns and modals carry signal for
// check-worthiness), numbers as "<num>". Every language with a Snowball
// stemmer uses it (text.Languages: ar en es fr nl pt sv tr); the others (the
// plain analyzer: bg, undetermined text) get truncation stemming instead: a
// word is cut to its first PrefixLen letters.
func LexicalTerms(a *text.Analyzer, toks []text.Token) []string {
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		switch {
		case t.Number:
			out = append(out, "<num>")
		case a.Lang() == "":
			out = append(out, truncate(t.Text, PrefixLen))
		default:
			out = append(out, a.Stem(t.Text))
		}
	}
	return out
}

// PrefixLen is the length, in letters, of the truncation stems of languages
// without a stemmer. Five is fixed in advance, from the information
// retrieval literature on truncation as a language-independent stemmer
// (McNamee, Nicholas and Mayfield, SIGIR 2009: 4- and 5-letter prefixes come
// close to Snowball across European languages); cross-validation on the bg,
// nl and tr train splits agreed when nl and tr had no stemmer yet
// (docs/quality.md, "Check-worthiness").
const PrefixLen = 5

// truncate returns the first n runes of w.
func truncate(w string, n int) string {
	for i := range w {
		if n == 0 {
			return w[:i]
		}
		n--
	}
	return w
}
