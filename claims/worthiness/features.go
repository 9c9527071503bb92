package worthiness

import (
	"math"
	"strings"
	"unicode"

	"vigie/claims/text"
)

// FeatureNames names the interpretable features, in the order of
// Model.FeatureWeights.
var FeatureNames = []string{
	"number",       // a number appears
	"percent",      // a percentage ("%", "percent", "por cento"…)
	"quantity",     // quantity words (million, half, rate, cases…), capped at 3, /3
	"comparative",  // comparatives and superlatives (more, most, record, -est…)
	"entity",       // capitalised words not at the start (named-entity-like spans), capped at 3, /3
	"attribution",  // attribution and claim verbs (said, according to, study…)
	"time",         // time expressions (years, month names, since, ago…)
	"prediction",   // predictions (will, expected, next…)
	"causal",       // causal claims (because, caused, cures…)
	"negation",     // negation
	"question",     // the sentence is a question
	"first_person", // first-person experience (I, my, we…)
	"opinion",      // opinion and wishes (think, should, hope…)
	"greeting",     // thanks, greetings, congratulations
	"length",       // log length in words, saturating at 40 words
	"short",        // fewer than 6 words
	"link",         // contains a URL
	"exclamation",  // ends with '!'
}

// Features returns the interpretable feature values of a sentence (in
// FeatureNames order) and its folded tokens.
func Features(sentence, lang string) ([]float64, []text.Token) {
	f := make([]float64, len(FeatureNames))
	toks := text.Tokenize(sentence)
	c := cueIndex[baseLang(lang)]
	var quantity, entity int
	low := strings.ToLower(sentence)
	if strings.Contains(sentence, "%") || strings.Contains(sentence, "٪") {
		f[1] = 1
	}
	if strings.Contains(low, "http://") || strings.Contains(low, "https://") || strings.Contains(low, "www.") {
		f[16] = 1
	}
	words := 0
	for i, t := range toks {
		if t.Number {
			f[0] = 1
			continue
		}
		words++
		if i > 0 {
			r := firstRune(sentence[t.Start:t.End])
			if unicode.IsUpper(r) && t.End-t.Start > 1 {
				entity++
			}
		}
		if c == nil {
			continue
		}
		w := t.Text
		hit := func(m map[string]bool) bool {
			if m[w] {
				return true
			}
			if baseLang(lang) == "ar" {
				return m[stripArabicPrefix(w)]
			}
			return false
		}
		switch {
		case hit(c.attribution):
			f[5] = 1
		case hit(c.comparative):
			f[3] = 1
		case hit(c.prediction):
			f[7] = 1
		case hit(c.time):
			f[6] = 1
		case hit(c.quantity):
			quantity++
			if w == "percent" || w == "procent" || w == "cento" || w == "ciento" || w == "cent" {
				f[1] = 1
			}
		case hit(c.causal):
			f[8] = 1
		case hit(c.firstPerson):
			f[11] = 1
		case hit(c.opinion):
			f[12] = 1
		case hit(c.greeting):
			f[13] = 1
		case hit(c.negation):
			f[9] = 1
		}
		for _, suf := range c.superlSuffix {
			if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
				f[3] = 1
			}
		}
	}
	f[2] = math.Min(float64(quantity), 3) / 3
	f[4] = math.Min(float64(entity), 3) / 3
	trim := strings.TrimSpace(sentence)
	if strings.HasSuffix(trim, "?") || strings.HasSuffix(trim, "؟") {
		f[10] = 1
	}
	if strings.HasSuffix(trim, "!") {
		f[17] = 1
	}
	f[14] = math.Min(math.Log1p(float64(words))/math.Log1p(40), 1)
	if words < 6 {
		f[15] = 1
	}
	return f, toks
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func stripArabicPrefix(w string) string {
	for _, p := range []string{"وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ل"} {
		if strings.HasPrefix(w, p) && len(w)-len(p) >= 4 {
			return w[len(p):]
		}
	}
	return w
}

func baseLang(l string) string {
	l = strings.ToLower(l)
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	return l
}
