package codec

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// DecodeItem decodes an ITEMS message.
func DecodeItem(data []byte) (*vigiev1.Item, error) {
	var it vigiev1.Item
	if err := proto.Unmarshal(data, &it); err != nil {
		return nil, fmt.Errorf("decode item: %w", err)
	}
	if it.GetId() == "" {
		return nil, fmt.Errorf("decode item: no id")
	}
	return &it, nil
}

// DecodeItemClaims decodes a CLAIMS message.
func DecodeItemClaims(data []byte) (*vigiev1.ItemClaims, error) {
	var ic vigiev1.ItemClaims
	if err := proto.Unmarshal(data, &ic); err != nil {
		return nil, fmt.Errorf("decode item claims: %w", err)
	}
	if ic.GetItemId() == "" {
		return nil, fmt.Errorf("decode item claims: no item id")
	}
	return &ic, nil
}

// Item converts an item message to the domain item.
func Item(it *vigiev1.Item) claims.Item {
	return claims.Item{
		ID:         it.GetId(),
		SourceID:   it.GetSourceId(),
		Title:      it.GetTitle(),
		Text:       it.GetText(),
		URL:        it.GetUrl(),
		Language:   it.GetLanguage(),
		Localities: it.GetLocalities(),
		Published:  timeOf(it.GetPublished()),
	}
}

// ItemClaims builds the CLAIMS message for an item and its detected claims.
func ItemClaims(it *vigiev1.Item, cs []claims.Claim, analyzed time.Time) *vigiev1.ItemClaims {
	out := &vigiev1.ItemClaims{
		ItemId:      it.GetId(),
		SourceId:    it.GetSourceId(),
		SourceName:  it.GetSourceName(),
		ItemTitle:   it.GetTitle(),
		ItemUrl:     it.GetUrl(),
		Language:    it.GetLanguage(),
		Localities:  it.GetLocalities(),
		Published:   it.GetPublished(),
		Analyzed:    timestamppb.New(analyzed),
		Kind:        it.GetKind(),
		Fetched:     it.GetFetched(),
		ReporterRef: it.GetReporterRef(),
	}
	for _, c := range cs {
		out.Claims = append(out.Claims, Claim(c))
		if out.Language == "" && c.Language != "" {
			out.Language = c.Language
		}
	}
	return out
}

// Claim converts a domain claim to its message.
func Claim(c claims.Claim) *vigiev1.Claim {
	pc := &vigiev1.Claim{
		Id:          c.ID,
		Index:       int32(c.Index),
		Text:        c.Text,
		Language:    c.Language,
		Worthiness:  c.Worthiness,
		Flagged:     c.Flagged,
		Fingerprint: c.Fingerprint,
	}
	for _, f := range c.Reasons {
		pc.Reasons = append(pc.Reasons, &vigiev1.Feature{Name: f.Name, Weight: f.Weight})
	}
	for _, m := range c.Matches {
		pc.Matches = append(pc.Matches, &vigiev1.Match{
			FactcheckId:   m.FactCheckID,
			Text:          m.Text,
			Title:         m.Title,
			Score:         m.Score,
			Rating:        Rating(m.Rating),
			TextualRating: m.TextualRating,
			Publisher:     m.Publisher,
			Url:           m.URL,
			Auto:          m.Auto,
			Explanation:   m.Explanation,
			SharedTerms:   m.SharedTerms,
			SharedNumbers: m.SharedNumbers,
		})
	}
	return pc
}

var ratings = map[claims.Rating]vigiev1.Rating{
	claims.RatingFalse:       vigiev1.Rating_RATING_FALSE,
	claims.RatingMostlyFalse: vigiev1.Rating_RATING_MOSTLY_FALSE,
	claims.RatingMisleading:  vigiev1.Rating_RATING_MISLEADING,
	claims.RatingMixed:       vigiev1.Rating_RATING_MIXED,
	claims.RatingMostlyTrue:  vigiev1.Rating_RATING_MOSTLY_TRUE,
	claims.RatingTrue:        vigiev1.Rating_RATING_TRUE,
	claims.RatingUnproven:    vigiev1.Rating_RATING_UNPROVEN,
	claims.RatingOther:       vigiev1.Rating_RATING_SATIRE_OTHER,
}

// Rating converts a domain rating to its enum; unknown becomes UNSPECIFIED.
func Rating(r claims.Rating) vigiev1.Rating { return ratings[r] }

// DomainRating converts a rating enum to the domain rating.
func DomainRating(r vigiev1.Rating) claims.Rating {
	for k, v := range ratings {
		if v == r {
			return k
		}
	}
	return claims.RatingUnknown
}

func timeOf(ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	return ts.AsTime()
}

var alertKinds = map[claims.AlertKind]vigiev1.AlertKind{
	claims.AlertFlagged:  vigiev1.AlertKind_ALERT_KIND_FLAGGED,
	claims.AlertTrending: vigiev1.AlertKind_ALERT_KIND_TRENDING,
	claims.AlertVerdict:  vigiev1.AlertKind_ALERT_KIND_VERDICT,
}

// AlertKind converts an alert kind to its enum; unspecified for an invalid kind.
func AlertKind(k claims.AlertKind) vigiev1.AlertKind { return alertKinds[k] }

var reviewStatuses = map[claims.ReviewStatus]vigiev1.ReviewStatus{
	claims.StatusNew:              vigiev1.ReviewStatus_REVIEW_STATUS_NEW,
	claims.StatusTriage:           vigiev1.ReviewStatus_REVIEW_STATUS_TRIAGE,
	claims.StatusInProgress:       vigiev1.ReviewStatus_REVIEW_STATUS_IN_PROGRESS,
	claims.StatusDraft:            vigiev1.ReviewStatus_REVIEW_STATUS_DRAFT,
	claims.StatusAwaitingApproval: vigiev1.ReviewStatus_REVIEW_STATUS_AWAITING_APPROVAL,
	claims.StatusPublished:        vigiev1.ReviewStatus_REVIEW_STATUS_PUBLISHED,
	claims.StatusDismissed:        vigiev1.ReviewStatus_REVIEW_STATUS_DISMISSED,
	claims.StatusDuplicate:        vigiev1.ReviewStatus_REVIEW_STATUS_DUPLICATE,
}

// ReviewStatus converts a review status to its enum; unspecified for an invalid status.
func ReviewStatus(s claims.ReviewStatus) vigiev1.ReviewStatus { return reviewStatuses[s] }

// DomainReviewStatus converts a review status enum; unspecified is new.
func DomainReviewStatus(p vigiev1.ReviewStatus) claims.ReviewStatus {
	for s, v := range reviewStatuses {
		if v == p {
			return s
		}
	}
	return claims.StatusNew
}
