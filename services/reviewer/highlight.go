package reviewer

import (
	"slices"
	"strings"

	"vigie/claims"
	"vigie/claims/text"
)

// span is a piece of a text as the judgement view shows it: plain, a word
// both texts share (Shared), or a figure, date or person that differs
// between them (Differs, with its Kind).
type span struct {
	Text    string
	Shared  bool
	Differs bool
	Kind    string
}

// marked cuts s into spans: the words whose folded form is one of shared
// are marked shared, the surface forms of differs (found with
// text.Mentions, else literally) are marked as differing, which wins.
func marked(s, lang string, shared []string, differs []claims.Disagreement, side func(claims.Disagreement) string) []span {
	if s == "" {
		return nil
	}
	const (
		plain = iota
		sharedWord
		differing
	)
	class := make([]int, len(s))
	kinds := make([]string, len(s))
	set := map[string]bool{}
	for _, w := range shared {
		set[text.Fold(w)] = true
	}
	for _, tok := range text.Tokenize(s) {
		if set[tok.Text] {
			for i := tok.Start; i < tok.End; i++ {
				class[i] = sharedWord
			}
		}
	}
	var ms []text.Mention
	if len(differs) > 0 {
		ms = text.Mentions(s, lang)
	}
	for _, d := range differs {
		surface := strings.TrimSpace(side(d))
		if surface == "" {
			continue
		}
		start, end := -1, -1
		for _, m := range ms {
			if m.Kind == d.Kind && m.Surface(s) == surface {
				start, end = m.Start, m.End
				break
			}
		}
		if start < 0 {
			if i := strings.Index(s, surface); i >= 0 {
				start, end = i, i+len(surface)
			}
		}
		for i := max(start, 0); i < end; i++ {
			class[i], kinds[i] = differing, string(d.Kind)
		}
	}
	var out []span
	for i := 0; i < len(s); {
		j := i + 1
		for j < len(s) && class[j] == class[i] && kinds[j] == kinds[i] {
			j++
		}
		out = append(out, span{Text: s[i:j], Shared: class[i] == sharedWord, Differs: class[i] == differing, Kind: kinds[i]})
		i = j
	}
	return out
}

// matchView is one suggested fact-check beside the claim's sentence.
type matchView struct {
	claims.Match
	// Sentence and FactCheck are the two texts, marked.
	Sentence, FactCheck []span
	// Note is the judgement's note, when judged.
	Note string
	// ForCluster: the judgement was made for the claim's cluster.
	ForCluster bool
}

// matchViews builds the side-by-side views of the claim's matches.
func matchViews(c ClaimResponse) []matchView {
	out := make([]matchView, 0, len(c.Claim.Matches))
	for _, m := range c.Claim.Matches {
		fcText := m.Text
		if fcText == "" {
			fcText = m.Title
		}
		shared := append(slices.Clone(m.SharedTerms), m.SharedNumbers...)
		v := matchView{Match: m,
			Sentence:  marked(c.Claim.Text, c.Claim.Language, shared, m.Disagreements, func(d claims.Disagreement) string { return d.Claim }),
			FactCheck: marked(fcText, "", shared, m.Disagreements, func(d claims.Disagreement) string { return d.FactCheck }),
		}
		if j, ok := c.Review.Judged(m.FactCheckID); ok {
			v.Note, v.ForCluster = j.Note, j.ClusterID != ""
		}
		out = append(out, v)
	}
	return out
}

// formerMatch is a judged pair the claim's latest analysis no longer
// suggests, with the fact-check's text as it was judged.
type formerMatch struct {
	claims.JudgedMatch
	Text string
}

// formerMatches are the judged pairs the claim's latest analysis no longer
// suggests (a rejected pair after a re-match): kept in sight, marked. texts
// gives a fact-check's text as judged ("" when unknown).
func formerMatches(c ClaimResponse, texts map[string]string) []formerMatch {
	var out []formerMatch
	for _, j := range c.Review.Judgements {
		if _, ok := matchOf(c.Claim, j.FactCheckID); !ok {
			out = append(out, formerMatch{JudgedMatch: j, Text: texts[j.FactCheckID]})
		}
	}
	return out
}
