package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is one sentence of a text with its byte offsets.
type Sentence struct {
	Text       string // trimmed
	Start, End int    // offsets of Text in the source
}

// abbreviations per language (folded, without the final dot). A word in this
// set followed by '.' does not end a sentence. Common ones apply to all.
var abbreviations = map[string]map[string]bool{
	"":   set("mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "no", "nos", "vol", "fig", "p", "pp", "ca", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "co", "corp", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "mt", "ft", "a.m", "p.m", "dept", "est", "av", "ave", "blvd"),
	"en": set("mr", "mrs", "ms", "messrs", "rev", "hon", "pres", "supt", "cmdr", "adm", "u.s.a", "d.c", "ph.d", "no", "op", "cit", "al"),
	"fr": set("m", "mm", "mme", "mmes", "mlle", "mlles", "dr", "me", "mgr", "pr", "st", "ste", "cf", "env", "art", "av", "bd", "boul", "c.-a-d", "ex", "hab", "n", "nº", "p", "t", "vol", "chap", "janv", "fevr", "avr", "juil", "sept", "oct", "nov", "dec", "etc", "ibid", "min", "max", "tel", "resp"),
	"pt": set("sr", "sra", "srs", "sras", "srta", "dr", "dra", "drs", "dras", "prof", "profa", "eng", "exmo", "exma", "av", "r", "n", "nº", "pag", "pág", "art", "arts", "cap", "fl", "ex", "etc", "obs", "tel", "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez", "p.ex", "ltda", "cia", "s.a", "sto", "sta", "min", "máx", "dep", "ver", "gov"),
	"es": set("sr", "sra", "sres", "sras", "srta", "dr", "dra", "d", "dña", "da", "ud", "uds", "vd", "vds", "lic", "ing", "arq", "prof", "av", "avda", "c", "n", "nº", "núm", "pág", "art", "cap", "ej", "etc", "tel", "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic", "p.ej", "ee.uu", "s.a", "cía", "pdte", "gral", "min", "máx", "aprox"),
	"sv": set("bl.a", "d.v.s", "dvs", "e.d", "e.kr", "f.d", "f.kr", "fr.o.m", "t.o.m", "t.ex", "m.m", "m.fl", "o.s.v", "osv", "p.g.a", "pga", "ca", "kl", "nr", "s", "st", "jfr", "resp", "tel", "obs", "prof", "dr", "ung", "jan", "febr", "mar", "apr", "jun", "jul", "aug", "sept", "okt", "nov", "dec", "kap", "mfl", "fig", "tf", "vd", "ordf", "jur", "fil", "kand", "inkl", "exkl", "bl", "ev", "mm", "s.k", "sk"),
	"ar": set("د", "أ", "م", "ص", "ج", "ه", "ق"),
}

func set(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[Fold(w)] = true
	}
	return m
}

func isAbbrev(lang, w string) bool {
	w = Fold(w)
	if abbreviations[""][w] {
		return true
	}
	l := strings.ToLower(lang)
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	return abbreviations[l][w]
}

func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '؟', '۔', '。', '！', '？', '‼', '⁉':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '}', '»', '”', '’', '›', '*', '_':
		return true
	}
	return false
}

// Sentences splits s into sentences for language lang (ISO 639-1; "" for
// language-independent rules). A sentence ends at '.', '!', '?', '…' or their
// Arabic forms (followed by closing quotes or brackets) when whitespace follows
// and the next word does not start in lower case, unless the dot ends a known
// abbreviation of the language, an initial ("J. Smith") or an ordinal number
// followed by a lower-case word ("1. januari"). Line breaks also end a
// sentence. Numbers like 3.5 or 1.000 never split. Empty sentences are dropped.
func Sentences(s, lang string) []Sentence {
	var out []Sentence
	start := 0
	emit := func(end int) {
		seg := s[start:end]
		lead := len(seg) - len(strings.TrimLeftFunc(seg, unicode.IsSpace))
		t := strings.TrimSpace(seg)
		if t != "" && hasWordOrDigit(t) {
			out = append(out, Sentence{Text: t, Start: start + lead, End: start + lead + len(t)})
		}
		start = end
	}
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '\n' || r == '\r' || r == '\u2029' || r == '\u2028' {
			emit(i)
			i += w
			start = i
			continue
		}
		if !isTerminator(r) {
			i += w
			continue
		}
		// extend over the run of terminators and closers
		j := i + w
		for j < len(s) {
			r2, w2 := utf8.DecodeRuneInString(s[j:])
			if isTerminator(r2) || isCloser(r2) {
				j += w2
				continue
			}
			break
		}
		if j < len(s) {
			r2, _ := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(r2) {
				i = j
				continue
			}
		}
		if r == '.' && j == i+1 && !boundaryAfterDot(s, i, j, lang) {
			i = j
			continue
		}
		if j < len(s) && startsLower(s[j:]) {
			i = j
			continue
		}
		emit(j)
		i = j
	}
	emit(len(s))
	return out
}

// boundaryAfterDot decides whether the single dot at s[i] ends a sentence.
func boundaryAfterDot(s string, i, j int, lang string) bool {
	// word before the dot (may contain inner dots: "e.g", "U.S")
	k := i
	for k > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:k])
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || unicode.Is(unicode.Mn, r) {
			k -= w
			continue
		}
		break
	}
	word := s[k:i]
	if word == "" {
		return true
	}
	if isAbbrev(lang, word) {
		// "etc." can end a sentence: accept when the next word is capitalised
		// and the abbreviation is one that usually closes a phrase.
		if f := Fold(word); f == "etc" || f == "e.kr" || f == "f.kr" {
			return nextStartsUpper(s[j:])
		}
		return false
	}
	// a single letter: an initial (latin upper case)
	if r, w := utf8.DecodeRuneInString(word); w == len(word) && unicode.IsUpper(r) {
		return false
	}
	// dotted acronyms "U.S.A" are abbreviations; the final dot still ends a
	// sentence when the next word starts a sentence, which we cannot know;
	// keep them together unless followed by an upper case word after a long gap.
	if strings.Contains(word, ".") && !isNumber(word) {
		return false
	}
	return true
}

func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) && r != '.' && r != ',' {
			return false
		}
	}
	return true
}

func startsLower(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		return unicode.IsLower(r)
	}
	return false
}

func nextStartsUpper(s string) bool {
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		return unicode.IsUpper(r)
	}
	return false
}

func hasWordOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
