package review

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"vigie/claims"
	"vigie/pipeline/codec"
	"vigie/pipeline/publish"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// VerdictState is where a verdict stands.
type VerdictState string

// The verdict states.
const (
	VerdictDraft            VerdictState = "draft"
	VerdictAwaitingApproval VerdictState = "awaiting_approval"
	VerdictPublished        VerdictState = "published"
	VerdictRetracted        VerdictState = "retracted"
)

// Bounds on verdict fields; longer input is refused with ErrInvalid.
const (
	MaxTextLen  = 20000
	MaxListLen  = 100
	MaxNoteLen  = 10000
	MaxNotes    = 500 // notes per claim, kept in its state
	maxShortLen = 500
)

// VerdictInput is what a fact-checker writes in a verdict.
type VerdictInput struct {
	// ClaimReviewed is the claim's text as reviewed.
	ClaimReviewed string `json:"claim_reviewed"`
	// Title is the verdict page's headline; ClaimReviewed when empty.
	Title string `json:"title,omitempty"`
	// Rating is on the verdict scale (claims.Scale).
	Rating claims.Rating `json:"rating"`
	// TextualRating is the newsroom's own rating text.
	TextualRating string   `json:"textual_rating,omitempty"`
	Summary       string   `json:"summary"`
	Sources       []string `json:"sources,omitempty"`
	Claimant      string   `json:"claimant,omitempty"`
	Appearances   []string `json:"appearances,omitempty"`
	// Localities are municipality codes (FR-75056).
	Localities []string `json:"localities,omitempty"`
	// Language is a BCP 47 tag.
	Language string `json:"language"`
	// ReviewDate is when the verdict should be reviewed again, if set.
	ReviewDate time.Time `json:"review_date,omitzero"`
}

// Correction is the public note of one correction.
type Correction struct {
	Version int       `json:"version"`
	Date    time.Time `json:"date"`
	Note    string    `json:"note"`
}

// Verdict is a newsroom's verdict on a claim as stored in the vigie_verdicts
// bucket: the current record under its id, each published version under
// "<id>.v<version>".
type Verdict struct {
	VerdictInput
	// ID is stable across versions; it is the claim id.
	ID      string       `json:"id"`
	ClaimID string       `json:"claim_id"`
	State   VerdictState `json:"state"`
	// Version is the last published version, 0 before publication.
	Version int `json:"version"`
	// Author is who drafted it last; Editor who approved the current version.
	Author string `json:"author,omitempty"`
	Editor string `json:"editor,omitempty"`
	// FirstPublished is when version 1 was published; Published when the
	// current version was.
	FirstPublished time.Time `json:"first_published,omitzero"`
	Published      time.Time `json:"published,omitzero"`
	// CorrectionNote is the current version's public note; empty on version 1.
	CorrectionNote string `json:"correction_note,omitempty"`
	// Corrections are every correction, oldest first.
	Corrections    []Correction `json:"corrections,omitempty"`
	Retracted      bool         `json:"retracted,omitempty"`
	RetractionNote string       `json:"retraction_note,omitempty"`
	RetractedAt    time.Time    `json:"retracted_at,omitzero"`
	// Slot is the claim revision of the event that wrote this record; it
	// keeps a late re-application from overwriting a newer record.
	Slot uint64 `json:"slot"`
}

func (v *Verdict) clone() *Verdict {
	if v == nil {
		return nil
	}
	c := *v
	c.Sources, c.Appearances, c.Localities = slices.Clone(v.Sources), slices.Clone(v.Appearances), slices.Clone(v.Localities)
	c.Corrections = slices.Clone(v.Corrections)
	return &c
}

var (
	localityPattern = regexp.MustCompile(`^[A-Z]{2}-[0-9A-Za-z]{1,12}$`)
)

