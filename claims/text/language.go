package text

import (
	"unicode"
)

// Detect returns the ISO 639-1 code of the most likely language of s among
// ar, en, es, fr, pt and sv (and nl, tr, recognised to tell them apart), or
// "" when s gives no evidence (too short, or another script). Arabic is recognised by script; the Latin languages by
// stop-word hits weighted by letters that only some of them use (ã õ ç for
// pt, ñ ¿ ¡ for es, å ä ö for sv, è ê œ ù for fr). See docs/quality.md for
// its accuracy on the labelled sets of ../shared/datasets.
func Detect(s string) string {
	var arabic, latin, other int
	var pt, es, sv, fr, tr float64
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic++
		case unicode.Is(unicode.Latin, r):
			latin++
			switch unicode.ToLower(r) {
			case 'ã', 'õ':
				pt += 2
			case 'ç':
				pt += 0.7
				fr += 0.7
			case 'ı', 'ğ', 'ş':
				tr += 2
			case 'ñ', '¿', '¡':
				es += 2
			case 'å':
				sv += 2
			case 'ä':
				sv += 1.5
			case 'ö':
				sv += 1
				tr += 0.7
			case 'ü':
				tr += 1
			case 'è', 'ê', 'œ', 'ù', 'î', 'ë', 'û':
				fr += 1.5
			case 'á', 'í', 'ó', 'ú':
				es += 0.4
				pt += 0.4
			case 'â', 'ô':
				pt += 0.5
				fr += 0.5
			}
		case unicode.IsLetter(r):
			other++
		}
	}
	if arabic > latin && arabic >= other {
		if arabic >= 2 {
			return "ar"
		}
		return ""
	}
	if latin == 0 || other > latin {
		return ""
	}
	scores := map[string]float64{"en": 0, "es": es, "fr": fr, "pt": pt, "sv": sv, "nl": 0, "tr": tr}
	toks := Tokenize(s)
	for _, t := range toks {
		if t.Number {
			continue
		}
		for _, l := range detectOrder {
			if w, ok := detectWords[l][t.Text]; ok {
				scores[l] += w
			}
		}
	}
	best, bestScore := "", 0.0
	for _, l := range detectOrder { // fixed order: deterministic ties
		if scores[l] > bestScore {
			best, bestScore = l, scores[l]
		}
	}
	if bestScore < 1 {
		return ""
	}
	return best
}

// detectOrder lists the languages Detect scores, ours first; nl and tr are
// recognised so that they are not mistaken for one of ours (AnalyzerFor gives
// them their Snowball stemmer and stop words, though they are not product
// languages).
var detectOrder = []string{"en", "es", "fr", "pt", "sv", "nl", "tr"}

// detectWords are frequent function words, weighted lower when shared with
// another of the languages.
var detectWords = func() map[string]map[string]float64 {
	lists := map[string][]string{
		"en": {"the", "and", "of", "to", "is", "in", "that", "it", "for", "was", "on", "are", "with", "as", "this", "be", "have", "has", "by", "not", "from", "they", "we", "you", "he", "she", "at", "or", "an", "will", "but", "were", "been", "their", "which", "would", "there", "what", "about", "who", "more", "all", "said", "than", "after", "i", "my", "our", "its", "his", "her", "can", "do", "does", "did", "just", "people", "new"},
		"es": {"el", "la", "los", "las", "de", "del", "y", "que", "en", "es", "por", "un", "una", "para", "con", "no", "se", "su", "al", "lo", "como", "mas", "pero", "sus", "le", "ya", "o", "fue", "este", "ha", "si", "porque", "esta", "son", "entre", "cuando", "muy", "sin", "sobre", "tambien", "hasta", "hay", "donde", "quien", "desde", "todo", "nos", "durante", "todos", "uno", "les", "ni", "contra", "otros", "ese", "eso", "ante", "ellos", "e", "esto", "antes", "algunos", "unos", "yo", "otro", "otras", "otra", "el", "tanto", "esa", "estos", "mucho", "quienes", "nada", "muchos", "cual", "poco", "ella", "estar", "estas", "algunas", "algo", "nosotros", "gobierno", "pais", "dice", "segun"},
		"fr": {"le", "la", "les", "de", "des", "du", "et", "est", "un", "une", "en", "que", "qui", "dans", "pour", "pas", "sur", "au", "aux", "avec", "ce", "il", "elle", "ne", "se", "sont", "par", "plus", "nous", "vous", "ils", "mais", "ou", "son", "sa", "ses", "leur", "a", "ete", "cette", "comme", "tout", "aussi", "fait", "etre", "avait", "selon", "depuis", "apres", "entre", "sans", "dont", "je", "on", "y", "l", "d", "qu", "n", "c", "s", "j"},
		"pt": {"o", "a", "os", "as", "de", "do", "da", "dos", "das", "e", "que", "em", "no", "na", "nos", "nas", "um", "uma", "para", "com", "nao", "por", "se", "mais", "como", "mas", "foi", "ao", "ele", "ela", "seu", "sua", "ou", "ser", "quando", "muito", "ha", "ja", "esta", "eu", "tambem", "so", "pelo", "pela", "ate", "isso", "entre", "era", "depois", "sem", "mesmo", "aos", "ter", "seus", "quem", "essa", "num", "nem", "suas", "meu", "minha", "numa", "pelos", "elas", "havia", "seja", "qual", "sera", "nos", "tem", "voce", "governo", "diz", "segundo", "sao"},
		"nl": {"de", "het", "een", "en", "van", "is", "dat", "op", "te", "in", "voor", "niet", "met", "zijn", "er", "aan", "ook", "maar", "om", "als", "dan", "bij", "nog", "wel", "geen", "wordt", "worden", "door", "naar", "hebben", "heeft", "kan", "moet", "deze", "die", "dit", "wat", "wij", "we", "ze", "ik", "je", "hij", "meer", "nu", "al", "tegen", "over", "uit", "mensen", "zou", "veel", "omdat", "alleen", "na", "hoe", "waar", "wie"},
		"tr": {"ve", "bir", "bu", "da", "de", "için", "ile", "ne", "çok", "daha", "gibi", "olarak", "olan", "ama", "kadar", "sonra", "değil", "var", "yok", "mi", "mı", "ben", "sen", "biz", "siz", "onlar", "her", "şey", "en", "ya", "veya", "ise", "göre", "oldu", "olduğu", "diye", "ilk", "bütün", "tüm", "hiç", "nasıl", "neden", "şu", "o", "bunu", "bunun", "olan", "kendi", "sadece", "artık", "yine"},
		"sv": {"och", "i", "att", "det", "som", "en", "pa", "ar", "av", "for", "med", "till", "den", "har", "de", "inte", "om", "ett", "han", "men", "var", "jag", "sig", "fran", "vi", "sa", "kan", "nar", "hade", "sin", "efter", "ska", "eller", "alla", "under", "vid", "nu", "mot", "hon", "dem", "ocksa", "skulle", "mycket", "detta", "bara", "sedan", "blir", "blev", "kommer", "finns", "enligt", "inom", "aven", "dessa", "hur", "vara", "varit", "manga", "ut", "upp"},
	}
	count := map[string]int{}
	for _, ws := range lists {
		seen := map[string]bool{}
		for _, w := range ws {
			if !seen[w] {
				seen[w] = true
				count[w]++
			}
		}
	}
	m := map[string]map[string]float64{}
	for l, ws := range lists {
		m[l] = map[string]float64{}
		for _, w := range ws {
			m[l][w] = 1 / float64(count[w])
		}
	}
	return m
}()
