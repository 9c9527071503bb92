package reviewer

import (
	"net/http"
	"slices"

	"vigie/claims"

	"golang.org/x/text/language"
)

// Languages are the UI languages, in catalogue order.
var Languages = []string{"en", "fr", "pt", "es", "sv", "ar"}

// languageNames are the languages as their speakers name them, for the switch.
var languageNames = map[string]string{"en": "English", "fr": "Français", "pt": "Português", "es": "Español",
	"sv": "Svenska", "ar": "العربية"}

var (
	uiTags    = []language.Tag{language.English, language.French, language.Portuguese, language.Spanish, language.Swedish, language.Arabic}
	uiMatcher = language.NewMatcher(uiTags)
)

// rtl are the right-to-left UI languages.
var rtl = map[string]bool{"ar": true}

// langCookie remembers the language last chosen with the switch.
const langCookie = "vigie_lang"

// pickLanguage chooses the UI language: ?lang=, else the language last
// chosen with the switch (cookie), else the user's setting, else the
// browser's Accept-Language, else English.
func pickLanguage(r *http.Request, setting string) string {
	chosen := ""
	if c, err := r.Cookie(langCookie); err == nil {
		chosen = c.Value
	}
	for _, c := range []string{r.URL.Query().Get("lang"), chosen, setting} {
		if l := baseLanguage(c); l != "" {
			return l
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, conf := uiMatcher.Match(tags...)
	if conf == language.No {
		return "en"
	}
	return Languages[i]
}

// baseLanguage returns the UI language of a language tag
// (claims.ParseLanguage: "pt-BR" → "pt"), "" when none fits.
func baseLanguage(tag string) string {
	l, err := claims.ParseLanguage(tag)
	if err != nil || !slices.Contains(Languages, l.Base()) {
		return ""
	}
	return l.Base()
}

// tr returns the message key in lang, falling back to English, then to the key.
func tr(lang, key string) string {
	m, ok := catalogue[key]
	if !ok {
		return key
	}
	for i, l := range Languages {
		if l == lang && m[i] != "" {
			return m[i]
		}
	}
	return m[0]
}

// catalogue holds every UI string: key → translations in Languages order.
var catalogue = map[string][6]string{
	"claim_confirmed":          {"Confirmed match", "Correspondance confirmée", "Correspondência confirmada", "Coincidencia confirmada", "Bekräftad matchning", "تطابق مؤكَّد"},
	"not_flagged":              {"Not flagged", "Non signalée", "Não sinalizada", "No señalada", "Inte flaggad", "غير مُعلَّم"},
	"low_priority":             {"Low priority", "Priorité basse", "Prioridade baixa", "Prioridad baja", "Låg prioritet", "أولوية منخفضة"},
	"low_priority_help":        {"Sentences that could be claims, under the check-worthiness threshold: kept, not in the main queue.", "Phrases qui pourraient être des affirmations, sous le seuil d'intérêt à vérifier : conservées, hors de la file principale.", "Frases que podem ser alegações, abaixo do limiar de relevância: guardadas, fora da fila principal.", "Frases que podrían ser afirmaciones, por debajo del umbral de relevancia: conservadas, fuera de la cola principal.", "Meningar som kan vara påståenden, under tröskeln för granskningsvärde: sparade, utanför huvudkön.", "جمل قد تكون ادعاءات، دون عتبة جدارة التحقق: محفوظة خارج القائمة الرئيسية."},
	"main_queue":               {"Queue", "File principale", "Fila principal", "Cola principal", "Huvudkö", "القائمة الرئيسية"},
	"rematch_requested":        {"Matching again against today's fact-checks: the matches update in a few seconds.", "Nouvelle recherche de correspondances dans les vérifications d'aujourd'hui : elles se mettent à jour dans quelques secondes.", "Nova procura nas verificações de hoje: as correspondências atualizam-se em poucos segundos.", "Nueva búsqueda en las verificaciones de hoy: las coincidencias se actualizan en unos segundos.", "Matchar igen mot dagens faktagranskningar: matchningarna uppdateras om några sekunder.", "تجري المطابقة من جديد مع تحققات اليوم: تتحدّث النتائج خلال ثوانٍ."},
	"automatic":                {"automatic", "automatique", "automática", "automática", "automatisk", "تلقائي"},
	"judged_confirmed":         {"Same claim", "Même affirmation", "Mesma alegação", "Misma afirmación", "Samma påstående", "الادعاء نفسه"},
	"judged_rejected":          {"Not the same claim", "Pas la même affirmation", "Não é a mesma alegação", "No es la misma afirmación", "Inte samma påstående", "ليس الادعاء نفسه"},
	"in_the_item":              {"In the item", "Dans l'article", "No artigo", "En el artículo", "I artikeln", "في المادة"},
	"the_factcheck":            {"The fact-check", "La vérification", "A verificação", "La verificación", "Faktagranskningen", "التحقق"},
	"differs_number":           {"Number differs", "Nombre différent", "Número diferente", "Número distinto", "Annat tal", "رقم مختلف"},
	"differs_amount":           {"Amount differs", "Montant différent", "Montante diferente", "Importe distinto", "Annat belopp", "مبلغ مختلف"},
	"differs_percent":          {"Percentage differs", "Pourcentage différent", "Percentagem diferente", "Porcentaje distinto", "Annan procentsats", "نسبة مختلفة"},
	"differs_date":             {"Date differs", "Date différente", "Data diferente", "Fecha distinta", "Annat datum", "تاريخ مختلف"},
	"differs_person":           {"Person differs", "Personne différente", "Pessoa diferente", "Persona distinta", "Annan person", "شخص مختلف"},
	"differs_central":          {"the central figure: a person must judge", "le chiffre central : à juger par une personne", "o número central: uma pessoa deve julgar", "la cifra central: debe juzgarla una persona", "den centrala siffran: en person måste bedöma", "الرقم المحوري: يجب أن يحكم شخص"},
	"judge_note":               {"Note (optional)", "Note (facultative)", "Nota (opcional)", "Nota (opcional)", "Anteckning (valfri)", "ملاحظة (اختيارية)"},
	"for_cluster":              {"for every claim of its cluster", "pour toutes les affirmations de son groupe", "para todas as alegações do seu grupo", "para todas las afirmaciones de su grupo", "för alla påståenden i dess kluster", "لكل ادعاءات مجموعته"},
	"same_claim":               {"Same claim", "Même affirmation", "Mesma alegação", "Misma afirmación", "Samma påstående", "الادعاء نفسه"},
	"not_same_claim":           {"Not the same claim", "Pas la même affirmation", "Não é a mesma alegação", "No es la misma afirmación", "Inte samma påstående", "ليس الادعاء نفسه"},
	"former_matches":           {"Judged matches no longer suggested", "Correspondances jugées qui ne sont plus proposées", "Correspondências julgadas já não sugeridas", "Coincidencias juzgadas que ya no se sugieren", "Bedömda matchningar som inte längre föreslås", "تطابقات حُكم عليها ولم تعد مقترحة"},
	"rematch":                  {"Match again", "Rechercher à nouveau", "Procurar de novo", "Buscar de nuevo", "Matcha igen", "طابِق من جديد"},
	"rematch_help":             {"against today's fact-checks; rejected pairs stay out", "dans les vérifications d'aujourd'hui ; les paires rejetées restent exclues", "nas verificações de hoje; os pares rejeitados ficam de fora", "en las verificaciones de hoy; los pares rechazados quedan fuera", "mot dagens faktagranskningar; avvisade par hålls utanför", "مع تحققات اليوم؛ تبقى الأزواج المرفوضة مستبعدة"},
	"facet_confirmed":          {"Confirmed", "Confirmée", "Confirmada", "Confirmada", "Bekräftad", "مؤكَّد"},
	"confirmed":                {"confirmed", "confirmée", "confirmada", "confirmada", "bekräftad", "مؤكَّد"},
	"app_name":                 {"Vigie", "Vigie", "Vigie", "Vigie", "Vigie", "فيجي"},
	"skip":                     {"Skip to content", "Aller au contenu", "Saltar para o conteúdo", "Ir al contenido", "Hoppa till innehållet", "انتقل إلى المحتوى"},
	"nav_queue":                {"Queue", "File d'attente", "Fila", "Cola", "Kö", "قائمة الانتظار"},
	"nav_dashboard":            {"Dashboard", "Tableau de bord", "Painel", "Panel", "Översikt", "لوحة المتابعة"},
	"nav_admin":                {"Administration", "Administration", "Administração", "Administración", "Administration", "الإدارة"},
	"nav_alerts":               {"Alerts", "Alertes", "Alertas", "Alertas", "Larm", "التنبيهات"},
	"nav_account":              {"Account", "Compte", "Conta", "Cuenta", "Konto", "الحساب"},
	"logout":                   {"Log out", "Se déconnecter", "Terminar sessão", "Cerrar sesión", "Logga ut", "تسجيل الخروج"},
	"login_title":              {"Log in", "Connexion", "Iniciar sessão", "Iniciar sesión", "Logga in", "تسجيل الدخول"},
	"user_name":                {"User name", "Nom d'utilisateur", "Nome de utilizador", "Nombre de usuario", "Användarnamn", "اسم المستخدم"},
	"password":                 {"Password", "Mot de passe", "Palavra-passe", "Contraseña", "Lösenord", "كلمة المرور"},
	"totp_code":                {"Two-factor code (if enrolled)", "Code à deux facteurs (si activé)", "Código de dois fatores (se ativado)", "Código de doble factor (si está activado)", "Tvåfaktorskod (om aktiverad)", "رمز التحقق الثنائي (إن كان مفعّلًا)"},
	"login_submit":             {"Log in", "Se connecter", "Entrar", "Entrar", "Logga in", "دخول"},
	"login_failed":             {"Invalid user name or password.", "Nom d'utilisateur ou mot de passe incorrect.", "Nome de utilizador ou palavra-passe inválidos.", "Nombre de usuario o contraseña incorrectos.", "Fel användarnamn eller lösenord.", "اسم المستخدم أو كلمة المرور غير صحيحة."},
	"totp_needed":              {"Enter your two-factor code.", "Saisissez votre code à deux facteurs.", "Introduza o seu código de dois fatores.", "Introduzca su código de doble factor.", "Ange din tvåfaktorskod.", "أدخل رمز التحقق الثنائي."},
	"rate_limited":             {"Too many attempts; try again later.", "Trop de tentatives ; réessayez plus tard.", "Demasiadas tentativas; tente mais tarde.", "Demasiados intentos; inténtelo más tarde.", "För många försök; försök igen senare.", "محاولات كثيرة جدًا؛ حاول لاحقًا."},
	"language":                 {"Language", "Langue", "Idioma", "Idioma", "Språk", "اللغة"},
	"search_label":             {"Search claims", "Rechercher des affirmations", "Pesquisar alegações", "Buscar afirmaciones", "Sök påståenden", "ابحث في الادعاءات"},
	"search_button":            {"Search", "Rechercher", "Pesquisar", "Buscar", "Sök", "بحث"},
	"claims":                   {"claims", "affirmations", "alegações", "afirmaciones", "påståenden", "ادعاءات"},
	"filters":                  {"Filters", "Filtres", "Filtros", "Filtros", "Filter", "عوامل التصفية"},
	"facet_status":             {"Status", "Statut", "Estado", "Estado", "Status", "الحالة"},
	"facet_source":             {"Source", "Source", "Fonte", "Fuente", "Källa", "المصدر"},
	"facet_language":           {"Language", "Langue", "Idioma", "Idioma", "Språk", "اللغة"},
	"facet_locality":           {"Locality", "Commune", "Município", "Municipio", "Kommun", "البلدية"},
	"facet_flagged":            {"Flagged", "Signalée", "Sinalizada", "Señalada", "Flaggad", "مُعلَّم"},
	"facet_worthiness":         {"Check-worthiness", "Intérêt à vérifier", "Relevância para verificação", "Relevancia para verificar", "Granskningsvärde", "جدارة التحقق"},
	"facet_date":               {"Detected", "Détectée", "Detetada", "Detectada", "Upptäckt", "تاريخ الرصد"},
	"facet_clear":              {"Clear filters", "Effacer les filtres", "Limpar filtros", "Quitar filtros", "Rensa filter", "مسح عوامل التصفية"},
	"any":                      {"Any", "Tous", "Qualquer", "Cualquiera", "Alla", "الكل"},
	"last_day":                 {"Last 24 hours", "Dernières 24 heures", "Últimas 24 horas", "Últimas 24 horas", "Senaste dygnet", "آخر 24 ساعة"},
	"last_week":                {"Last 7 days", "7 derniers jours", "Últimos 7 dias", "Últimos 7 días", "Senaste 7 dagarna", "آخر 7 أيام"},
	"last_month":               {"Last 30 days", "30 derniers jours", "Últimos 30 dias", "Últimos 30 días", "Senaste 30 dagarna", "آخر 30 يومًا"},
	"sort_label":               {"Sort by", "Trier par", "Ordenar por", "Ordenar por", "Sortera efter", "ترتيب حسب"},
	"sort_flagged":             {"Flagged first", "Signalées d'abord", "Sinalizadas primeiro", "Señaladas primero", "Flaggade först", "المُعلَّمة أولًا"},
	"sort_newest":              {"Newest", "Plus récentes", "Mais recentes", "Más recientes", "Nyaste", "الأحدث"},
	"sort_worthiness":          {"Check-worthiness", "Intérêt à vérifier", "Relevância", "Relevancia", "Granskningsvärde", "جدارة التحقق"},
	"sort_score":               {"Match score", "Score de correspondance", "Pontuação de correspondência", "Puntuación de coincidencia", "Matchningspoäng", "درجة التطابق"},
	"apply":                    {"Apply", "Appliquer", "Aplicar", "Aplicar", "Använd", "تطبيق"},
	"prev":                     {"Previous", "Précédent", "Anterior", "Anterior", "Föregående", "السابق"},
	"next":                     {"Next", "Suivant", "Seguinte", "Siguiente", "Nästa", "التالي"},
	"page":                     {"Page", "Page", "Página", "Página", "Sida", "صفحة"},
	"new_claims":               {"new claims", "nouvelles affirmations", "novas alegações", "nuevas afirmaciones", "nya påståenden", "ادعاءات جديدة"},
	"show":                     {"Show", "Afficher", "Mostrar", "Mostrar", "Visa", "عرض"},
	"flagged":                  {"flagged", "signalée", "sinalizada", "señalada", "flaggad", "مُعلَّم"},
	"yes":                      {"Yes", "Oui", "Sim", "Sí", "Ja", "نعم"},
	"no":                       {"No", "Non", "Não", "No", "Nej", "لا"},
	"worthiness":               {"Check-worthiness", "Intérêt à vérifier", "Relevância para verificação", "Relevancia para verificar", "Granskningsvärde", "جدارة التحقق"},
	"detected":                 {"Detected", "Détectée", "Detetada", "Detectada", "Upptäckt", "رُصد في"},
	"source":                   {"Source", "Source", "Fonte", "Fuente", "Källa", "المصدر"},
	"original":                 {"Original", "Original", "Original", "Original", "Original", "الأصل"},
	"status":                   {"Status", "Statut", "Estado", "Estado", "Status", "الحالة"},
	"assignee":                 {"Assigned to", "Assignée à", "Atribuída a", "Asignada a", "Tilldelad", "مُسند إلى"},
	"unassigned":               {"Unassigned", "Non assignée", "Sem atribuição", "Sin asignar", "Ej tilldelad", "غير مُسند"},
	"claim_title":              {"Claim", "Affirmation", "Alegação", "Afirmación", "Påstående", "الادعاء"},
	"context":                  {"In its item", "Dans son article", "No seu artigo", "En su artículo", "I sin artikel", "في سياقه"},
	"reasons":                  {"Why it was picked", "Pourquoi elle a été retenue", "Porque foi selecionada", "Por qué se seleccionó", "Varför den valdes", "سبب اختياره"},
	"matches":                  {"Matching fact-checks", "Vérifications correspondantes", "Verificações correspondentes", "Verificaciones coincidentes", "Matchande faktagranskningar", "تحققات مطابقة"},
	"no_matches":               {"No matching fact-check.", "Aucune vérification correspondante.", "Nenhuma verificação correspondente.", "Ninguna verificación coincidente.", "Ingen matchande faktagranskning.", "لا يوجد تحقق مطابق."},
	"rating":                   {"Rating", "Verdict", "Classificação", "Calificación", "Bedömning", "التقييم"},
	"publisher":                {"Publisher", "Éditeur", "Editor", "Editor", "Utgivare", "الناشر"},
	"explanation":              {"Why it matches", "Pourquoi elle correspond", "Porque corresponde", "Por qué coincide", "Varför den matchar", "سبب التطابق"},
	"cluster":                  {"Repeats", "Répétitions", "Repetições", "Repeticiones", "Upprepningar", "التكرارات"},
	"repeated":                 {"Repeated %d times in %d sources", "Répétée %d fois dans %d sources", "Repetida %d vezes em %d fontes", "Repetida %d veces en %d fuentes", "Upprepad %d gånger i %d källor", "تكرر %d مرات في %d مصادر"},
	"not_repeated":             {"Not seen elsewhere yet", "Pas encore vue ailleurs", "Ainda não vista noutro sítio", "Aún no vista en otro lugar", "Inte sedd någon annanstans ännu", "لم تُرَ في مكان آخر بعد"},
	"repeated_since":           {"Repeated %d times in %d sources since %s", "Répétée %d fois dans %d sources depuis le %s", "Repetida %d vezes em %d fontes desde %s", "Repetida %d veces en %d fuentes desde el %s", "Upprepad %d gånger i %d källor sedan %s", "تكرر %d مرات في %d مصادر منذ %s"},
	"matcher_model":            {"Matcher model", "Modèle de rapprochement", "Modelo de correspondência", "Modelo de correspondencia", "Matchningsmodell", "نموذج المطابقة"},
	"model_shipped":            {"the shipped model", "le modèle livré", "o modelo fornecido", "el modelo incluido", "den levererade modellen", "النموذج المرفق"},
	"model_use_shipped":        {"Use the shipped model", "Utiliser le modèle livré", "Usar o modelo fornecido", "Usar el modelo incluido", "Använd den levererade modellen", "استخدم النموذج المرفق"},
	"model_revert":             {"Go back to", "Revenir à", "Voltar a", "Volver a", "Gå tillbaka till", "العودة إلى"},
	"add_appearance":           {"Add as an appearance of this verdict", "Ajouter comme apparition de ce verdict", "Adicionar como aparição deste veredito", "Añadir como aparición de este veredicto", "Lägg till som förekomst av detta utlåtande", "أضف كظهور لهذا الحكم"},
	"cluster_seen":             {"First seen %s, last seen %s", "Vue pour la première fois le %s, pour la dernière fois le %s", "Vista pela primeira vez em %s, pela última vez em %s", "Vista por primera vez el %s, por última vez el %s", "Först sedd %s, senast sedd %s", "شوهدت أول مرة في %s، وآخر مرة في %s"},
	"actions":                  {"Actions", "Actions", "Ações", "Acciones", "Åtgärder", "الإجراءات"},
	"assign":                   {"Assign", "Assigner", "Atribuir", "Asignar", "Tilldela", "إسناد"},
	"change_status":            {"Change status", "Changer le statut", "Alterar estado", "Cambiar estado", "Ändra status", "تغيير الحالة"},
	"save":                     {"Save", "Enregistrer", "Guardar", "Guardar", "Spara", "حفظ"},
	"notes":                    {"Notes", "Notes", "Notas", "Notas", "Anteckningar", "الملاحظات"},
	"add_note":                 {"Add note", "Ajouter la note", "Adicionar nota", "Añadir nota", "Lägg till anteckning", "إضافة ملاحظة"},
	"duplicate_of":             {"Duplicate of (claim id)", "Doublon de (identifiant)", "Duplicado de (id da alegação)", "Duplicado de (id de afirmación)", "Dubblett av (påstående-id)", "مكرر لـ (معرّف الادعاء)"},
	"mark_duplicate":           {"Mark duplicate", "Marquer comme doublon", "Marcar como duplicado", "Marcar como duplicado", "Markera som dubblett", "وسم كمكرر"},
	"merge":                    {"Merge selected into this claim", "Fusionner la sélection dans cette affirmation", "Fundir as selecionadas nesta alegação", "Fusionar las seleccionadas en esta afirmación", "Slå ihop markerade med detta påstående", "دمج المحدد في هذا الادعاء"},
	"history":                  {"History", "Historique", "Histórico", "Historial", "Historik", "السجل"},
	"no_history":               {"No action yet.", "Aucune action pour l'instant.", "Nenhuma ação ainda.", "Ninguna acción todavía.", "Inga åtgärder ännu.", "لا إجراءات بعد."},
	"conflict_title":           {"Someone else changed this claim", "Quelqu'un d'autre a modifié cette affirmation", "Outra pessoa alterou esta alegação", "Otra persona cambió esta afirmación", "Någon annan ändrade påståendet", "قام شخص آخر بتعديل هذا الادعاء"},
	"conflict_text":            {"Your change was not saved. Here is what changed since you opened the page:", "Votre modification n'a pas été enregistrée. Voici ce qui a changé depuis l'ouverture de la page :", "A sua alteração não foi guardada. Eis o que mudou desde que abriu a página:", "Su cambio no se guardó. Esto es lo que cambió desde que abrió la página:", "Din ändring sparades inte. Detta har ändrats sedan du öppnade sidan:", "لم يُحفظ تعديلك. هذا ما تغيّر منذ فتحت الصفحة:"},
	"field":                    {"Field", "Champ", "Campo", "Campo", "Fält", "الحقل"},
	"you_saw":                  {"You saw", "Vous aviez", "Viu", "Vio", "Du såg", "ما رأيته"},
	"now":                      {"Now", "Maintenant", "Agora", "Ahora", "Nu", "الآن"},
	"reload":                   {"Reload the claim", "Recharger l'affirmation", "Recarregar a alegação", "Recargar la afirmación", "Ladda om påståendet", "إعادة تحميل الادعاء"},
	"verdict_editor":           {"Verdict", "Verdict", "Veredicto", "Veredicto", "Utlåtande", "الحكم"},
	"claim_reviewed":           {"Claim reviewed", "Affirmation vérifiée", "Alegação verificada", "Afirmación verificada", "Granskat påstående", "الادعاء المُتحقق منه"},
	"title":                    {"Headline", "Titre", "Título", "Titular", "Rubrik", "العنوان"},
	"textual_rating":           {"Rating in words", "Verdict en toutes lettres", "Classificação por extenso", "Calificación en palabras", "Bedömning i ord", "التقييم بالكلمات"},
	"summary":                  {"Summary", "Résumé", "Resumo", "Resumen", "Sammanfattning", "الملخص"},
	"sources":                  {"Sources (one URL per line)", "Sources (une URL par ligne)", "Fontes (um URL por linha)", "Fuentes (una URL por línea)", "Källor (en URL per rad)", "المصادر (رابط في كل سطر)"},
	"claimant":                 {"Claimant", "Auteur de l'affirmation", "Autor da alegação", "Autor de la afirmación", "Upphovsperson", "صاحب الادعاء"},
	"appearances":              {"Appearances (one URL per line)", "Apparitions (une URL par ligne)", "Aparições (um URL por linha)", "Apariciones (una URL por línea)", "Förekomster (en URL per rad)", "مواضع الظهور (رابط في كل سطر)"},
	"localities":               {"Localities (codes such as FR-75056)", "Communes (codes comme FR-75056)", "Municípios (códigos como PT-1312)", "Municipios (códigos como ES-28079)", "Kommuner (koder som SE-0180)", "البلديات (رموز مثل FR-75056)"},
	"review_date":              {"Review again on", "À revoir le", "Rever em", "Revisar de nuevo el", "Granska igen den", "إعادة المراجعة في"},
	"save_draft":               {"Save draft", "Enregistrer le brouillon", "Guardar rascunho", "Guardar borrador", "Spara utkast", "حفظ المسودة"},
	"submit":                   {"Submit for approval", "Soumettre pour approbation", "Submeter para aprovação", "Enviar para aprobación", "Skicka för godkännande", "إرسال للموافقة"},
	"publish":                  {"Approve and publish", "Approuver et publier", "Aprovar e publicar", "Aprobar y publicar", "Godkänn och publicera", "الموافقة والنشر"},
	"correct":                  {"Publish correction", "Publier la correction", "Publicar correção", "Publicar corrección", "Publicera rättelse", "نشر التصحيح"},
	"correction_note":          {"Public correction note", "Note de correction publique", "Nota pública de correção", "Nota pública de corrección", "Offentlig rättelsenotis", "ملاحظة التصحيح العلنية"},
	"retract":                  {"Retract", "Retirer", "Retirar", "Retirar", "Dra tillbaka", "سحب"},
	"retraction_note":          {"Public retraction note", "Note de retrait publique", "Nota pública de retirada", "Nota pública de retirada", "Offentlig notis om tillbakadragande", "ملاحظة السحب العلنية"},
	"published_verdict":        {"Published verdict", "Verdict publié", "Veredicto publicado", "Veredicto publicado", "Publicerat utlåtande", "الحكم المنشور"},
	"version":                  {"Version", "Version", "Versão", "Versión", "Version", "الإصدار"},
	"verdict_state":            {"Verdict state", "État du verdict", "Estado do veredicto", "Estado del veredicto", "Utlåtandets läge", "حالة الحكم"},
	"edit_verdict":             {"Write or edit the verdict", "Rédiger ou modifier le verdict", "Escrever ou editar o veredicto", "Redactar o editar el veredicto", "Skriv eller redigera utlåtandet", "كتابة الحكم أو تعديله"},
	"dashboard_title":          {"Dashboard", "Tableau de bord", "Painel", "Panel", "Översikt", "لوحة المتابعة"},
	"items_per_source_day":     {"Claims per source per day", "Affirmations par source et par jour", "Alegações por fonte por dia", "Afirmaciones por fuente y día", "Påståenden per källa och dag", "الادعاءات لكل مصدر يوميًا"},
	"claims_detected":          {"Claims detected", "Affirmations détectées", "Alegações detetadas", "Afirmaciones detectadas", "Upptäckta påståenden", "الادعاءات المرصودة"},
	"claims_flagged":           {"Claims flagged", "Affirmations signalées", "Alegações sinalizadas", "Afirmaciones señaladas", "Flaggade påståenden", "الادعاءات المُعلَّمة"},
	"top_clusters":             {"Most repeated claims", "Affirmations les plus répétées", "Alegações mais repetidas", "Afirmaciones más repetidas", "Mest upprepade påståenden", "الادعاءات الأكثر تكرارًا"},
	"verdicts_published":       {"Verdicts published", "Verdicts publiés", "Veredictos publicados", "Veredictos publicados", "Publicerade utlåtanden", "الأحكام المنشورة"},
	"median_time":              {"Median time from detection to verdict", "Délai médian entre détection et verdict", "Tempo mediano da deteção ao veredicto", "Tiempo mediano de detección a veredicto", "Mediantid från upptäckt till utlåtande", "الوقت الوسيط من الرصد إلى الحكم"},
	"per_locality":             {"Claims per locality", "Affirmations par commune", "Alegações por município", "Afirmaciones por municipio", "Påståenden per kommun", "الادعاءات لكل بلدية"},
	"none":                     {"None", "Aucun", "Nenhum", "Ninguno", "Inga", "لا شيء"},
	"admin_title":              {"Administration", "Administration", "Administração", "Administración", "Administration", "الإدارة"},
	"audit_export":             {"Export the audit log (JSON lines)", "Exporter le journal d'audit (JSON lines)", "Exportar o registo de auditoria (JSON lines)", "Exportar el registro de auditoría (JSON lines)", "Exportera granskningsloggen (JSON lines)", "تصدير سجل التدقيق (JSON lines)"},
	"users":                    {"Accounts", "Comptes", "Contas", "Cuentas", "Konton", "الحسابات"},
	"tokens":                   {"API tokens", "Jetons d'API", "Tokens de API", "Tokens de API", "API-nycklar", "رموز واجهة البرمجة"},
	"scope":                    {"Scope", "Portée", "Âmbito", "Alcance", "Omfattning", "النطاق"},
	"last_used":                {"Last used", "Dernier usage", "Última utilização", "Último uso", "Senast använd", "آخر استخدام"},
	"alerts_title":             {"Your alerts", "Vos alertes", "Os seus alertas", "Sus alertas", "Dina larm", "تنبيهاتك"},
	"subscriptions":            {"Subscriptions", "Abonnements", "Subscrições", "Suscripciones", "Prenumerationer", "الاشتراكات"},
	"no_alerts":                {"No alert yet.", "Aucune alerte pour l'instant.", "Nenhum alerta ainda.", "Ninguna alerta todavía.", "Inga larm ännu.", "لا تنبيهات بعد."},
	"severity":                 {"Severity", "Gravité", "Gravidade", "Gravedad", "Allvarlighetsgrad", "الخطورة"},
	"alert_title":              {"Alert", "Alerte", "Alerta", "Alerta", "Larm", "تنبيه"},
	"alert_claimed":            {"What is claimed", "Ce qui est affirmé", "O que é alegado", "Lo que se afirma", "Vad som påstås", "ما يُدّعى"},
	"alert_where":              {"Where it circulates", "Où cela circule", "Onde circula", "Dónde circula", "Var det sprids", "أين يتداول"},
	"alert_known":              {"What is known", "Ce que l'on sait", "O que se sabe", "Lo que se sabe", "Vad som är känt", "ما هو معروف"},
	"alert_confirmed":          {"Confirmed by a person", "Confirmé par une personne", "Confirmado por uma pessoa", "Confirmado por una persona", "Bekräftat av en människa", "مؤكد من شخص"},
	"alert_confirmed_yes":      {"Yes: a fact-checker confirmed it.", "Oui : un vérificateur l'a confirmé.", "Sim: um verificador confirmou.", "Sí: un verificador lo confirmó.", "Ja: en faktagranskare har bekräftat det.", "نعم: أكده مدقق الحقائق."},
	"alert_confirmed_no":       {"No: an automatic match, not confirmed yet (early warning).", "Non : rapprochement automatique, pas encore confirmé (alerte précoce).", "Não: correspondência automática, ainda não confirmada (alerta precoce).", "No: coincidencia automática, aún no confirmada (alerta temprana).", "Nej: en automatisk matchning, ännu inte bekräftad (tidig varning).", "لا: تطابق آلي لم يُؤكد بعد (إنذار مبكر)."},
	"alert_read_verdict":       {"Read the fact-check", "Lire la vérification", "Ler a verificação", "Leer la verificación", "Läs faktagranskningen", "اقرأ التحقق"},
	"alert_status_raised":      {"Raised", "Émise", "Emitido", "Emitida", "Utfärdat", "صادر"},
	"alert_status_updated":     {"Updated", "Mise à jour", "Atualizado", "Actualizada", "Uppdaterat", "محدّث"},
	"alert_status_cancelled":   {"Cancelled: no action needed", "Annulée : aucune action nécessaire", "Cancelado: nenhuma ação necessária", "Cancelada: no se requiere ninguna acción", "Återkallat: ingen åtgärd behövs", "ملغى: لا حاجة لأي إجراء"},
	"alert_settings":           {"What you are alerted about", "Ce qui vous est signalé", "Sobre o que é alertado", "Sobre qué se le alerta", "Vad du larmas om", "ما تُنبَّه بشأنه"},
	"kind_verdict":             {"Fact-check published", "Vérification publiée", "Verificação publicada", "Verificación publicada", "Faktagranskning publicerad", "نشر تحقق"},
	"kind_flagged":             {"False claim circulating", "Fausse information en circulation", "Alegação falsa em circulação", "Afirmación falsa en circulación", "Falskt påstående sprids", "ادعاء كاذب متداول"},
	"kind_trending":            {"Claim spreading", "Affirmation qui se propage", "Alegação a espalhar-se", "Afirmación que se propaga", "Påstående sprids snabbt", "ادعاء ينتشر"},
	"kinds":                    {"Kinds of alert", "Types d'alerte", "Tipos de alerta", "Tipos de alerta", "Typer av larm", "أنواع التنبيه"},
	"unconfirmed":              {"unconfirmed", "non confirmé", "não confirmado", "no confirmado", "obekräftat", "غير مؤكد"},
	"min_severity":             {"Lowest severity to receive", "Gravité minimale reçue", "Gravidade mínima a receber", "Gravedad mínima a recibir", "Lägsta allvarlighetsgrad", "أدنى خطورة تُستلم"},
	"sev_Minor":                {"minor", "mineure", "menor", "menor", "låg", "طفيفة"},
	"sev_Moderate":             {"moderate", "modérée", "moderada", "moderada", "måttlig", "متوسطة"},
	"sev_Severe":               {"severe", "grave", "grave", "grave", "allvarlig", "شديدة"},
	"sev_Unknown":              {"unknown", "inconnue", "desconhecida", "desconocida", "okänd", "غير معروفة"},
	"early_warning":            {"Early warning: also automatic matches not yet confirmed", "Alerte précoce : aussi les rapprochements automatiques non confirmés", "Alerta precoce: também correspondências automáticas não confirmadas", "Alerta temprana: también coincidencias automáticas no confirmadas", "Tidig varning: även automatiska matchningar som inte bekräftats", "إنذار مبكر: أيضًا التطابقات الآلية غير المؤكدة"},
	"early_warning_help":       {"Off by default: you are told only what a person confirmed. Early warnings are marked unconfirmed and never sent on CAP.", "Désactivé par défaut : seul ce qu'une personne a confirmé vous est signalé. Les alertes précoces sont marquées non confirmées et jamais envoyées en CAP.", "Desligado por omissão: só recebe o que uma pessoa confirmou. Os alertas precoces vêm marcados como não confirmados e nunca seguem por CAP.", "Desactivado por defecto: solo se le avisa de lo que una persona confirmó. Las alertas tempranas se marcan como no confirmadas y nunca se envían por CAP.", "Av som standard: du får bara veta det som en människa bekräftat. Tidiga varningar märks obekräftade och skickas aldrig via CAP.", "معطل افتراضيًا: لا تُبلَّغ إلا بما أكده شخص. تُعلَّم الإنذارات المبكرة بأنها غير مؤكدة ولا تُرسل عبر CAP أبدًا."},
	"cap_channel":              {"CAP feed (published fact-checks only)", "Flux CAP (vérifications publiées seulement)", "Feed CAP (só verificações publicadas)", "Feed CAP (solo verificaciones publicadas)", "CAP-flöde (endast publicerade granskningar)", "خلاصة CAP (التحققات المنشورة فقط)"},
	"localities_granted_help":  {"You can follow the places an administrator granted you; ask them for another.", "Vous pouvez suivre les communes qu'un administrateur vous a attribuées ; demandez-lui pour une autre.", "Pode seguir os municípios que um administrador lhe atribuiu; peça-lhe outro.", "Puede seguir los municipios que un administrador le asignó; pídale otro.", "Du kan följa de kommuner som en administratör gett dig; be om fler.", "يمكنك متابعة البلديات التي منحها لك مشرف؛ اطلب منه غيرها."},
	"not_granted":              {"no longer granted", "plus attribuée", "já não atribuído", "ya no asignado", "inte längre tilldelad", "لم تعد ممنوحة"},
	"languages_help":           {"Only alerts about claims in these languages (none ticked: all).", "Seulement les alertes sur des affirmations dans ces langues (aucune cochée : toutes).", "Só alertas sobre alegações nestas línguas (nenhuma marcada: todas).", "Solo alertas sobre afirmaciones en estos idiomas (ninguno marcado: todos).", "Bara larm om påståenden på dessa språk (inget valt: alla).", "تنبيهات حول ادعاءات بهذه اللغات فقط (بلا اختيار: الكل)."},
	"feed_address":             {"Address of your private feed (keep it secret, paste it in your feed reader)", "Adresse de votre flux privé (gardez-la secrète, collez-la dans votre lecteur)", "Endereço do seu feed privado (mantenha-o secreto, cole-o no seu leitor)", "Dirección de su feed privado (manténgala en secreto, péguela en su lector)", "Adress till ditt privata flöde (håll den hemlig, klistra in den i din läsare)", "عنوان خلاصتك الخاصة (احفظه سرًا والصقه في قارئك)"},
	"feed_other_formats":       {"Other formats", "Autres formats", "Outros formatos", "Otros formatos", "Andra format", "صيغ أخرى"},
	"feed_hidden":              {"Your feed is on; its address was shown when it was issued. Get a new address to see it here.", "Votre flux est actif ; son adresse a été montrée à sa création. Demandez une nouvelle adresse pour la voir ici.", "O seu feed está ativo; o endereço foi mostrado quando foi emitido. Peça um novo endereço para o ver aqui.", "Su feed está activo; su dirección se mostró al emitirse. Pida una nueva dirección para verla aquí.", "Ditt flöde är på; adressen visades när den utfärdades. Hämta en ny adress för att se den här.", "خلاصتك مفعلة؛ عُرض عنوانها عند إصداره. اطلب عنوانًا جديدًا لتراه هنا."},
	"feed_rotate":              {"Get a new address", "Obtenir une nouvelle adresse", "Obter um novo endereço", "Obtener una nueva dirección", "Hämta en ny adress", "احصل على عنوان جديد"},
	"feed_enable":              {"Turn the feed on", "Activer le flux", "Ativar o feed", "Activar el feed", "Slå på flödet", "فعّل الخلاصة"},
	"feed_rotate_help":         {"The current address stops working at once.", "L'adresse actuelle cesse aussitôt de fonctionner.", "O endereço atual deixa de funcionar de imediato.", "La dirección actual deja de funcionar de inmediato.", "Den nuvarande adressen slutar fungera direkt.", "يتوقف العنوان الحالي عن العمل فورًا."},
	"copy":                     {"Copy", "Copier", "Copiar", "Copiar", "Kopiera", "نسخ"},
	"saved":                    {"Done.", "C'est fait.", "Feito.", "Hecho.", "Klart.", "تم."},
	"webhook_secret_once":      {"Signing secret of the new webhook, shown only now: copy it into your receiver.", "Secret de signature du nouveau webhook, affiché seulement maintenant : copiez-le dans votre récepteur.", "Segredo de assinatura do novo webhook, mostrado só agora: copie-o para o seu recetor.", "Secreto de firma del nuevo webhook, mostrado solo ahora: cópielo en su receptor.", "Signeringshemlighet för den nya webhooken, visas bara nu: kopiera den till din mottagare.", "سر توقيع خطاف الويب الجديد، يُعرض الآن فقط: انسخه إلى المستقبِل."},
	"webhook_test":             {"Send a test", "Envoyer un test", "Enviar um teste", "Enviar una prueba", "Skicka ett test", "أرسل اختبارًا"},
	"webhook_add":              {"Add a webhook (address of your receiver)", "Ajouter un webhook (adresse de votre récepteur)", "Adicionar um webhook (endereço do seu recetor)", "Añadir un webhook (dirección de su receptor)", "Lägg till en webhook (mottagarens adress)", "أضف خطاف ويب (عنوان المستقبِل)"},
	"delivery_log":             {"Delivery log", "Journal des envois", "Registo de entregas", "Registro de entregas", "Leveranslogg", "سجل التسليم"},
	"attempt":                  {"Attempt", "Essai", "Tentativa", "Intento", "Försök", "المحاولة"},
	"enable":                   {"Enable", "Activer", "Ativar", "Activar", "Aktivera", "تفعيل"},
	"disable":                  {"Disable", "Désactiver", "Desativar", "Desactivar", "Inaktivera", "تعطيل"},
	"add":                      {"Add", "Ajouter", "Adicionar", "Añadir", "Lägg till", "إضافة"},
	"remove":                   {"Remove", "Supprimer", "Remover", "Eliminar", "Ta bort", "إزالة"},
	"feed":                     {"Private feed", "Flux privé", "Feed privado", "Feed privado", "Privat flöde", "الخلاصة الخاصة"},
	"webhooks":                 {"Webhooks", "Webhooks", "Webhooks", "Webhooks", "Webhooks", "خطافات الويب"},
	"enabled":                  {"enabled", "activé", "ativo", "activado", "aktiverad", "مفعّل"},
	"disabled":                 {"disabled", "désactivé", "desativado", "desactivado", "inaktiverad", "معطّل"},
	"kind":                     {"Kind", "Type", "Tipo", "Tipo", "Typ", "النوع"},
	"time":                     {"Time", "Date", "Data", "Fecha", "Tid", "الوقت"},
	"account_title":            {"Your account", "Votre compte", "A sua conta", "Su cuenta", "Ditt konto", "حسابك"},
	"role":                     {"Role", "Rôle", "Função", "Rol", "Roll", "الدور"},
	"change_password":          {"Change password", "Changer le mot de passe", "Alterar palavra-passe", "Cambiar contraseña", "Byt lösenord", "تغيير كلمة المرور"},
	"new_password":             {"New password (12 characters or more)", "Nouveau mot de passe (12 caractères ou plus)", "Nova palavra-passe (12 caracteres ou mais)", "Nueva contraseña (12 caracteres o más)", "Nytt lösenord (minst 12 tecken)", "كلمة مرور جديدة (12 حرفًا أو أكثر)"},
	"password_changed":         {"Password changed; log in again.", "Mot de passe changé ; reconnectez-vous.", "Palavra-passe alterada; inicie sessão novamente.", "Contraseña cambiada; inicie sesión de nuevo.", "Lösenordet är bytt; logga in igen.", "تم تغيير كلمة المرور؛ سجّل الدخول مجددًا."},
	"totp_title":               {"Two-factor login", "Connexion à deux facteurs", "Início de sessão com dois fatores", "Inicio de sesión con doble factor", "Tvåfaktorsinloggning", "تسجيل الدخول بعاملين"},
	"totp_on":                  {"Two-factor login is on.", "La connexion à deux facteurs est activée.", "O início de sessão com dois fatores está ativo.", "El inicio de sesión con doble factor está activado.", "Tvåfaktorsinloggning är på.", "تسجيل الدخول بعاملين مفعّل."},
	"totp_required":            {"Your role requires two-factor login: enrol to continue.", "Votre rôle exige la connexion à deux facteurs : activez-la pour continuer.", "A sua função exige dois fatores: ative-os para continuar.", "Su rol exige doble factor: actívelo para continuar.", "Din roll kräver tvåfaktorsinloggning: aktivera den för att fortsätta.", "يتطلب دورك تسجيل الدخول بعاملين: فعّله للمتابعة."},
	"totp_enrol":               {"Start enrolment", "Commencer l'activation", "Iniciar ativação", "Iniciar activación", "Börja aktivera", "بدء التفعيل"},
	"totp_scan":                {"Add this key to your authenticator app, then enter the code it shows.", "Ajoutez cette clé à votre application d'authentification, puis saisissez le code affiché.", "Adicione esta chave à sua aplicação de autenticação e introduza o código apresentado.", "Añada esta clave a su aplicación de autenticación e introduzca el código que muestra.", "Lägg till nyckeln i din autentiseringsapp och ange koden den visar.", "أضف هذا المفتاح إلى تطبيق المصادقة ثم أدخل الرمز الذي يظهره."},
	"totp_secret":              {"Key", "Clé", "Chave", "Clave", "Nyckel", "المفتاح"},
	"totp_confirm":             {"Confirm", "Confirmer", "Confirmar", "Confirmar", "Bekräfta", "تأكيد"},
	"code":                     {"Code", "Code", "Código", "Código", "Kod", "الرمز"},
	"error_title":              {"Something went wrong", "Une erreur est survenue", "Ocorreu um erro", "Se produjo un error", "Något gick fel", "حدث خطأ"},
	"back":                     {"Back to the queue", "Retour à la file", "Voltar à fila", "Volver a la cola", "Tillbaka till kön", "العودة إلى القائمة"},
	"tipster":                  {"Tipster (personal data)", "Informateur (donnée personnelle)", "Denunciante (dado pessoal)", "Informante (dato personal)", "Tipsare (personuppgift)", "المُبلِّغ (بيانات شخصية)"},
	"erase_tipster":            {"Erase the tipster's identity", "Effacer l'identité de l'informateur", "Apagar a identidade do denunciante", "Borrar la identidad del informante", "Radera tipsarens identitet", "محو هوية المُبلِّغ"},
	"received":                 {"Received", "Reçu", "Recebido", "Recibido", "Mottaget", "تاريخ الاستلام"},
	"status_new":               {"New", "Nouvelle", "Nova", "Nueva", "Ny", "جديد"},
	"status_triage":            {"Triage", "Tri", "Triagem", "Triaje", "Sortering", "الفرز"},
	"status_in_progress":       {"In progress", "En cours", "Em curso", "En curso", "Pågår", "قيد العمل"},
	"status_draft":             {"Draft", "Brouillon", "Rascunho", "Borrador", "Utkast", "مسودة"},
	"status_awaiting_approval": {"Awaiting approval", "En attente d'approbation", "A aguardar aprovação", "Pendiente de aprobación", "Väntar på godkännande", "بانتظار الموافقة"},
	"status_published":         {"Published", "Publiée", "Publicada", "Publicada", "Publicerad", "منشور"},
	"status_dismissed":         {"Dismissed", "Écartée", "Descartada", "Descartada", "Avfärdad", "مستبعد"},
	"status_duplicate":         {"Duplicate", "Doublon", "Duplicada", "Duplicada", "Dubblett", "مكرر"},
	"status_retracted":         {"Retracted", "Retiré", "Retirado", "Retirado", "Tillbakadragen", "مسحوب"},
	"rating_false":             {"False", "Faux", "Falso", "Falso", "Falskt", "خاطئ"},
	"rating_mostly_false":      {"Mostly false", "Plutôt faux", "Maioritariamente falso", "Mayormente falso", "Mestadels falskt", "خاطئ في معظمه"},
	"rating_misleading":        {"Misleading", "Trompeur", "Enganador", "Engañoso", "Vilseledande", "مضلل"},
	"rating_mixed":             {"Mixed", "Mitigé", "Misto", "Mixto", "Blandat", "مختلط"},
	"rating_mostly_true":       {"Mostly true", "Plutôt vrai", "Maioritariamente verdadeiro", "Mayormente verdadero", "Mestadels sant", "صحيح في معظمه"},
	"rating_true":              {"True", "Vrai", "Verdadeiro", "Verdadero", "Sant", "صحيح"},
	"rating_unproven":          {"Unproven", "Non prouvé", "Não comprovado", "No demostrado", "Obevisat", "غير مُثبت"},
	"rating_satire_other":      {"Satire / other", "Satire / autre", "Sátira / outro", "Sátira / otro", "Satir / annat", "ساخر / آخر"},
	"rating_unknown":           {"Unknown", "Inconnu", "Desconhecido", "Desconocido", "Okänt", "غير معروف"},
}

// rememberLanguage stores a ?lang= choice in a cookie, so that the switch
// holds across pages (it is a preference, not a credential).
func rememberLanguage(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l := r.URL.Query().Get("lang"); l != "" && baseLanguage(l) == l {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
		h.ServeHTTP(w, r)
	})
}
