package alerter

import (
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/webhook"
)

// VerdictInfo is what an alert keeps of a published verdict, for the CAP
// channel and the feeds.
type VerdictInfo struct {
	ID             string    `json:"id"`
	Version        int       `json:"version"`
	ClaimReviewed  string    `json:"claim_reviewed"`
	TextualRating  string    `json:"textual_rating,omitempty"`
	Summary        string    `json:"summary,omitempty"`
	CorrectionNote string    `json:"correction_note,omitempty"`
	Corrections    int       `json:"corrections,omitempty"`
	Localities     []string  `json:"localities,omitempty"`
	Published      time.Time `json:"published"`
	Retracted      bool      `json:"retracted,omitempty"`
	RetractionNote string    `json:"retraction_note,omitempty"`
	// Appearances counts the places the claim was seen (a new one is a repeat).
	Appearances int `json:"appearances,omitempty"`
}

// MatchInfo is the fact-check a flagged alert's claim repeats.
type MatchInfo struct {
	FactCheckID   string        `json:"factcheck_id"`
	Rating        claims.Rating `json:"rating"`
	TextualRating string        `json:"textual_rating,omitempty"`
	Publisher     string        `json:"publisher,omitempty"`
	URL           string        `json:"url,omitempty"`
	// Auto: the matcher's automatic match; Confirmed: a person said "same claim".
	Auto      bool `json:"auto,omitempty"`
	Confirmed bool `json:"confirmed,omitempty"`
}

func (m MatchInfo) label() string {
	if m.TextualRating != "" {
		return m.TextualRating
	}
	return m.Rating.Label()
}

// ReasonReopened: a dismissed claim was reopened (its alert stands again).
// The other reasons are words.go's Reason*.
const ReasonReopened = "reopened"

// Change is one revision of an alert.
type Change struct {
	Revision int                `json:"revision"`
	Status   claims.AlertStatus `json:"status"`
	At       time.Time          `json:"at"`
	// CAP is true when the revision is a CAP message: a verdict or a
	// confirmed match, never an unconfirmed one.
	CAP bool `json:"cap,omitempty"`
}

// Record is an alert as stored in the alerts bucket (per subscription,
// updated in place at each change) and shown in feeds: the webhook data of
// alert.* events and what the feeds need besides.
type Record struct {
	claims.Alert
	// Language is the claim's or verdict's language.
	Language string `json:"language,omitempty"`
	// Event is when the event happened (the payload timestamp).
	Event time.Time `json:"event"`
	// Verdict is set on verdict alerts.
	Verdict *VerdictInfo `json:"verdict,omitempty"`
	// Match is set on flagged alerts: the fact-check repeated.
	Match *MatchInfo `json:"match,omitempty"`
	// ClaimText is the claim of a flagged or trending alert.
	ClaimText string `json:"claim_text,omitempty"`
	// Seen says where the claim was last seen (the item's address).
	Seen string `json:"seen,omitempty"`
	// Source is the outlet where the claim was last seen.
	Source string `json:"source,omitempty"`
	// Items and Sources count the repeats of a trending cluster.
	Items   int `json:"items,omitempty"`
	Sources int `json:"sources,omitempty"`
	// Reason says why the alert last changed: one of the Reason* codes.
	Reason string `json:"reason,omitempty"`
	// History lists the alert's revisions up to this one.
	History []Change `json:"history,omitempty"`
}

// EventType is the webhook event type of the alert's change.
func (r Record) EventType() string {
	st := r.Status
	if st == "" {
		st = claims.AlertRaised
	}
	return webhook.AlertType(st)
}

// MessageID is the webhook-id of this change of the alert: the alert id and
// its revision, the same on every attempt and after any restart.
func (r Record) MessageID() string {
	return r.ID + "_r" + strconv.Itoa(max(r.Revision, 1))
}

// Message returns the webhook message of the alert's change.
func (r Record) Message() (webhook.Message, error) {
	return webhook.NewMessage(r.MessageID(), r.EventType(), r.Event, r.Alert)
}

// onCAP reports whether the record's current revision is a CAP message.
func (r Record) onCAP() bool {
	return len(r.History) > 0 && r.History[len(r.History)-1].CAP
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

// alertID is the id of the alert about subject (a verdict id, a cluster or
// claim, …) of kind in locality: the same for every subscription and every
// change of the alert.
func alertID(kind claims.AlertKind, subject, locality string) string {
	return AlertID(string(kind), subject, locality)
}

// words are the structured fields Render writes an alert from.
func (r Record) words() Words {
	w := Words{Kind: r.Kind, Status: string(r.Status), Reason: r.Reason, Claim: r.ClaimText, Rating: r.Rating.OrUnknown(),
		Locality: r.Locality, Severity: r.Severity, Confirmed: !r.Unreviewed}
	if w.Reason == ReasonReopened {
		w.Reason = ""
	}
	if v := r.Verdict; v != nil {
		w.Claim, w.TextualRating = v.ClaimReviewed, v.TextualRating
		if r.Status == claims.AlertUpdated && r.Reason == ReasonCorrected {
			w.Correction = v.CorrectionNote
		}
	}
	if m := r.Match; m != nil {
		w.Rating, w.TextualRating, w.FactChecker = m.Rating.OrUnknown(), m.TextualRating, m.Publisher
	}
	w.SourceName = r.Source
	w.Items, w.Sources = r.Items, r.Sources
	return w
}

// renderAlert writes the title and text of an alert in lang: Render's
// title and sentence, then what the alert links to (the verdict's
// explanation, the fact-check repeated).
func renderAlert(r Record, lang string) (title, text string) {
	title, summary := Render(r.words(), lang)
	parts := []string{summary}
	switch {
	case r.Verdict != nil && r.Status != claims.AlertCancelled:
		parts = append(parts, r.Verdict.Summary)
	case r.Match != nil && r.Match.URL != "":
		parts = append(parts, r.Match.label()+": "+r.Match.URL)
	}
	if r.Seen != "" && r.Status != claims.AlertCancelled {
		parts = append(parts, r.Seen)
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return title, strings.Join(out, "\n\n")
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
