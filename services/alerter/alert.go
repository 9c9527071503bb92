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

// UnreviewedPrefix starts the title of an alert from an automatic match no
// person confirmed (an early warning).
const UnreviewedPrefix = "Unconfirmed match: "

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

// Why an alert changed (Record.Reason); the renderer words them.
const (
	ReasonCorrected  = "corrected"
	ReasonRetracted  = "retracted"
	ReasonDismissed  = "dismissed"
	ReasonReopened   = "reopened"
	ReasonConfirmed  = "confirmed"
	ReasonRejected   = "rejected"
	ReasonAppearance = "appearance"
	ReasonRepeats    = "repeats"
)

// reasonWords are the English words of each reason.
var reasonWords = map[string]string{
	ReasonCorrected:  "The newsroom corrected this verdict.",
	ReasonDismissed:  "A reviewer dismissed the claim.",
	ReasonReopened:   "A reviewer reopened the claim.",
	ReasonConfirmed:  "A reviewer confirmed the match.",
	ReasonRejected:   "A reviewer said the claim is not the one fact-checked.",
	ReasonAppearance: "The claim appeared again; it was added to the verdict's appearances.",
	ReasonRepeats:    "The claim is repeated in more sources.",
}

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
	// Seen says where the claim was last seen ("Seen in <source>: <url>").
	Seen string `json:"seen,omitempty"`
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

// renderAlert writes the title and text of an alert in lang from its
// structured fields. It is the one place alert words are made (the
// subscriber-language renderer replaces it).
func renderAlert(r Record, lang string) (title, text string) {
	_ = lang
	var body []string
	switch {
	case r.Kind == claims.AlertVerdict && r.Verdict != nil:
		label := r.Verdict.TextualRating
		if label == "" {
			label = r.Rating.OrUnknown().Label()
		}
		title = label + " — " + oneLine(r.Verdict.ClaimReviewed, 200)
		if r.Verdict.Retracted {
			title = "[retracted] " + title
		}
		body = append(body, r.Verdict.Summary)
		if r.Verdict.CorrectionNote != "" {
			body = append(body, "Correction: "+r.Verdict.CorrectionNote)
		}
		if r.Verdict.Retracted {
			note := "This verdict was retracted."
			if r.Verdict.RetractionNote != "" {
				note += " " + r.Verdict.RetractionNote
			}
			body = append([]string{note}, body...)
		}
	case r.Kind == claims.AlertFlagged && r.Match != nil:
		claim := oneLine(r.ClaimText, 200)
		if r.Unreviewed {
			title = UnreviewedPrefix + claim
			body = append(body, fmt.Sprintf("Automatic match, not confirmed by a reviewer: repeats a claim rated %q by %s (%s).",
				r.Match.label(), r.Match.Publisher, r.Match.URL))
		} else {
			title = "Confirmed repeat of a claim rated " + r.Match.label() + ": " + claim
			body = append(body, fmt.Sprintf("A reviewer confirmed this claim repeats a claim rated %q by %s (%s).",
				r.Match.label(), r.Match.Publisher, r.Match.URL))
		}
	case r.Kind == claims.AlertTrending:
		title = "Trending: " + oneLine(r.ClaimText, 200)
		if r.Unreviewed {
			title = "Unconfirmed match, trending: " + oneLine(r.ClaimText, 200)
		}
	default:
		title = oneLine(r.ClaimText, 200)
	}
	if r.Seen != "" {
		body = append(body, r.Seen)
	}
	if r.Status == claims.AlertCancelled && !(r.Verdict != nil && r.Verdict.Retracted) {
		title = "[cancelled] " + title
	}
	if w := reasonWords[r.Reason]; w != "" {
		body = append([]string{w}, body...)
	}
	var parts []string
	for _, b := range body {
		if b = strings.TrimSpace(b); b != "" {
			parts = append(parts, b)
		}
	}
	return title, strings.Join(parts, "\n\n")
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
