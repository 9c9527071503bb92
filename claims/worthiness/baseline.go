package worthiness

import (
	"math"
	"slices"
	"strings"
	"unicode"
)

// Baseline is the reference check-worthiness classifier of issue 4: logistic
// regression on lower-cased unigrams and bigrams (token = 2+ word characters,
// as scikit-learn's CountVectorizer, raw counts), L2 regularisation with
// C = 1, unpenalised intercept, threshold 0.5.
type Baseline struct {
	vocab map[string]int
	w     []float64
}

// Example is one labelled training sentence.
type Example struct {
	Text  string
	Label bool
}

func baselineTokens(s string) []string {
	s = strings.ToLower(s)
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			t := s[start:end]
			if n := len([]rune(t)); n >= 2 {
				out = append(out, t)
			}
			start = -1
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || unicode.Is(unicode.Mn, r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(s))
	n := len(out)
	for i := 1; i < n; i++ {
		out = append(out, out[i-1]+" "+out[i])
	}
	return out
}

// TrainBaseline fits the baseline on examples.
func TrainBaseline(ex []Example) *Baseline {
	b := &Baseline{vocab: map[string]int{}}
	var keys []string
	seen := map[string]bool{}
	for _, e := range ex {
		for _, t := range baselineTokens(e.Text) {
			if !seen[t] {
				seen[t] = true
				keys = append(keys, t)
			}
		}
	}
	slices.Sort(keys)
	for i, k := range keys {
		b.vocab[k] = i
	}
	xs := make([]sparse, len(ex))
	for i, e := range ex {
		xs[i] = b.vector(e.Text)
		if e.Label {
			xs[i].y = 1
		}
	}
	b.w = fitLogistic(xs, len(keys), 1, 500)
	return b
}

func (b *Baseline) vector(s string) sparse {
	c := map[int]float64{}
	for _, t := range baselineTokens(s) {
		if j, ok := b.vocab[t]; ok {
			c[j]++
		}
	}
	idx := make([]int, 0, len(c))
	for j := range c {
		idx = append(idx, j)
	}
	slices.Sort(idx)
	val := make([]float64, len(idx))
	for k, j := range idx {
		val[k] = c[j]
	}
	return sparse{idx: idx, val: val}
}

// Score returns the baseline's probability that s is check-worthy.
func (b *Baseline) Score(s string) float64 {
	x := b.vector(s)
	z := b.w[len(b.w)-1]
	for k, j := range x.idx {
		z += b.w[j] * x.val[k]
	}
	return 1 / (1 + math.Exp(-z))
}
