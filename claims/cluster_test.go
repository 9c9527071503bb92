package claims

import (
	"fmt"
	"testing"
)

// TestClustererRewordedHoax: one false claim reworded by three outlets forms
// one cluster; an article giving another amount, and an unrelated claim, do
// not join it.
func TestClustererRewordedHoax(t *testing.T) {
	tests := []struct {
		lang      string
		outlets   []string // the same hoax, reworded
		amount    string   // same words, another amount
		other     string
		factcheck FactCheck
	}{
		{
			lang: "fr",
			outlets: []string{
				"L'allocation de rentrée scolaire passera à 1 000 € par enfant dès septembre, annonce un message viral.",
				"Selon une publication partagée des milliers de fois, la CAF versera 1 000 € d'allocation de rentrée scolaire par enfant.",
				"Allocation de rentrée scolaire : 1000 euros par enfant versés par la CAF en septembre, affirme une rumeur.",
			},
			amount: "L'allocation de rentrée scolaire versée par la CAF en septembre s'élève à 632 € par enfant.",
			other:  "Le maire a inauguré la nouvelle médiathèque du quartier nord samedi matin.",
		},
		{
			lang: "pt",
			outlets: []string{
				"Mensagem viral diz que a prefeitura vai pagar mil reais de auxílio escolar por criança matriculada.",
				"A prefeitura pagará um auxílio escolar de R$ 1.000 para cada criança matriculada, afirma publicação nas redes.",
				"Auxílio escolar de R$ 1 mil por criança matriculada será pago pela prefeitura, segundo boato.",
			},
			amount: "O auxílio escolar pago pela prefeitura é de R$ 632 por criança matriculada.",
			other:  "A vacinação contra a gripe começa na segunda-feira em todos os postos de saúde.",
		},
		{
			lang: "en",
			outlets: []string{
				"A viral post claims the council will pay families a €1,000 back-to-school grant for every child.",
				"Families will receive €1,000 per child from the council's back-to-school grant, according to a widely shared message.",
				"Council back-to-school grant: €1000 for each child, says a post shared thousands of times.",
			},
			amount: "The council's back-to-school grant pays families €632 for each child.",
			other:  "The library on Main Street will close for renovation until the end of March.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			c := NewClusterer(testStore(), 0, 0)
			var first string
			for i, s := range tt.outlets {
				id := c.Assign(fmt.Sprintf("%s-%d", tt.lang, i), c.Sketch(s, tt.lang))
				if i == 0 {
					first = id
				} else if id != first {
					same, sim := c.SameClaim(Claim{Text: tt.outlets[0], Language: tt.lang}, Claim{Text: s, Language: tt.lang})
					t.Errorf("outlet %d in cluster %s, want %s (same %v, similarity %.3f)", i, id, first, same, sim)
				}
			}
			if id := c.Assign("amount", c.Sketch(tt.amount, tt.lang)); id == first {
				t.Errorf("an article giving another amount joined the hoax's cluster")
			}
			if id := c.Assign("other", c.Sketch(tt.other, tt.lang)); id == first {
				t.Errorf("an unrelated claim joined the hoax's cluster")
			}
			same, sim := c.SameClaim(Claim{Text: tt.outlets[0], Language: tt.lang}, Claim{Text: tt.amount, Language: tt.lang})
			if same || sim != 0 {
				t.Errorf("SameClaim with another amount = %v, %.3f: want false, 0", same, sim)
			}
		})
	}
}

func TestClustererWindow(t *testing.T) {
	c := NewClusterer(nil, 0, 4)
	s := "Drinking hot water every fifteen minutes kills the virus."
	first := c.Assign("a", c.Sketch(s, "en"))
	for i := 0; i < 10; i++ {
		c.Assign(fmt.Sprint("filler", i), c.Sketch(fmt.Sprintf("Unrelated sentence number %d about topic %c%c.", i, 'a'+i, 'k'+i), "en"))
	}
	if id := c.Assign("b", c.Sketch(s, "en")); id == first {
		t.Errorf("a claim older than the window still gathers repeats")
	}
	if got := c.Assign("c", c.Sketch(s, "en")); got != "b" {
		t.Errorf("repeat within the window: cluster %q, want b", got)
	}
}
