package codec

import (
	"fmt"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// The enums of proto/vigie/v1 and the vocabulary of package claims, value
// for value. A value on one side with no counterpart is an error, never a
// silent "unknown"; the unspecified enums have an explicit meaning, said
// where they are converted.

var ratings = map[claims.Rating]vigiev1.Rating{
	claims.RatingUnknown:     vigiev1.Rating_RATING_UNSPECIFIED,
	claims.RatingFalse:       vigiev1.Rating_RATING_FALSE,
	claims.RatingMostlyFalse: vigiev1.Rating_RATING_MOSTLY_FALSE,
	claims.RatingMisleading:  vigiev1.Rating_RATING_MISLEADING,
	claims.RatingMixed:       vigiev1.Rating_RATING_MIXED,
	claims.RatingMostlyTrue:  vigiev1.Rating_RATING_MOSTLY_TRUE,
	claims.RatingTrue:        vigiev1.Rating_RATING_TRUE,
	claims.RatingUnproven:    vigiev1.Rating_RATING_UNPROVEN,
	claims.RatingOther:       vigiev1.Rating_RATING_SATIRE_OTHER,
}

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

var sourceKinds = map[claims.SourceKind]vigiev1.SourceKind{
	claims.SourceFeed:     vigiev1.SourceKind_SOURCE_KIND_FEED,
	claims.SourceMastodon: vigiev1.SourceKind_SOURCE_KIND_MASTODON,
	claims.SourceBluesky:  vigiev1.SourceKind_SOURCE_KIND_BLUESKY,
	claims.SourceTipline:  vigiev1.SourceKind_SOURCE_KIND_TIPLINE,
	claims.SourceImport:   vigiev1.SourceKind_SOURCE_KIND_IMPORT,
}

var judgements = map[claims.MatchJudgement]vigiev1.Judgement{
	claims.JudgementConfirmed: vigiev1.Judgement_JUDGEMENT_CONFIRMED,
	claims.JudgementRejected:  vigiev1.Judgement_JUDGEMENT_REJECTED,
}

var alertKinds = map[claims.AlertKind]vigiev1.AlertKind{
	claims.AlertFlagged:  vigiev1.AlertKind_ALERT_KIND_FLAGGED,
	claims.AlertTrending: vigiev1.AlertKind_ALERT_KIND_TRENDING,
	claims.AlertVerdict:  vigiev1.AlertKind_ALERT_KIND_VERDICT,
}

var alertStatuses = map[claims.AlertStatus]vigiev1.AlertStatus{
	claims.AlertRaised:    vigiev1.AlertStatus_ALERT_STATUS_RAISED,
	claims.AlertUpdated:   vigiev1.AlertStatus_ALERT_STATUS_UPDATED,
	claims.AlertCancelled: vigiev1.AlertStatus_ALERT_STATUS_CANCELLED,
}

// encodeEnum converts a domain value; zero (the empty value) is the
// unspecified enum, 0.
func encodeEnum[D ~string, P ~int32](what string, table map[D]P, d D) (P, error) {
	if d == "" {
		return 0, nil
	}
	p, ok := table[d]
	if !ok {
		return 0, fmt.Errorf("%s %q has no protobuf value", what, d)
	}
	return p, nil
}

// decodeEnum converts an enum; unspecified (0) gives unspecified, the zero
// domain value, unless the table names it.
func decodeEnum[D ~string, P ~int32](what string, table map[D]P, p P, unspecified D) (D, error) {
	for d, v := range table {
		if v == p {
			return d, nil
		}
	}
	if p == 0 {
		return unspecified, nil
	}
	return "", fmt.Errorf("%s enum %d unknown", what, int32(p))
}

// rating: unknown is RATING_UNSPECIFIED (no rating could be derived).
func encodeRating(r claims.Rating) (vigiev1.Rating, error) { return encodeEnum("rating", ratings, r) }
func decodeRating(p vigiev1.Rating) (claims.Rating, error) {
	return decodeEnum("rating", ratings, p, claims.RatingUnknown)
}

// review status: REVIEW_STATUS_UNSPECIFIED reads as new (a state never
// written is a claim nobody acted on).
func encodeReviewStatus(s claims.ReviewStatus) (vigiev1.ReviewStatus, error) {
	return encodeEnum("review status", reviewStatuses, s)
}
func decodeReviewStatus(p vigiev1.ReviewStatus) (claims.ReviewStatus, error) {
	return decodeEnum("review status", reviewStatuses, p, claims.StatusNew)
}

// source kind: SOURCE_KIND_UNSPECIFIED is the empty kind.
func encodeSourceKind(k claims.SourceKind) (vigiev1.SourceKind, error) {
	return encodeEnum("source kind", sourceKinds, k)
}
func decodeSourceKind(p vigiev1.SourceKind) (claims.SourceKind, error) {
	return decodeEnum("source kind", sourceKinds, p, "")
}

// alert kind: ALERT_KIND_UNSPECIFIED is never set on a valid alert.
func encodeAlertKind(k claims.AlertKind) (vigiev1.AlertKind, error) {
	p, err := encodeEnum("alert kind", alertKinds, k)
	if err == nil && p == 0 {
		err = fmt.Errorf("alert kind missing")
	}
	return p, err
}
func decodeAlertKind(p vigiev1.AlertKind) (claims.AlertKind, error) {
	k, err := decodeEnum("alert kind", alertKinds, p, "")
	if err == nil && k == "" {
		err = fmt.Errorf("alert kind unspecified")
	}
	return k, err
}

// alert status: an alert without a status (written before alerts had a
// life) is raised.
func encodeAlertStatus(st claims.AlertStatus) (vigiev1.AlertStatus, error) {
	return encodeEnum("alert status", alertStatuses, st)
}
func decodeAlertStatus(p vigiev1.AlertStatus) (claims.AlertStatus, error) {
	return decodeEnum("alert status", alertStatuses, p, claims.AlertRaised)
}

// judgement: JUDGEMENT_UNSPECIFIED is never set on a stored judgement.
func encodeJudgement(j claims.MatchJudgement) (vigiev1.Judgement, error) {
	p, err := encodeEnum("judgement", judgements, j)
	if err == nil && p == 0 {
		err = fmt.Errorf("judgement missing")
	}
	return p, err
}
func decodeJudgement(p vigiev1.Judgement) (claims.MatchJudgement, error) {
	j, err := decodeEnum("judgement", judgements, p, "")
	if err == nil && j == "" {
		err = fmt.Errorf("judgement unspecified")
	}
	return j, err
}
