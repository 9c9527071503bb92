package webhook

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"vigie/claims"
)

// Event types sent by Vigie. Each type always carries the same data schema
// (see docs/alerts.md): an alert's kind (flagged, trending, verdict) is in
// its data, its type says where it stands in its life.
const (
	// TypeAlertRaised: a new alert (or the first this subscription receives).
	TypeAlertRaised = "alert." + string(claims.AlertRaised)
	// TypeAlertUpdated: an alert changed (a correction, a confirmation, a repeat).
	TypeAlertUpdated = "alert." + string(claims.AlertUpdated)
	// TypeAlertCancelled: an alert ended (verdict retracted, claim dismissed, match rejected).
	TypeAlertCancelled = "alert." + string(claims.AlertCancelled)
	// TypeTest: a test delivery asked for by an admin or the subscriber.
	TypeTest = "webhook.test"
)

// AlertType is the event type of an alert change of status st: "alert."
// and the status (TypeAlertRaised, TypeAlertUpdated, TypeAlertCancelled).
func AlertType(st claims.AlertStatus) string { return "alert." + string(st) }

// idEncoding is lower-case base32 without padding: ids stay within
// [a-z2-7], valid in headers, URLs and NATS subject tokens.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewMessageID returns a random webhook id "msg_<26 base32 chars>".
func NewMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	return "msg_" + idEncoding.EncodeToString(b)
}

// DeriveMessageID returns a webhook id derived from parts (for example a
// subscription id and an alert id), so the same event redelivered after a
// restart keeps the same webhook-id and receivers can deduplicate it.
func DeriveMessageID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "msg_" + idEncoding.EncodeToString(h.Sum(nil)[:16])
}

// Payload is the JSON body of every webhook: {"type","timestamp","data"}.
type Payload struct {
	// Type is one of the Type* constants.
	Type string `json:"type"`
	// Timestamp is when the event happened (RFC 3339, UTC), not when
	// it is delivered.
	Timestamp time.Time `json:"timestamp"`
	// Data is the event's data, whose schema depends on Type.
	Data json.RawMessage `json:"data"`
}

// Message is one event ready to deliver: its webhook-id and the exact body
// bytes that are signed and sent on every attempt.
type Message struct {
	// ID is the webhook-id, the same on every attempt.
	ID string
	// Type is the event type, repeated from the body for logs and records.
	Type string
	// Body is the serialised Payload.
	Body []byte
}

// NewMessage serialises data into a Payload of type typ that happened at ts.
func NewMessage(id, typ string, ts time.Time, data any) (Message, error) {
	if !validID(id) {
		return Message{}, fmt.Errorf("new webhook message %q: %w", id, ErrInvalidMessageID)
	}
	if typ == "" || strings.ContainsFunc(typ, func(r rune) bool {
		return !(r == '.' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		return Message{}, fmt.Errorf("new webhook message %q: invalid type %q", id, typ)
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return Message{}, fmt.Errorf("new webhook message %q: marshal data: %w", id, err)
	}
	body, err := json.Marshal(Payload{Type: typ, Timestamp: ts.UTC(), Data: raw})
	if err != nil {
		return Message{}, fmt.Errorf("new webhook message %q: %w", id, err)
	}
	return Message{ID: id, Type: typ, Body: body}, nil
}