// Normalize trims the input's text, drops empty and repeated list entries
// and upper-cases locality codes.
func (in VerdictInput) Normalize() VerdictInput {
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

// Validate says why in is not acceptable, wrapping ErrInvalid. A draft may
// be incomplete; complete demands what a published verdict needs: the claim
// reviewed, a rating, a summary, a language and at least one source.
func (in VerdictInput) Validate(complete bool) error {
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

func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// Proto returns v as the protobuf Verdict published on the VERDICTS stream.
func (v *Verdict) Proto() *vigiev1.Verdict {
	return &vigiev1.Verdict{
		Id: v.ID, Version: int32(v.Version), ClaimId: v.ClaimID, ClaimReviewed: v.ClaimReviewed,
		Rating: codec.Rating(v.Rating), TextualRating: v.TextualRating, Summary: v.Summary,
		Sources: slices.Clone(v.Sources), Claimant: v.Claimant, Appearances: slices.Clone(v.Appearances),
		Localities: slices.Clone(v.Localities), Language: v.Language, Editor: v.Editor,
		Published: timestamp(v.Published), CorrectionNote: v.CorrectionNote, Retracted: v.Retracted,
		ReviewDate: timestamp(v.ReviewDate),
	}
}

// VerdictFromProto converts a protobuf Verdict (as read from the VERDICTS
// stream) to a Verdict in state published or retracted.
func VerdictFromProto(p *vigiev1.Verdict) *Verdict {
	v := &Verdict{
		VerdictInput: VerdictInput{ClaimReviewed: p.GetClaimReviewed(), Rating: codec.DomainRating(p.GetRating()),
			TextualRating: p.GetTextualRating(), Summary: p.GetSummary(), Sources: slices.Clone(p.GetSources()),
			Claimant: p.GetClaimant(), Appearances: slices.Clone(p.GetAppearances()),
			Localities: slices.Clone(p.GetLocalities()), Language: p.GetLanguage()},
		ID: p.GetId(), ClaimID: p.GetClaimId(), State: VerdictPublished, Version: int(p.GetVersion()),
		Editor: p.GetEditor(), CorrectionNote: p.GetCorrectionNote(), Retracted: p.GetRetracted(),
	}
	if p.GetPublished() != nil {
		v.Published = p.GetPublished().AsTime()
	}
	if p.GetReviewDate() != nil {
		v.ReviewDate = p.GetReviewDate().AsTime()
	}
	if v.Retracted {
		v.State = VerdictRetracted
	}
	return v
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

// Publish converts v to the type pages and feeds are built from.
func (v *Verdict) Publish(site Site) publish.Verdict {
	out := publish.Verdict{
		ID: v.ID, Version: v.Version, URL: site.PageURL(v.ID), ClaimReviewed: v.ClaimReviewed,
		Rating: v.Rating.OrUnknown(), TextualRating: v.TextualRating, Summary: v.Summary,
		Appearances: slices.Clone(v.Appearances), Localities: slices.Clone(v.Localities), Language: v.Language,
		Publisher: site.Publisher, Published: v.FirstPublished, Modified: v.Published, Retracted: v.Retracted,
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

// FactCheck is the record a published verdict puts in the vigie_factchecks
// bucket under FactCheckKey, so the matcher matches the next repeat of the
// claim at once.
type FactCheck struct {
	ID            string    `json:"id"`
	Text          string    `json:"text"`
	Title         string    `json:"title"`
	Rating        string    `json:"rating"`
	TextualRating string    `json:"textual_rating"`
	Claimant      string    `json:"claimant,omitempty"`
	Publisher     string    `json:"publisher"`
	URL           string    `json:"url"`
	Language      string    `json:"language"`
	Localities    []string  `json:"localities,omitempty"`
	Date          time.Time `json:"date"`
	// Version is the verdict version the record reflects.
	Version int `json:"version"`
}

// FactCheckKey is the vigie_factchecks key of a verdict's fact-check record.
func FactCheckKey(verdictID string) string { return "verdict." + verdictID }

// FactCheck returns the fact-check record of a published verdict.
func (v *Verdict) FactCheck(site Site) FactCheck {
	title := v.Title
	if title == "" {
		title = v.ClaimReviewed
	}
	tr := v.TextualRating
	if tr == "" {
		tr = v.Rating.Label()
	}
	return FactCheck{
		ID: FactCheckKey(v.ID), Text: v.ClaimReviewed, Title: title, Rating: string(v.Rating), TextualRating: tr,
		Claimant: v.Claimant, Publisher: site.Publisher.Name, URL: site.PageURL(v.ID), Language: v.Language,
		Localities: slices.Clone(v.Localities), Date: v.Published, Version: v.Version,
	}
}

// DiffVerdicts lists the verdict fields that differ from saw to now, each
// prefixed "verdict."; nil stands for no verdict.
func DiffVerdicts(saw, now *Verdict) []Change {
	show := func(v *Verdict) map[string]string {
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
