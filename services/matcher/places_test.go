package matcher

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"vigie/claims"
	"vigie/claims/locality"
)

// TestItemsAreAboutThePlacesTheyName: real-ish items of a Porto paper (its
// source locality PT-1312) get the localities of what they are about, not
// their source's unconditionally; an ambiguous name is reported (logged),
// never guessed.
func TestItemsAreAboutThePlacesTheyName(t *testing.T) {
	t.Parallel()
	locs, err := locality.ShippedLocalities("pt", "fr")
	if err != nil {
		t.Fatal(err)
	}
	g, err := locality.NewGazetteer(locs)
	if err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.InfoLevel)
	s := &Service{opts: Options{Places: locality.NewMatcher(g, locality.Options{})}, log: zap.New(core)}
	porto := []string{"PT-1312"}
	for _, tt := range []struct {
		name, title, text string
		want              string
	}{
		{"a local story naming the city", "Câmara do Porto aprova novo orçamento",
			"A Câmara Municipal do Porto aprovou ontem o orçamento para 2027, com mais verbas para a habitação.", "PT-1312"},
		{"a local story naming no place", "Obras na rua fecham escola",
			"As obras na rua da escola primária obrigaram ao encerramento das aulas durante dois dias.", "PT-1312"},
		{"a US election story", "Eleições nos Estados Unidos: Washington em suspenso",
			"Os eleitores norte-americanos votam hoje; a Casa Branca aguarda os resultados dos estados decisivos.", ""},
		{"an iPhone recall abroad", "Apple recolhe iPhones na Califórnia e na China",
			"A Apple anunciou a recolha de milhares de telemóveis vendidos nos EUA e na China por risco de sobreaquecimento.", ""},
		{"a story on another Portuguese city", "Lisboa gasta 12 milhões em ciclovias",
			"A Câmara de Lisboa vai gastar 12 milhões de euros em novas ciclovias em 2027.", "PT-1106"},
		{"Porto and Paris", "Porto e Paris assinam geminação",
			"Os presidentes das câmaras do Porto e de Paris assinaram em Paris um acordo de geminação.", "FR-75056,PT-1312"},
	} {
		got := strings.Join(s.localities(claims.Item{ID: tt.name, Title: tt.title, Text: tt.text, Localities: porto}), ",")
		if got != tt.want {
			t.Errorf("%s: localities %q, want %q", tt.name, got, tt.want)
		}
	}

	// Ambiguity: two localities share a name and nothing settles it.
	amb, err := locality.NewGazetteer([]locality.Locality{{Code: "FR-26362", Name: "Valence", Region: "Drôme"},
		{Code: "FR-82186", Name: "Valence", Region: "Tarn-et-Garonne"}})
	if err != nil {
		t.Fatal(err)
	}
	s.opts.Places = locality.NewMatcher(amb, locality.Options{})
	got := s.localities(claims.Item{ID: "amb", Title: "Un incendie à Valence", Text: "Les pompiers sont intervenus.", Localities: []string{"FR-75056"}})
	if strings.Join(got, ",") != "FR-75056" {
		t.Errorf("ambiguous item: localities %v, want the source's (nothing decided)", got)
	}
	entries := logs.FilterField(zap.String("item_id", "amb")).All()
	if len(entries) != 1 {
		t.Fatalf("the ambiguity was not reported: %v", entries)
	}
	if a, _ := entries[0].ContextMap()["ambiguous"].([]interface{}); len(a) != 1 || !strings.Contains(a[0].(string), "Valence (FR-26362|FR-82186)") {
		t.Errorf("ambiguous names reported: %v", entries[0].ContextMap()["ambiguous"])
	}
}

// TestPortoPaperItems: items of the Porto paper's real feed (demo's
// jn-porto.rss, as the demo's Porto source reads them): those about
// elsewhere are no Porto story.
func TestPortoPaperItems(t *testing.T) {
	t.Parallel()
	s := &Service{log: zap.NewNop()}
	porto := []string{"PT-1312"}
	for title, want := range map[string]string{
		"Apple disponível para trocar a bateria dos iPhone 6 e superiores. Foi numa resposta ao blogue \"MacRumors\" que a empresa de tecnologia californiana confirmou que vai trocar a bateria de todos os iPhone 6": "",
		"Trump declara estado de desastre na Califórnia devido aos incêndios. O Presidente dos Estados Unidos, Donald Trump, declarou":                                                                                 "",
		"Pensava sofrer de doença de Crohn e tinha pacote de ketchup no intestino. Uma mulher inglesa, que pensava que sofria da doença de Crohn":                                                                      "",
		"Portugal pede respeito pelo direito à manifestação no Irão. O Governo português apelou às autoridades iranianas":                                                                                              "",
		"PSP deteve mais de 800 pessoas nas festas de Natal e fim de ano. Mais de 800 pessoas foram detidas, anunciou a PSP.":                                                                                          "PT-1312",
		"Já foram publicadas as novas tabelas de retenção de IRS. O valor de rendimentos isentos de retenção sobe para 632 euros brutos por mês.":                                                                      "PT-1312",
	} {
		if got := strings.Join(s.localities(claims.Item{ID: "jn", Text: title, Localities: porto}), ","); got != want {
			t.Errorf("%.60s…: localities %q, want %q", title, got, want)
		}
	}
}
