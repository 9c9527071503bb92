package subscription

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/webhook"
)

// Limits of a subscription's fields.
const (
	MaxNameRunes   = 200
	MaxLocalities  = 500
	MaxKeywords    = 100
	MaxKeywordLen  = 100
	MaxLanguages   = 20
	MaxWebhooks    = 5
	MaxWebhookURL  = 2048
	tokenBytes     = 24
	idRandomBytes  = 10
	webhookIDBytes = 6
)

// Errors of this package; compare with errors.Is.
var (
	// ErrInvalid: the subscription does not validate (see *ValidationError).
	ErrInvalid = errors.New("invalid subscription")
	// ErrNotFound: no subscription (or webhook) with that id.
	ErrNotFound = errors.New("subscription not found")
	// ErrConflict: the subscription changed since it was read.
	ErrConflict = errors.New("subscription changed since it was read")
	// ErrExists: a subscription with that id already exists.
	ErrExists = errors.New("subscription already exists")
)

// FieldError is one problem with one field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every problem found in a subscription; it matches
// ErrInvalid.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

// Error implements error.
func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return "invalid subscription: " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Feed is the private feed channel (Atom, JSON Feed and the CAP index share
// its token). The token itself is shown once; only its hash is stored.
type Feed struct {
	// Enabled turns the feed on; a feed with no token is off.
	Enabled bool `json:"enabled"`
	// TokenHash is the hex SHA-256 of the secret token.
	TokenHash string `json:"token_hash,omitempty"`
	// Token is the current secret token, kept so that the owner's page can
	// show the feed's address; Public blanks it.
	Token string `json:"token,omitempty"`
	// TokenIssued is when the current token was issued.
	TokenIssued time.Time `json:"token_issued,omitzero"`
	// IncludeUnreviewed puts alerts from unconfirmed automatic matches in
	// the feed.
	IncludeUnreviewed bool `json:"include_unreviewed"`
}

// Webhook is a signed-webhook channel.
type Webhook struct {
	// ID identifies the webhook within its subscription ([a-z0-9]).
	ID string `json:"id"`
	// URL is the receiver (http or https).
	URL string `json:"url"`
	// Secrets sign deliveries ("whsec_…"); the first is the newest, and
	// two are kept during a rotation.
	Secrets []string `json:"secrets"`
	// Enabled is the subscriber's or admin's switch.
	Enabled bool `json:"enabled"`
	// IncludeUnreviewed sends alerts from unconfirmed automatic matches.
	IncludeUnreviewed bool `json:"include_unreviewed"`
	// Health is the delivery record; Health.Disabled stops deliveries
	// after sustained failure until someone re-enables the endpoint.
	Health webhook.Health `json:"health"`
}

// Active reports whether deliveries go to w.
func (w Webhook) Active() bool { return w.Enabled && !w.Health.Disabled }

// CAP is the CAP 1.2 channel: a feed of CAP messages of published verdicts.
type CAP struct {
	Enabled bool `json:"enabled"`
}

// Subscription is one subscriber's choice of what to be alerted about and
// where.
type Subscription struct {
	// ID is "sub_" and lower-case base32; set by NewID when empty.
	ID string `json:"id"`
	// Name is shown to people.
	Name string `json:"name"`
	// Owner is the user name of the subscriber who owns it.
	Owner string `json:"owner"`
	// Localities are municipality codes (FR-75056, …); at least one.
	Localities []string `json:"localities"`
	// Keywords, when any, restrict alerts to claims containing one of them
	// (compared without case or diacritics).
	Keywords []string `json:"keywords,omitempty"`
	// MinSeverity is the lowest severity alerted (claims.MinSeverity to claims.MaxSeverity).
	MinSeverity int `json:"min_severity"`
	// Languages, when any, restrict alerts to these language tags.
	Languages []string `json:"languages,omitempty"`
	// Triggers are the alert kinds that raise alerts (claims.AlertKinds); at least one.
	Triggers []claims.AlertKind `json:"triggers"`
	// Feed is the private feed channel.
	Feed Feed `json:"feed"`
	// Webhooks are the signed-webhook channels.
	Webhooks []Webhook `json:"webhooks,omitempty"`
	// CAP is the CAP channel (published verdicts only).
	CAP CAP `json:"cap"`
	// EarlyWarning opts in to alerts from automatic matches nobody has
	// confirmed yet: they reach the feed, webhooks and NATS labelled
	// unconfirmed, never CAP. Off by default: only a published verdict or
	// a match a person confirmed alerts.
	EarlyWarning bool `json:"early_warning"`
	// LinkKey signs the links alerts carry to the subscriber's alert page
	// (see SignLink); set by the Store, blanked by Public.
	LinkKey string `json:"link_key,omitempty"`
	// Created and Updated are set by the Store.
	Created time.Time `json:"created,omitzero"`
	Updated time.Time `json:"updated,omitzero"`
	// Revision is the KV revision it was read at; Update checks it.
	Revision uint64 `json:"-"`
}

// idEncoding keeps ids within [a-z2-7]: valid in KV keys, URLs and NATS tokens.
var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+).
	return idEncoding.EncodeToString(b)
}

// NewID returns a fresh subscription id.
func NewID() string { return "sub_" + randomString(idRandomBytes) }

// NewWebhookID returns a fresh webhook id.
func NewWebhookID() string { return "wh" + randomString(webhookIDBytes) }

// NewToken returns a fresh secret feed token and its hash to store.
func NewToken() (token, hash string) {
	token = "ft_" + randomString(tokenBytes)
	return token, HashToken(token)
}

// HashToken returns the stored form of a feed token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CheckToken reports, in constant time, whether token opens s's feed.
func (s Subscription) CheckToken(token string) bool {
	if !s.Feed.Enabled || s.Feed.TokenHash == "" || token == "" {
		return false
	}
	got := HashToken(token)
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.Feed.TokenHash)) == 1
}

// RotateToken issues a new feed token (the old one stops working at once)
// and enables the feed; it returns the token, to show once.
func (s *Subscription) RotateToken(now time.Time) string {
	tok, h := NewToken()
	s.Feed.Enabled, s.Feed.Token, s.Feed.TokenHash, s.Feed.TokenIssued = true, tok, h, now.UTC()
	return tok
}

// RevokeToken disables the feed and forgets its token.
func (s *Subscription) RevokeToken() {
	s.Feed.Enabled, s.Feed.Token, s.Feed.TokenHash, s.Feed.TokenIssued = false, "", "", time.Time{}
}

// Webhook returns the webhook with id and its index.
func (s Subscription) Webhook(id string) (Webhook, int, bool) {
	for i, w := range s.Webhooks {
		if w.ID == id {
			return w, i, true
		}
	}
	return Webhook{}, -1, false
}

// Has reports whether s follows trigger t.
func (s Subscription) Has(t claims.AlertKind) bool { return slices.Contains(s.Triggers, t) }

// Normalize returns s with its lists trimmed, de-duplicated and sorted,
// keywords and languages lower-cased, and defaults filled: severity 1,
// every trigger when none is given.
func (s Subscription) Normalize() Subscription {
	s.Name = strings.TrimSpace(s.Name)
	s.Owner = strings.TrimSpace(s.Owner)
	s.Localities = cleanList(s.Localities, strings.ToUpper)
	s.Keywords = cleanList(s.Keywords, strings.ToLower)
	s.Languages = cleanList(s.Languages, strings.ToLower)
	var ts []string
	for _, t := range s.Triggers {
		ts = append(ts, string(t))
	}
	s.Triggers = nil
	for _, t := range cleanList(ts, strings.ToLower) {
		s.Triggers = append(s.Triggers, claims.AlertKind(t))
	}
	if len(s.Triggers) == 0 {
		s.Triggers = slices.Clone(claims.AlertKinds)
	}
	if s.MinSeverity == 0 {
		s.MinSeverity = claims.MinSeverity
	}
	for i := range s.Webhooks {
		s.Webhooks[i].URL = strings.TrimSpace(s.Webhooks[i].URL)
	}
	return s
}

func cleanList(in []string, fold func(string) string) []string {
	var out []string
	for _, v := range in {
		v = fold(strings.TrimSpace(v))
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// Validate reports every problem with s as a *ValidationError.
func (s Subscription) Validate() error {
	var fe []FieldError
	bad := func(field, format string, args ...any) {
		fe = append(fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if s.ID != "" && !validID(s.ID, "sub_") {
		bad("id", "must be \"sub_\" followed by lower-case letters and digits 2-7")
	}
	if s.Name == "" {
		bad("name", "is required")
	} else if utf8.RuneCountInString(s.Name) > MaxNameRunes {
		bad("name", "is longer than %d characters", MaxNameRunes)
	}
	if s.Owner == "" {
		bad("owner", "is required (the subscriber's user name)")
	}
	switch {
	case len(s.Localities) == 0:
		bad("localities", "at least one locality code is required, e.g. FR-75056")
	case len(s.Localities) > MaxLocalities:
		bad("localities", "at most %d localities", MaxLocalities)
	}
	for _, l := range s.Localities {
		if err := locality.ValidateCode(l); err != nil {
			bad("localities", "%q is not a locality code (country, '-', national code, e.g. FR-75056)", l)
		}
	}
	if len(s.Keywords) > MaxKeywords {
		bad("keywords", "at most %d keywords", MaxKeywords)
	}
	for _, k := range s.Keywords {
		if utf8.RuneCountInString(k) > MaxKeywordLen || !utf8.ValidString(k) {
			bad("keywords", "%q is longer than %d characters or not UTF-8", k, MaxKeywordLen)
		}
	}
	if s.MinSeverity < claims.MinSeverity || s.MinSeverity > claims.MaxSeverity {
		bad("min_severity", "must be from %d to %d", claims.MinSeverity, claims.MaxSeverity)
	}
	if len(s.Languages) > MaxLanguages {
		bad("languages", "at most %d languages", MaxLanguages)
	}
	for _, l := range s.Languages {
		if !claims.ValidLanguage(l) {
			bad("languages", "%q is not a language tag (e.g. fr, pt-br)", l)
		}
	}
	if len(s.Triggers) == 0 {
		bad("triggers", "at least one of flagged, trending, verdict")
	}
	for _, t := range s.Triggers {
		if !slices.Contains(claims.AlertKinds, t) {
			bad("triggers", "%q is not one of flagged, trending, verdict", t)
		}
	}
	if s.Feed.Enabled && s.Feed.TokenHash == "" {
		bad("feed", "an enabled feed needs a token: rotate the token to issue one")
	}
	if len(s.Webhooks) > MaxWebhooks {
		bad("webhooks", "at most %d webhooks", MaxWebhooks)
	}
	seen := map[string]bool{}
	for i, w := range s.Webhooks {
		f := fmt.Sprintf("webhooks[%d]", i)
		if !validID(w.ID, "wh") {
			bad(f+".id", "must be \"wh\" followed by lower-case letters and digits 2-7")
		} else if seen[w.ID] {
			bad(f+".id", "%q is used twice", w.ID)
		}
		seen[w.ID] = true
		if err := ValidateWebhookURL(w.URL); err != nil {
			bad(f+".url", "%v", err)
		}
		switch {
		case len(w.Secrets) == 0:
			bad(f+".secrets", "a signing secret is required")
		case len(w.Secrets) > 2:
			bad(f+".secrets", "at most two secrets (during a rotation)")
		}
		for _, sec := range w.Secrets {
			if _, err := webhook.ParseSecret(sec); err != nil {
				bad(f+".secrets", "a secret is not \"whsec_\" and base64 of 24 to 64 bytes")
			}
		}
	}
	if len(fe) > 0 {
		return &ValidationError{Fields: fe}
	}
	return nil
}

// ValidateWebhookURL checks the form of a webhook URL: absolute http or
// https, a host, no user info, no fragment. Private destinations are refused
// at dial time by the deliverer, not here.
func ValidateWebhookURL(raw string) error {
	if raw == "" {
		return errors.New("is required")
	}
	if len(raw) > MaxWebhookURL {
		return fmt.Errorf("is longer than %d bytes", MaxWebhookURL)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("is not a URL: %w", err)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("scheme %q is not http or https", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return errors.New("has no host")
	case u.User != nil:
		return errors.New("must not hold a user name or password")
	case u.Fragment != "":
		return errors.New("must not hold a fragment")
	}
	return nil
}

func validID(id, prefix string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || rest == "" || len(rest) > 64 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

// Event is what a trigger saw, as Matches needs it.
type Event struct {
	Trigger    claims.AlertKind
	Localities []string
	Language   string
	Severity   int
	// Text is searched for the keywords (the claim and the item title).
	Text string
	// folded is Text folded once by Prepare.
	folded string
}

// Prepare returns e with its text folded once, for matching it against
// many subscriptions.
func (e Event) Prepare() Event {
	e.folded = " " + locality.Fold(e.Text) + " "
	return e
}

// Matches returns the first of the event's localities s follows, and
// whether s wants the event: trigger, locality, language, severity and
// keywords all pass.
func (s Subscription) Matches(e Event) (string, bool) {
	if !s.Has(e.Trigger) || e.Severity < s.MinSeverity {
		return "", false
	}
	if len(s.Languages) > 0 && !slices.ContainsFunc(s.Languages, func(l string) bool { return languageMatch(l, e.Language) }) {
		return "", false
	}
	loc := ""
	for _, l := range e.Localities {
		if slices.Contains(s.Localities, l) {
			loc = l
			break
		}
	}
	if loc == "" {
		return "", false
	}
	if len(s.Keywords) > 0 {
		text := e.folded
		if text == "" {
			text = " " + locality.Fold(e.Text) + " "
		}
		if !slices.ContainsFunc(s.Keywords, func(k string) bool {
			fk := locality.Fold(k)
			return fk != "" && strings.Contains(text, " "+fk+" ")
		}) {
			return "", false
		}
	}
	return loc, true
}

// languageMatch reports whether want ("pt") covers got ("pt-BR").
func languageMatch(want, got string) bool {
	got = strings.ToLower(got)
	return got == want || strings.HasPrefix(got, want+"-")
}

// Public returns s without secrets, as the API shows it: webhook secrets
// and the token hash are blanked.
func (s Subscription) Public() Subscription {
	s.Feed.TokenHash, s.Feed.Token, s.LinkKey = "", "", ""
	s.Webhooks = slices.Clone(s.Webhooks)
	for i := range s.Webhooks {
		s.Webhooks[i].Secrets = nil
	}
	return s
}
