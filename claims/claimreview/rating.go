package claimreview

import (
	"bufio"
	"bytes"
	_ "embed"
	"strings"
	"unicode"

	"vigie/claims"
	"vigie/claims/text"
)

//go:embed ratings.tsv
var ratingsTSV []byte

// ratingMap maps a folded textual rating to the normalised rating.
var ratingMap = func() map[string]claims.Rating {
	m := map[string]claims.Rating{}
	sc := bufio.NewScanner(bytes.NewReader(ratingsTSV))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			continue
		}
		m[foldRating(f[0])] = claims.Rating(f[1])
	}
	return m
}()

// foldRating folds a textual rating for lookup: case and accents folded,
// surrounding punctuation and spaces trimmed, inner spaces collapsed.
func foldRating(s string) string {
	s = text.Fold(s)
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '/' || unicode.IsSymbol(r)
	})
	return strings.Join(strings.Fields(s), " ")
}

// Numeric is a numeric rating as ClaimReview gives it; zero Best or Worst
// take the schema.org defaults (5 and 1).
type Numeric struct {
	Value, Best, Worst float64
	Set                bool // Value was present
}

// Normalize returns the normalised rating of a textual rating, falling back
// to the numeric rating when the text is empty or not in the map. A textual
// rating that is present but unknown, with no usable numeric rating, gives
// RatingUnknown (the caller keeps the text verbatim).
func Normalize(textual string, num Numeric) claims.Rating {
	if r, ok := ratingMap[foldRating(textual)]; ok {
		return r
	}
	if num.Set {
		return fromNumeric(num)
	}
	return claims.RatingUnknown
}

// Known reports whether a textual rating is in the map.
func Known(textual string) bool {
	_, ok := ratingMap[foldRating(textual)]
	return ok
}

func fromNumeric(n Numeric) claims.Rating {
	best, worst := n.Best, n.Worst
	if best == 0 {
		best = 5
	}
	if worst == 0 && best != 0 && n.Value != 0 {
		worst = 1
	}
	if best <= worst || n.Value < worst || n.Value > best {
		return claims.RatingUnknown
	}
	x := (n.Value - worst) / (best - worst)
	switch {
	case x <= 0.125:
		return claims.RatingFalse
	case x <= 0.375:
		return claims.RatingMostlyFalse
	case x < 0.625:
		return claims.RatingMixed
	case x < 0.875:
		return claims.RatingMostlyTrue
	}
	return claims.RatingTrue
}
