package reviewer

import (
	"context"
	"time"

	"vigie/claims"
	"vigie/pipeline/account"
)

// AlertSource gives a subscriber what the subscriber view shows; the
// serving process satisfies it with the alerter's subscription store,
// delivery log and alert records.
type AlertSource interface {
	// SubscriberView returns the subscriptions owned by user, each with its
	// channels and its latest alerts (newest first).
	SubscriberView(ctx context.Context, user string) ([]SubscriptionView, error)
	// Alert opens one alert's page for req: by the link's signature, or
	// for its subscriber's session (or an admin's). An alert that is not
	// there or that req may not open is an error of kind
	// httpapi.ErrNotFound.
	Alert(ctx context.Context, req AlertRequest) (AlertPage, error)
	// Change applies a change of the self-service forms to subscription
	// subID on behalf of p (the alerter's API rules: own subscriptions,
	// granted localities, limits); errors are of httpapi's kinds.
	Change(ctx context.Context, p account.Principal, subID string, c SubscriptionChange) (ChangeResult, error)
}

// AlertRequest is what opens an alert's page: the link's subscription and
// signature, or the logged-in principal.
type AlertRequest struct {
	AlertID, SubscriptionID, Signature string
	Principal                          account.Principal
	LoggedIn                           bool
	// Lang is the page's language (the alert's words are written in it).
	Lang string
}

// AlertPage is one alert as its subscriber's page shows it: what is
// claimed, where it circulates, what is known, confirmed or not, and where
// the alert stands in its life.
type AlertPage struct {
	ID               string           `json:"id"`
	SubscriptionID   string           `json:"subscription_id"`
	SubscriptionName string           `json:"subscription_name"`
	Kind             claims.AlertKind `json:"kind"`
	// Status is raised, updated or cancelled.
	Status  string `json:"status"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	// Claim is what is claimed.
	Claim string `json:"claim"`
	// Place is the locality's name, Locality its code.
	Place    string `json:"place"`
	Locality string `json:"locality"`
	// Seen says where it circulates (outlet, item address), when known.
	Seen string `json:"seen,omitempty"`
	// Rating and RatingWords: what is known of it.
	Rating       claims.Rating `json:"rating"`
	RatingWords  string        `json:"rating_words"`
	Explanation  string        `json:"explanation,omitempty"`
	Severity     int           `json:"severity"`
	SeverityWord string        `json:"severity_word"`
	// Confirmed is true when a person confirmed it (a published verdict or
	// a confirmed match), false for an early warning.
	Confirmed bool `json:"confirmed"`
	// VerdictURL is the public page of the verdict, when there is one.
	VerdictURL string    `json:"verdict_url,omitempty"`
	Raised     time.Time `json:"raised"`
	Updated    time.Time `json:"updated,omitzero"`
}

// SubscriptionChange is one self-service form of the alerts page.
type SubscriptionChange struct {
	// Action is ChangeSettings, ChangeRotateFeed, ChangeAddWebhook,
	// ChangeTestWebhook, ChangeRemoveWebhook or ChangeEnableWebhook.
	Action string
	// Settings (ChangeSettings).
	Localities, Languages []string
	MinSeverity           int
	Kinds                 []claims.AlertKind
	EarlyWarning, CAP     bool
	// The webhook concerned (URL to add; ID otherwise); Enabled for
	// ChangeEnableWebhook.
	WebhookURL, WebhookID string
	Enabled               bool
}

// The self-service actions.
const (
	ChangeSettings      = "settings"
	ChangeRotateFeed    = "rotate_feed"
	ChangeAddWebhook    = "add_webhook"
	ChangeTestWebhook   = "test_webhook"
	ChangeRemoveWebhook = "remove_webhook"
	ChangeEnableWebhook = "enable_webhook"
)

// ChangeResult says what a change did; Secret is a new webhook's signing
// secret, shown once.
type ChangeResult struct {
	Message string
	Secret  string
}

// SubscriptionView is one subscription as its subscriber sees it.
type SubscriptionView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Localities []string `json:"localities"`
	Languages  []string `json:"languages,omitempty"`
	// FeedURL is the Atom feed's address with its token (copyable); the
	// other formats are in FeedURLs ("atom", "json", "cap").
	FeedURL  string            `json:"feed_url,omitempty"`
	FeedURLs map[string]string `json:"feed_urls,omitempty"`
	FeedOn   bool              `json:"feed_enabled"`
	// FeedHidden: the feed is on but its token predates stored tokens:
	// rotating shows a new address.
	FeedHidden bool `json:"feed_hidden,omitempty"`
	CAPOn      bool `json:"cap_enabled"`
	// Places are the localities the subscriber may pick (granted ones and
	// those it follows), with their names.
	Places       []PlaceChoice      `json:"places,omitempty"`
	MinSeverity  int                `json:"min_severity"`
	Kinds        []claims.AlertKind `json:"kinds"`
	EarlyWarning bool               `json:"early_warning"`
	Webhooks     []WebhookView      `json:"webhooks"`
	Deliveries   []DeliveryView     `json:"deliveries,omitempty"`
	Alerts       []AlertView        `json:"alerts"`
}

// PlaceChoice is a locality of the settings form.
type PlaceChoice struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Followed bool   `json:"followed"`
	// Granted is false for a followed locality no longer granted (it stays
	// until unticked; it cannot be ticked again).
	Granted bool `json:"granted"`
}

// DeliveryView is one webhook delivery attempt of the delivery log.
type DeliveryView struct {
	Time       time.Time `json:"time"`
	WebhookURL string    `json:"webhook_url"`
	AlertID    string    `json:"alert_id,omitempty"`
	Attempt    int       `json:"attempt"`
	Status     int       `json:"status,omitempty"`
	Outcome    string    `json:"outcome"`
	Error      string    `json:"error,omitempty"`
}

// WebhookView is a webhook channel and how its deliveries go.
type WebhookView struct {
	ID      string `json:"id"`
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
