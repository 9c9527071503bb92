package match

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
)

// FeatureNames names the re-ranking features, in the order of Model.Weights.
var FeatureNames = []string{
	"bm25_rel",     // BM25F score over the best candidate's
	"query_cover",  // idf share of the query's terms found in the claim
	"claim_cover",  // idf share of the claim text's terms found in the query
	"title_cover",  // idf share of the title's terms found in the query
	"char4_text",   // character 4-gram cosine, query vs claim text
	"char4_title",  // character 4-gram cosine, query vs title
	"num_shared",   // shared numbers (capped at 3) / 3
	"num_conflict", // both have numbers, none shared
	"entity_jacc",  // Jaccard of capitalised words
	"rank_recip",   // 1/(1+BM25 rank)
	"embedding",    // cosine of embeddings (0 without an Embedder)
	"bm25_text",    // BM25 of the claim text alone, over the best candidate's
	"bm25_title",   // BM25 of the title alone, over the best candidate's
	"tfidf_cos",    // tf-idf cosine, query vs text+title
	"bigram_share", // shared stem bigrams / query bigrams (phrase overlap)
	"dup_count",    // log(1+copies of this claim text among the candidates)
	"year_agree",   // the claim names the year the query was published
	"year_other",   // the claim names years, none of them the query's
	"wv_cos",       // cosine of SIF-weighted mean word vectors (English; absent: training mean)
	// disagreements (disagree.go): both texts name one of the kind, no value
	// in common. Dates are no feature: year_other covers them, and a
	// date_disagree feature cost one dev query on each CheckThat! set
	// (docs/quality.md); their disagreements are still reported.
	"figure_disagree", // numbers, amounts or percentages differ: 1 on a central figure, 0.5 on one among many
	"person_disagree", // named persons differ
}

func featureIndex(name string) int {
	for i, n := range FeatureNames {
		if n == name {
			return i
		}
	}
	panic("match: no feature " + name) // programming error
}

var (
	featEmbedding  = featureIndex("embedding")
	featQueryCover = featureIndex("query_cover")
	featClaimCover = featureIndex("claim_cover")
	featChar4Text  = featureIndex("char4_text")
	featYearAgree  = featureIndex("year_agree")
	featYearOther  = featureIndex("year_other")
	featWVCos      = featureIndex("wv_cos")
	featFigure     = featureIndex("figure_disagree")
	featPerson     = featureIndex("person_disagree")
)

// featureSign is the declared monotonicity of each feature: +1 more means a
// better match, -1 less, 0 free.
var featureSign = []float64{
	+1, // bm25_rel
	+1, // query_cover
	+1, // claim_cover
	+1, // title_cover
	+1, // char4_text
	+1, // char4_title
	+1, // num_shared
	-1, // num_conflict
	+1, // entity_jacc
	+1, // rank_recip
	+1, // embedding
	+1, // bm25_text
	+1, // bm25_title
	+1, // tfidf_cos
	+1, // bigram_share
	0,  // dup_count
	+1, // year_agree
	-1, // year_other
	+1, // wv_cos
	-1, // figure_disagree
	-1, // person_disagree
}

// Model is a logistic re-ranker: p = sigmoid(A*(w·f + Bias) + B), where A, B
// are the Platt calibration fitted on the dev split.
type Model struct {
	Weights []float64 `json:"weights"`
	Bias    float64   `json:"bias"`
	A       float64   `json:"platt_a"`
	B       float64   `json:"platt_b"`
	// Mean and Scale standardise features before the dot product.
	Mean  []float64 `json:"mean"`
	Scale []float64 `json:"scale"`
	// Candidates is the number of BM25 candidates re-ranked.
	Candidates int `json:"candidates"`
	// SplitCompounds splits query words unknown to the index into two
	// indexed words ("georgesoros" → "george soros", compound.go).
	SplitCompounds bool   `json:"split_compounds,omitempty"`
	Source         string `json:"source"`
}

//go:embed model/matcher.json
var defaultModelJSON []byte

// DefaultModel returns the committed re-ranker (trained by `vigie train
// matcher` on the CheckThat! 2020 train split, calibrated on dev).
func DefaultModel() Model {
	m, err := ParseModel(defaultModelJSON)
	if err != nil {
		panic(fmt.Sprintf("match: embedded model: %v", err)) // build-time invariant, covered by tests
	}
	return m
}

// LoadModel reads a model file written by `vigie train matcher`; an empty
// path gives the committed model (DefaultModel).
func LoadModel(path string) (Model, error) {
	if path == "" {
		return DefaultModel(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Model{}, fmt.Errorf("load matcher model: %w", err)
	}
	m, err := ParseModel(b)
	if err != nil {
		return Model{}, fmt.Errorf("load matcher model %s: %w", path, err)
	}
	return m, nil
}

// ParseModel decodes and checks a model file.
func ParseModel(b []byte) (Model, error) {
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		return Model{}, fmt.Errorf("parse matcher model: %w", err)
	}
	n := len(FeatureNames)
	if len(m.Weights) != n || len(m.Mean) != n || len(m.Scale) != n {
		return Model{}, fmt.Errorf("parse matcher model: want %d weights, mean, scale; got %d, %d, %d", n, len(m.Weights), len(m.Mean), len(m.Scale))
	}
	if m.Candidates <= 0 {
		m.Candidates = 30
	}
	return m, nil
}

// Raw returns the uncalibrated linear score of a feature vector.
func (m *Model) Raw(f []float64) float64 {
	z := m.Bias
	for i, v := range f {
		s := m.Scale[i]
		if s == 0 {
			s = 1
		}
		z += m.Weights[i] * (v - m.Mean[i]) / s
	}
	return z
}

// Prob returns the calibrated probability of a feature vector.
func (m *Model) Prob(f []float64) float64 {
	return sigmoid(m.A*m.Raw(f) + m.B)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }
