package text

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MentionKind says what a Mention denotes.
type MentionKind string

// The kinds of mention, as the UI and the API name them.
const (
	MentionNumber  MentionKind = "number"  // a bare figure: a count, a rank ("10,000 trees")
	MentionAmount  MentionKind = "amount"  // a figure with a currency or a unit ("632 €", "45 km", "5 years")
	MentionPercent MentionKind = "percent" // a percentage ("7 %", "7 percent")
	MentionDate    MentionKind = "date"    // a year, a month or a day ("2021", "12 March 2021")
	MentionPerson  MentionKind = "person"  // a named person ("Emmanuel Macron", "Mr Smith")
)

// MentionKinds lists every kind of mention.
var MentionKinds = []MentionKind{MentionNumber, MentionAmount, MentionPercent, MentionDate, MentionPerson}

// Figure reports whether k is a figure: a number, an amount or a percentage.
func (k MentionKind) Figure() bool {
	return k == MentionNumber || k == MentionAmount || k == MentionPercent
}

// Mention is one figure, date or named person of a text, with its surface
// form at Start:End of the text it was read from.
type Mention struct {
	Kind       MentionKind
	Start, End int
	// Value is a figure's value, its multiplier word applied ("1,2 million"
	// → 1200000).
	Value float64
	// Tol is the rounding a multiplier word implies: 5 % of the value, or
	// half the last decimal written if more ("1.2 million": ±60,000; "R$ 1
	// mil": ±50); 0 for a figure written in full.
	Tol float64
	// Unit is an amount's canonical currency or unit ("EUR", "USD", "BRL",
	// "km", "year"), "%" for a percentage, "" otherwise.
	Unit string
	// Year, Month and Day are a date's parts, 0 where the text does not say.
	Year, Month, Day int
	// Name is a person's folded family name (the last word of the name).
	Name string
}

// Surface returns the mention's text in s, the text it was read from.
func (m Mention) Surface(s string) string {
	if m.Start < 0 || m.End > len(s) || m.Start > m.End {
		return ""
	}
	return s[m.Start:m.End]
}

// approx is the relative difference under which two figures are the same
// figure rounded ("79 %" and "80 %"; "632" and "1 000" differ by 37 %).
const approx = 0.02

// SameAs reports whether two mentions of figures or dates can denote the
// same thing: figures of the same value (within the precision of a
// multiplier word, or 2 %) and, when both name a unit, the same unit; dates whose
// parts agree wherever both say them; persons of the same family name.
// Figures of different kinds compare by value ("632 €" and "632").
func (m Mention) SameAs(o Mention) bool {
	switch {
	case m.Kind.Figure() && o.Kind.Figure():
		if m.Unit != "" && o.Unit != "" && m.Unit != o.Unit {
			return false
		}
		if m.Kind == MentionPercent && o.Kind == MentionAmount || m.Kind == MentionAmount && o.Kind == MentionPercent {
			return false
		}
		tol := math.Max(math.Max(m.Tol, o.Tol), approx*math.Max(math.Abs(m.Value), math.Abs(o.Value)))
		return math.Abs(m.Value-o.Value) <= tol
	case m.Kind == MentionDate && o.Kind == MentionDate:
		agree := func(a, b int) bool { return a == 0 || b == 0 || a == b }
		return agree(m.Year, o.Year) && agree(m.Month, o.Month) && agree(m.Day, o.Day)
	case m.Kind == MentionPerson && o.Kind == MentionPerson:
		return m.Name == o.Name
	}
	return false
}

// maxMentions bounds the mentions returned (the first ones in text order):
// comparing two texts' mentions is quadratic.
const maxMentions = 64

// maxMentionText bounds the text Mentions reads: past it, nothing is
// extracted (the engine's sentences and claims are far shorter).
const maxMentionText = 1 << 16

// Mentions returns the figures (numbers, amounts with their currency or unit,
// percentages), dates and named persons of s, in text order. The word lists
// cover en, fr, pt, es and sv together; lang (ISO 639-1, "" when unknown)
// only reads "mil" as a million in English ("$33 mil") and as a thousand
// elsewhere ("mil reais"). "1.000" and "1,000" are read as NormalizeNumber
// reads them.
//
// Cheap rules, no model: a figure takes a currency or unit written before or
// after it ("€ 632", "632 €", "R$ 1 milhão", "1 000 euros", "mil reais"),
// digits grouped by spaces are one number ("1 000"), a multiplier word scales
// it ("2,5 millions", "1.2bn"); a number glued to a word by a hyphen
// ("COVID-19", "MS-13"), a time ("10:30"), a fraction ("1/2") or a hashtag is
// not a figure. A four-digit number from 1900 to 2099 without a unit is a
// year; a day and a month name, a month name and a year, and numeric dates
// (12/03/2021, 2021-03-12) are dates. A person is a given name from a short
// list followed by capitalised words ("Jair Bolsonaro", "Marine Le Pen"), or
// a title followed by capitalised words ("Mr Smith", "M. Dupont",
// "presidente Lula"); text written in title case or capitals gives none.
func Mentions(s, lang string) []Mention {
	if len(s) > maxMentionText || s == "" {
		return nil
	}
	return MentionsOf(s, Tokenize(s), lang)
}

// MentionsOf is Mentions over the tokens Tokenize(s) returned.
func MentionsOf(s string, toks []Token, lang string) []Mention {
	if len(s) > maxMentionText || len(toks) == 0 {
		return nil
	}
	en := strings.HasPrefix(lang, "en")
	var out []Mention
	used := make([]bool, len(toks)) // tokens consumed by an earlier mention
	for i := 0; i < len(toks); i++ {
		if used[i] {
			continue
		}
		if m, last, ok := dateAt(s, toks, i); ok {
			out = append(out, m)
			markUsed(used, i, last)
			i = last
			continue
		}
		if m, last, ok := figureAt(s, toks, i, en); ok {
			out = append(out, m)
			markUsed(used, i, last)
			i = last
		}
	}
	out = append(out, persons(s, toks, used)...)
	sortMentions(out)
	if len(out) > maxMentions {
		out = out[:maxMentions]
	}
	return out
}

func markUsed(used []bool, from, to int) {
	for k := from; k <= to && k < len(used); k++ {
		used[k] = true
	}
}

func sortMentions(ms []Mention) {
	slices.SortStableFunc(ms, func(a, b Mention) int { return a.Start - b.Start })
}

// gap returns the text between tokens a and b (a before b).
func gap(s string, toks []Token, a, b int) string { return s[toks[a].End:toks[b].Start] }

// blank reports whether g is only white space (any Unicode space).
func blank(g string) bool {
	for _, r := range g {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// digitGroup reports whether the gap is one space that groups digits
// ("1 000", with a plain, no-break, narrow no-break or thin space).
func digitGroup(g string) bool {
	switch g {
	case " ", "\u00a0", "\u202f", "\u2009":
		return true
	}
	return false
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// prevRune returns the rune before byte offset i of s (0 at the start).
func prevRune(s string, i int) rune {
	if i <= 0 {
		return 0
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

// nextRune returns the rune at byte offset i of s (0 at the end).
func nextRune(s string, i int) rune {
	if i >= len(s) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

var multipliers = map[string]float64{
	"thousand": 1e3, "thousands": 1e3, "mil": 1e3, "mille": 1e3, "milles": 1e3, "tusen": 1e3,
	"million": 1e6, "millions": 1e6, "milhao": 1e6, "milhoes": 1e6, "millon": 1e6, "millones": 1e6,
	"miljon": 1e6, "miljoner": 1e6, "mn": 1e6, "mio": 1e6, "mln": 1e6,
	"billion": 1e9, "billions": 1e9, "bilhao": 1e9, "bilhoes": 1e9, "milliard": 1e9, "milliards": 1e9,
	"miljard": 1e9, "miljarder": 1e9, "bn": 1e9, "md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9,
	"trillion": 1e12, "trillions": 1e12, "trilhao": 1e12, "trilhoes": 1e12,
}

// shortMultipliers scale a figure only after a currency ("R$ 2 mi", "$5m").
var shortMultipliers = map[string]float64{"k": 1e3, "mi": 1e6, "bi": 1e9, "m": 1e6, "b": 1e9, "tri": 1e12}

// currencyMultipliers are words that scale a figure and name its currency.
var currencyMultipliers = map[string]struct {
	mul  float64
	unit string
}{"mkr": {1e6, "SEK"}, "mdkr": {1e9, "SEK"}, "tkr": {1e3, "SEK"}}

// currencyWords and unitWords map folded words written after a figure to a
// canonical unit. Currencies are amounts; so are measures and durations.
var currencyWords = map[string]string{
	"euro": "EUR", "euros": "EUR", "eur": "EUR",
	"dollar": "USD", "dollars": "USD", "dolar": "USD", "dolares": "USD", "usd": "USD", "bucks": "USD",
	"real": "BRL", "reais": "BRL", "brl": "BRL",
	"pound": "GBP", "pounds": "GBP", "sterling": "GBP", "libra": "GBP", "libras": "GBP", "livre": "GBP", "livres": "GBP", "gbp": "GBP",
	"kronor": "SEK", "krona": "SEK", "kr": "SEK", "sek": "SEK", "kronen": "SEK",
	"franc": "CHF", "francs": "CHF", "chf": "CHF",
	"yen": "JPY", "yuan": "CNY", "rupee": "INR", "rupees": "INR",
	"cent": "cent", "cents": "cent", "centimes": "cent", "centavos": "cent", "centimos": "cent",
}

var unitWords = map[string]string{
	"km": "km", "kms": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km", "quilometro": "km", "quilometros": "km", "kilometro": "km", "kilometros": "km",
	"metre": "m", "metres": "m", "meter": "m", "meters": "m", "metro": "m", "metros": "m", "metrer": "m",
	"mile": "mi", "miles": "mi", "milhas": "mi", "millas": "mi",
	"kg": "kg", "kilo": "kg", "kilos": "kg", "quilo": "kg", "quilos": "kg", "kilogramme": "kg", "kilogrammes": "kg", "kilograms": "kg", "quilogramas": "kg",
	"tonne": "t", "tonnes": "t", "ton": "t", "tons": "t", "tonelada": "t", "toneladas": "t",
	"litre": "l", "litres": "l", "liter": "l", "liters": "l", "litro": "l", "litros": "l",
	"hectare": "ha", "hectares": "ha", "ha": "ha",
	"mw": "MW", "gw": "GW", "kwh": "kWh", "mwh": "MWh", "twh": "TWh",
	"degrees": "deg", "degres": "deg", "graus": "deg", "grados": "deg", "grader": "deg",
	"year": "year", "years": "year", "an": "year", "ans": "year", "annees": "year", "ano": "year", "anos": "year", "ar": "year",
	"month": "month", "months": "month", "mois": "month", "mes": "month", "meses": "month", "manader": "month",
	"day": "day", "days": "day", "jour": "day", "jours": "day", "dia": "day", "dias": "day", "dagar": "day",
	"hour": "hour", "hours": "hour", "heure": "hour", "heures": "hour", "hora": "hour", "horas": "hour", "timmar": "hour",
	"minute": "minute", "minutes": "minute", "minuto": "minute", "minutos": "minute", "minuter": "minute",
}

var percentWords = map[string]bool{"percent": true, "pct": true, "procent": true}

// percentPhrases are two-word percent signs: "per cent", "pour cent", "por cento".
var percentPhrases = map[string]bool{"per cent": true, "pour cent": true, "por cento": true, "por ciento": true}

// linkWords may sit between a multiplier and its unit: "1 milhão de reais".
var linkWords = map[string]bool{"de": true, "d": true, "of": true, "em": true}

// numberWords are figures written as a word, read only next to a unit or a
// multiplier ("mil euros", "um milhão de reais", "a thousand dollars").
var numberWords = func() map[string]float64 {
	m := map[string]float64{"a": 1}
	for i, ws := range []string{
		"one um uma un une uno una en ett",
		"two deux dois duas dos tva",
		"three trois tres tre",
		"four quatre quatro cuatro fyra",
		"five cinq cinco fem",
		"six seis sex",
		"seven sept sete siete sju",
		"eight huit oito ocho atta",
		"nine neuf nove nueve nio",
		"ten dix dez diez tio",
	} {
		for _, w := range strings.Fields(ws) {
			m[w] = float64(i + 1)
		}
	}
	return m
}()

// currencyBefore returns the currency written just before byte offset i of s
// ("€ 632", "R$1", "US$ 5", "EUR 10"), or "".
func currencyBefore(s string, toks []Token, i int) (unit string, start int) {
	j := toks[i].Start
	k := j
	for k > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:k])
		if !unicode.IsSpace(r) || j-k > 3 {
			break
		}
		k -= w
	}
	r, w := utf8.DecodeLastRuneInString(s[:k])
	switch r {
	case '€':
		return "EUR", k - w
	case '£':
		return "GBP", k - w
	case '¥':
		return "JPY", k - w
	case '₹':
		return "INR", k - w
	case '$':
		p := s[:k-w]
		switch {
		case strings.HasSuffix(p, "R"):
			return "BRL", k - w - 1
		case strings.HasSuffix(p, "US"):
			return "USD", k - w - 2
		case strings.HasSuffix(p, "U"):
			return "USD", k - w - 1
		case strings.HasSuffix(p, "C"), strings.HasSuffix(p, "A"), strings.HasSuffix(p, "NZ"), strings.HasSuffix(p, "HK"):
			return "", 0 // another dollar: left unnamed rather than mistaken for USD
		}
		return "USD", k - w
	}
	if i > 0 && blank(gap(s, toks, i-1, i)) {
		switch p := toks[i-1]; p.Text {
		case "eur", "usd", "brl", "gbp", "sek", "chf":
			return strings.ToUpper(p.Text), p.Start
		}
	}
	return "", 0
}

// figureAt reads a figure starting at token i: a number (digit groups
// joined), or a number word next to a multiplier or unit. It returns the
// mention and the index of its last token.
func figureAt(s string, toks []Token, i int, en bool) (Mention, int, bool) {
	multiplier := func(w string) (float64, bool) {
		if en && w == "mil" {
			return 1e6, true
		}
		m, ok := multipliers[w]
		return m, ok
	}
	t := toks[i]
	var value float64
	last := i
	decimals := 0
	glued := "" // a multiplier glued to the digits: 1.2bn, 5k
	switch {
	case t.Number:
		if p := prevRune(s, t.Start); p == '#' || p == ':' || p == '/' || p == '@' || p == '-' && unicode.IsLetter(prevRune(s, t.Start-1)) {
			return Mention{}, 0, false // MS-13, COVID-19, #1, 10:30's minutes, 1/2's half
		}
		if n := nextRune(s, t.End); n == ':' || n == '/' && unicode.IsDigit(nextRune(s, t.End+1)) {
			return Mention{}, 0, false // a time or a fraction
		}
		raw := s[t.Start:t.End]
		// digits grouped by spaces: "1 000 000", "1 000,50"
		if allDigits(raw) && len(raw) <= 3 {
			for last+1 < len(toks) && toks[last+1].Number && digitGroup(gap(s, toks, last, last+1)) {
				nr := s[toks[last+1].Start:toks[last+1].End]
				if len(nr) < 3 || !allDigits(nr[:3]) || len(nr) > 3 && nr[3] != ',' && nr[3] != '.' {
					break
				}
				raw += nr
				last++
				if len(nr) > 3 {
					break
				}
			}
		}
		norm := NormalizeNumber(raw)
		if strings.Count(norm, ".") > 1 || len(norm) > 16 {
			return Mention{}, 0, false // an identifier or a phone number, not a figure
		}
		v, err := strconv.ParseFloat(norm, 64)
		if err != nil {
			return Mention{}, 0, false
		}
		value = v
		if d := strings.IndexByte(norm, '.'); d >= 0 {
			decimals = len(norm) - d - 1
		}
	case !t.Number && t.Text != "" && t.Text[0] >= '0' && t.Text[0] <= '9':
		// digits glued to a multiplier: "1.2bn", "5k", "10mn"
		k := 0
		for k < len(t.Text) && (t.Text[k] >= '0' && t.Text[k] <= '9' || t.Text[k] == '.' || t.Text[k] == ',') {
			k++
		}
		suffix := t.Text[k:]
		if _, ok := multiplier(suffix); !ok {
			if _, ok := shortMultipliers[suffix]; !ok {
				return Mention{}, 0, false
			}
		}
		norm := NormalizeNumber(t.Text[:k])
		v, err := strconv.ParseFloat(norm, 64)
		if err != nil || strings.Count(norm, ".") > 1 {
			return Mention{}, 0, false
		}
		value, glued = v, suffix
		if d := strings.IndexByte(norm, '.'); d >= 0 {
			decimals = len(norm) - d - 1
		}
	default:
		// a number word or a bare multiplier: only next to a multiplier or unit
		w, isWord := numberWords[t.Text]
		mul, isMul := multiplier(t.Text)
		switch {
		case isWord && i+1 < len(toks) && blank(gap(s, toks, i, i+1)):
			m2, ok := multiplier(toks[i+1].Text)
			if !ok {
				return Mention{}, 0, false
			}
			value, last = w*m2, i+1
		case isMul && mul == 1e3 && t.Text != "thousand" && t.Text != "thousands":
			value = 1e3 // "mil euros", "mille euros": checked for a unit below
		default:
			return Mention{}, 0, false
		}
		unit, end, ok := unitAfter(s, toks, last)
		if !ok {
			return Mention{}, 0, false
		}
		kind := MentionAmount
		if unit == "%" {
			kind = MentionPercent
		}
		return Mention{Kind: kind, Start: t.Start, End: toks[end].End, Value: value, Unit: unit}, end, true
	}
	start := t.Start
	unit, ustart := currencyBefore(s, toks, i)
	if unit != "" {
		start = ustart
	}
	// multiplier
	mul := 1.0
	if glued != "" {
		if m, ok := multiplier(glued); ok {
			mul = m
		} else if glued == "k" || unit != "" || nextCurrencySymbol(s, t.End) != "" {
			mul = shortMultipliers[glued]
		} else {
			return Mention{}, 0, false // "5m", "10b": metres or a name, not a figure
		}
	} else if last+1 < len(toks) && blank(gap(s, toks, last, last+1)) {
		w := toks[last+1].Text
		if m, ok := multiplier(w); ok {
			mul = m
			last++
		} else if m, ok := shortMultipliers[w]; ok && (unit != "" && w != "m" && w != "b" || nextCurrencySymbol(s, toks[last+1].End) != "") {
			mul = m // "R$ 2 mi", "2 M€"
			last++
		} else if c, ok := currencyMultipliers[w]; ok {
			mul = c.mul // "1,5 mkr"
			last++
			if unit == "" {
				unit = c.unit
			}
		}
	}
	m := Mention{Kind: MentionNumber, Start: start, Value: value * mul}
	if mul != 1 {
		// "2 million" is a round figure (±5 %); "1.25 million" is precise
		// to its last decimal
		m.Tol = 0.05 * m.Value
		if decimals > 0 {
			m.Tol = math.Max(m.Tol, 0.5*mul*math.Pow(10, -float64(decimals)))
		}
	}
	end := toks[last].End
	if after, uend, ok := unitAfter(s, toks, last); ok {
		if after == "%" {
			m.Kind, m.Unit = MentionPercent, "%"
		} else if unit == "" || after == unit {
			m.Kind, m.Unit = MentionAmount, after
		}
		if unit == "" || after == unit || after == "%" {
			if uend >= 0 {
				last = uend
				end = toks[uend].End
			} else {
				end = symbolEnd(s, toks[last].End)
			}
		}
	}
	if unit != "" && m.Kind == MentionNumber {
		m.Kind, m.Unit = MentionAmount, unit
	}
	if m.Kind == MentionNumber && mul == 1 && decimals == 0 && m.Value >= 1900 && m.Value <= 2099 && last == i {
		if raw := s[t.Start:t.End]; allDigits(raw) && len(raw) == 4 {
			return Mention{Kind: MentionDate, Start: t.Start, End: t.End, Year: int(m.Value)}, i, true
		}
	}
	m.End = end
	return m, last, true
}

// nextCurrencySymbol returns the unit of a currency symbol right after byte
// offset i (spaces skipped), or "".
func nextCurrencySymbol(s string, i int) string {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += w
			continue
		}
		u := ""
		switch r {
		case '€':
			u = "EUR"
		case '$':
			u = "USD"
		case '£':
			u = "GBP"
		case '%', '٪':
			u = "%"
		}
		if u == "%" || u == "" {
			return u
		}
		// a currency before the next figure is that figure's ("in 2020 $5 million")
		j := i + w
		for j < len(s) {
			r2, w2 := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(r2) {
				if unicode.IsDigit(r2) {
					return ""
				}
				break
			}
			j += w2
		}
		return u
	}
	return ""
}

// symbolEnd returns the byte offset just past the symbol that follows i.
func symbolEnd(s string, i int) int {
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		i += w
		if !unicode.IsSpace(r) {
			return i
		}
	}
	return i
}

