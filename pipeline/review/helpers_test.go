package review

import (
	"encoding/json"
	"slices"
	"strconv"

	"vigie/claims"

	"google.golang.org/protobuf/proto"

	vigiev1 "vigie/proto/gen/vigie/v1"
)

func decodeVerdictMsg(b []byte) (*Verdict, error) {
	var p vigiev1.Verdict
	if err := proto.Unmarshal(b, &p); err != nil {
		return nil, err
	}
	return VerdictFromProto(&p), nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func ratingOf(s string) claims.Rating { return claims.Rating(s) }

func sameInput(a, b VerdictInput) bool {
	return a.ClaimReviewed == b.ClaimReviewed && a.Rating == b.Rating && a.Summary == b.Summary &&
		slices.Equal(a.Sources, b.Sources) && slices.Equal(a.Localities, b.Localities) && a.Language == b.Language
}

func itoa(i int) string { return strconv.Itoa(i) }
