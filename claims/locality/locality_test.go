package locality

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// gazetteers holds the localities.csv of each country (provenance in each
// folder's SOURCE.txt).
var gazetteers = filepath.Join("gazetteers")

func loadCSV(t testing.TB, path string) *Gazetteer {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	locs, err := ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	g, err := NewGazetteer(locs)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func miniMatcher(t testing.TB, opts Options) *Matcher {
	t.Helper()
	return NewMatcher(loadCSV(t, filepath.Join("testdata", "mini.csv")), opts)
}

var (
	frOnce    sync.Once
	frMatcher *Matcher
	frErr     error
)

// franceMatcher indexes the whole French list once per test binary.
func franceMatcher(t testing.TB) *Matcher {
	t.Helper()
	frOnce.Do(func() {
		f, err := os.Open(filepath.Join(gazetteers, "fr", "localities.csv"))
		if err != nil {
			frErr = err
			return
		}
		defer f.Close()
		locs, err := ReadCSV(f)
		if err != nil {
			frErr = err
			return
		}
		g, err := NewGazetteer(locs)
		if err != nil {
			frErr = err
			return
		}
		frMatcher = NewMatcher(g, Options{})
	})
	if frErr != nil {
		t.Fatal(frErr)
	}
	return frMatcher
}

func TestValidateCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code string
		ok   bool
	}{
		{"FR-75056", true}, {"PT-1312", true}, {"BR-3550308", true}, {"SE-0180", true}, {"FR-2A004", true},
		{"MA-CS.CB", true}, {"TN-11", true},
		{"fr-75056", false}, {"FR75056", false}, {"FRA-75056", false}, {"FR-", false}, {"-75056", false},
		{"FR-75 056", false}, {"FR-75056-1", false}, {"FR-2a004", false}, {"FR-" + strings.Repeat("1", 17), false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			err := ValidateCode(tt.code)
			if (err == nil) != tt.ok {
				t.Errorf("ValidateCode(%q) = %v, want ok=%v", tt.code, err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidCode) {
				t.Errorf("error %v is not ErrInvalidCode", err)
			}
		})
	}
}

