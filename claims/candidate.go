package claims

import (
	"strings"

	"vigie/claims/text"
	"vigie/claims/worthiness"
)

// Bounds of a sentence that could be a claim (see CouldBeClaim).
const (
	// MinClaimWords is the fewest words of a claim: "Vaccines cause autism."
	MinClaimWords = 3
	// MaxClaimWords is the most: past it, the "sentence" is a list, a
	// table or text without punctuation, not one statement.
	MaxClaimWords = 80
)

// CouldBeClaim reports whether a sentence could state a claim, whatever its
// check-worthiness: a declarative sentence (not a question) of MinClaimWords
// to MaxClaimWords words, at least two of them content words (figures, or
// words of three letters or more that are neither stop words of lang nor
// greetings). Greetings ("Hello everyone.", "Bonjour à tous."), questions,
// single words and run-on lists are not claims; "As vacinas causam autismo."
// is one. It is cheap: one tokenisation, no model.
func CouldBeClaim(sentence, lang string) bool {
	s := strings.TrimSpace(sentence)
	if s == "" || strings.HasSuffix(strings.TrimRight(s, `"'»”’) `), "?") || strings.HasSuffix(s, "؟") {
		return false
	}
	a := text.AnalyzerFor(lang)
	words, content := 0, 0
	for _, t := range text.Tokenize(s) {
		if t.Number {
			content++
			continue
		}
		words++
		if words > MaxClaimWords {
			return false
		}
		if len([]rune(t.Text)) >= 3 && !a.IsStop(t.Text) && !worthiness.Greeting(t.Text, lang) {
			content++
		}
	}
	return words >= MinClaimWords && content >= 2
}
