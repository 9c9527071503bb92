package claims

import (
	"slices"
	"time"
)

// AlertKind says what raised an alert; its values are the "kind" of webhook
// payloads, alert feeds and the API, and the triggers a subscription picks.
type AlertKind string

// The alert kinds.
const (
	// AlertFlagged: a claim in a subscribed locality repeats a claim
	// fact-checked as false, mostly false or misleading.
	AlertFlagged AlertKind = "flagged"
	// AlertTrending: repeats of one claim cluster crossed the threshold.
	AlertTrending AlertKind = "trending"
	// AlertVerdict: a verdict concerning the locality was published.
	AlertVerdict AlertKind = "verdict"
)

// AlertKinds lists every alert kind.
var AlertKinds = []AlertKind{AlertFlagged, AlertTrending, AlertVerdict}

// Valid reports whether k is one of AlertKinds.
func (k AlertKind) Valid() bool { return slices.Contains(AlertKinds, k) }

// AlertStatus is where an alert stands in its life: raised, then updated
// by each change (a correction, a confirmation, a repeat), cancelled at its
// end (verdict retracted, claim dismissed, match rejected). Its values are the
// "status" of webhook payloads, feeds and the API.
type AlertStatus string

// The alert statuses.
const (
	AlertRaised    AlertStatus = "raised"
	AlertUpdated   AlertStatus = "updated"
	AlertCancelled AlertStatus = "cancelled"
)

// AlertStatuses lists every alert status in life order.
var AlertStatuses = []AlertStatus{AlertRaised, AlertUpdated, AlertCancelled}

// Valid reports whether s is one of AlertStatuses.
func (s AlertStatus) Valid() bool { return slices.Contains(AlertStatuses, s) }

// An alert's severity goes from MinSeverity (low) to MaxSeverity (high); it
// travels as a plain int (webhook payloads, CAP, subscriptions' minimum).
const (
	MinSeverity = 1
	MaxSeverity = 5
)

// severityWords are the words of each severity (CAP 1.2's), by severity.
var severityWords = [...]string{0: "Unknown", 1: "Minor", 2: "Minor", 3: "Moderate", 4: "Severe", 5: "Severe"}

// SeverityWord returns the word of a severity: Minor (1–2), Moderate (3),
// Severe (4–5), Unknown outside the range.
func SeverityWord(severity int) string {
	if severity < MinSeverity || severity > MaxSeverity {
		return severityWords[0]
	}
	return severityWords[severity]
}

// AlertSeverity is the severity of an alert about a claim or verdict with
// this rating, seen in that many distinct sources: the rating gives the base
// (false 3; mostly false and misleading 2; anything else 1), reach adds one
// from 3 sources and another from 10, and a trending cluster adds one.
func AlertSeverity(rating Rating, sources int, trending bool) int {
	s := 1
	switch rating {
	case RatingFalse:
		s = 3
	case RatingMostlyFalse, RatingMisleading:
		s = 2
	}
	if sources >= 3 {
		s++
	}
	if sources >= 10 {
		s++
	}
	if trending {
		s++
	}
	return min(max(s, MinSeverity), MaxSeverity)
}

// Alert is one subject (a verdict, a cluster repeating a known false claim,
// a trending cluster) in one locality, at one revision: the data of the
// webhook alert.* events (its JSON is the payload's), the message on
// vigie.alerts.<locality>, the core of alert feeds and CAP messages.
type Alert struct {
	// ID is the alert's id, derived from its kind, subject and locality:
	// the same for every subscription and every change of the alert.
	ID string `json:"id"`
	// SubscriptionID is the subscription the alert was delivered to (empty
	// on vigie.alerts.<locality>, which carries one message per change).
	SubscriptionID string `json:"subscription_id,omitempty"`
	// Status is raised, updated or cancelled.
	Status AlertStatus `json:"status"`
	// Revision counts the alert's changes from 1; ID and Revision name one
	// change (the Nats-Msg-Id of its message on vigie.alerts.<locality>).
	Revision int `json:"revision"`
	// Locality is the municipality code, e.g. "FR-75056".
	Locality string `json:"locality"`
	// Kind is what raised it.
	Kind AlertKind `json:"kind"`
	// Severity is from MinSeverity (low) to MaxSeverity (high).
	Severity int `json:"severity"`
	// Unreviewed is true when no person confirmed the automatic match.
	Unreviewed bool `json:"unreviewed"`
	// Title is a one-line summary.
	Title string `json:"title"`
	// Text is the alert's body.
	Text string `json:"text,omitempty"`
	// URL links to the claim or verdict page.
	URL string `json:"url,omitempty"`
	// ClaimID is the claim concerned, if any.
	ClaimID string `json:"claim_id,omitempty"`
	// ClusterID is the cluster of repeats concerned, if any.
	ClusterID string `json:"cluster_id,omitempty"`
	// VerdictID is the verdict concerned, if any.
	VerdictID string `json:"verdict_id,omitempty"`
	// Rating is the rating of the matched fact-check or published verdict
	// (unknown when there is none).
	Rating Rating `json:"rating,omitempty"`
	// Created is when the alert was raised.
	Created time.Time `json:"created"`
	// Updated is when the alert last changed (Created at revision 1).
	Updated time.Time `json:"updated"`
}
