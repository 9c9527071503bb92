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

// ratingFacts are what each rating means beside its name: its English
// label (for when a newsroom gave no textual rating; pages and feeds
// translate it), its value on ClaimReview's 1–5 scale (0: none), and whether
// a claim matched to it is flagged as misinformation.
var ratingFacts = map[Rating]struct {
	label   string
	value   int
	flagged bool
}{
	RatingFalse:       {"False", 1, true},
	RatingMostlyFalse: {"Mostly false", 2, true},
	RatingMisleading:  {"Misleading", 2, true},
	RatingMixed:       {"Mixed", 3, false},
	RatingMostlyTrue:  {"Mostly true", 4, false},
	RatingTrue:        {"True", 5, false},
	RatingUnproven:    {"Unproven", 0, false},
	RatingOther:       {"Satire or other", 0, false},
	RatingUnknown:     {"Unknown", 0, false},
}

// ratingAliases are the spellings ParseRating accepts besides the names.
var ratingAliases = map[string]Rating{"satire": RatingOther, "other": RatingOther}

// Valid reports whether r is one of Ratings.
func (r Rating) Valid() bool { return slices.Contains(Ratings, r) }

// OnScale reports whether r is one of Scale: a rating a verdict may carry.
func (r Rating) OnScale() bool { return slices.Contains(Scale, r) }

// Flagged reports whether a claim matched to this rating is flagged as
// misinformation: false, mostly false or misleading.
func (r Rating) Flagged() bool { return ratingFacts[r].flagged }

// Value returns r on the 1–5 ClaimReview scale (1 false, 2 mostly false or
// misleading, 3 mixed, 4 mostly true, 5 true); ok is false for unproven,
// satire_other and unknown, which carry no numeric value.
func (r Rating) Value() (v int, ok bool) {
	v = ratingFacts[r].value
	return v, v > 0
}

// Label returns r's English label ("Mostly false"); "Unknown" for a value
// off the scale.
func (r Rating) Label() string {
	if f, ok := ratingFacts[r]; ok {
		return f.label
	}
	return ratingFacts[RatingUnknown].label
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
