package claims

import (
	"fmt"
	"slices"
	"strings"
)

// Rating is a verdict on the normalised scale shared by every part of Vigie:
// fact-checks, matches, verdicts, alerts, pages and feeds. Its values are the
// names the API, the index and the bucket records use.
type Rating string

// The normalised ratings.
const (
	RatingFalse       Rating = "false"
	RatingMostlyFalse Rating = "mostly_false"
	RatingMisleading  Rating = "misleading"
	RatingMixed       Rating = "mixed"
	RatingMostlyTrue  Rating = "mostly_true"
	RatingTrue        Rating = "true"
	RatingUnproven    Rating = "unproven"
	RatingOther       Rating = "satire_other"
	// RatingUnknown is a fact-check whose rating could not be normalised;
	// its own words are kept in TextualRating, never guessed. A verdict never
	// carries it.
	RatingUnknown Rating = "unknown"
)

// Scale lists the ratings a verdict may carry, from false to true, then the
// ungraded ones: every rating but unknown.
var Scale = []Rating{RatingFalse, RatingMostlyFalse, RatingMisleading, RatingMixed, RatingMostlyTrue, RatingTrue,
	RatingUnproven, RatingOther}

// Ratings lists every rating: unknown, then the Scale.
var Ratings = append([]Rating{RatingUnknown}, Scale...)

// ratingLabels are the English labels, for when a newsroom gave no textual
// rating (pages and feeds translate them; see docs/architecture.md).
var ratingLabels = map[Rating]string{
	RatingFalse:       "False",
	RatingMostlyFalse: "Mostly false",
	RatingMisleading:  "Misleading",
	RatingMixed:       "Mixed",
	RatingMostlyTrue:  "Mostly true",
	RatingTrue:        "True",
	RatingUnproven:    "Unproven",
	RatingOther:       "Satire or other",
	RatingUnknown:     "Unknown",
}

// ratingValues are the ratings' values on ClaimReview's 1–5 scale.
var ratingValues = map[Rating]int{
	RatingFalse:       1,
	RatingMostlyFalse: 2,
	RatingMisleading:  2,
	RatingMixed:       3,
	RatingMostlyTrue:  4,
	RatingTrue:        5,
}

// ratingAliases are the spellings ParseRating accepts besides the names.
var ratingAliases = map[string]Rating{"satire": RatingOther, "other": RatingOther}

// Valid reports whether r is one of Ratings.
func (r Rating) Valid() bool { return slices.Contains(Ratings, r) }

// OnScale reports whether r is one of Scale: a rating a verdict may carry.
func (r Rating) OnScale() bool { return slices.Contains(Scale, r) }

// Flagged reports whether a claim matched to this rating is flagged as
// misinformation: false, mostly false or misleading.
func (r Rating) Flagged() bool {
	return r == RatingFalse || r == RatingMostlyFalse || r == RatingMisleading
}

// Value returns r on the 1–5 ClaimReview scale (1 false, 2 mostly false or
// misleading, 3 mixed, 4 mostly true, 5 true); ok is false for unproven,
// satire_other and unknown, which carry no numeric value.
func (r Rating) Value() (v int, ok bool) {
	v, ok = ratingValues[r]
	return v, ok
}

// Label returns r's English label ("Mostly false"); "Unknown" for a value
// off the scale.
func (r Rating) Label() string {
	if l, ok := ratingLabels[r]; ok {
		return l
	}
	return ratingLabels[RatingUnknown]
}

// OrUnknown returns r when it is valid, RatingUnknown otherwise: for values
// read from records written by hand or by older versions.
func (r Rating) OrUnknown() Rating {
	if r.Valid() {
		return r
	}
	return RatingUnknown
}

// ParseRating reads a rating's name, case-insensitively, with spaces or
// hyphens for the underscore ("Mostly false", "mostly-false") and "satire"
// or "other" for satire_other.
func ParseRating(s string) (Rating, error) {
	k := strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
	if r, ok := ratingAliases[k]; ok {
		return r, nil
	}
	if r := Rating(k); r.Valid() {
		return r, nil
	}
	return "", fmt.Errorf("rating %q: not one of %s", s, joinRatings(Ratings))
}

func joinRatings(rs []Rating) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
