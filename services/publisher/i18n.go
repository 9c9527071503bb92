package publisher

import (
	"net/http"
	"strings"

	"vigie/claims"

	"golang.org/x/text/language"
)

// messages are the words of the pages in one language. Every field must
// be set for every language (a test checks it).
type messages struct {
	Lang, Dir                                       string
	SkipLink, NavLabel, AllVerdicts, Feeds          string
	ListTitle, ListIntro, NoVerdicts                string
	Filter, FilterLocality, FilterLanguage, Apply   string
	FilterRating, AnyRating, Clear                  string
	Claim, Claimant, Rating, Summary, Sources       string
	Appearances, Localities, Language, PublishedBy  string
	Published, Updated, Corrections, Version        string
	VersionHistory, Retracted, RetractedNotice      string
	ShortLink, ReadVerdict, MediaImage, MediaVideo  string
	CorrectedNotice, Page, Previous, Next, Verdicts string
	Ratings                                         map[claims.Rating]string
}

// catalog holds the supported page languages; English is the fallback.
var catalog = map[string]*messages{
	"en": {
		Lang: "en", Dir: "ltr",
		SkipLink: "Skip to content", NavLabel: "Site", AllVerdicts: "All verdicts", Feeds: "Feeds",
		ListTitle: "Published verdicts", ListIntro: "Fact-checks published by the newsroom, newest first.",
		NoVerdicts: "No verdict matches this filter.",
		Filter:     "Filter", FilterLocality: "Locality code (e.g. PT-1312)", FilterLanguage: "Language (e.g. pt)",
		Apply: "Apply", FilterRating: "Rating", AnyRating: "Any rating", Clear: "Clear the filter",
		Claim: "Claim", Claimant: "Claim made by", Rating: "Rating", Summary: "Our verdict", Sources: "Sources",
		Appearances: "Where the claim appeared", Localities: "Places concerned", Language: "Language",
		PublishedBy: "Published by", Published: "Published", Updated: "Updated", Corrections: "Corrections",
		Version: "Version", VersionHistory: "Version history", Retracted: "Retracted",
		RetractedNotice: "This verdict was retracted. It stays online so that links to it keep working.",
		ShortLink:       "Short link", ReadVerdict: "Read the verdict", MediaImage: "This claim concerns an image.",
		MediaVideo: "This claim concerns a video.", CorrectedNotice: "This verdict was corrected; see the corrections below.",
		Page: "Page", Previous: "Newer verdicts", Next: "Older verdicts", Verdicts: "verdicts",
		Ratings: map[claims.Rating]string{
			claims.RatingFalse: "False", claims.RatingMostlyFalse: "Mostly false", claims.RatingMisleading: "Misleading",
			claims.RatingMixed: "Mixed", claims.RatingMostlyTrue: "Mostly true", claims.RatingTrue: "True",
			claims.RatingUnproven: "Unproven", claims.RatingOther: "Satire or other", claims.RatingUnknown: "Unknown",
		},
	},
	"fr": {
		Lang: "fr", Dir: "ltr",
		SkipLink: "Aller au contenu", NavLabel: "Site", AllVerdicts: "Tous les verdicts", Feeds: "Flux",
		ListTitle: "Verdicts publiés", ListIntro: "Vérifications publiées par la rédaction, les plus récentes d'abord.",
		NoVerdicts: "Aucun verdict ne correspond à ce filtre.",
		Filter:     "Filtrer", FilterLocality: "Code de commune (ex. FR-75056)", FilterLanguage: "Langue (ex. fr)",
		Apply: "Appliquer", FilterRating: "Verdict", AnyRating: "Tous les verdicts", Clear: "Effacer le filtre",
		Claim: "Affirmation", Claimant: "Affirmation de", Rating: "Verdict", Summary: "Notre verdict", Sources: "Sources",
		Appearances: "Où l'affirmation a circulé", Localities: "Communes concernées", Language: "Langue",
		PublishedBy: "Publié par", Published: "Publié le", Updated: "Mis à jour le", Corrections: "Corrections",
		Version: "Version", VersionHistory: "Historique des versions", Retracted: "Retiré",
		RetractedNotice: "Ce verdict a été retiré. Il reste en ligne pour que les liens qui y mènent fonctionnent.",
		ShortLink:       "Lien court", ReadVerdict: "Lire le verdict", MediaImage: "Cette affirmation porte sur une image.",
		MediaVideo: "Cette affirmation porte sur une vidéo.", CorrectedNotice: "Ce verdict a été corrigé ; voir les corrections ci-dessous.",
		Page: "Page", Previous: "Verdicts plus récents", Next: "Verdicts plus anciens", Verdicts: "verdicts",
		Ratings: map[claims.Rating]string{
			claims.RatingFalse: "Faux", claims.RatingMostlyFalse: "Plutôt faux", claims.RatingMisleading: "Trompeur",
			claims.RatingMixed: "Mitigé", claims.RatingMostlyTrue: "Plutôt vrai", claims.RatingTrue: "Vrai",
			claims.RatingUnproven: "Non prouvé", claims.RatingOther: "Satire ou autre", claims.RatingUnknown: "Inconnu",
		},
	},
	"pt": {
		Lang: "pt", Dir: "ltr",
		SkipLink: "Saltar para o conteúdo", NavLabel: "Site", AllVerdicts: "Todas as verificações", Feeds: "Feeds",
		ListTitle: "Verificações publicadas", ListIntro: "Verificações de factos publicadas pela redação, das mais recentes para as mais antigas.",
		NoVerdicts: "Nenhuma verificação corresponde a este filtro.",
		Filter:     "Filtrar", FilterLocality: "Código do município (ex. PT-1312)", FilterLanguage: "Língua (ex. pt)",
		Apply: "Aplicar", FilterRating: "Classificação", AnyRating: "Qualquer classificação", Clear: "Limpar o filtro",
		Claim: "Alegação", Claimant: "Alegação de", Rating: "Classificação", Summary: "A nossa verificação", Sources: "Fontes",
		Appearances: "Onde a alegação apareceu", Localities: "Municípios abrangidos", Language: "Língua",
		PublishedBy: "Publicado por", Published: "Publicado em", Updated: "Atualizado em", Corrections: "Correções",
		Version: "Versão", VersionHistory: "Histórico de versões", Retracted: "Retirado",
		RetractedNotice: "Esta verificação foi retirada. Continua em linha para que as ligações para ela funcionem.",
		ShortLink:       "Ligação curta", ReadVerdict: "Ler a verificação", MediaImage: "Esta alegação diz respeito a uma imagem.",
		MediaVideo: "Esta alegação diz respeito a um vídeo.", CorrectedNotice: "Esta verificação foi corrigida; veja as correções abaixo.",
		Page: "Página", Previous: "Verificações mais recentes", Next: "Verificações mais antigas", Verdicts: "verificações",
		Ratings: map[claims.Rating]string{
			claims.RatingFalse: "Falso", claims.RatingMostlyFalse: "Maioritariamente falso", claims.RatingMisleading: "Enganador",
			claims.RatingMixed: "Misto", claims.RatingMostlyTrue: "Maioritariamente verdadeiro", claims.RatingTrue: "Verdadeiro",
			claims.RatingUnproven: "Não comprovado", claims.RatingOther: "Sátira ou outro", claims.RatingUnknown: "Desconhecido",
		},
	},
	"es": {
		Lang: "es", Dir: "ltr",
		SkipLink: "Saltar al contenido", NavLabel: "Sitio", AllVerdicts: "Todos los veredictos", Feeds: "Feeds",
		ListTitle: "Veredictos publicados", ListIntro: "Verificaciones publicadas por la redacción, primero las más recientes.",
		NoVerdicts: "Ningún veredicto coincide con este filtro.",
		Filter:     "Filtrar", FilterLocality: "Código de municipio (p. ej. ES-28079)", FilterLanguage: "Idioma (p. ej. es)",
		Apply: "Aplicar", FilterRating: "Calificación", AnyRating: "Cualquier calificación", Clear: "Quitar el filtro",
		Claim: "Afirmación", Claimant: "Afirmación de", Rating: "Calificación", Summary: "Nuestro veredicto", Sources: "Fuentes",
		Appearances: "Dónde apareció la afirmación", Localities: "Municipios afectados", Language: "Idioma",
		PublishedBy: "Publicado por", Published: "Publicado el", Updated: "Actualizado el", Corrections: "Correcciones",
		Version: "Versión", VersionHistory: "Historial de versiones", Retracted: "Retirado",
		RetractedNotice: "Este veredicto fue retirado. Sigue en línea para que los enlaces a él funcionen.",
		ShortLink:       "Enlace corto", ReadVerdict: "Leer el veredicto", MediaImage: "Esta afirmación se refiere a una imagen.",
		MediaVideo: "Esta afirmación se refiere a un vídeo.", CorrectedNotice: "Este veredicto fue corregido; vea las correcciones abajo.",
		Page: "Página", Previous: "Veredictos más recientes", Next: "Veredictos más antiguos", Verdicts: "veredictos",
		Ratings: map[claims.Rating]string{
			claims.RatingFalse: "Falso", claims.RatingMostlyFalse: "Mayormente falso", claims.RatingMisleading: "Engañoso",
			claims.RatingMixed: "Mixto", claims.RatingMostlyTrue: "Mayormente verdadero", claims.RatingTrue: "Verdadero",
			claims.RatingUnproven: "No demostrado", claims.RatingOther: "Sátira u otro", claims.RatingUnknown: "Desconocido",
		},
	},
	"sv": {
		Lang: "sv", Dir: "ltr",
		SkipLink: "Hoppa till innehållet", NavLabel: "Webbplats", AllVerdicts: "Alla granskningar", Feeds: "Flöden",
		ListTitle: "Publicerade granskningar", ListIntro: "Faktagranskningar publicerade av redaktionen, nyaste först.",
		NoVerdicts: "Ingen granskning matchar filtret.",
		Filter:     "Filtrera", FilterLocality: "Kommunkod (t.ex. SE-0180)", FilterLanguage: "Språk (t.ex. sv)",
		Apply: "Tillämpa", FilterRating: "Bedömning", AnyRating: "Alla bedömningar", Clear: "Rensa filtret",
		Claim: "Påstående", Claimant: "Påstående av", Rating: "Bedömning", Summary: "Vår bedömning", Sources: "Källor",
		Appearances: "Där påståendet förekom", Localities: "Berörda kommuner", Language: "Språk",
		PublishedBy: "Publicerad av", Published: "Publicerad", Updated: "Uppdaterad", Corrections: "Rättelser",
		Version: "Version", VersionHistory: "Versionshistorik", Retracted: "Tillbakadragen",
		RetractedNotice: "Granskningen har dragits tillbaka. Den ligger kvar så att länkar till den fortsätter att fungera.",
		ShortLink:       "Kort länk", ReadVerdict: "Läs granskningen", MediaImage: "Påståendet gäller en bild.",
		MediaVideo: "Påståendet gäller en video.", CorrectedNotice: "Granskningen har rättats; se rättelserna nedan.",
		Page: "Sida", Previous: "Nyare granskningar", Next: "Äldre granskningar", Verdicts: "granskningar",
		Ratings: map[claims.Rating]string{
			claims.RatingFalse: "Falskt", claims.RatingMostlyFalse: "Mestadels falskt", claims.RatingMisleading: "Vilseledande",
			claims.RatingMixed: "Delvis sant", claims.RatingMostlyTrue: "Mestadels sant", claims.RatingTrue: "Sant",
			claims.RatingUnproven: "Obekräftat", claims.RatingOther: "Satir eller annat", claims.RatingUnknown: "Okänt",
		},
	},
	"ar": {
		Lang: "ar", Dir: "rtl",
		SkipLink: "انتقل إلى المحتوى", NavLabel: "الموقع", AllVerdicts: "كل الأحكام", Feeds: "الخلاصات",
		ListTitle: "الأحكام المنشورة", ListIntro: "عمليات التحقق التي نشرتها غرفة الأخبار، الأحدث أولاً.",
		NoVerdicts: "لا يوجد حكم يطابق هذا المرشّح.",
		Filter:     "تصفية", FilterLocality: "رمز البلدية (مثال: FR-75056)", FilterLanguage: "اللغة (مثال: ar)",
		Apply: "تطبيق", FilterRating: "التقييم", AnyRating: "كل التقييمات", Clear: "مسح المرشّح",
		Claim: "الادعاء", Claimant: "صاحب الادعاء", Rating: "التقييم", Summary: "حكمنا", Sources: "المصادر",
		Appearances: "أين ظهر الادعاء", Localities: "البلديات المعنية", Language: "اللغة",
		PublishedBy: "نشره", Published: "نُشر في", Updated: "حُدّث في", Corrections: "التصحيحات",
		Version: "النسخة", VersionHistory: "سجل النسخ", Retracted: "مسحوب",
		RetractedNotice: "سُحب هذا الحكم. يبقى متاحاً على الإنترنت كي تظل الروابط إليه صالحة.",
		ShortLink:       "رابط مختصر", ReadVerdict: "اقرأ الحكم", MediaImage: "يتعلق هذا الادعاء بصورة.",
		MediaVideo: "يتعلق هذا الادعاء بمقطع فيديو.", CorrectedNotice: "صُحّح هذا الحكم؛ انظر التصحيحات أدناه.",
		Page: "الصفحة", Previous: "أحكام أحدث", Next: "أحكام أقدم", Verdicts: "أحكام",
		Ratings: map[claims.Rating]string{
			claims.RatingFalse: "خطأ", claims.RatingMostlyFalse: "خطأ في معظمه", claims.RatingMisleading: "مضلل",
			claims.RatingMixed: "مختلط", claims.RatingMostlyTrue: "صحيح في معظمه", claims.RatingTrue: "صحيح",
			claims.RatingUnproven: "غير مثبت", claims.RatingOther: "ساخر أو غير ذلك", claims.RatingUnknown: "غير معروف",
		},
	},
}