// unitAfter returns the unit written after token last: a symbol ("€", "%"),
// or a currency, unit or percent word, possibly after a link word ("de",
// "of"). uend is the index of the unit's last token, -1 for a symbol.
func unitAfter(s string, toks []Token, last int) (unit string, uend int, ok bool) {
	if u := nextCurrencySymbol(s, toks[last].End); u != "" {
		// "5 $" is a suffix only when nothing but spaces sits in between
		return u, -1, true
	}
	j := last + 1
	if j < len(toks) && linkWords[toks[j].Text] && blank(gap(s, toks, last, j)) || j < len(toks) && toks[j].Text == "d" && strings.ContainsAny(gap(s, toks, last, j), "'’") {
		j++
	}
	if j >= len(toks) {
		return "", 0, false
	}
	g := gap(s, toks, j-1, j)
	if !blank(g) && !(toks[j-1].Text == "d" && (g == "'" || g == "’")) {
		return "", 0, false
	}
	w := toks[j].Text
	if u, ok := currencyWords[w]; ok {
		return u, j, true
	}
	if j == last+1 { // measures and durations only right after the figure
		if u, ok := unitWords[w]; ok {
			return u, j, true
		}
		if percentWords[w] {
			return "%", j, true
		}
		if j+1 < len(toks) && blank(gap(s, toks, j, j+1)) && percentPhrases[w+" "+toks[j+1].Text] {
			return "%", j + 1, true
		}
	}
	return "", 0, false
}

