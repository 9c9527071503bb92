package alerter

import (
	"fmt"
	"strings"
	"testing"

	"vigie/claims"
)

func TestRenderSpeaksTheSubscribersLanguage(t *testing.T) {
	t.Parallel()
	w := Words{Kind: claims.AlertVerdict, Status: StatusRaised, Claim: "As vacinas causam autismo", Rating: claims.RatingFalse,
		Locality: "PT-1312", Severity: 3, Confirmed: true}
	want := map[string][2]string{
		"en":    {"Fact-check in Porto — “As vacinas causam autismo”", "A fact-check rated this claim “False”. Severity: moderate."},
		"fr":    {"Vérification à Porto", "« Faux »"},
		"pt":    {"Verificação em Porto — «As vacinas causam autismo»", "Uma verificação classificou esta alegação como «Falso». Gravidade: moderada."},
		"pt-BR": {"Verificação em Porto", "Gravidade: moderada."},
		"es":    {"Verificación en Porto", "«Falso»"},
		"sv":    {"Faktagranskning i Porto", "Allvarlighetsgrad: måttlig."},
		"ar":    {"تحقق من الحقائق في Porto", "«خاطئ»"},
		"de":    {"Fact-check in Porto", "Severity: moderate."}, // English for a language Render does not write
	}
	seen := map[string]string{}
	for lang, parts := range want {
		title, summary := Render(w, lang)
		if !strings.Contains(title, parts[0]) || !strings.Contains(summary, parts[1]) {
			t.Errorf("%s: %q / %q, want %q / %q", lang, title, summary, parts[0], parts[1])
		}
		if strings.Contains(title+summary, "PT-1312") {
			t.Errorf("%s: the code shows instead of the place: %q", lang, title)
		}
		if lang != "pt-BR" && lang != "de" {
			if other, dup := seen[summary]; dup {
				t.Errorf("%s and %s render the same summary %q", lang, other, summary)
			}
			seen[summary] = lang
		}
	}
}

func TestRenderFollowsTheAlertsLife(t *testing.T) {
	t.Parallel()
	base := Words{Kind: claims.AlertVerdict, Claim: "Le maire a vendu l'hôpital", Rating: claims.RatingFalse, Locality: "FR-75056",
		Severity: 3, Confirmed: true}
	corrected, retracted := base, base
	corrected.Status, corrected.Reason, corrected.Correction = StatusUpdated, ReasonCorrected, "la date de la vente était fausse"
	retracted.Status, retracted.Reason = StatusCancelled, ReasonRetracted
	title, summary := Render(corrected, "fr")
	if !strings.HasPrefix(title, "[Mise à jour] Vérification à Paris") || !strings.Contains(summary, "corrigée : la date") {
		t.Errorf("correction: %q / %q", title, summary)
	}
	title, summary = Render(retracted, "fr")
	if !strings.HasPrefix(title, "[Annulée]") || !strings.Contains(summary, "retirée") || strings.Contains(summary, "Gravité") {
		t.Errorf("retraction: %q / %q", title, summary)
	}
	early := Words{Kind: claims.AlertFlagged, Claim: "O salário mínimo é de 1000 euros", Rating: claims.RatingFalse,
		Locality: "PT-1312", Severity: 2, FactChecker: "Polígrafo", SourceName: "Jornal do Porto"}
	title, summary = Render(early, "pt")
	if !strings.Contains(title, "[Não confirmado]") || !strings.Contains(summary, "Correspondência automática") ||
		!strings.Contains(summary, "Polígrafo") || !strings.Contains(summary, "Visto em Jornal do Porto") {
		t.Errorf("early warning: %q / %q", title, summary)
	}
	dismissed := early
	dismissed.Status, dismissed.Reason = StatusCancelled, ReasonDismissed
	if title, summary = Render(dismissed, "en"); !strings.Contains(title, "[Cancelled · Unconfirmed]") || !strings.Contains(summary, "dismissed") {
		t.Errorf("dismissed: %q / %q", title, summary)
	}
	trend := Words{Kind: claims.AlertTrending, Claim: "x", Locality: "SE-0180", Items: 7, Sources: 4, Confirmed: true, Severity: 4}
	if _, summary = Render(trend, "sv"); summary != "Påståendet sprids i Stockholm: sett i 7 inlägg från 4 källor. Allvarlighetsgrad: allvarlig." {
		t.Errorf("trending: %q", summary)
	}
}

// TestRenderEveryCombination renders every kind, status, reason and
// language: no formatting leftovers, never an empty title or summary.
func TestRenderEveryCombination(t *testing.T) {
	t.Parallel()
	reasons := []string{"", ReasonCorrected, ReasonAppearance, ReasonRepeats, ReasonSeverity, ReasonConfirmed, ReasonDismissed, ReasonRejected, ReasonRetracted}
	n := 0
	for _, kind := range claims.AlertKinds {
		for _, status := range []string{StatusRaised, StatusUpdated, StatusCancelled} {
			for _, reason := range reasons {
				for _, lang := range RenderLanguages {
					for _, confirmed := range []bool{true, false} {
						w := Words{Kind: kind, Status: status, Reason: reason, Claim: "c", Rating: claims.RatingMisleading, Locality: "BR-3550308",
							Severity: 2, Items: 3, Sources: 2, Confirmed: confirmed, SourceName: "S", Correction: "n"}
						title, summary := Render(w, lang)
						n++
						if title == "" || summary == "" || strings.Contains(title+summary, "%!") || strings.Contains(title+summary, "BR-3550308") {
							t.Errorf("%s", fmt.Sprint(kind, status, reason, lang, confirmed, ": ", title, " / ", summary))
						}
					}
				}
			}
		}
	}
	if n != 3*3*9*6*2 {
		t.Fatalf("%d combinations rendered", n)
	}
}

func TestStatusLine(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status string
		rev    int
		lang   string
		want   string
	}{
		{StatusUpdated, 2, "en", "Status: updated (revision 2)."},
		{StatusCancelled, 3, "pt", "Estado: cancelado (revisão 3)."},
		{"", 0, "fr", "Statut : émise (révision 1)."},
	} {
		if got := StatusLine(tt.status, tt.rev, tt.lang); got != tt.want {
			t.Errorf("StatusLine(%q, %d, %s) = %q, want %q", tt.status, tt.rev, tt.lang, got, tt.want)
		}
	}
}

func TestFeedWordsNameThePlaces(t *testing.T) {
	t.Parallel()
	title, capTitle, desc := FeedWords("Câmara do Porto", []string{"PT-1312", "PT-1308"}, "pt")
	if title != "Alertas Vigie: Câmara do Porto" || capTitle != "Mensagens CAP Vigie: Câmara do Porto" || desc != "Alertas para Porto, Matosinhos" {
		t.Errorf("%q / %q / %q", title, capTitle, desc)
	}
}
