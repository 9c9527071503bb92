package worthiness

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"vigie/claims/text"
)

// TrainOptions tune Train.
type TrainOptions struct {
	Lang     string  // language of the examples; "" detects per example
	C        float64 // inverse L2 strength (default 1)
	MinCount int     // lexical keys seen in fewer examples are dropped (default 1: keep all)
	Bigrams  bool    // add stem bigrams to the lexical keys
	MinAbs   float64 // lexical weights with |w| below this are pruned from the model (default 0)
	Source   string  // provenance written into the model

	// BaseRateThreshold shifts the fitted intercept by −logit(π), π the
	// positive rate of the examples, so that a score of 0.5 is the decision
	// "likelihood ratio ≥ 1": the Bayes rule for balanced error, which does
	// not move when the positive rate of the data scored differs from π.
	BaseRateThreshold bool
}

// Train fits a Model on labelled examples: logistic regression over the
// interpretable features and binary lexical keys (stems, optionally stem
// bigrams), L2-regularised, by L-BFGS; with BaseRateThreshold, the intercept
// is then shifted by the examples' positive rate. Deterministic.
func Train(ctx context.Context, ex []Example, opt TrainOptions) (*Model, error) {
	if len(ex) == 0 {
		return nil, fmt.Errorf("train worthiness: no examples")
	}
	if opt.C <= 0 {
		opt.C = 1
	}
	if opt.MinCount <= 0 {
		opt.MinCount = 1
	}

	nf := len(FeatureNames)
	type prep struct {
		f    []float64
		keys []string // "lang\x00key"
		y    float64
	}
	ps := make([]prep, len(ex))
	count := map[string]int{}
	for i, e := range ex {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("train worthiness: %w", err)
			}
		}
		lang := opt.Lang
		if lang == "" {
			lang = text.Detect(e.Text)
		}
		lang = baseLang(lang)
		f, toks := Features(e.Text, lang)
		keys := lexicalKeys(text.AnalyzerFor(lang), toks, opt.Bigrams)
		for j := range keys {
			keys[j] = lang + "\x00" + keys[j]
		}
		for _, k := range keys {
			count[k]++
		}
		ps[i] = prep{f: f, keys: keys}
		if e.Label {
			ps[i].y = 1
		}
	}
	var vocab []string
	for k, c := range count {
		if c >= opt.MinCount {
			vocab = append(vocab, k)
		}
	}
	slices.Sort(vocab)
	col := make(map[string]int, len(vocab))
	for i, k := range vocab {
		col[k] = nf + i
	}
	xs := make([]sparse, len(ps))
	for i, p := range ps {
		var s sparse
		for j, v := range p.f {
			if v != 0 {
				s.idx = append(s.idx, j)
				s.val = append(s.val, v)
			}
		}
		var lex []int
		for _, k := range p.keys {
			if c, ok := col[k]; ok {
				lex = append(lex, c)
			}
		}
		slices.Sort(lex)
		for i := 0; i < len(lex); {
			j := i
			for j < len(lex) && lex[j] == lex[i] {
				j++
			}
			s.idx = append(s.idx, lex[i])
			s.val = append(s.val, 1) // presence: measured better than counts on the CheckThat! dev sets
			i = j
		}
		s.y = p.y
		xs[i] = s
	}
	dim := nf + len(vocab)
	w := fitLogistic(xs, dim, opt.C, 500)
	m := &Model{Bias: w[dim], FeatureWeights: make([]float64, nf), Lexical: map[string]map[string]float64{}, Bigrams: opt.Bigrams, Source: opt.Source}
	for j := 0; j < nf; j++ {
		m.FeatureWeights[j] = round6(w[j])
	}
	for i, k := range vocab {
		v := w[nf+i]
		if math.Abs(v) < opt.MinAbs || v == 0 {
			continue
		}
		var lang, key string
		for p := 0; p < len(k); p++ {
			if k[p] == 0 {
				lang, key = k[:p], k[p+1:]
				break
			}
		}
		if m.Lexical[lang] == nil {
			m.Lexical[lang] = map[string]float64{}
		}
		m.Lexical[lang][key] = round6(v)
	}
	if opt.BaseRateThreshold {
		pos := 0
		for _, p := range ps {
			pos += int(p.y)
		}
		if pos > 0 && pos < len(ps) {
			m.BaseRate = round6(float64(pos) / float64(len(ps)))
			m.Bias -= math.Log(m.BaseRate / (1 - m.BaseRate))
		}
	}
	m.Bias = round6(m.Bias)
	return m, nil
}

// round6 rounds to 6 decimals: smaller files, same bytes across platforms.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// lexicalKeys returns LexicalTerms and, with bigrams, "stem stem" pairs of
// consecutive tokens.
func lexicalKeys(a *text.Analyzer, toks []text.Token, bigrams bool) []string {
	uni := LexicalTerms(a, toks)
	if !bigrams {
		return uni
	}
	out := append([]string(nil), uni...)
	for i := 1; i < len(uni); i++ {
		out = append(out, uni[i-1]+" "+uni[i])
	}
	return out
}

// MarshalIndent encodes the model as the committed JSON file (map keys are
// sorted by encoding/json: the bytes are deterministic).
func (m *Model) MarshalIndent() ([]byte, error) {
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return nil, fmt.Errorf("encode worthiness model: %w", err)
	}
	return append(b, '\n'), nil
}
