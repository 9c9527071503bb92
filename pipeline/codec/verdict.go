package codec

import (
	"errors"
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// EncodeVerdict encodes a published version of a verdict as its VERDICTS
// message (vigie.v1.Verdict).
func EncodeVerdict(v *claims.Verdict) ([]byte, error) {
	r, err := encodeRating(v.Rating)
	if err != nil {
		return nil, fmt.Errorf("encode verdict %s: %w", v.ID, err)
	}
	b, err := marshal(&vigiev1.Verdict{
		Id: v.ID, Version: int32(v.Version), ClaimId: v.ClaimID, ClaimReviewed: v.ClaimReviewed, Rating: r,
		TextualRating: v.TextualRating, Summary: v.Summary, Sources: slices.Clone(v.Sources), Claimant: v.Claimant,
		Appearances: slices.Clone(v.Appearances), Localities: slices.Clone(v.Localities), Language: v.Language,
		Editor: v.Editor, Published: timestamp(v.Published), CorrectionNote: v.CorrectionNote, Retracted: v.Retracted,
		ReviewDate: timestamp(v.ReviewDate),
	})
	if err != nil {
		return nil, fmt.Errorf("encode verdict %s: %w", v.ID, err)
	}
	return b, nil
}

// DecodeVerdict decodes a VERDICTS message to a verdict in state published
// (or retracted); one without an id is an error.
func DecodeVerdict(data []byte) (*claims.Verdict, error) {
	var p vigiev1.Verdict
	if err := proto.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("decode verdict: %w", err)
	}
	if p.GetId() == "" {
		return nil, errors.New("decode verdict: no id")
	}
	r, err := decodeRating(p.GetRating())
	if err != nil {
		return nil, fmt.Errorf("decode verdict %s: %w", p.GetId(), err)
	}
	v := &claims.Verdict{
		VerdictInput: claims.VerdictInput{ClaimReviewed: p.GetClaimReviewed(), Rating: r,
			TextualRating: p.GetTextualRating(), Summary: p.GetSummary(), Sources: slices.Clone(p.GetSources()),
			Claimant: p.GetClaimant(), Appearances: slices.Clone(p.GetAppearances()),
			Localities: slices.Clone(p.GetLocalities()), Language: p.GetLanguage(), ReviewDate: timeOf(p.GetReviewDate())},
		ID: p.GetId(), ClaimID: p.GetClaimId(), State: claims.VerdictPublished, Version: int(p.GetVersion()),
		Editor: p.GetEditor(), Published: timeOf(p.GetPublished()), CorrectionNote: p.GetCorrectionNote(),
		Retracted: p.GetRetracted(),
	}
	if v.Retracted {
		v.State = claims.VerdictRetracted
	}
	return v, nil
}
