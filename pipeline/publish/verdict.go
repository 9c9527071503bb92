package publish

import (
	"fmt"
	"slices"
	"time"

	"vigie/claims"
)

// PartyKind is the schema.org type of a Party.
type PartyKind string

// Party kinds.
const (
	Organization PartyKind = "Organization"
	Person       PartyKind = "Person"
)

// Party is an organisation or a person: the newsroom publishing a verdict,
// or whoever made the claim.
type Party struct {
	Kind PartyKind // Organization when empty
	Name string
	URL  string
}

// MediaKind says whether a claim concerns an image or a video.
type MediaKind string

// Media kinds.
const (
	MediaImage MediaKind = "image"
	MediaVideo MediaKind = "video"
)

// MediaCategory is a schema.org MediaManipulationRatingEnumeration member.
type MediaCategory string

// Media authenticity categories defined by schema.org.
const (
	MediaOriginal         MediaCategory = "OriginalMediaContent"
	MediaDecontextualized MediaCategory = "DecontextualizedContent"
	MediaEditedOrCropped  MediaCategory = "EditedOrCroppedContent"
	MediaTransformed      MediaCategory = "TransformedContent"
	MediaStaged           MediaCategory = "StagedContent"
	MediaSatireOrParody   MediaCategory = "SatireOrParodyContent"
)

// MediaCategories lists the valid MediaCategory values.
var MediaCategories = []MediaCategory{MediaOriginal, MediaDecontextualized, MediaEditedOrCropped, MediaTransformed,
	MediaStaged, MediaSatireOrParody}

// Media describes the image or video a claim concerns; it makes the
// verdict page carry a MediaReview beside the ClaimReview.
type Media struct {
	Kind MediaKind
	// Category is how the media was manipulated, if at all.
	Category MediaCategory
	// Appearances are URLs where the media was seen.
	Appearances []string
	// ArchivedAt are archive URLs, in the order of Appearances (optional).
	ArchivedAt []string
	// OriginalContext describes the media's original context.
	OriginalContext string
	// OriginalURL links to the original media, if known.
	OriginalURL string
}

// Correction is a public note of a change to a published verdict.
type Correction struct {
	Date time.Time
	Note string
}

// Verdict is a published verdict as this package needs it.
type Verdict struct {
	// ID is stable across corrections.
	ID string
	// Version starts at 1 and grows with each correction.
	Version int
	// URL is the verdict's stable public page.
	URL string
	// ClaimReviewed is the claim's text as reviewed.
	ClaimReviewed string
	// Rating is the normalised rating.
	Rating claims.Rating
	// TextualRating is the newsroom's own rating text; Rating.Label()
	// when empty.
	TextualRating string
	// Summary explains the verdict in a few sentences.
	Summary string
	// Claimant is who made the claim.
	Claimant Party
	// ClaimDate is when the claim was first made, if known.
	ClaimDate time.Time
	// Appearances are URLs where the claim appeared, first seen first.
	Appearances []string
	// FirstAppearance is the earliest known appearance; Appearances[0]
	// when empty.
	FirstAppearance string
	// Localities are the municipality codes concerned (FR-75056, …).
	Localities []string
	// Language is the verdict's BCP 47 language tag.
	Language string
	// Publisher is the newsroom.
	Publisher Party
	// Published is when the first version was published.
	Published time.Time
	// Modified is when this version was published; Published when zero.
	Modified time.Time
	// Corrections are the public notes of earlier changes, oldest first.
	Corrections []Correction
	// Retracted is true when the verdict was withdrawn.
	Retracted bool
	// Sources are URLs supporting the verdict.
	Sources []string
	// Media is set when the claim concerns an image or a video.
	Media *Media
}

// textualRating returns the newsroom's rating text or the label.
func (v Verdict) textualRating() string {
	if v.TextualRating != "" {
		return v.TextualRating
	}
	return v.Rating.Label()
}

// modified returns Modified, or Published when Modified is zero.
func (v Verdict) modified() time.Time {
	if v.Modified.IsZero() {
		return v.Published
	}
	return v.Modified
}

// firstAppearance returns FirstAppearance or the first of Appearances.
func (v Verdict) firstAppearance() string {
	if v.FirstAppearance != "" {
		return v.FirstAppearance
	}
	if len(v.Appearances) > 0 {
		return v.Appearances[0]
	}
	return ""
}

// validate reports what makes v unpublishable.
func (v Verdict) validate() error {
	switch {
	case v.ID == "":
		return fmt.Errorf("verdict has no id")
	case !isAbsURL(v.URL):
		return fmt.Errorf("verdict %q: page url %q is not an absolute http(s) URL", v.ID, v.URL)
	case v.ClaimReviewed == "":
		return fmt.Errorf("verdict %q: no claim reviewed", v.ID)
	case !v.Rating.Valid():
		return fmt.Errorf("verdict %q: invalid rating %q", v.ID, v.Rating)
	case v.Published.IsZero():
		return fmt.Errorf("verdict %q: no publication date", v.ID)
	case v.Publisher.Name == "":
		return fmt.Errorf("verdict %q: no publisher", v.ID)
	}
	if v.Media != nil {
		if v.Media.Kind != MediaImage && v.Media.Kind != MediaVideo {
			return fmt.Errorf("verdict %q: invalid media kind %q", v.ID, v.Media.Kind)
		}
		if !slices.Contains(MediaCategories, v.Media.Category) {
			return fmt.Errorf("verdict %q: invalid media category %q", v.ID, v.Media.Category)
		}
	}
	return nil
}
