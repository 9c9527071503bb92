package locality

import (
	"slices"
	"strings"
)

// The bases of a Concern: why an item got its localities.
const (
	// BasisNamed: the item names places of the gazetteers; it concerns
	// those (and its source's own, when it names none outside them).
	BasisNamed = "named"
	// BasisSource: the item names no place at all; it concerns its
	// source's localities (a local outlet's story is taken as local).
	BasisSource = "source"
	// BasisElsewhere: the item names only places abroad (a country, a
	// foreign capital) and none of the gazetteers: it concerns no locality.
	BasisElsewhere = "elsewhere"
	// BasisNone: nothing named and a source without localities.
	BasisNone = "none"
)

// Concern is what an item is about, place-wise: the localities it
// concerns, why, what it names outside its source's places, and the names
// too ambiguous to decide (reported, never guessed).
type Concern struct {
	// Codes are the localities the item concerns, sorted.
	Codes []string
	// Basis is one of the Basis* constants.
	Basis string
	// Outside are the places named outside the source's localities: codes
	// of the gazetteers and names of foreign countries or capitals.
	Outside []string
	// Ambiguous are the names shared by several localities that the
	// context did not settle.
	Ambiguous []Match
}

// Concerns decides the localities of an item of text from source src: an
// item concerns the places it names (gazetteer matches, when m is not nil)
// and its source's localities only where it names no place outside them;
// an item that names only places abroad (foreign countries and capitals,
// in en, fr, pt, es, sv, ar) concerns no locality. A story of a Porto
// paper on a US election is not a Porto story. m may be nil (no
// gazetteer): only the places abroad are then found.
func Concerns(m *Matcher, text string, src Source) Concern {
	var c Concern
	var named []string
	if m != nil {
		for _, mt := range m.Find(text, src) {
			if mt.Resolution == Ambiguous {
				c.Ambiguous = append(c.Ambiguous, mt)
				continue
			}
			named = append(named, mt.Code)
		}
	}
	slices.Sort(named)
	named = slices.Compact(named)
	for _, code := range named {
		if !slices.Contains(src.Localities, code) {
			c.Outside = append(c.Outside, code)
		}
	}
	country := strings.ToUpper(src.Country)
	if country == "" && len(src.Localities) > 0 {
		country, _, _ = strings.Cut(src.Localities[0], "-")
	}
	abroad := Abroad(text, country)
	c.Outside = append(c.Outside, abroad...)
	switch {
	case len(named) > 0 && len(c.Outside) == 0:
		c.Codes, c.Basis = slices.Clone(src.Localities), BasisNamed // it names only its source's places
	case len(named) > 0:
		c.Codes, c.Basis = named, BasisNamed
		if len(c.Outside) == len(abroad) { // every gazetteer name is the source's: keep them
			c.Codes = append(slices.Clone(src.Localities), named...)
		}
	case len(abroad) > 0:
		c.Basis = BasisElsewhere
	case len(src.Localities) > 0:
		c.Codes, c.Basis = slices.Clone(src.Localities), BasisSource
	default:
		c.Basis = BasisNone
	}
	slices.Sort(c.Codes)
	c.Codes = slices.Compact(c.Codes)
	return c
}

// abroadNames maps folded names of countries and of their best-known
// cities and institutions to the country's ISO code, in en, fr, pt, es,
// sv and ar: enough to tell a story about elsewhere from a local one.
var abroadNames = map[string]string{}

