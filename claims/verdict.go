package claims

import (
	"slices"
	"time"
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

// VerdictInput is what a fact-checker writes in a verdict.
type VerdictInput struct {
	// ClaimReviewed is the claim's text as reviewed.
	ClaimReviewed string `json:"claim_reviewed"`
	// Title is the verdict page's headline; ClaimReviewed when empty.
	Title string `json:"title,omitempty"`
	// Rating is on the verdict scale (Scale).
	Rating Rating `json:"rating"`
	// TextualRating is the newsroom's own rating text.
	TextualRating string   `json:"textual_rating,omitempty"`
	Summary       string   `json:"summary"`
	Sources       []string `json:"sources,omitempty"`
	Claimant      string   `json:"claimant,omitempty"`
	Appearances   []string `json:"appearances,omitempty"`
	// Localities are municipality codes (FR-75056).
	Localities []string `json:"localities,omitempty"`
	// Language is a language tag (ParseLanguage).
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

// Verdict is a newsroom's verdict on a claim, as the review workflow keeps
// it (the vigie_verdicts bucket: the current record under its id, each
// published version under "<id>.v<version>") and as VERDICTS carries it.
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

// Clone returns a deep copy of v; nil for nil.
func (v *Verdict) Clone() *Verdict {
	if v == nil {
		return nil
	}
	c := *v
	c.Sources, c.Appearances, c.Localities = slices.Clone(v.Sources), slices.Clone(v.Appearances), slices.Clone(v.Localities)
	c.Corrections = slices.Clone(v.Corrections)
	return &c
}
