package alerter

import (
	"fmt"
	"strings"

	"vigie/claims"
	"vigie/claims/locality"
)

// Alert statuses as Words carries them (the alert's life: raised, then
// updated any number of times, then cancelled).
const (
	StatusRaised    = "raised"
	StatusUpdated   = "updated"
	StatusCancelled = "cancelled"
)

// Reasons of an update or a cancellation, as Words carries them.
const (
	ReasonCorrected  = "corrected"  // the verdict was corrected
	ReasonAppearance = "appearance" // the claim was seen again (an appearance of the verdict)
	ReasonRepeats    = "repeats"    // more items or sources repeat it
	ReasonSeverity   = "severity"   // its severity changed
	ReasonConfirmed  = "confirmed"  // a person confirmed an automatic match
	ReasonDismissed  = "dismissed"  // the claim was dismissed
	ReasonRejected   = "rejected"   // the match was judged not the same claim
	ReasonRetracted  = "retracted"  // the verdict was retracted
)

// Words are the structured fields an alert's text is rendered from: what
// happened (kind, status, reason), what is claimed, what is known of it and
// where. Render turns them into a title and a summary in the subscriber's
// language.
type Words struct {
	// Kind is what the alert is about.
	Kind claims.AlertKind
	// Status is StatusRaised, StatusUpdated or StatusCancelled ("" is raised).
	Status string
	// Reason says why an update or a cancellation happened (Reason*), or "".
	Reason string
	// Claim is the claim's text (or the verdict's claim reviewed).
	Claim string
	// Rating is the verdict's or the matched fact-check's rating;
	// TextualRating its publisher's own words, when any.
	Rating        claims.Rating
	TextualRating string
	// Locality is the code of the place concerned ("PT-1312"); its name
	// comes from the shipped gazetteers.
	Locality string
	// Severity is from claims.MinSeverity to claims.MaxSeverity.
	Severity int
	// Items and Sources count the repeats seen (trending, repeats).
	Items, Sources int
	// Confirmed is true when a person confirmed what the alert says (a
	// published verdict, a confirmed match); false for early warnings.
	Confirmed bool
	// FactChecker is who rated the claim (a matched fact-check's publisher).
	FactChecker string
	// SourceName is the outlet where the claim was seen.
	SourceName string
	// Correction is a verdict's correction note.
	Correction string
}

// langIndex is the column of each language in the phrase table.
var langIndex = map[string]int{"en": 0, "fr": 1, "pt": 2, "es": 3, "sv": 4, "ar": 5}

// RenderLanguages are the languages Render writes (others get English).
var RenderLanguages = []string{"en", "fr", "pt", "es", "sv", "ar"}

