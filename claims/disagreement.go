package claims

import (
	"strings"

	"vigie/claims/match"
	"vigie/claims/text"
)

// Disagreement is a figure, date or named person that a claim and a
// fact-check both name with no value in common ("632 €" against "1 000 €"),
// as opposed to one of them merely not saying it. The UI highlights Claim in
// the claim's sentence and FactCheck in the fact-check's text or title.
type Disagreement struct {
	// Kind is what differs: text.MentionNumber, MentionAmount,
	// MentionPercent, MentionDate or MentionPerson ("number", "amount",
	// "percent", "date", "person").
	Kind text.MentionKind `json:"kind"`
	// Claim and FactCheck are the surface forms, as written in the claim's
	// sentence and in the fact-check (its text, else its title).
	Claim     string `json:"claim"`
	FactCheck string `json:"factcheck"`
	// Central is set when the kind has at most two mentions in each text:
	// the figure is what both are about, not one of a list.
	Central bool `json:"central,omitempty"`
}

// Decisive reports a disagreement on a figure (number, amount, percentage)
// central to both texts. A match with a decisive disagreement is never
// automatic, never flags its claim on its own, and its score is capped at the
// suggest threshold: a person has to say whether it is the same claim.
func (d Disagreement) Decisive() bool { return d.Central && d.Kind.Figure() }

// Decisive reports whether any of the match's disagreements is decisive.
func (m Match) Decisive() bool {
	for _, d := range m.Disagreements {
		if d.Decisive() {
			return true
		}
	}
	return false
}

// disagreementsOf converts the matcher's disagreements for sentence, the
// claim's text before cleaning: a surface form that cleaning changed
// (spaces collapsed) is looked up again in the sentence.
func disagreementsOf(ds []match.Disagreement, sentence, lang string) []Disagreement {
	if len(ds) == 0 {
		return nil
	}
	var ms []text.Mention
	out := make([]Disagreement, len(ds))
	for i, d := range ds {
		out[i] = Disagreement{Kind: d.Kind, Claim: d.Query, FactCheck: d.Doc, Central: d.Central}
		if strings.Contains(sentence, d.Query) {
			continue
		}
		if ms == nil {
			ms = text.Mentions(sentence, lang)
		}
		for _, qm := range text.Mentions(d.Query, lang) {
			for _, m := range ms {
				if m.Kind == qm.Kind && m.SameAs(qm) {
					out[i].Claim = m.Surface(sentence)
					break
				}
			}
			break
		}
	}
	return out
}