// Languages are the page languages, in the order of the matcher's
// preference (English first: the fallback).
var Languages = []string{"en", "fr", "pt", "es", "sv", "ar"}

var langMatcher = func() language.Matcher {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.Make(l)
	}
	return language.NewMatcher(tags)
}()

// messagesFor returns the catalog of a BCP 47 tag's base language
// ("pt-BR" → pt), English when it is not supported.
func messagesFor(tag string) *messages {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	if m, ok := catalog[base]; ok {
		return m
	}
	return catalog["en"]
}

// negotiate picks the list page's language: ?lang= when supported, else
// the best match of Accept-Language, else English.
func negotiate(r *http.Request) *messages {
	if l := r.URL.Query().Get("lang"); l != "" {
		base, _, _ := strings.Cut(strings.ToLower(l), "-")
		if m, ok := catalog[base]; ok {
			return m
		}
	}
	accept := r.Header.Get("Accept-Language")
	if accept == "" || len(accept) > 512 {
		return catalog["en"]
	}
	tags, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(tags) == 0 {
		return catalog["en"]
	}
	_, i, conf := langMatcher.Match(tags...)
	if conf == language.No {
		return catalog["en"]
	}
	return catalog[Languages[i]]
}

// rating returns the localised rating label.
func (m *messages) rating(r claims.Rating) string {
	if s, ok := m.Ratings[r]; ok {
		return s
	}
	return m.Ratings[claims.RatingUnknown]
}