// phrases holds every phrase in en, fr, pt, es, sv, ar; %s and %d are
// filled in the order the code gives.
var phrases = map[string][6]string{
	// Kinds, as the title's first words.
	"kind_verdict":  {"Fact-check", "Vérification", "Verificação", "Verificación", "Faktagranskning", "تحقق من الحقائق"},
	"kind_flagged":  {"False claim circulating", "Fausse information en circulation", "Alegação falsa em circulação", "Afirmación falsa en circulación", "Falskt påstående sprids", "ادعاء كاذب متداول"},
	"kind_trending": {"Claim spreading", "Affirmation qui se propage", "Alegação a espalhar-se", "Afirmación que se propaga", "Påstående sprids snabbt", "ادعاء ينتشر"},
	// Status and confirmation, before the title.
	"status_updated":   {"Updated", "Mise à jour", "Atualização", "Actualización", "Uppdatering", "تحديث"},
	"status_cancelled": {"Cancelled", "Annulée", "Cancelado", "Cancelada", "Återkallat", "ملغى"},
	"unconfirmed":      {"Unconfirmed", "Non confirmé", "Não confirmado", "No confirmado", "Obekräftat", "غير مؤكد"},
	"in_place":         {"in %s", "à %s", "em %s", "en %s", "i %s", "في %s"},
	// Summaries: one plain sentence on what happened.
	"verdict_raised": {"A fact-check rated this claim “%s”.", "Une vérification a jugé cette affirmation « %s ».",
		"Uma verificação classificou esta alegação como «%s».", "Una verificación calificó esta afirmación como «%s».",
		"En faktagranskning bedömde påståendet som ”%s”.", "صنّف تحقق من الحقائق هذا الادعاء بأنه «%s»."},
	"verdict_corrected": {"The fact-check was corrected: %s", "La vérification a été corrigée : %s",
		"A verificação foi corrigida: %s", "La verificación fue corregida: %s", "Faktagranskningen har rättats: %s", "تم تصحيح التحقق: %s"},
	"verdict_updated": {"The fact-check changed; it now rates the claim “%s”.", "La vérification a changé ; elle juge désormais l'affirmation « %s ».",
		"A verificação mudou; classifica agora a alegação como «%s».", "La verificación cambió; ahora califica la afirmación como «%s».",
		"Faktagranskningen har ändrats; den bedömer nu påståendet som ”%s”.", "تغيّر التحقق؛ وهو يصنّف الادعاء الآن بأنه «%s»."},
	"verdict_retracted": {"The fact-check was retracted by its publisher: it no longer stands, disregard the earlier alert.",
		"La vérification a été retirée par son éditeur : elle ne vaut plus, ne tenez plus compte de l'alerte précédente.",
		"A verificação foi retirada pelo seu editor: já não é válida, ignore o alerta anterior.",
		"La verificación fue retirada por su editor: ya no es válida, no tenga en cuenta la alerta anterior.",
		"Faktagranskningen har dragits tillbaka av utgivaren: den gäller inte längre, bortse från det tidigare larmet.",
		"سحب الناشر هذا التحقق: لم يعد صالحًا، تجاهلوا التنبيه السابق."},
	"flagged_confirmed": {"A claim circulating %s repeats a claim rated “%s” by %s; a fact-checker confirmed the match.",
		"Une affirmation qui circule %s reprend une affirmation jugée « %s » par %s ; un vérificateur a confirmé le rapprochement.",
		"Uma alegação que circula %s repete uma alegação classificada como «%s» por %s; um verificador confirmou a correspondência.",
		"Una afirmación que circula %s repite una afirmación calificada como «%s» por %s; un verificador confirmó la coincidencia.",
		"Ett påstående som sprids %s upprepar ett påstående som %[3]s bedömt som ”%[2]s”; en faktagranskare har bekräftat matchningen.",
		"ادعاء متداول %s يكرر ادعاءً صنّفه %[3]s بأنه «%[2]s»؛ وقد أكد مدقق الحقائق التطابق."},
	"flagged_unconfirmed": {"Automatic match, not yet confirmed by a person: a claim circulating %s may repeat a claim rated “%s” by %s.",
		"Rapprochement automatique, pas encore confirmé par une personne : une affirmation qui circule %s pourrait reprendre une affirmation jugée « %s » par %s.",
		"Correspondência automática, ainda não confirmada por uma pessoa: uma alegação que circula %s pode repetir uma alegação classificada como «%s» por %s.",
		"Coincidencia automática, aún no confirmada por una persona: una afirmación que circula %s podría repetir una afirmación calificada como «%s» por %s.",
		"Automatisk matchning, ännu inte bekräftad av en människa: ett påstående som sprids %s kan upprepa ett påstående som %[3]s bedömt som ”%[2]s”.",
		"تطابق آلي لم يؤكده شخص بعد: قد يكرر ادعاء متداول %s ادعاءً صنّفه %[3]s بأنه «%[2]s»."},
	"trending": {"This claim is spreading %s: seen in %d items from %d sources.",
		"Cette affirmation se propage %s : vue dans %d articles de %d sources.",
		"Esta alegação está a espalhar-se %s: vista em %d publicações de %d fontes.",
		"Esta afirmación se propaga %s: vista en %d publicaciones de %d fuentes.",
		"Påståendet sprids %s: sett i %d inlägg från %d källor.",
		"ينتشر هذا الادعاء %s: شوهد في %d منشورات من %d مصادر."},
	"repeats": {"Seen again: %d items from %d sources so far.", "Vue à nouveau : %d articles de %d sources jusqu'ici.",
		"Vista de novo: %d publicações de %d fontes até agora.", "Vista de nuevo: %d publicaciones de %d fuentes hasta ahora.",
		"Sett igen: %d inlägg från %d källor hittills.", "شوهد مجددًا: %d منشورات من %d مصادر حتى الآن."},
	"appearance": {"The claim appeared again, in %s.", "L'affirmation est réapparue, dans %s.", "A alegação voltou a aparecer, em %s.",
		"La afirmación volvió a aparecer, en %s.", "Påståendet har dykt upp igen, i %s.", "ظهر الادعاء مجددًا، في %s."},
	"confirmed_now": {"A fact-checker has now confirmed the match.", "Un vérificateur a maintenant confirmé le rapprochement.",
		"Um verificador confirmou agora a correspondência.", "Un verificador ha confirmado ahora la coincidencia.",
		"En faktagranskare har nu bekräftat matchningen.", "أكد مدقق الحقائق التطابق الآن."},
	"dismissed": {"A fact-checker dismissed this claim: no action needed.", "Un vérificateur a écarté cette affirmation : aucune action nécessaire.",
		"Um verificador descartou esta alegação: nenhuma ação necessária.", "Un verificador descartó esta afirmación: no se requiere ninguna acción.",
		"En faktagranskare har avfärdat påståendet: ingen åtgärd behövs.", "استبعد مدقق الحقائق هذا الادعاء: لا حاجة لأي إجراء."},
	"rejected": {"A fact-checker found it is not the same claim: no action needed.", "Un vérificateur a jugé que ce n'est pas la même affirmation : aucune action nécessaire.",
		"Um verificador concluiu que não é a mesma alegação: nenhuma ação necessária.", "Un verificador concluyó que no es la misma afirmación: no se requiere ninguna acción.",
		"En faktagranskare fann att det inte är samma påstående: ingen åtgärd behövs.", "وجد مدقق الحقائق أنه ليس الادعاء نفسه: لا حاجة لأي إجراء."},
	"cancelled": {"This alert is cancelled: no action needed.", "Cette alerte est annulée : aucune action nécessaire.",
		"Este alerta foi cancelado: nenhuma ação necessária.", "Esta alerta está cancelada: no se requiere ninguna acción.",
		"Larmet är återkallat: ingen åtgärd behövs.", "أُلغي هذا التنبيه: لا حاجة لأي إجراء."},
	"seen_in":  {"Seen in %s.", "Vu dans %s.", "Visto em %s.", "Visto en %s.", "Sett i %s.", "شوهد في %s."},
	"severity": {"Severity: %s.", "Gravité : %s.", "Gravidade: %s.", "Gravedad: %s.", "Allvarlighetsgrad: %s.", "الخطورة: %s."},
	// Severity words (CAP's Minor, Moderate, Severe, Unknown).
	"sev_Minor":    {"minor", "mineure", "menor", "menor", "låg", "طفيفة"},
	"sev_Moderate": {"moderate", "modérée", "moderada", "moderada", "måttlig", "متوسطة"},
	"sev_Severe":   {"severe", "grave", "grave", "grave", "allvarlig", "شديدة"},
	"sev_Unknown":  {"unknown", "inconnue", "desconhecida", "desconocida", "okänd", "غير معروفة"},
	// Ratings.
	"rating_false":        {"False", "Faux", "Falso", "Falso", "Falskt", "خاطئ"},
	"rating_mostly_false": {"Mostly false", "Plutôt faux", "Maioritariamente falso", "Mayormente falso", "Mestadels falskt", "خاطئ في معظمه"},
	"rating_misleading":   {"Misleading", "Trompeur", "Enganador", "Engañoso", "Vilseledande", "مضلل"},
	"rating_mixed":        {"Mixed", "Mitigé", "Misto", "Mixto", "Blandat", "مختلط"},
	"rating_mostly_true":  {"Mostly true", "Plutôt vrai", "Maioritariamente verdadeiro", "Mayormente verdadero", "Mestadels sant", "صحيح في معظمه"},
	"rating_true":         {"True", "Vrai", "Verdadeiro", "Verdadero", "Sant", "صحيح"},
	"rating_unproven":     {"Unproven", "Non prouvé", "Não comprovado", "No demostrado", "Obevisat", "غير مُثبت"},
	"rating_satire_other": {"Satire / other", "Satire / autre", "Sátira / outro", "Sátira / otro", "Satir / annat", "ساخر / آخر"},
	"rating_unknown":      {"Unrated", "Non évalué", "Sem classificação", "Sin calificación", "Ej bedömt", "غير مصنّف"},
	"status_line":         {"Status: %s (revision %d).", "Statut : %s (révision %d).", "Estado: %s (revisão %d).", "Estado: %s (revisión %d).", "Status: %s (version %d).", "الحالة: %s (المراجعة %d)."},
	"st_raised":           {"raised", "émise", "emitido", "emitida", "utfärdat", "صادر"},
	"st_updated":          {"updated", "mise à jour", "atualizado", "actualizada", "uppdaterat", "محدّث"},
	"st_cancelled":        {"cancelled", "annulée", "cancelado", "cancelada", "återkallat", "ملغى"},
	"feed_title":          {"Vigie alerts: %s", "Alertes Vigie : %s", "Alertas Vigie: %s", "Alertas Vigie: %s", "Vigie-larm: %s", "تنبيهات Vigie: %s"},
	"feed_cap_title":      {"Vigie CAP messages: %s", "Messages CAP Vigie : %s", "Mensagens CAP Vigie: %s", "Mensajes CAP Vigie: %s", "Vigie CAP-meddelanden: %s", "رسائل CAP من Vigie: %s"},
	"feed_description":    {"Alerts for %s", "Alertes pour %s", "Alertas para %s", "Alertas para %s", "Larm för %s", "تنبيهات لـ %s"},
	"a_factchecker":       {"a fact-checker", "un vérificateur", "um verificador", "un verificador", "en faktagranskare", "مدقق حقائق"},
}

