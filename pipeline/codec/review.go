package codec

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"google.golang.org/protobuf/proto"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// HeaderReviewExt is the header of a review event message that carries what
// the protobuf ReviewEvent has no field for: the actor's role, the action's
// detail, the verdict after the action and a match judgement's record
// (base64 of JSON), so that each event is self-contained.
const HeaderReviewExt = "Vigie-Review-Ext"

// EncodeReviewState encodes a claim's review state as the value the
// vigie_review bucket keeps (vigie.v1.ClaimState).
func EncodeReviewState(s claims.ReviewState) ([]byte, error) {
	p, err := claimState(s)
	if err != nil {
		return nil, fmt.Errorf("encode claim state: %w", err)
	}
	b, err := marshal(p)
	if err != nil {
		return nil, fmt.Errorf("encode claim state: %w", err)
	}
	return b, nil
}

// DecodeReviewState decodes a value of the vigie_review bucket.
func DecodeReviewState(data []byte) (claims.ReviewState, error) {
	var p vigiev1.ClaimState
	if err := proto.Unmarshal(data, &p); err != nil {
		return claims.ReviewState{}, fmt.Errorf("decode claim state: %w", err)
	}
	s, err := reviewState(&p)
	if err != nil {
		return claims.ReviewState{}, fmt.Errorf("decode claim state: %w", err)
	}
	return s, nil
}

func claimState(s claims.ReviewState) (*vigiev1.ClaimState, error) {
	st, err := encodeReviewStatus(s.Status)
	if err != nil {
		return nil, err
	}
	p := &vigiev1.ClaimState{Status: st, Assignee: s.Assignee, DuplicateOf: s.DuplicateOf, VerdictId: s.VerdictID,
		Notes: slices.Clone(s.Notes)}
	for _, j := range s.Judgements {
		pj, err := encodeJudgement(j.Judgement)
		if err != nil {
			return nil, fmt.Errorf("judgement of %s: %w", j.FactCheckID, err)
		}
		p.Judgements = append(p.Judgements, &vigiev1.MatchJudgement{FactcheckId: j.FactCheckID, Judgement: pj, By: j.By,
			At: timestamp(j.At), Note: j.Note, ClusterId: j.ClusterID})
	}
	return p, nil
}

// reviewState converts a ClaimState; nil is a claim nobody acted on.
func reviewState(p *vigiev1.ClaimState) (claims.ReviewState, error) {
	if p == nil {
		return claims.NewReviewState(), nil
	}
	st, err := decodeReviewStatus(p.GetStatus())
	if err != nil {
		return claims.ReviewState{}, err
	}
	s := claims.ReviewState{Status: st, Assignee: p.GetAssignee(), DuplicateOf: p.GetDuplicateOf(),
		VerdictID: p.GetVerdictId(), Notes: slices.Clone(p.GetNotes())}
	for _, pj := range p.GetJudgements() {
		j, err := decodeJudgement(pj.GetJudgement())
		if err != nil {
			return claims.ReviewState{}, fmt.Errorf("judgement of %s: %w", pj.GetFactcheckId(), err)
		}
		s.Judgements = append(s.Judgements, claims.JudgedMatch{FactCheckID: pj.GetFactcheckId(), Judgement: j, By: pj.GetBy(),
			At: timeOf(pj.GetAt()), Note: pj.GetNote(), ClusterID: pj.GetClusterId()})
	}
	return s, nil
}

// reviewExt is the JSON of the HeaderReviewExt header.
type reviewExt struct {
	Role      string                  `json:"role,omitempty"`
	Detail    string                  `json:"detail,omitempty"`
	Verdict   *claims.Verdict         `json:"verdict,omitempty"`
	Judgement *claims.JudgementRecord `json:"judgement,omitempty"`
}

// EncodeReviewEvent encodes a review event as its REVIEW message body
// (vigie.v1.ReviewEvent) and the value of its HeaderReviewExt header.
func EncodeReviewEvent(e claims.ReviewEvent) (data []byte, ext string, err error) {
	before, err := claimState(e.Before)
	if err != nil {
		return nil, "", fmt.Errorf("encode review event %s: before: %w", e.ID, err)
	}
	after, err := claimState(e.After)
	if err != nil {
		return nil, "", fmt.Errorf("encode review event %s: after: %w", e.ID, err)
	}
	data, err = marshal(&vigiev1.ReviewEvent{Id: e.ID, ClaimId: e.ClaimID, Actor: e.Actor.Name, At: timestamp(e.At),
		Action: string(e.Action), Before: before, After: after, Revision: e.Revision})
	if err != nil {
		return nil, "", fmt.Errorf("encode review event %s: %w", e.ID, err)
	}
	j, err := json.Marshal(reviewExt{Role: e.Actor.Role, Detail: e.Detail, Verdict: e.Verdict, Judgement: e.Judgement})
	if err != nil {
		return nil, "", fmt.Errorf("encode review event %s: %w", e.ID, err)
	}
	return data, base64.StdEncoding.EncodeToString(j), nil
}

// DecodeReviewEvent decodes a REVIEW message from its body and the value of
// its HeaderReviewExt header ("" when absent: no role, detail or verdict);
// seq is its stream sequence.
func DecodeReviewEvent(data []byte, ext string, seq uint64) (claims.ReviewEvent, error) {
	var p vigiev1.ReviewEvent
	if err := proto.Unmarshal(data, &p); err != nil {
		return claims.ReviewEvent{}, fmt.Errorf("decode review event at seq %d: %w", seq, err)
	}
	before, err := reviewState(p.GetBefore())
	if err != nil {
		return claims.ReviewEvent{}, fmt.Errorf("decode review event %s: before: %w", p.GetId(), err)
	}
	after, err := reviewState(p.GetAfter())
	if err != nil {
		return claims.ReviewEvent{}, fmt.Errorf("decode review event %s: after: %w", p.GetId(), err)
	}
	e := claims.ReviewEvent{ID: p.GetId(), ClaimID: p.GetClaimId(), Actor: claims.Actor{Name: p.GetActor()},
		At: timeOf(p.GetAt()), Action: claims.ReviewAction(p.GetAction()), Before: before, After: after,
		Revision: p.GetRevision(), Seq: seq}
	if ext != "" {
		j, err := base64.StdEncoding.DecodeString(ext)
		if err != nil {
			return claims.ReviewEvent{}, fmt.Errorf("decode review event %s extension: %w", e.ID, err)
		}
		var x reviewExt
		if err := json.Unmarshal(j, &x); err != nil {
			return claims.ReviewEvent{}, fmt.Errorf("decode review event %s extension: %w", e.ID, err)
		}
		e.Actor.Role, e.Detail, e.Verdict, e.Judgement = x.Role, x.Detail, x.Verdict, x.Judgement
	}
	return e, nil
}
