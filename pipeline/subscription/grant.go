package subscription

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims/locality"
)

// Limits per owner (a subscriber), beside those of one subscription.
const (
	// DefaultMaxSubscriptions is how many subscriptions an owner may have
	// unless its grant says otherwise.
	DefaultMaxSubscriptions = 10
	// MaxWebhooksPerOwner is how many webhooks an owner's subscriptions may
	// hold together.
	MaxWebhooksPerOwner = 20
	linkKeyBytes        = 24
)

var (
	// ErrLimit: the owner reached a limit (subscriptions or webhooks).
	ErrLimit = errors.New("limit reached")
	// ErrNotGranted: the owner may not follow that locality.
	ErrNotGranted = errors.New("locality not granted")
)

// Grant is what an administrator allows one subscriber: the localities it
// may follow, and how many subscriptions it may have.
type Grant struct {
	// Owner is the subscriber's user name.
	Owner string `json:"owner"`
	// Localities are the codes it may follow (sorted, upper case).
	Localities []string `json:"localities"`
	// MaxSubscriptions overrides DefaultMaxSubscriptions when positive.
	MaxSubscriptions int `json:"max_subscriptions,omitempty"`
	// By is the administrator who last changed it, Updated when.
	By      string    `json:"by,omitempty"`
	Updated time.Time `json:"updated,omitzero"`
}

// Allows reports whether g lets its owner follow code.
func (g Grant) Allows(code string) bool { return slices.Contains(g.Localities, strings.ToUpper(code)) }

// MaxSubs is the owner's subscription limit.
func (g Grant) MaxSubs() int {
	if g.MaxSubscriptions > 0 {
		return g.MaxSubscriptions
	}
	return DefaultMaxSubscriptions
}

// Ungranted returns the localities of s its grant does not allow, as an
// error of kind ErrNotGranted naming them (nil when all are granted).
func (g Grant) Ungranted(s Subscription) error {
	var bad []string
	for _, l := range s.Normalize().Localities {
		if !g.Allows(l) {
			bad = append(bad, l)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s may not follow %s; an administrator grants localities (vigie subscriptions grant)",
		ErrNotGranted, g.Owner, strings.Join(bad, ", "))
}

// CheckLimits returns an error of kind ErrLimit when next, replacing the
// subscription with its id among the owner's existing ones (or added to
// them), would put the owner over its subscription or webhook limit.
func (g Grant) CheckLimits(existing []Subscription, next Subscription) error {
	subs, hooks := 1, len(next.Webhooks)
	for _, s := range existing {
		if s.Owner != next.Owner || s.ID == next.ID {
			continue
		}
		subs++
		hooks += len(s.Webhooks)
	}
	if subs > g.MaxSubs() {
		return fmt.Errorf("%w: %s already has %d subscriptions, the most allowed; delete one or ask an administrator to raise the limit",
			ErrLimit, next.Owner, subs-1)
	}
	if hooks > MaxWebhooksPerOwner {
		return fmt.Errorf("%w: the subscriptions of %s would hold %d webhooks, at most %d are allowed",
			ErrLimit, next.Owner, hooks, MaxWebhooksPerOwner)
	}
	return nil
}

// Grants keeps the grants in a KV bucket, one JSON value per owner.
type Grants struct {
	kv  jetstream.KeyValue
	now func() time.Time
}

// NewGrants returns the grants of kv; now is the clock (time.Now when nil).
func NewGrants(kv jetstream.KeyValue, now func() time.Time) *Grants {
	if now == nil {
		now = time.Now
	}
	return &Grants{kv: kv, now: now}
}

// grantKey is the owner's key: user names may hold characters keys may not.
func grantKey(owner string) string {
	sum := sha256.Sum256([]byte(owner))
	return "g" + hex.EncodeToString(sum[:16])
}

// Get returns the owner's grant; an owner never granted anything has an
// empty grant (no locality), not an error.
func (gs *Grants) Get(ctx context.Context, owner string) (Grant, error) {
	e, err := gs.kv.Get(ctx, grantKey(owner))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Grant{Owner: owner}, nil
	}
	if err != nil {
		return Grant{}, fmt.Errorf("get grant of %s: %w", owner, err)
	}
	var g Grant
	if err := json.Unmarshal(e.Value(), &g); err != nil {
		return Grant{}, fmt.Errorf("get grant of %s: decode: %w", owner, err)
	}
	return g, nil
}

// Set replaces the owner's grant (by an administrator).
func (gs *Grants) Set(ctx context.Context, g Grant) (Grant, error) {
	g.Owner = strings.TrimSpace(g.Owner)
	if g.Owner == "" {
		return Grant{}, &ValidationError{Fields: []FieldError{{Field: "owner", Message: "is required (the subscriber's user name)"}}}
	}
	g.Localities = cleanList(g.Localities, strings.ToUpper)
	var fe []FieldError
	for _, l := range g.Localities {
		if err := locality.ValidateCode(l); err != nil {
			fe = append(fe, FieldError{Field: "localities", Message: fmt.Sprintf("%q is not a locality code (e.g. FR-75056)", l)})
		}
	}
	if g.MaxSubscriptions < 0 {
		fe = append(fe, FieldError{Field: "max_subscriptions", Message: "must not be negative"})
	}
	if len(fe) > 0 {
		return Grant{}, &ValidationError{Fields: fe}
	}
	g.Updated = gs.now().UTC()
	b, err := json.Marshal(g)
	if err != nil {
		return Grant{}, fmt.Errorf("set grant of %s: %w", g.Owner, err)
	}
	if _, err := gs.kv.Put(ctx, grantKey(g.Owner), b); err != nil {
		return Grant{}, fmt.Errorf("set grant of %s: %w", g.Owner, err)
	}
	return g, nil
}

// List returns every grant, sorted by owner.
func (gs *Grants) List(ctx context.Context) ([]Grant, error) {
	lister, err := gs.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list grants: %w", err)
	}
	var out []Grant
	for k := range lister.Keys() {
		e, err := gs.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list grants: %w", err)
		}
		var g Grant
		if err := json.Unmarshal(e.Value(), &g); err != nil {
			return nil, fmt.Errorf("list grants: decode %s: %w", k, err)
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b Grant) int { return strings.Compare(a.Owner, b.Owner) })
	return out, nil
}

// NewLinkKey returns a fresh key to sign alert links with.
func NewLinkKey() string { return randomString(linkKeyBytes) }

// SignLink returns the signature a link to alert alertID of s carries: it
// opens that alert's page of that subscription, read-only, and nothing
// else. Empty when s has no link key.
func (s Subscription) SignLink(alertID string) string {
	if s.LinkKey == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(s.LinkKey))
	m.Write([]byte("alert\x00" + s.ID + "\x00" + alertID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// CheckLink reports, in constant time, whether sig is SignLink(alertID).
func (s Subscription) CheckLink(alertID, sig string) bool {
	want := s.SignLink(alertID)
	return want != "" && sig != "" && hmac.Equal([]byte(want), []byte(sig))
}
