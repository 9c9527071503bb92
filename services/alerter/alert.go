package alerter

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/webhook"
)

// UnreviewedPrefix starts the title of an alert from an automatic match.
const UnreviewedPrefix = "Unreviewed match: "

// VerdictInfo is what an alert keeps of a published verdict, for the CAP
// channel and the feeds.
type VerdictInfo struct {
	ID             string    `json:"id"`
	Version        int       `json:"version"`
	ClaimReviewed  string    `json:"claim_reviewed"`
	TextualRating  string    `json:"textual_rating,omitempty"`
	Summary        string    `json:"summary,omitempty"`
	CorrectionNote string    `json:"correction_note,omitempty"`
	Localities     []string  `json:"localities,omitempty"`
	Published      time.Time `json:"published"`
	Retracted      bool      `json:"retracted,omitempty"`
}

// Record is an alert as stored in the alerts bucket and shown in feeds: the
// webhook data of alert.* events and what the feeds need besides.
type Record struct {
	claims.Alert
	// Language is the claim's or verdict's language.
	Language string `json:"language,omitempty"`
	// Event is when the event happened (the payload timestamp).
	Event time.Time `json:"event"`
	// Verdict is set on verdict alerts.
	Verdict *VerdictInfo `json:"verdict,omitempty"`
}

// EventType is the webhook event type of the alert.
func (r Record) EventType() string {
	return webhook.AlertType(r.Kind)
}

// Message returns the webhook message of the alert; its webhook-id is the
// alert id, the same on every attempt and after any restart.
func (r Record) Message() (webhook.Message, error) {
	return webhook.NewMessage(r.ID, r.EventType(), r.Event, r.Alert)
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// AlertID derives an alert id from its parts: "alrt_" and 26 base32
// characters of their SHA-256. The same parts always give the same id.
func AlertID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "alrt_" + idEncoding.EncodeToString(h.Sum(nil)[:16])
}

// windowIndex is the number of the fixed window holding t.
func windowIndex(t time.Time, w time.Duration) string {
	return fmt.Sprint(t.UnixNano() / int64(w))
}

func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("options: BaseURL must be an absolute http(s) URL")
	}
	return nil
}

func (s *Service) pageURL(kind, id string) string {
	return strings.TrimSuffix(s.opts.BaseURL, "/") + "/" + kind + "/" + url.PathEscape(id)
}

// oneLine trims s to one line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
