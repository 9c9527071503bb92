package eval

import "vigie/claims/text"

// langOf returns lang, or the detected language of s when lang is "".
func langOf(lang, s string) string {
	if lang != "" {
		return lang
	}
	return text.Detect(s)
}

// DominantLanguage returns the language detected for at least half of the
// sentences, or "und" (undetermined: language-independent processing) when
// none is.
func DominantLanguage(ss []Sentence) string {
	count := map[string]int{}
	for _, s := range ss {
		count[text.Detect(s.Text)]++
	}
	for _, l := range text.Languages { // fixed order
		if 2*count[l] >= len(ss) && len(ss) > 0 {
			return l
		}
	}
	return "und"
}