func init() {
	for cc, names := range map[string][]string{
		"US": {"united states", "usa", "u s a", "america", "etats unis", "estados unidos", "eua", "eeuu", "ee uu", "usa", "förenta staterna",
			"washington", "new york", "nova iorque", "nova york", "nueva york", "casa branca", "casa blanca", "white house", "maison blanche",
			"vita huset", "wall street", "silicon valley", "california", "californie", "califórnia", "kalifornien", "الولايات المتحدة", "أمريكا", "واشنطن"},
		"GB": {"united kingdom", "uk", "britain", "royaume uni", "reino unido", "storbritannien", "london", "londres", "londra", "المملكة المتحدة", "لندن"},
		"FR": {"france", "frança", "francia", "frankrike", "فرنسا", "élysée", "elysee"},
		"ES": {"spain", "espagne", "espanha", "españa", "spanien", "إسبانيا"},
		"PT": {"portugal", "البرتغال"},
		"BR": {"brazil", "brésil", "brasil", "brasilien", "البرازيل", "brasília", "brasilia"},
		"SE": {"sweden", "suède", "suécia", "suecia", "sverige", "السويد"},
		"DE": {"germany", "allemagne", "alemanha", "alemania", "tyskland", "ألمانيا", "berlin", "berlim", "berlín"},
		"IT": {"italy", "italie", "itália", "italia", "italien", "إيطاليا", "rome", "roma"},
		"CN": {"china", "chine", "kina", "الصين", "beijing", "pékin", "pequim", "pekín", "peking"},
		"RU": {"russia", "russie", "rússia", "rusia", "ryssland", "روسيا", "moscow", "moscou", "moscovo", "moscú", "moskva", "kremlin", "kremlim"},
		"UA": {"ukraine", "ucrânia", "ucrania", "ukraina", "أوكرانيا", "kyiv", "kiev", "kiev"},
		"IL": {"israel", "israël", "إسرائيل"},
		"IN": {"india", "inde", "índia", "indien", "الهند"},
		"JP": {"japan", "japon", "japão", "japón", "اليابان", "tokyo", "tóquio", "tokio"},
		"MX": {"mexico", "mexique", "méxico", "mexiko", "المكسيك"},
		"AR": {"argentina", "argentine", "الأرجنتين", "buenos aires"},
		"CA": {"canada", "canadá", "kanada", "كندا"},
		"BE": {"belgium", "belgique", "bélgica", "belgien", "بلجيكا", "brussels", "bruxelles", "bruxelas", "bruselas", "bryssel"},
		"NL": {"netherlands", "pays bas", "países baixos", "países bajos", "nederländerna", "هولندا"},
		"CH": {"switzerland", "suisse", "suíça", "suiza", "schweiz", "سويسرا"},
		"TR": {"turkey", "türkiye", "turquie", "turquia", "turquía", "turkiet", "تركيا"},
		"IR": {"iran", "irã", "irán", "إيران"},
		"MA": {"morocco", "maroc", "marrocos", "marruecos", "marocko", "المغرب"},
		"DZ": {"algeria", "algérie", "argélia", "argelia", "algeriet", "الجزائر"},
		"TN": {"tunisia", "tunisie", "tunísia", "túnez", "tunisien", "تونس"},
		"SN": {"senegal", "sénégal", "السنغال"},
		"EG": {"egypt", "égypte", "egito", "egipto", "egypten", "مصر"},
		"AO": {"angola", "أنغولا"},
		"MZ": {"mozambique", "moçambique", "moçambique", "موزمبيق"},
		"AU": {"australia", "australie", "austrália", "australien", "أستراليا"},
		"NO": {"norway", "norvège", "noruega", "norge", "النرويج"},
		"DK": {"denmark", "danemark", "dinamarca", "danmark", "الدنمارك"},
		"FI": {"finland", "finlande", "finlândia", "finlandia", "فنلندا"},
		"PL": {"poland", "pologne", "polónia", "polonia", "polen", "بولندا"},
		"VE": {"venezuela", "فنزويلا"},
		"CO": {"colombia", "colombie", "colômbia", "colombia", "كولومبيا"},
	} {
		for _, n := range names {
			if f := Fold(n); f != "" {
				abroadNames[f] = cc
			}
		}
	}
	// Adjectives of nationality, by stem: the stem with each ending of
	// Portuguese, Spanish, French and English ("norte-americana",
	// "californianos", "japonês", "allemande").
	for cc, stems := range map[string][]string{
		"US": {"americano", "americana", "norte americano", "norte americana", "estadunidense", "californiano", "californiana", "californien", "californian", "american", "américain", "americain", "étatsunien"},
		"GB": {"britanico", "britanica", "británico", "británica", "britannique", "british", "ingles", "inglesa", "inglés", "anglais", "anglaise", "english"},
		"FR": {"frances", "francesa", "francés", "français", "française", "french"},
		"ES": {"espanhol", "espanhola", "español", "española", "espagnol", "espagnole", "spanish"},
		"PT": {"portugues", "portuguesa", "português", "portugais", "portugaise", "portuguese"},
		"BR": {"brasileiro", "brasileira", "brasileño", "brasileña", "brésilien", "brésilienne", "brazilian"},
		"DE": {"alemao", "alemã", "alemão", "alemaes", "alemães", "alemán", "alemana", "allemand", "allemande", "german"},
		"IT": {"italiano", "italiana", "italien", "italienne", "italian"},
		"CN": {"chines", "chinesa", "chinês", "chino", "china", "chinois", "chinoise", "chinese"},
		"RU": {"russo", "russa", "ruso", "rusa", "russe", "russian"},
		"UA": {"ucraniano", "ucraniana", "ukrainien", "ukrainienne", "ukrainian"},
		"IL": {"israelita", "israelense", "israeli", "israelí", "israélien", "israélienne"},
		"JP": {"japones", "japonesa", "japonês", "japonés", "japonais", "japonaise", "japanese"},
		"CA": {"canadiano", "canadiana", "canadense", "canadiense", "canadien", "canadienne", "canadian"},
		"IR": {"iraniano", "iraniana", "iraní", "iranien", "iranienne", "iranian"},
		"MX": {"mexicano", "mexicana", "mexicain", "mexicaine", "mexican"},
	} {
		for _, stem := range stems {
			f := Fold(stem)
			for _, end := range []string{"", "s", "es"} {
				if _, taken := abroadNames[f+end]; !taken {
					abroadNames[f+end] = cc
				}
			}
		}
	}
}

// maxAbroadWords is the longest name of abroadNames, in words.
const maxAbroadWords = 3

// Abroad returns the names of countries other than country (and of their
// capitals and best-known places) that text names, folded, sorted, once
// each. "Estados Unidos", "Casa Branca" and "EUA" are abroad for a
// Portuguese source; "Portugal" is not.
func Abroad(text, country string) []string {
	words := strings.Fields(Fold(text))
	var out []string
	for i := 0; i < len(words); i++ {
		for n := min(maxAbroadWords, len(words)-i); n >= 1; n-- {
			name := strings.Join(words[i:i+n], " ")
			cc, ok := abroadNames[name]
			if !ok {
				continue
			}
			if !strings.EqualFold(cc, country) && !slices.Contains(out, name) {
				out = append(out, name)
			}
			i += n - 1
			break
		}
	}
	slices.Sort(out)
	return out
}