func TestSubjectToken(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"FR-75056": "fr-75056", "MA-CS.CB": "ma-cs_cb", "FR-2A004": "fr-2a004"} {
		if got := SubjectToken(in); got != want {
			t.Errorf("SubjectToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []Locality
		wantErr string
	}{
		{"rows with aliases", "code,name,aliases,region\nSE-0180,Stockholm,Stockholms kommun,Stockholms län\nTN-11,Tunis,gouvernorat de Tunis|تونس|Tunis|,\n",
			[]Locality{{"SE-0180", "Stockholm", []string{"Stockholms kommun"}, "Stockholms län"},
				{"TN-11", "Tunis", []string{"gouvernorat de Tunis", "تونس"}, ""}}, ""},
		{"BOM and CRLF", "\ufeffcode,name,aliases,region\r\nFR-75056,Paris,,Paris\r\n",
			[]Locality{{"FR-75056", "Paris", nil, "Paris"}}, ""},
		{"quoted comma", "code,name,aliases,region\nES-00001,\"Saus, Camallera i Llampaies\",,Girona\n",
			[]Locality{{"ES-00001", "Saus, Camallera i Llampaies", nil, "Girona"}}, ""},
		{"header only", "code,name,aliases,region\n", nil, ""},
		{"empty input", "", nil, "header"},
		{"wrong header", "code,nom,aliases,region\n", nil, "header"},
		{"missing field", "code,name,aliases,region\nFR-75056,Paris,\n", nil, "wrong number of fields"},
		{"bad code", "code,name,aliases,region\n75056,Paris,,Paris\n", nil, "line 2"},
		{"no name", "code,name,aliases,region\nFR-75056, ,,Paris\n", nil, "no name"},
		{"duplicate", "code,name,aliases,region\nFR-75056,Paris,,Paris\nFR-75056,Paris,,Paris\n", nil, "line 3: duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ReadCSV err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, tt.want, func(a, b Locality) bool {
				return a.Code == b.Code && a.Name == b.Name && a.Region == b.Region && slices.Equal(a.Aliases, b.Aliases)
			}) {
				t.Errorf("ReadCSV = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRealGazetteers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		country string
		rows    int
		code    string
		name    string
		alias   string
	}{
		{"fr", 34875, "FR-75056", "Paris", ""},
		{"pt", 308, "PT-1312", "Porto", ""},
		{"br", 5571, "BR-3550308", "São Paulo", "Sampa"},
		{"se", 290, "SE-0180", "Stockholm", "Stockholms kommun"},
		{"es", 8124, "ES-28079", "Madrid", ""},
		{"ma", 82, "MA-CS.CB", "Casablanca", ""},
		{"sn", 58, "SN-DK", "Dakar", ""},
		{"tn", 256, "TN-11", "Tunis", "تونس"},
	}
	for _, tt := range tests {
		t.Run(tt.country, func(t *testing.T) {
			g := loadCSV(t, filepath.Join(gazetteers, tt.country, "localities.csv"))
			if g.Len() != tt.rows {
				t.Errorf("%d localities, want %d", g.Len(), tt.rows)
			}
			l, ok := g.Lookup(tt.code)
			if !ok || l.Name != tt.name || (tt.alias != "" && !slices.Contains(l.Aliases, tt.alias)) {
				t.Errorf("Lookup(%s) = %+v, %v", tt.code, l, ok)
			}
			if l.Country() != strings.ToUpper(tt.country) {
				t.Errorf("Country() = %q", l.Country())
			}
			m := NewMatcher(g, Options{})
			// Every locality is found by its own name.
			for _, l := range g.All() {
				ms := m.Find(l.Name, Source{Localities: []string{l.Code}})
				if len(ms) == 0 || !slices.Contains(ms[0].Candidates, l.Code) {
					t.Errorf("%s %q not found by its own name: %+v", l.Code, l.Name, ms)
					break
				}
			}
		})
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Saint-Étienne", "saint etienne"},
		{"SAINT ÉTIENNE", "saint etienne"},
		{"L'Haÿ-les-Roses", "l hay les roses"},
		{"L’Haÿ‐les‐Roses", "l hay les roses"},
		{"Œuilly", "oeuilly"},
		{"São Paulo", "sao paulo"},
		{"Sa\u0303o Paulo", "sao paulo"}, // decomposed input
		{"Malmö  Straße", "malmo strasse"},
		{"Łódź", "lodz"},
		{"تُونِس", "تونس"},
		{"  --  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

type want struct {
	text string
	code string
	res  Resolution
}

func TestFind(t *testing.T) {
	t.Parallel()
	m := miniMatcher(t, Options{})
	tests := []struct {
		name string
		text string
		src  Source
		want []want
	}{
		{"diacritics and case folded", "Hausse des prix à SAINT ETIENNE et à saint-étienne.", Source{},
			[]want{{"SAINT ETIENNE", "FR-42218", Unique}, {"saint-étienne", "FR-42218", Unique}}},
		{"longest name wins", "Rendez-vous à Saint-Jean-de-Luz puis à Saint-Jean.", Source{},
			[]want{{"Saint-Jean-de-Luz", "FR-64483", Unique}, {"Saint-Jean", "FR-64483", 0}}},
		{"word boundaries", "Parisien, Lyonnais et Marseillais ne sont pas Paris.", Source{},
			[]want{{"Paris", "FR-75056", Unique}}},
		{"alias with apostrophe variant", "La mairie des Sables d’Olonne dément.", Source{},
			[]want{{"Sables d’Olonne", "FR-85194", Unique}}},
		{"article name and alias", "À L'Haÿ-les-Roses comme à Haÿ-les-Roses", Source{},
			[]want{{"L'Haÿ-les-Roses", "FR-94038", Unique}, {"Haÿ-les-Roses", "FR-94038", Unique}}},
		{"ligature", "Les habitants d'OEUILLY et d'Œuilly", Source{Country: "FR", Region: "Marne"},
			[]want{{"OEUILLY", "FR-51410", ByRegion}, {"Œuilly", "FR-51410", ByRegion}}},
		{"Porto from a Portuguese source", "A Câmara do Porto desmente.", Source{Country: "PT"},
			[]want{{"Porto", "PT-1312", ByCountry}}},
		{"Porto from a Brazilian source in Piauí", "Prefeitura de Porto anuncia", Source{Country: "BR", Region: "Piauí"},
			[]want{{"Porto", "BR-2208502", ByRegion}}},
		{"Porto by the source's own locality", "Porto", Source{Country: "ES", Localities: []string{"PT-1312"}},
			[]want{{"Porto", "PT-1312", BySource}}},
		{"Porto with no context is ambiguous", "Porto", Source{},
			[]want{{"Porto", "", Ambiguous}}},
		{"Valence from the Drôme", "Le maire de Valence", Source{Country: "FR", Region: "Drome"},
			[]want{{"Valence", "FR-26362", ByRegion}}},
		{"Valence from elsewhere in France is ambiguous", "Le maire de Valence", Source{Country: "FR", Region: "Paris"},
			[]want{{"Valence", "", Ambiguous}}},
		{"Valence region of another country does not count", "Valence", Source{Country: "ES", Region: "Drôme"},
			[]want{{"Valence", "", Ambiguous}}},
		{"Valence from a source of the Drôme, by its localities", "Le maire de Valence", Source{Localities: []string{"FR-26000"}},
			[]want{{"Valence", "", Ambiguous}}}, // FR-26000 is not in the mini gazetteer: no region known
		{"Porto from a source located in Portugal", "Câmara do Porto", Source{Localities: []string{"PT-1312"}},
			[]want{{"Porto", "PT-1312", BySource}}},
		{"Valence settled by the text", "Valence (Drôme) : le maire de Valence, en Charente, répond", Source{Country: "FR", Region: "Tarn-et-Garonne"},
			[]want{{"Valence", "FR-26362", ByText}, {"Valence", "FR-16392", ByText}}},
		{"text region too far away falls back on the source", "Drôme. " + strings.Repeat("mot ", RegionWindow+1) + "Valence",
			Source{Country: "FR", Region: "Tarn-et-Garonne"}, []want{{"Valence", "FR-82186", ByRegion}}},
		{"region in lower case does not count when one word", "la drôme et Valence", Source{Country: "FR"},
			[]want{{"Valence", "", Ambiguous}}},
		{"Nice is unique", "Carnaval de Nice", Source{Country: "PT"}, []want{{"Nice", "FR-06088", Unique}}},
		{"short names need a capital", "il y a eu des pluies", Source{}, nil},
		{"one-word names need a capital", "le maire de porto monte aux tours de nice", Source{}, nil},
		{"several words match in lower case", "à saint jean de luz et aux sables d'olonne", Source{},
			[]want{{"saint jean de luz", "FR-64483", Unique}, {"sables d'olonne", "FR-85194", Unique}}},
		{"short names with a capital", "Les communes d'Eu et de Y", Source{}, []want{{"Eu", "FR-76255", Unique}, {"Y", "FR-80829", Unique}}},
		{"Swedish alias", "Stockholms kommun meddelar", Source{}, []want{{"Stockholms kommun", "SE-0180", Unique}}},
		{"Arabic alias with diacritics", "أمطار غزيرة في تُونِس العاصمة", Source{}, []want{{"تُونِس", "TN-11", Unique}}},
		{"Arabic multi-word alias", "في الدار البيضاء", Source{}, []want{{"الدار البيضاء", "MA-CS.CB", Unique}}},
		{"alias Sampa", "Chuva em Sampa", Source{}, []want{{"Sampa", "BR-3550308", Unique}}},
		{"code with letters", "Ajaccio", Source{}, []want{{"Ajaccio", "FR-2A004", Unique}}},
		{"nothing", "Aucune commune ici.", Source{}, nil},
		{"empty", "", Source{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Find(tt.text, tt.src)
			if len(got) != len(tt.want) {
				t.Fatalf("Find = %+v, want %d matches", got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Text != w.text || tt.text[g.Start:g.End] != g.Text {
					t.Errorf("match %d text %q [%d:%d], want %q", i, g.Text, g.Start, g.End, w.text)
				}
				if w.res == 0 { // only the span matters here
					continue
				}
				if g.Code != w.code || g.Resolution != w.res {
					t.Errorf("match %d %q = %s (%v), want %s (%v); candidates %v", i, g.Text, g.Code, g.Resolution, w.code, w.res, g.Candidates)
				}
				if w.res == Ambiguous && len(g.Candidates) < 2 {
					t.Errorf("ambiguous match with candidates %v", g.Candidates)
				}
			}
		})
	}
}

func TestFindSaintJeanShorter(t *testing.T) {
	t.Parallel()
	m := miniMatcher(t, Options{})
	got := m.Find("Saint-Jean-de", Source{})
	if len(got) != 1 || got[0].Code != "FR-31488" || got[0].Text != "Saint-Jean" {
		t.Errorf("a longer prefix that is no name must fall back to the shorter name: %+v", got)
	}
}

func TestCaseOptions(t *testing.T) {
	t.Parallel()
	text := "le porto et nice, Lyon et saint-étienne, il y a Eu"
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"default", Options{}, []string{"FR-69123", "FR-42218", "FR-76255"}},
		{"lower-case single words", Options{LowercaseSingleWords: true}, []string{"", "FR-06088", "FR-69123", "FR-42218", "FR-76255"}},
		{"capitals everywhere", Options{RequireCapital: true}, []string{"FR-69123", "FR-76255"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range miniMatcher(t, tt.opts).Find(text, Source{}) {
				got = append(got, m.Code)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("codes %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLocalities(t *testing.T) {
	t.Parallel()
	m := miniMatcher(t, Options{})
	codes, amb := m.Localities("Entre Lyon, Valence et Paris, puis Lyon.", Source{Country: "FR", Localities: []string{"FR-75056", "FR-13055"}})
	if want := []string{"FR-13055", "FR-69123", "FR-75056"}; !slices.Equal(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
	if len(amb) != 1 || amb[0].Text != "Valence" || len(amb[0].Candidates) != 3 {
		t.Errorf("ambiguous %+v, want Valence with 3 candidates", amb)
	}
}

func TestFindFrance(t *testing.T) {
	t.Parallel()
	m := franceMatcher(t)
	text := "Intempéries : la préfecture des Bouches-du-Rhône signale des coupures à Marseille, Aix-en-Provence " +
		"et Saint-Rémy-de-Provence ; à Valence, le Rhône monte. Les Sables-d'Olonne et L'Haÿ-les-Roses sont épargnées, " +
		"dit le maire."
	tests := []struct {
		name string
		src  Source
		want map[string]string // text → code ("" for ambiguous)
		not  []string          // common words that are also commune names
	}{
		{"no region", Source{Country: "FR"}, map[string]string{"Marseille": "FR-13055", "Aix-en-Provence": "FR-13001",
			"Saint-Rémy-de-Provence": "FR-13100", "Valence": "", "Les Sables-d'Olonne": "FR-85194", "L'Haÿ-les-Roses": "FR-94038"}, []string{"monte", "maire"}},
		{"Drôme source", Source{Country: "FR", Region: "Drôme"}, map[string]string{"Valence": "FR-26362"}, nil},
		{"source in Romans-sur-Isère (Drôme)", Source{Localities: []string{"FR-26281"}}, map[string]string{"Valence": "FR-26362"}, nil},
		{"source in Montauban (Tarn-et-Garonne)", Source{Localities: []string{"FR-82121"}}, map[string]string{"Valence": "FR-82186"}, nil},
		{"source in Lisbon: French names unique, Valence still ambiguous", Source{Localities: []string{"PT-1106"}},
			map[string]string{"Marseille": "FR-13055", "Valence": ""}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]Match{}
			for _, mt := range m.Find(text, tt.src) {
				got[mt.Text] = mt
			}
			for txt, code := range tt.want {
				mt, ok := got[txt]
				if !ok {
					t.Errorf("%q not found; got %v", txt, keys(got))
					continue
				}
				if mt.Code != code {
					t.Errorf("%q = %q (%v, candidates %v), want %q", txt, mt.Code, mt.Resolution, mt.Candidates, code)
				}
			}
			for _, txt := range tt.not {
				if mt, ok := got[txt]; ok {
					t.Errorf("common word %q taken for %v", txt, mt.Candidates)
				}
			}
		})
	}
}

func keys(m map[string]Match) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// FuzzFind checks the matcher's invariants on arbitrary text: spans are in
// order, do not overlap, fall on rune boundaries and equal Text; a chosen
// code is one of the candidates; ambiguity is never resolved silently.
func FuzzFind(f *testing.F) {
	for _, s := range []string{"Rendez-vous à Saint-Jean-de-Luz", "Porto, Valence et NICE", "في الدار البيضاء",
		"Sa\u0303o Paulo", "\xff\xfeParis", "Y eu y", "L’Haÿ‐les‐Roses"} {
		f.Add(s, "FR", "Drôme")
	}
	m := miniMatcher(f, Options{})
	f.Fuzz(func(t *testing.T, text, country, region string) {
		boundary := map[int]bool{len(text): true} // where rune decoding steps, invalid bytes included
		for i := range text {
			boundary[i] = true
		}
		prev := 0
		for _, mt := range m.Find(text, Source{Country: country, Region: region}) {
			if mt.Start < prev || mt.End <= mt.Start || mt.End > len(text) {
				t.Fatalf("bad span [%d:%d] after %d in %q", mt.Start, mt.End, prev, text)
			}
			if !boundary[mt.Start] || !boundary[mt.End] {
				t.Fatalf("span [%d:%d] splits a rune in %q", mt.Start, mt.End, text)
			}
			if text[mt.Start:mt.End] != mt.Text {
				t.Fatalf("Text %q != text[%d:%d]", mt.Text, mt.Start, mt.End)
			}
			if len(mt.Candidates) == 0 {
				t.Fatalf("match %q without candidates", mt.Text)
			}
			if mt.Resolution == Ambiguous {
				if mt.Code != "" || len(mt.Candidates) < 2 {
					t.Fatalf("ambiguous match %+v", mt)
				}
			} else if !slices.Contains(mt.Candidates, mt.Code) {
				t.Fatalf("code %q not among candidates %v", mt.Code, mt.Candidates)
			}
			prev = mt.End
		}
	})
}

// FuzzReadCSV checks that the CSV reader never panics and that whatever it
// accepts builds a gazetteer.
func FuzzReadCSV(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "mini.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add("code,name,aliases,region\nFR-75056,\"Paris\"\"\",a|b|,\n")
	f.Add("\ufeffcode,name,aliases,region\r\nMA-CS.CB,x,,\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		locs, err := ReadCSV(strings.NewReader(in))
		if err != nil {
			return
		}
		g, err := NewGazetteer(locs)
		if err != nil {
			t.Fatalf("ReadCSV accepted rows NewGazetteer refuses: %v", err)
		}
		NewMatcher(g, Options{}).Find(in, Source{})
	})
}

func BenchmarkNewMatcherFrance(b *testing.B) {
	f, err := os.Open(filepath.Join(gazetteers, "fr", "localities.csv"))
	if err != nil {
		b.Fatal(err)
	}
	locs, err := ReadCSV(f)
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	g, err := NewGazetteer(locs)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		NewMatcher(g, Options{})
	}
}

func BenchmarkFindFrance(b *testing.B) {
	m := franceMatcher(b)
	text := strings.Repeat("Intempéries : la préfecture des Bouches-du-Rhône signale des coupures à Marseille, "+
		"Aix-en-Provence et Saint-Rémy-de-Provence ; à Valence, le Rhône monte. Les élus de la commune "+
		"ont réuni le conseil municipal pour voter un budget exceptionnel de soutien aux habitants. ", 5)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		m.Find(text, Source{Country: "FR"})
	}
}
