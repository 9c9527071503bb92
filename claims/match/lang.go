package match

import "vigie/claims/text"

// detectLang detects the query language, English when undecided (the
// collection we evaluate on is English; callers that know better pass Lang).
func detectLang(q string) string {
	if l := text.Detect(q); l != "" {
		return l
	}
	return "en"
}
