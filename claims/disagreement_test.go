package claims

import (
	"strings"
	"testing"

	"vigie/claims/match"
	"vigie/claims/text"
)

// TestFigureDisagreement is the motivating case: an article gives the true
// figure (632 €) of a benefit that a debunked hoax put at 1 000 €. The
// sentence matches the fact-check on every word but the amount: the match is
// shown with the differing amounts, is not automatic, does not flag the
// claim, and is not shown at the score the words alone would give.
func TestFigureDisagreement(t *testing.T) {
	tests := []struct {
		lang, sentence, claimFig, fcFig string
		fc                              FactCheck
	}{
		{
			lang:     "fr",
			sentence: "Versée par la CAF à la fin du mois d'août, l'allocation de rentrée scolaire s'élève cette année à 632 € par enfant.",
			claimFig: "632 €", fcFig: "1 000 €",
			fc: FactCheck{ID: "fr-ars", Language: "fr", Rating: RatingFalse,
				Text:  "L'allocation de rentrée scolaire versée par la CAF s'élève cette année à 1 000 € par enfant.",
				Title: "Non, l'allocation de rentrée scolaire ne passe pas à 1 000 euros par enfant"},
		},
		{
			lang:     "pt",
			sentence: "Segundo a secretaria de Educação, o auxílio escolar pago pela prefeitura às famílias é de R$ 632 por criança matriculada.",
			claimFig: "R$ 632", fcFig: "mil reais",
			fc: FactCheck{ID: "pt-aux", Language: "pt", Rating: RatingFalse,
				Text:  "A prefeitura vai pagar às famílias um auxílio escolar de mil reais por criança matriculada.",
				Title: "É falso que a prefeitura pague mil reais de auxílio escolar por criança"},
		},
		{
			lang:     "en",
			sentence: "The council confirmed on Monday that its back-to-school grant for families is €632 for each child in primary school.",
			claimFig: "€632", fcFig: "€1,000",
			fc: FactCheck{ID: "en-grant", Language: "en", Rating: RatingFalse,
				Text:  "The council's back-to-school grant pays families €1,000 for each child in primary school.",
				Title: "No, the back-to-school grant is not €1,000 per child"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			s := NewStore()
			s.Add(tt.fc, FactCheck{ID: "other", Language: tt.lang, Rating: RatingFalse, Text: "5G towers spread the coronavirus."})
			e := NewEngine(s, DefaultConfig())
			c := e.AnalyzeSentence("item", 0, tt.sentence, tt.lang)
			// the words alone: the re-ranker's score without the rule
			raw := s.Index().Search(match.Clean(tt.sentence), match.Options{Lang: tt.lang, Model: &e.matcher, Limit: 1})
			t.Logf("raw score %.3f", raw[0].Score)
			if len(raw) == 0 || raw[0].ID != tt.fc.ID || raw[0].Score < e.cfg.AutoThreshold {
				t.Fatalf("without the rule the pair should score above auto (the issue's 96 %%): %+v", raw)
			}
			if len(c.Matches) != 1 || c.Matches[0].FactCheckID != tt.fc.ID {
				t.Fatalf("matches %+v: want the fact-check shown for a person to judge", c.Matches)
			}
			m := c.Matches[0]
			if m.Auto || c.Flagged || !m.Decisive() {
				t.Errorf("auto=%v flagged=%v decisive=%v: want a suggestion only", m.Auto, c.Flagged, m.Decisive())
			}
			if m.Score > e.cfg.SuggestThreshold {
				t.Errorf("score %.2f shown above the suggest threshold %.2f (raw %.2f)", m.Score, e.cfg.SuggestThreshold, raw[0].Score)
			}
			want := Disagreement{Kind: text.MentionAmount, Claim: tt.claimFig, FactCheck: tt.fcFig, Central: true}
			if len(m.Disagreements) != 1 || m.Disagreements[0] != want {
				t.Errorf("disagreements %+v, want [%+v]", m.Disagreements, want)
			}
			if !strings.Contains(m.Explanation, "amount differs") || !strings.Contains(m.Explanation, tt.claimFig) {
				t.Errorf("explanation %q does not name the differing amounts", m.Explanation)
			}
			if len(m.SharedTerms) == 0 {
				t.Errorf("no shared terms")
			}
		})
	}
}

// TestFigureAgreement: the same figure written differently, or a figure the
// fact-check does not give, is no disagreement; the repeat stays automatic
// and flagged.
func TestFigureAgreement(t *testing.T) {
	tests := []struct{ name, lang, sentence, fc string }{
		{"fr written differently", "fr", "L'allocation de rentrée scolaire passe à 1000 euros par enfant cette année, selon un message viral.",
			"L'allocation de rentrée scolaire passe à 1 000 € par enfant cette année."},
		{"pt in words", "pt", "Uma mensagem diz que o auxílio escolar da prefeitura passa a ser de R$ 1.000 por criança este ano.",
			"O auxílio escolar da prefeitura passa a ser de mil reais por criança este ano."},
		{"en omitted", "en", "A viral post says the council's back-to-school grant will be paid to every family this year.",
			"The council's back-to-school grant of €1,000 will be paid to every family this year."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStore()
			s.Add(FactCheck{ID: "fc", Language: tt.lang, Rating: RatingFalse, Text: tt.fc})
			e := NewEngine(s, DefaultConfig())
			c := e.AnalyzeSentence("item", 0, tt.sentence, tt.lang)
			if len(c.Matches) != 1 {
				t.Fatalf("matches %+v", c.Matches)
			}
			m := c.Matches[0]
			if len(m.Disagreements) != 0 || m.Decisive() || !c.Flagged {
				t.Errorf("disagreements %+v flagged %v score %.2f", m.Disagreements, c.Flagged, m.Score)
			}
		})
	}
}
