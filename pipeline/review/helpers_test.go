package review

import (
	"slices"
	"strconv"

	"vigie/claims"
	"vigie/pipeline/codec"
)

func decodeVerdictMsg(b []byte) (*claims.Verdict, error) { return codec.DecodeVerdict(b) }

func ratingOf(s string) claims.Rating { return claims.Rating(s) }

func sameInput(a, b claims.VerdictInput) bool {
	return a.ClaimReviewed == b.ClaimReviewed && a.Rating == b.Rating && a.Summary == b.Summary &&
		slices.Equal(a.Sources, b.Sources) && slices.Equal(a.Localities, b.Localities) && a.Language == b.Language
}

func itoa(i int) string { return strconv.Itoa(i) }
