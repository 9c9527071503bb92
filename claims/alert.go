package claims

import "slices"

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