// months maps folded month names and abbreviations (en, fr, pt, es, sv) to
// their number.
var months = func() map[string]int {
	m := map[string]int{}
	for i, names := range [12]string{
		"january jan janvier janv janeiro enero januari",
		"february feb fevrier fevr fev fevereiro febrero februari",
		"march mar mars marco marzo",
		"april apr avril avr abril",
		"may mai maio mayo maj",
		"june jun juin junho junio juni",
		"july jul juillet juil julho julio juli",
		"august aug aout agosto augusti",
		"september sep sept septembre setembro septiembre set",
		"october oct octobre outubro octubre oktober okt",
		"november nov novembre novembro noviembre",
		"december dec decembre dezembro diciembre dez",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = i + 1
		}
	}
	return m
}()

// dateAt reads a date starting at token i: "12 March 2021", "March 12, 2021",
// "12 de março de 2021", "le 3 mars", "March 2020", 12/03/2021, 2021-03-12.
func dateAt(s string, toks []Token, i int) (Mention, int, bool) {
	t := toks[i]
	near := func(a, b int) bool { // tokens a and b separated by spaces, a comma or "de"
		if b >= len(toks) {
			return false
		}
		g := strings.TrimSpace(gap(s, toks, a, b))
		return g == "" || g == ","
	}
	skipDe := func(j int) int { // past an optional "de" / "of"
		if j < len(toks) && (toks[j].Text == "de" || toks[j].Text == "of") && near(j-1, j) {
			return j + 1
		}
		return j
	}
	isYear := func(j int) (int, bool) {
		if j >= len(toks) || !toks[j].Number {
			return 0, false
		}
		raw := s[toks[j].Start:toks[j].End]
		if len(raw) != 4 || !allDigits(raw) {
			return 0, false
		}
		y, _ := strconv.Atoi(raw)
		return y, y >= 1000 && y <= 2999
	}
	dayOf := func(j int) (int, bool) {
		if j >= len(toks) {
			return 0, false
		}
		raw := toks[j].Text
		if toks[j].Number {
			if !allDigits(raw) || len(raw) > 2 {
				return 0, false
			}
		} else {
			// ordinals glued to the day: 1st, 2nd, 3rd, 4th, 1er, 1º
			k := 0
			for k < len(raw) && raw[k] >= '0' && raw[k] <= '9' {
				k++
			}
			if k == 0 || k > 2 {
				return 0, false
			}
			switch raw[k:] {
			case "st", "nd", "rd", "th", "er", "o", "º":
			default:
				return 0, false
			}
			raw = raw[:k]
		}
		d, _ := strconv.Atoi(raw)
		return d, d >= 1 && d <= 31
	}
	if t.Number || t.Text != "" && t.Text[0] >= '0' && t.Text[0] <= '9' {
		raw := s[t.Start:]
		if m, n, ok := numericDate(raw); ok {
			m.Start, m.End = t.Start, t.Start+n
			last := i
			for last+1 < len(toks) && toks[last+1].Start < m.End {
				last++
			}
			return m, last, true
		}
		// 12 March [2021], 12 de março de 2021, 1er mai
		if d, ok := dayOf(i); ok {
			j := skipDe(i + 1)
			if j < len(toks) && near(j-1, j) {
				if mo, ok := months[toks[j].Text]; ok && len(toks[j].Text) >= 3 {
					m := Mention{Kind: MentionDate, Start: t.Start, End: toks[j].End, Month: mo, Day: d}
					last := j
					if k := skipDe(j + 1); near(k-1, k) {
						if y, ok := isYear(k); ok {
							m.Year, m.End, last = y, toks[k].End, k
						}
					}
					return m, last, true
				}
			}
		}
		return Mention{}, 0, false
	}
	// March 12[, 2021], March 2020, março de 2020
	mo, ok := months[t.Text]
	if !ok || len(t.Text) < 3 {
		return Mention{}, 0, false
	}
	j := skipDe(i + 1)
	if !near(j-1, j) {
		return Mention{}, 0, false
	}
	if y, ok := isYear(j); ok {
		return Mention{Kind: MentionDate, Start: t.Start, End: toks[j].End, Year: y, Month: mo}, j, true
	}
	if d, ok := dayOf(j); ok && j == i+1 {
		m := Mention{Kind: MentionDate, Start: t.Start, End: toks[j].End, Month: mo, Day: d}
		last := j
		if near(j, j+1) {
			if y, ok := isYear(j + 1); ok {
				m.Year, m.End, last = y, toks[j+1].End, j+1
			}
		}
		return m, last, true
	}
	return Mention{}, 0, false
}

