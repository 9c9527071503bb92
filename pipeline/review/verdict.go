package review

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/publish"
)

// Bounds on verdict fields; longer input is refused with ErrInvalid.
const (
	MaxTextLen  = 20000
	MaxListLen  = 100
	MaxNoteLen  = 10000
	MaxNotes    = 500 // notes per claim, kept in its state
	maxShortLen = 500
)

var (
	localityPattern = regexp.MustCompile(`^[A-Z]{2}-[0-9A-Za-z]{1,12}$`)
)

// NormalizeInput trims the input's text, drops empty and repeated list
// entries, upper-cases locality codes and writes the language tag in its
// canonical form.
func NormalizeInput(in claims.VerdictInput) claims.VerdictInput {
	in.ClaimReviewed = strings.TrimSpace(in.ClaimReviewed)
	in.Title = strings.TrimSpace(in.Title)
	in.TextualRating = strings.TrimSpace(in.TextualRating)
	in.Summary = strings.TrimSpace(in.Summary)
	in.Claimant = strings.TrimSpace(in.Claimant)
	in.Language = strings.TrimSpace(in.Language)
	if l, err := claims.ParseLanguage(in.Language); err == nil {
		in.Language = l.String()
	}
	in.Rating = claims.Rating(strings.TrimSpace(string(in.Rating)))
	clean := func(xs []string, upper bool) []string {
		var out []string
		for _, x := range xs {
			x = strings.TrimSpace(x)
			if upper {
				x = strings.ToUpper(x)
			}
			if x != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		return out
	}
	in.Sources, in.Appearances, in.Localities = clean(in.Sources, false), clean(in.Appearances, false), clean(in.Localities, true)
	if !in.ReviewDate.IsZero() {
		in.ReviewDate = in.ReviewDate.UTC()
	}
	return in
}

// ValidateInput says why in is not acceptable, wrapping ErrInvalid. A draft
// may be incomplete; complete demands what a published verdict needs: the
// claim reviewed, a rating, a summary, a language and at least one source.
func ValidateInput(in claims.VerdictInput, complete bool) error {
	var errs []string
	long := func(name, s string, max int) {
		if len(s) > max {
			errs = append(errs, fmt.Sprintf("%s longer than %d bytes", name, max))
		}
	}
	long("claim_reviewed", in.ClaimReviewed, MaxTextLen)
	long("title", in.Title, maxShortLen)
	long("textual_rating", in.TextualRating, maxShortLen)
	long("summary", in.Summary, MaxTextLen)
	long("claimant", in.Claimant, maxShortLen)
	if in.Rating != "" && !in.Rating.OnScale() {
		errs = append(errs, fmt.Sprintf("rating %q not one of the scale", in.Rating))
	}
	if in.Language != "" && !claims.ValidLanguage(in.Language) {
		errs = append(errs, fmt.Sprintf("language %q not a BCP 47 tag", in.Language))
	}
	for name, list := range map[string][]string{"sources": in.Sources, "appearances": in.Appearances} {
		if len(list) > MaxListLen {
			errs = append(errs, fmt.Sprintf("more than %d %s", MaxListLen, name))
		}
		for _, u := range list {
			if err := checkURL(u); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", name, err))
			}
		}
	}
	if len(in.Localities) > MaxListLen {
		errs = append(errs, fmt.Sprintf("more than %d localities", MaxListLen))
	}
	for _, l := range in.Localities {
		if !localityPattern.MatchString(l) {
			errs = append(errs, fmt.Sprintf("locality %q not a country code, '-' and an official code", l))
		}
	}
	if complete {
		if in.ClaimReviewed == "" {
			errs = append(errs, "claim_reviewed missing")
		}
		if in.Rating == "" {
			errs = append(errs, "rating missing")
		}
		if in.Summary == "" {
			errs = append(errs, "summary missing")
		}
		if in.Language == "" {
			errs = append(errs, "language missing")
		}
		if len(in.Sources) == 0 {
			errs = append(errs, "no source")
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("verdict: %w: %s", ErrInvalid, strings.Join(errs, "; "))
	}
	return nil
}

func checkURL(s string) error {
	if len(s) > 2048 {
		return fmt.Errorf("url longer than 2048 bytes")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http(s) url", s)
	}
	return nil
}

// Site says who publishes verdicts and where their pages live.
type Site struct {
	// Publisher is the newsroom.
	Publisher publish.Party
	// BaseURL is the site's public root ("https://news.example"); verdict
	// pages are BaseURL + "/verdicts/" + id.
	BaseURL string
}

// PageURL is the stable public URL of a verdict.
func (s Site) PageURL(verdictID string) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/verdicts/" + url.PathEscape(verdictID)
}

