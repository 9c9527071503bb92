package reviewer

import (
	"context"
	"time"

	"vigie/claims"
)

// AlertSource gives a subscriber what the subscriber view shows; the
// serving process satisfies it with the alerter's subscription store,
// delivery log and alert records.
type AlertSource interface {
	// SubscriberView returns the subscriptions owned by user, each with its
	// channels and its latest alerts (newest first).
	SubscriberView(ctx context.Context, user string) ([]SubscriptionView, error)
}

// SubscriptionView is one subscription as its subscriber sees it.
type SubscriptionView struct {
	ID         string        `json:"id"`
	Name       string        `json:"name"`
	Localities []string      `json:"localities"`
	Languages  []string      `json:"languages,omitempty"`
	FeedURL    string        `json:"feed_url,omitempty"`
	FeedOn     bool          `json:"feed_enabled"`
	Webhooks   []WebhookView `json:"webhooks"`
	Alerts     []AlertView   `json:"alerts"`
}

// WebhookView is a webhook channel and how its deliveries go.
type WebhookView struct {
	URL     string `json:"url"`
	Enabled bool   `json:"enabled"`
	// LastStatus is the HTTP status of the last delivery attempt (0: none).
	LastStatus  int       `json:"last_status,omitempty"`
	LastAttempt time.Time `json:"last_attempt,omitzero"`
}

// AlertView is one alert raised for a subscription.
type AlertView struct {
	ID       string           `json:"id"`
	Kind     claims.AlertKind `json:"kind"`
	Title    string           `json:"title"`
	Severity int              `json:"severity"`
	Status   string           `json:"status"`
	URL      string           `json:"url,omitempty"`
	Time     time.Time        `json:"time"`
	// Unreviewed marks an alert from an automatic match, not a reviewer.
	Unreviewed bool `json:"unreviewed,omitempty"`
}

// Reporters reads and erases the identity behind a tip (the ingester's
// reporter store, adapted by the serving process).
type Reporters interface {
	// Tipster returns the identity behind ref; a zero Tipster (no error)
	// when it was erased or never stored.
	Tipster(ctx context.Context, ref string) (Tipster, error)
	// DeleteReporter erases the identity behind ref.
	DeleteReporter(ctx context.Context, ref string) error
}

// Tipster is the identity behind a tip: personal data, shown to admins and
// editors only.
type Tipster struct {
	Ref      string    `json:"ref"`
	Identity string    `json:"identity"`
	Received time.Time `json:"received,omitzero"`
}

// maySeeTipster reports whether role may see and erase tipster identities.
func maySeeTipster(role string) bool {
	return role == claims.RoleAdmin || role == claims.RoleEditor
}
