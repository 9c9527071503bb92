package match

import (
	"testing"

	"vigie/claims/text"
)

func TestDisagreements(t *testing.T) {
	tests := []struct {
		name, lang, q, doc string
		want               []Disagreement
	}{
		{"amount", "fr", "L'allocation s'élève à 632 € par enfant.", "L'allocation passe à 1 000 € par enfant.",
			[]Disagreement{{Kind: text.MentionAmount, Query: "632 €", Doc: "1 000 €", Central: true}}},
		{"same amount written differently", "fr", "L'allocation passe à 1000 euros.", "L'allocation passe à 1 000 €.", nil},
		{"amount omitted", "en", "The grant will be paid to every family.", "The grant of €1,000 will be paid to every family.", nil},
		{"amount against its bare figure", "en", "The grant is €632 per child.", "The grant is 632 per child.", nil},
		{"different dimensions", "en", "He was jailed for 5 years.", "He paid a $12,000 fine.", nil},
		{"one of many figures", "en", "In 2020, 12 people, 15 dogs and 30 cats died.", "In 2020, 40 cats died.",
			[]Disagreement{{Kind: text.MentionNumber, Query: "12", Doc: "40", Central: false}}},
		{"date", "en", "The law passed in March 2019.", "The law passed in 2016.",
			[]Disagreement{{Kind: text.MentionDate, Query: "March 2019", Doc: "2016", Central: true}}},
		{"person", "en", "Joe Biden said the wall is useless.", "Donald Trump said the wall is useless.",
			[]Disagreement{{Kind: text.MentionPerson, Query: "Joe Biden", Doc: "Donald Trump", Central: true}}},
		{"person named by family name", "en", "Joe Biden said the wall is useless.", "President Biden said the wall is useless.", nil},
		{"person also named on the other side", "en", "Joe Biden said Trump lied.", "Donald Trump lied about the wall.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Doc{ID: "d", Text: tt.doc, Language: tt.lang}
			dp := prepareDoc(d, false)
			qp := prepareQuery(tt.q, tt.lang, false)
			got := disagreements(qp.text, qp.mentions, qp.entities, d, dp.mentions, dp.entities)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("got %+v, want %+v", got[i], tt.want[i])
				}
			}
		})
	}
}

// TestCapDecisive: the cap applies to a result whose central figure differs,
// and the signature of an embedded tweet names no person of the claim.
func TestCapDecisive(t *testing.T) {
	x := NewIndex()
	x.Add(Doc{ID: "a", Text: "The council's back-to-school grant pays families €1,000 for each child.", Language: "en"},
		Doc{ID: "b", Text: "Donald Trump says the wall will be paid by Mexico.", Language: "en"})
	q := "The council's back-to-school grant pays families €632 for each child."
	raw := x.Search(q, Options{Lang: "en", Limit: 1})
	capped := x.Search(q, Options{Lang: "en", Limit: 1, CapDecisive: 0.5})
	if len(raw) == 0 || len(capped) == 0 || raw[0].ID != "a" || raw[0].Score <= 0.5 || capped[0].Score != 0.5 {
		t.Fatalf("raw %+v capped %+v", raw, capped)
	}
	tweet := "The wall will be paid by Mexico, says Donald Trump. — Jane Smith (@jsmith) May 1, 2019"
	for _, r := range x.Search(tweet, Options{Lang: "en", Clean: true, Limit: 2}) {
		if r.ID == "b" && len(r.Disagreements) > 0 {
			t.Errorf("the tweet's author is read as a person of the claim: %+v", r.Disagreements)
		}
	}
}
