package worthiness

import "vigie/claims/text"

// cue lists per language, folded (accents removed, lower case). Hand-made:
// they are the language-independent-by-design part of the score, and the only
// lexical evidence for fr, pt and sv, which have no labelled data.
type cues struct {
	attribution  []string // said, claims, according, reported…
	comparative  []string // more, less, higher, most, record…
	prediction   []string // will, going to, expected, forecast…
	time         []string // yesterday, year, since, month names…
	firstPerson  []string // i, my, me, we…
	quantity     []string // percent, million, billion, half, double…
	causal       []string // because, caused, leads to, due to…
	negation     []string // not, never, no…
	opinion      []string // think, believe, hope, feel, should…
	greeting     []string // thank, thanks, congratulations, happy…
	superlSuffix []string // word endings of superlatives (en: -est)
}

var lexicons = map[string]cues{
	"en": {
		attribution:  []string{"said", "says", "say", "claimed", "claims", "claim", "according", "reported", "reports", "stated", "states", "announced", "confirmed", "revealed", "shows", "showed", "found", "admitted", "told", "wrote", "tweeted", "alleged", "alleges", "insists", "warned", "denied", "declared", "study", "survey", "data", "statistics", "report", "poll", "research"},
		comparative:  []string{"more", "less", "fewer", "most", "least", "higher", "lower", "highest", "lowest", "larger", "largest", "bigger", "biggest", "smaller", "smallest", "increase", "increased", "decrease", "decreased", "doubled", "tripled", "record", "than", "best", "worst", "first", "only", "every", "never", "always", "rise", "rose", "fell", "drop", "dropped", "cut", "grew", "growth", "lost", "gained"},
		prediction:   []string{"will", "going", "would", "expected", "forecast", "predict", "predicted", "plan", "plans", "soon", "next", "future"},
		time:         []string{"today", "yesterday", "year", "years", "month", "months", "week", "weeks", "since", "ago", "decade", "century", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "day", "days", "last", "time"},
		firstPerson:  []string{"i", "me", "my", "mine", "we", "our", "us", "i'm", "myself"},
		quantity:     []string{"percent", "per", "cent", "million", "millions", "billion", "billions", "trillion", "thousand", "thousands", "hundred", "hundreds", "half", "double", "twice", "times", "number", "rate", "average", "majority", "tax", "taxes", "jobs", "budget", "deficit", "debt", "cost", "costs", "dollars", "cases", "deaths", "people"},
		causal:       []string{"because", "caused", "causes", "cause", "due", "leads", "led", "result", "resulted", "responsible", "cure", "cures", "prevents", "kills", "linked"},
		negation:     []string{"not", "no", "never", "none", "nobody", "nothing"},
		opinion:      []string{"think", "believe", "hope", "feel", "should", "must", "want", "love", "hate", "wish", "maybe", "perhaps", "guess", "opinion", "please", "let's", "lol"},
		greeting:     []string{"thank", "thanks", "congratulations", "congrats", "happy", "welcome", "hello", "hi", "good", "morning", "evening", "applause", "laughter", "crosstalk"},
		superlSuffix: []string{"est"},
	},
	"fr": {
		attribution: []string{"dit", "affirme", "affirmé", "declare", "déclaré", "selon", "annonce", "annoncé", "rapporte", "confirme", "révèle", "montre", "étude", "enquête", "sondage", "rapport", "données", "chiffres", "assure", "prétend", "explique", "indique"},
		comparative: []string{"plus", "moins", "davantage", "record", "hausse", "baisse", "double", "triple", "premier", "première", "seul", "seule", "jamais", "toujours", "meilleur", "pire", "supérieur", "inférieur", "augmenté", "diminué", "augmentation", "diminution"},
		prediction:  []string{"va", "vont", "sera", "seront", "prévu", "prévoit", "devrait", "prochain", "prochaine", "bientôt", "avenir"},
		time:        []string{"aujourd'hui", "hier", "an", "ans", "année", "années", "mois", "semaine", "depuis", "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "jour", "jours"},
		firstPerson: []string{"je", "j", "moi", "mon", "ma", "mes", "nous", "notre", "nos"},
		quantity:    []string{"pour", "cent", "pourcent", "million", "millions", "milliard", "milliards", "mille", "moitié", "fois", "nombre", "taux", "moyenne", "majorité", "impôts", "emplois", "budget", "dette", "coût", "euros", "cas", "morts", "habitants"},
		causal:      []string{"parce", "cause", "causé", "provoque", "provoqué", "entraîne", "responsable", "guérit", "tue", "lié"},
		negation:    []string{"ne", "pas", "jamais", "aucun", "aucune", "rien", "personne"},
		opinion:     []string{"pense", "crois", "espère", "faut", "doit", "veux", "aime", "peut-être", "svp"},
		greeting:    []string{"merci", "bravo", "félicitations", "bonjour", "bonsoir", "bienvenue"},
	},
	"pt": {
		attribution: []string{"disse", "diz", "afirma", "afirmou", "declarou", "segundo", "conforme", "anunciou", "confirmou", "revelou", "mostra", "mostrou", "estudo", "pesquisa", "levantamento", "relatório", "dados", "números", "alega", "garante", "informou"},
		comparative: []string{"mais", "menos", "maior", "menor", "maiores", "menores", "recorde", "aumento", "queda", "dobro", "triplo", "primeiro", "primeira", "único", "única", "nunca", "sempre", "melhor", "pior", "aumentou", "caiu", "cresceu"},
		prediction:  []string{"vai", "vão", "será", "serão", "prevê", "previsto", "deve", "próximo", "próxima", "futuro", "em breve"},
		time:        []string{"hoje", "ontem", "ano", "anos", "mês", "meses", "semana", "desde", "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro", "dia", "dias"},
		firstPerson: []string{"eu", "meu", "minha", "meus", "minhas", "nós", "nosso", "nossa", "me", "mim"},
		quantity:    []string{"por", "cento", "milhão", "milhões", "bilhão", "bilhões", "mil", "metade", "vezes", "número", "taxa", "média", "maioria", "impostos", "empregos", "orçamento", "dívida", "custo", "reais", "casos", "mortes", "habitantes"},
		causal:      []string{"porque", "causa", "causou", "provoca", "provocou", "responsável", "cura", "mata", "ligado"},
		negation:    []string{"não", "nunca", "nenhum", "nenhuma", "nada", "ninguém"},
		opinion:     []string{"acho", "acredito", "espero", "deveria", "quero", "amo", "talvez", "opinião"},
		greeting:    []string{"obrigado", "obrigada", "parabéns", "bom", "boa", "olá", "bem-vindo"},
	},
	"es": {
		attribution: []string{"dijo", "dice", "afirma", "afirmó", "declaró", "según", "anunció", "confirmó", "reveló", "muestra", "mostró", "estudio", "encuesta", "informe", "datos", "cifras", "asegura", "alega", "informó", "reportó", "señaló"},
		comparative: []string{"más", "menos", "mayor", "menor", "mayores", "menores", "récord", "aumento", "caída", "doble", "triple", "primero", "primera", "único", "única", "nunca", "siempre", "mejor", "peor", "aumentó", "cayó", "creció"},
		prediction:  []string{"va", "van", "será", "serán", "prevé", "previsto", "debería", "próximo", "próxima", "futuro", "pronto"},
		time:        []string{"hoy", "ayer", "año", "años", "mes", "meses", "semana", "desde", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "día", "días"},
		firstPerson: []string{"yo", "mi", "mis", "me", "nosotros", "nuestro", "nuestra", "conmigo"},
		quantity:    []string{"por", "ciento", "millón", "millones", "mil", "mitad", "veces", "número", "tasa", "promedio", "mayoría", "impuestos", "empleos", "presupuesto", "deuda", "costo", "pesos", "euros", "casos", "muertes", "habitantes", "contagios", "vacunas"},
		causal:      []string{"porque", "causa", "causó", "provoca", "provocó", "responsable", "cura", "mata", "vinculado"},
		negation:    []string{"no", "nunca", "ningún", "ninguna", "nada", "nadie"},
		opinion:     []string{"creo", "pienso", "espero", "debería", "quiero", "amo", "quizás", "opinión", "ojalá"},
		greeting:    []string{"gracias", "felicidades", "enhorabuena", "buenos", "buenas", "hola", "bienvenido"},
	},
	"sv": {
		attribution: []string{"sade", "säger", "hävdar", "hävdade", "enligt", "meddelade", "bekräftade", "avslöjade", "visar", "visade", "studie", "undersökning", "rapport", "statistik", "uppgifter", "påstår", "uppger"},
		comparative: []string{"mer", "mindre", "fler", "färre", "mest", "minst", "högre", "lägre", "högsta", "lägsta", "större", "störst", "rekord", "ökning", "minskning", "dubbelt", "första", "enda", "aldrig", "alltid", "bäst", "sämst", "ökade", "minskade"},
		prediction:  []string{"kommer", "ska", "skall", "blir", "väntas", "förväntas", "planerar", "nästa", "snart", "framtiden"},
		time:        []string{"idag", "igår", "år", "månad", "månader", "vecka", "veckor", "sedan", "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december", "dag", "dagar"},
		firstPerson: []string{"jag", "mig", "min", "mitt", "mina", "vi", "oss", "vår", "vårt", "våra"},
		quantity:    []string{"procent", "miljon", "miljoner", "miljard", "miljarder", "tusen", "hälften", "gånger", "antal", "andel", "genomsnitt", "majoritet", "skatt", "skatter", "jobb", "budget", "skuld", "kostnad", "kronor", "fall", "dödsfall", "invånare"},
		causal:      []string{"eftersom", "orsakar", "orsakade", "leder", "ledde", "ansvarig", "botar", "dödar", "kopplat"},
		negation:    []string{"inte", "aldrig", "ingen", "inget", "inga", "ingenting"},
		opinion:     []string{"tycker", "tror", "hoppas", "känner", "borde", "vill", "älskar", "kanske", "åsikt"},
		greeting:    []string{"tack", "grattis", "hej", "välkommen", "god"},
	},
	"ar": {
		attribution: []string{"قال", "قالت", "يقول", "تقول", "أكد", "أكدت", "صرح", "أعلن", "أعلنت", "وفق", "وفقا", "حسب", "بحسب", "ذكر", "ذكرت", "كشف", "كشفت", "دراسة", "تقرير", "بيانات", "إحصائيات", "زعم", "يزعم", "أفاد", "نقلا"},
		comparative: []string{"أكثر", "أقل", "أكبر", "أصغر", "أعلى", "أدنى", "أول", "الأول", "الأولى", "الوحيد", "قياسي", "ارتفاع", "انخفاض", "زيادة", "ضعف", "أفضل", "أسوأ", "أبدا", "دائما"},
		prediction:  []string{"سوف", "سيتم", "ستكون", "سيكون", "متوقع", "يتوقع", "المقبل", "المقبلة", "قريبا", "المستقبل"},
		time:        []string{"اليوم", "أمس", "عام", "العام", "سنة", "سنوات", "شهر", "أشهر", "أسبوع", "منذ", "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر", "يوم", "أيام"},
		firstPerson: []string{"أنا", "نحن", "لي", "لنا", "عندي"},
		quantity:    []string{"بالمئة", "بالمائة", "في المئة", "مليون", "ملايين", "مليار", "ألف", "آلاف", "نصف", "مرات", "عدد", "نسبة", "معدل", "متوسط", "أغلبية", "ضرائب", "وظائف", "ميزانية", "ديون", "تكلفة", "دولار", "حالات", "حالة", "وفيات", "إصابات", "لقاح"},
		causal:      []string{"لأن", "بسبب", "يسبب", "تسبب", "يؤدي", "أدى", "مسؤول", "يعالج", "يقتل", "علاج"},
		negation:    []string{"لا", "لم", "لن", "ليس", "ليست", "أبدا"},
		opinion:     []string{"أعتقد", "أظن", "أتمنى", "يجب", "أريد", "أحب", "ربما", "رأيي", "اللهم", "يارب"},
		greeting:    []string{"شكرا", "مبروك", "تهانينا", "صباح", "مساء", "مرحبا", "أهلا", "رمضان", "كريم"},
	},
}

// folded lexicon sets, built once.
type cueSets struct {
	attribution, comparative, prediction, time, firstPerson, quantity, causal, negation, opinion, greeting map[string]bool
	superlSuffix                                                                                           []string
}

var cueIndex = func() map[string]*cueSets {
	m := map[string]*cueSets{}
	mk := func(ws []string) map[string]bool {
		s := make(map[string]bool, len(ws))
		for _, w := range ws {
			s[text.Fold(w)] = true
		}
		return s
	}
	for l, c := range lexicons {
		m[l] = &cueSets{
			attribution: mk(c.attribution), comparative: mk(c.comparative), prediction: mk(c.prediction),
			time: mk(c.time), firstPerson: mk(c.firstPerson), quantity: mk(c.quantity), causal: mk(c.causal),
			negation: mk(c.negation), opinion: mk(c.opinion), greeting: mk(c.greeting), superlSuffix: c.superlSuffix,
		}
	}
	return m
}()

// Greeting reports whether the folded word w is a greeting or courtesy cue
// of lang ("thanks", "bonjour", "olá"), as the "greeting" feature reads it.
// A language without a lexicon has none.
func Greeting(w, lang string) bool {
	c := cueIndex[baseLang(lang)]
	if c == nil {
		return false
	}
	return c.greeting[w] || baseLang(lang) == "ar" && c.greeting[stripArabicPrefix(w)]
}