// Publish converts v to the type pages and feeds are built from, for this site.
func (s Site) Publish(v *claims.Verdict) publish.Verdict {
	out := publish.Verdict{
		ID: v.ID, Version: v.Version, URL: s.PageURL(v.ID), ClaimReviewed: v.ClaimReviewed,
		Rating: v.Rating.OrUnknown(), TextualRating: v.TextualRating, Summary: v.Summary,
		Appearances: slices.Clone(v.Appearances), Localities: slices.Clone(v.Localities), Language: v.Language,
		Publisher: s.Publisher, Published: v.FirstPublished, Modified: v.Published, Retracted: v.Retracted,
		Sources: slices.Clone(v.Sources),
	}
	if out.Published.IsZero() {
		out.Published = v.Published
	}
	if v.Claimant != "" {
		out.Claimant = publish.Party{Name: v.Claimant}
	}
	for _, c := range v.Corrections {
		out.Corrections = append(out.Corrections, publish.Correction{Date: c.Date, Note: c.Note})
	}
	if v.Retracted {
		out.Corrections = append(out.Corrections, publish.Correction{Date: v.RetractedAt, Note: v.RetractionNote})
		out.Modified = v.RetractedAt
	}
	return out
}

// FactCheckKey is the vigie_factchecks key of a verdict's fact-check record
// (imported fact-checks are under codec.FactCheckKey("import", id)).
func FactCheckKey(verdictID string) string { return "verdict." + verdictID }

// FactCheck returns the fact-check a published verdict of this site puts in
// the vigie_factchecks bucket under FactCheckKey (encoded by
// codec.EncodeFactCheck), so that the matcher matches the next repeat of the
// claim at once.
func (s Site) FactCheck(v *claims.Verdict) claims.FactCheck {
	title := v.Title
	if title == "" {
		title = v.ClaimReviewed
	}
	tr := v.TextualRating
	if tr == "" {
		tr = v.Rating.Label()
	}
	return claims.FactCheck{
		ID: FactCheckKey(v.ID), Text: v.ClaimReviewed, Title: title, Rating: v.Rating, TextualRating: tr,
		Claimant: v.Claimant, Publisher: s.Publisher.Name, URL: s.PageURL(v.ID), Language: v.Language,
		Localities: slices.Clone(v.Localities), Date: v.Published, Version: v.Version,
	}
}

// DiffVerdicts lists the verdict fields that differ from saw to now, each
// prefixed "verdict."; nil stands for no verdict.
func DiffVerdicts(saw, now *claims.Verdict) []Change {
	show := func(v *claims.Verdict) map[string]string {
		if v == nil {
			return map[string]string{}
		}
		rd := ""
		if !v.ReviewDate.IsZero() {
			rd = v.ReviewDate.Format(time.DateOnly)
		}
		return map[string]string{
			"state": string(v.State), "version": fmt.Sprint(v.Version), "claim_reviewed": v.ClaimReviewed,
			"title": v.Title, "rating": string(v.Rating), "textual_rating": v.TextualRating, "summary": v.Summary,
			"sources": strings.Join(v.Sources, "; "), "claimant": v.Claimant,
			"appearances": strings.Join(v.Appearances, "; "), "localities": strings.Join(v.Localities, "; "),
			"language": v.Language, "review_date": rd, "retracted": fmt.Sprint(v.Retracted),
		}
	}
	a, b := show(saw), show(now)
	var d []Change
	for _, f := range []string{"state", "version", "claim_reviewed", "title", "rating", "textual_rating", "summary",
		"sources", "claimant", "appearances", "localities", "language", "review_date", "retracted"} {
		if a[f] != b[f] {
			d = append(d, Change{Field: "verdict." + f, Saw: a[f], Now: b[f]})
		}
	}
	return d
}
