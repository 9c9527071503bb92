package review

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"vigie/claims"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// HeaderExtension is the header of a review event message that carries what
// the protobuf ReviewEvent has no field for: the actor's role, the action's
// detail and the verdict after the action (base64 of JSON, see eventExt).
const HeaderExtension = "Vigie-Review-Ext"

// Event is one recorded review action: the protobuf ReviewEvent with the
// fields of its extension header.
type Event struct {
	// ID is EventID(ClaimID, Revision), also the message's Nats-Msg-Id.
	ID      string              `json:"id"`
	ClaimID string              `json:"claim_id"`
	Actor   Actor               `json:"actor"`
	At      time.Time           `json:"at"`
	Action  claims.ReviewAction `json:"action"`
	Before  State               `json:"before"`
	After   State               `json:"after"`
	// Revision is the claim's KV revision the action was applied against.
	Revision uint64 `json:"revision"`
	// Detail is the action's argument in words: the note, the new status,
	// the claim duplicated, the claims merged, the correction note.
	Detail string `json:"detail,omitempty"`
	// Verdict is the claim's verdict after a verdict action.
	Verdict *Verdict `json:"verdict,omitempty"`
	// Seq is the event's sequence in the REVIEW stream (0 before it is stored).
	Seq uint64 `json:"seq,omitempty"`
}

// EventID is the id of the event that moves claimID on from revision: it is
// deterministic, so a retried write is de-duplicated, and unique, because
// only one event per claim and revision reaches the stream.
func EventID(claimID string, revision uint64) string {
	return claimID + "." + strconv.FormatUint(revision, 10)
}

type eventExt struct {
	Role    string   `json:"role,omitempty"`
	Detail  string   `json:"detail,omitempty"`
	Verdict *Verdict `json:"verdict,omitempty"`
}

// Proto returns the protobuf ReviewEvent of e.
func (e Event) Proto() *vigiev1.ReviewEvent {
	return &vigiev1.ReviewEvent{Id: e.ID, ClaimId: e.ClaimID, Actor: e.Actor.Name, At: timestamppb.New(e.At),
		Action: string(e.Action), Before: e.Before.Proto(), After: e.After.Proto(), Revision: e.Revision}
}

// encodeEvent returns the message body (protobuf) and the extension header.
func encodeEvent(e Event) (data []byte, ext string, err error) {
	data, err = proto.MarshalOptions{Deterministic: true}.Marshal(e.Proto())
	if err != nil {
		return nil, "", fmt.Errorf("encode review event %s: %w", e.ID, err)
	}
	j, err := json.Marshal(eventExt{Role: e.Actor.Role, Detail: e.Detail, Verdict: e.Verdict})
	if err != nil {
		return nil, "", fmt.Errorf("encode review event %s: %w", e.ID, err)
	}
	return data, base64.StdEncoding.EncodeToString(j), nil
}

// DecodeEvent decodes a review event message from its body and headers.
func DecodeEvent(data []byte, h nats.Header, seq uint64) (Event, error) {
	var p vigiev1.ReviewEvent
	if err := proto.Unmarshal(data, &p); err != nil {
		return Event{}, fmt.Errorf("decode review event at seq %d: %w", seq, err)
	}
	e := Event{ID: p.GetId(), ClaimID: p.GetClaimId(), Actor: Actor{Name: p.GetActor()}, Action: claims.ReviewAction(p.GetAction()),
		Before: StateFromProto(p.GetBefore()), After: StateFromProto(p.GetAfter()), Revision: p.GetRevision(), Seq: seq}
	if p.GetAt() != nil {
		e.At = p.GetAt().AsTime()
	}
	if raw := h.Get(HeaderExtension); raw != "" {
		j, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return Event{}, fmt.Errorf("decode review event %s extension: %w", e.ID, err)
		}
		var ext eventExt
		if err := json.Unmarshal(j, &ext); err != nil {
			return Event{}, fmt.Errorf("decode review event %s extension: %w", e.ID, err)
		}
		e.Actor.Role, e.Detail, e.Verdict = ext.Role, ext.Detail, ext.Verdict
	}
	return e, nil
}