// wordLang returns the phrase column of lang ("pt-BR" → pt; unknown → en).
func wordLang(lang string) int {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(lang)), "-")
	return langIndex[base] // 0 (en) when absent
}

func phrase(key string, li int, args ...any) string {
	p, ok := phrases[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return p[li]
	}
	return fmt.Sprintf(p[li], args...)
}

// RatingWords returns the vocabulary's label of the rating in the language.
func RatingWords(r claims.Rating, lang string) string {
	return phrase("rating_"+string(r.OrUnknown()), wordLang(lang))
}

// SeverityWords returns the severity as a word in the language (minor,
// moderate, severe).
func SeverityWords(severity int, lang string) string {
	return phrase("sev_"+claims.SeverityWord(severity), wordLang(lang))
}

// StatusLine says where an alert stands, in lang: "Status: updated
// (revision 2)." (a feed entry's summary starts with it).
func StatusLine(status string, revision int, lang string) string {
	if status == "" {
		status = StatusRaised
	}
	li := wordLang(lang)
	return phrase("status_line", li, phrase("st_"+status, li), max(revision, 1))
}

// FeedWords are the title, CAP index title and description of a
// subscription's private feeds, in lang, its places named.
func FeedWords(name string, localities []string, lang string) (title, capTitle, description string) {
	li := wordLang(lang)
	places := make([]string, len(localities))
	for i, code := range localities {
		places[i] = PlaceName(code)
	}
	return phrase("feed_title", li, name), phrase("feed_cap_title", li, name), phrase("feed_description", li, strings.Join(places, ", "))
}

