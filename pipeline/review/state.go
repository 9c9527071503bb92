package review

import (
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	"vigie/claims"
	"vigie/pipeline/codec"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// State is the review state of one claim: the domain form of the protobuf
// ClaimState kept in the vigie_review bucket under the claim id.
type State struct {
	Status      claims.ReviewStatus `json:"status"`
	Assignee    string              `json:"assignee,omitempty"`
	DuplicateOf string              `json:"duplicate_of,omitempty"`
	VerdictID   string              `json:"verdict_id,omitempty"`
	Notes       []string            `json:"notes,omitempty"`
}

// NewState is the state of a claim nobody has acted on.
func NewState() State { return State{Status: claims.StatusNew} }

// Proto returns s as a protobuf ClaimState.
func (s State) Proto() *vigiev1.ClaimState {
	return &vigiev1.ClaimState{Status: codec.ReviewStatus(s.Status), Assignee: s.Assignee, DuplicateOf: s.DuplicateOf,
		VerdictId: s.VerdictID, Notes: slices.Clone(s.Notes)}
}

// StateFromProto converts a protobuf ClaimState; nil is a new claim.
func StateFromProto(p *vigiev1.ClaimState) State {
	if p == nil {
		return NewState()
	}
	return State{Status: codec.DomainReviewStatus(p.GetStatus()), Assignee: p.GetAssignee(), DuplicateOf: p.GetDuplicateOf(),
		VerdictID: p.GetVerdictId(), Notes: slices.Clone(p.GetNotes())}
}

// Equal reports whether s and o hold the same values.
func (s State) Equal(o State) bool {
	return s.Status == o.Status && s.Assignee == o.Assignee && s.DuplicateOf == o.DuplicateOf &&
		s.VerdictID == o.VerdictID && slices.Equal(s.Notes, o.Notes)
}

func (s State) clone() State { s.Notes = slices.Clone(s.Notes); return s }

// encodeState is the bucket's value encoding: deterministic protobuf, as the
// indexer reads it.
func encodeState(s State) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(s.Proto())
	if err != nil {
		return nil, fmt.Errorf("encode claim state: %w", err)
	}
	return b, nil
}

func decodeState(b []byte) (State, error) {
	var p vigiev1.ClaimState
	if err := proto.Unmarshal(b, &p); err != nil {
		return State{}, fmt.Errorf("decode claim state: %w", err)
	}
	return StateFromProto(&p), nil
}

// DiffStates lists the fields that differ from saw to now. Notes are
// compared as a list; the change shows the notes added or removed.
func DiffStates(saw, now State) []Change {
	var d []Change
	add := func(field, a, b string) {
		if a != b {
			d = append(d, Change{Field: field, Saw: a, Now: b})
		}
	}
	add("status", string(saw.Status), string(now.Status))
	add("assignee", saw.Assignee, now.Assignee)
	add("duplicate_of", saw.DuplicateOf, now.DuplicateOf)
	add("verdict_id", saw.VerdictID, now.VerdictID)
	if !slices.Equal(saw.Notes, now.Notes) {
		d = append(d, Change{Field: "notes", Saw: strings.Join(saw.Notes, "; "), Now: strings.Join(now.Notes, "; ")})
	}
	return d
}