// numericDate reads dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy (day first, as in
// every language but American English, unless the first part cannot be a
// day) or yyyy-mm-dd at the start of s, returning the date and its length.
func numericDate(s string) (Mention, int, bool) {
	num := func(i, min, max int) (int, int) { // value, end
		j := i
		for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i < min || j < len(s) && s[j] >= '0' && s[j] <= '9' {
			return -1, i
		}
		v, _ := strconv.Atoi(s[i:j])
		return v, j
	}
	if y, e := num(0, 4, 4); y >= 0 && e < len(s) && s[e] == '-' {
		mo, e2 := num(e+1, 2, 2)
		if mo >= 1 && mo <= 12 && e2 < len(s) && s[e2] == '-' {
			d, e3 := num(e2+1, 2, 2)
			if d >= 1 && d <= 31 {
				return Mention{Kind: MentionDate, Year: y, Month: mo, Day: d}, e3, true
			}
		}
		return Mention{}, 0, false
	}
	a, e := num(0, 1, 2)
	if a < 0 || e >= len(s) || (s[e] != '/' && s[e] != '.' && s[e] != '-') {
		return Mention{}, 0, false
	}
	sep := s[e]
	b, e2 := num(e+1, 1, 2)
	if b < 0 || e2 >= len(s) || s[e2] != sep {
		return Mention{}, 0, false
	}
	y, e3 := num(e2+1, 2, 4)
	if y < 0 || e3-e2-1 == 3 {
		return Mention{}, 0, false
	}
	if e3-e2-1 == 2 {
		y += 2000
		if y > 2069 {
			y -= 100
		}
	}
	d, mo := a, b
	if mo > 12 && d <= 12 {
		d, mo = mo, d // month first (American)
	}
	if d < 1 || d > 31 || mo < 1 || mo > 12 {
		return Mention{}, 0, false
	}
	return Mention{Kind: MentionDate, Year: y, Month: mo, Day: d}, e3, true
}