// PlaceName is the name of a locality for people (CAP areaDesc, alert
// texts): the shipped gazetteers' name, the code when none knows it.
func PlaceName(code string) string {
	if code == "" {
		return ""
	}
	return locality.PlaceName(code)
}

// Render writes an alert's title and summary in lang (en, fr, pt, es, sv,
// ar; English otherwise) from its structured fields: the title says what
// and where, marked when cancelled, updated or unconfirmed; the summary is
// one plain sentence on what happened, then what is known and the severity
// in words.
func Render(w Words, lang string) (title, summary string) {
	li := wordLang(lang)
	place := PlaceName(w.Locality)
	claim := oneLine(w.Claim, 160)
	rating := phrase("rating_"+string(w.Rating.OrUnknown()), li)
	if w.TextualRating != "" && w.Rating.OrUnknown() == claims.RatingUnknown {
		rating = w.TextualRating
	}
	who := w.FactChecker
	if who == "" {
		who = phrase("a_factchecker", li)
	}
	where := ""
	if place != "" {
		where = phrase("in_place", li, place)
	}

	var head []string
	switch w.Status {
	case StatusUpdated:
		head = append(head, phrase("status_updated", li))
	case StatusCancelled:
		head = append(head, phrase("status_cancelled", li))
	}
	if !w.Confirmed && w.Kind != claims.AlertVerdict {
		head = append(head, phrase("unconfirmed", li))
	}
	kind := phrase("kind_"+string(w.Kind), li)
	if where != "" {
		kind += " " + where
	}
	title = kind
	if len(head) > 0 {
		title = "[" + strings.Join(head, " · ") + "] " + kind
	}
	if claim != "" {
		title += " — " + quote(claim, li)
	}

	var s []string
	switch {
	case w.Status == StatusCancelled:
		switch w.Reason {
		case ReasonRetracted:
			s = append(s, phrase("verdict_retracted", li))
		case ReasonDismissed:
			s = append(s, phrase("dismissed", li))
		case ReasonRejected:
			s = append(s, phrase("rejected", li))
		default:
			s = append(s, phrase("cancelled", li))
		}
	case w.Kind == claims.AlertVerdict:
		switch {
		case w.Status == StatusUpdated && w.Correction != "":
			s = append(s, phrase("verdict_corrected", li, oneLine(w.Correction, 300)))
		case w.Status == StatusUpdated && w.Reason == ReasonAppearance && w.SourceName != "":
			s = append(s, phrase("appearance", li, w.SourceName))
		case w.Status == StatusUpdated && (w.Reason == ReasonRepeats || w.Reason == ReasonAppearance) && w.Items > 0:
			s = append(s, phrase("repeats", li, w.Items, max(w.Sources, 1)))
		case w.Status == StatusUpdated:
			s = append(s, phrase("verdict_updated", li, rating))
		default:
			s = append(s, phrase("verdict_raised", li, rating))
		}
	case w.Kind == claims.AlertTrending:
		s = append(s, phrase("trending", li, where, max(w.Items, 1), max(w.Sources, 1)))
	default: // flagged
		if w.Confirmed {
			s = append(s, phrase("flagged_confirmed", li, where, rating, who))
		} else {
			s = append(s, phrase("flagged_unconfirmed", li, where, rating, who))
		}
		if w.Status == StatusUpdated && w.Reason == ReasonConfirmed {
			s = append(s, phrase("confirmed_now", li))
		} else if w.Status == StatusUpdated && w.Items > 0 {
			s = append(s, phrase("repeats", li, w.Items, max(w.Sources, 1)))
		}
	}
	if w.SourceName != "" && w.Status != StatusCancelled && w.Reason != ReasonAppearance {
		s = append(s, phrase("seen_in", li, w.SourceName))
	}
	if w.Status != StatusCancelled && w.Severity > 0 {
		s = append(s, phrase("severity", li, SeverityWords(w.Severity, lang)))
	}
	summary = strings.Join(s, " ")
	summary = strings.ReplaceAll(summary, "  ", " ") // a sentence without a place
	return title, summary
}

// quote puts the claim in the language's quotation marks.
func quote(s string, li int) string {
	switch li {
	case 1:
		return "« " + s + " »"
	case 2, 3, 5:
		return "«" + s + "»"
	case 4:
		return "”" + s + "”"
	}
	return "“" + s + "”"
}
