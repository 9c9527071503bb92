package text

import (
	"fmt"
	"strings"
	"testing"
)

// show renders mentions compactly: kind:surface=value-or-date-or-name.
func show(s string, ms []Mention) string {
	var parts []string
	for _, m := range ms {
		v := ""
		switch {
		case m.Kind.Figure():
			v = fmt.Sprintf("%g%s", m.Value, m.Unit)
		case m.Kind == MentionDate:
			v = fmt.Sprintf("%d-%d-%d", m.Year, m.Month, m.Day)
		default:
			v = m.Name
		}
		parts = append(parts, fmt.Sprintf("%s:%s=%s", m.Kind, m.Surface(s), v))
	}
	return strings.Join(parts, " | ")
}

func TestMentions(t *testing.T) {
	tests := []struct {
		name, lang, in, want string
	}{
		{"fr amount with grouped digits", "fr", "La prime passe à 1 000 € par enfant.", "amount:1 000 €=1000EUR"},
		{"fr no-break space and euros", "fr", "Elle s'élève à 632\u00a0euros.", "amount:632\u00a0euros=632EUR"},
		{"fr millions d'euros", "fr", "2,5 millions d'euros ont été dépensés.", "amount:2,5 millions d'euros=2.5e+06EUR"},
		{"pt reais prefix", "pt", "O auxílio é de R$ 632 por criança.", "amount:R$ 632=632BRL"},
		{"pt mil reais", "pt", "O governo vai pagar mil reais.", "amount:mil reais=1000BRL"},
		{"pt R$ 1,5 bilhão", "pt", "Foram gastos R$ 1,5 bilhão.", "amount:R$ 1,5 bilhão=1.5e+09BRL"},
		{"pt dois milhões", "pt", "Ganhou dois milhões de reais.", "amount:dois milhões de reais=2e+06BRL"},
		{"en dollars", "en", "It cost $1,000 per child.", "amount:$1,000=1000USD"},
		{"en mil is a million", "en", "the $33 mil bond", "amount:$33 mil=3.3e+07USD"},
		{"en bn glued", "en", "a €1.2bn deficit", "amount:€1.2bn=1.2e+09EUR"},
		{"en 25K", "en", "a poll of 25K people", "number:25K=25000"},
		{"sv mkr", "sv", "Kommunen satsade 1,5 mkr.", "amount:1,5 mkr=1.5e+06SEK"},
		{"sv kronor", "sv", "200 000 kronor", "amount:200 000 kronor=200000SEK"},
		{"percent sign", "en", "Unemployment fell to 7% last year.", "percent:7%=7%"},
		{"per cent words", "en", "70 per cent of them", "percent:70 per cent=70%"},
		{"por cento", "pt", "caiu 12 por cento", "percent:12 por cento=12%"},
		{"duration", "en", "renting for 10 years", "amount:10 years=10year"},
		{"plain number", "en", "The city planted 10,000 trees.", "number:10,000=10000"},
		{"year", "en", "in 2021 the city", "date:2021=2021-0-0"},
		{"en long date", "en", "on March 12, 2021 he said", "date:March 12, 2021=2021-3-12"},
		{"fr date", "fr", "Le 3 mars 2020, il a dit", "date:3 mars 2020=2020-3-3"},
		{"pt date", "pt", "Em 12 de março de 2021 ele disse", "date:12 de março de 2021=2021-3-12"},
		{"month and year", "en", "enacted prior to April 2018", "date:April 2018=2018-4-0"},
		{"numeric date", "fr", "le 12/03/2021", "date:12/03/2021=2021-3-12"},
		{"iso date", "en", "on 2021-03-12", "date:2021-03-12=2021-3-12"},
		{"not figures", "en", "COVID-19 and MS-13 at 10:30, thread 1/2, #1 and 5G", ""},
		{"currency prefix of the next figure", "en", "In 2020 $5 million was spent.", "date:2020=2020-0-0 | amount:$5 million=5e+06USD"},
		{"person", "en", "Donald J. Trump met Marine Le Pen.", "person:Donald J. Trump=trump | person:Marine Le Pen=pen"},
		{"person after title", "fr", "M. Dupont a rencontré le président Macron.", "person:Dupont=dupont | person:Macron=macron"},
		{"pt title", "pt", "o presidente Lula disse", "person:Lula=lula"},
		{"hyphenated name", "fr", "Jean-Luc Mélenchon a parlé.", "person:Jean-Luc Mélenchon=melenchon"},
		{"institution ends a name", "en", "at George Washington University", "person:George Washington=washington"},
		{"given name alone", "en", "Hillary said so.", ""},
		{"title case headline", "en", "Donald Trump Says The Election Was Rigged", ""},
		{"capitals", "en", "DONALD TRUMP SAYS IT WAS RIGGED", ""},
		{"empty", "en", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := show(tt.in, Mentions(tt.in, tt.lang)); got != tt.want {
				t.Errorf("Mentions(%q)\n got  %s\n want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestMentionSameAs(t *testing.T) {
	m := func(s, lang string) Mention {
		t.Helper()
		ms := Mentions(s, lang)
		if len(ms) != 1 {
			t.Fatalf("Mentions(%q) = %v", s, ms)
		}
		return ms[0]
	}
	tests := []struct {
		a, b string
		want bool
	}{
		{"1 000 €", "1,000 euros", true},
		{"mil reais", "R$ 1.000", true},
		{"1.2 million dollars", "$1,234,567", true},
		{"79%", "80 percent", true}, // rounded
		{"632 €", "1 000 €", false},
		{"$80", "$85", false},
		{"632 €", "632", true}, // unit omitted
		{"632 €", "632 %", false},
		{"1000 €", "1000 dollars", false},
		{"March 2020", "12 March 2020", true},
		{"March 2020", "2019", false},
		{"Joe Biden", "President Biden", true},
		{"Joe Biden", "Donald Trump", false},
	}
	for _, tt := range tests {
		lang := "en"
		if strings.Contains(tt.a, "reais") {
			lang = "pt"
		}
		if got := m(tt.a, lang).SameAs(m(tt.b, lang)); got != tt.want {
			t.Errorf("%q SameAs %q = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func BenchmarkMentions(b *testing.B) {
	s := "The mayor, Anne Hidalgo, said on 12 March 2021 that the city planted 10,000 trees for €1.2 million, 7 % more than in 2020."
	for b.Loop() {
		_ = Mentions(s, "en")
	}
}
