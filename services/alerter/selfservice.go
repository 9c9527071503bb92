package alerter

import (
	"context"
	"fmt"
	"slices"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
)

// The self-service actions of an Edit.
const (
	ActionSettings      = "settings"
	ActionRotateFeed    = "rotate_feed"
	ActionAddWebhook    = "add_webhook"
	ActionTestWebhook   = "test_webhook"
	ActionRemoveWebhook = "remove_webhook"
	ActionEnableWebhook = "enable_webhook"
)

// Edit is one change a subscriber makes to its subscription from the
// browser (the reviewer's alerts page), under the API's rules.
type Edit struct {
	Action string
	// ActionSettings: what the subscription follows.
	Localities, Languages []string
	MinSeverity           int
	Kinds                 []claims.AlertKind
	EarlyWarning, CAP     bool
	// The webhook: its URL to add, or its id; Enabled for ActionEnableWebhook.
	WebhookURL, WebhookID string
	Enabled               bool
}

// EditResult says what an edit did: a delivery made by a test, the
// secret of a new webhook (shown once), the feed's new token.
type EditResult struct {
	Subscription subscription.Subscription
	Delivery     *subscription.Delivery
	Secret       string
	FeedToken    string
}

// Apply makes edit c to subscription subID for p, with the API's rules:
// an admin or the subscription's owner, never a read-only credential;
// granted localities only; the owner's limits. Errors are of httpapi's
// kinds (403 forbidden or not granted, 404, 409 limit or conflict, 400).
func (s *Service) Apply(ctx context.Context, p account.Principal, subID string, c Edit) (EditResult, error) {
	sub, err := s.subs.Get(ctx, subID)
	if err != nil {
		return EditResult{}, err
	}
	admin := p.Role == claims.RoleAdmin
	if p.ReadOnly || !(admin || p.Role == claims.RoleSubscriber && p.User == sub.Owner) {
		return EditResult{}, httpapi.Errorf(httpapi.ErrForbidden, "not allowed: this subscription belongs to another subscriber")
	}
	var res EditResult
	modify := func(fn func(*subscription.Subscription)) error {
		saved, err := s.subs.Modify(ctx, sub.ID, func(x *subscription.Subscription) error { fn(x); return nil })
		res.Subscription = saved
		return err
	}
	switch c.Action {
	case ActionSettings:
		next := sub
		next.Localities, next.Languages, next.MinSeverity, next.Triggers = c.Localities, c.Languages, c.MinSeverity, c.Kinds
		next.EarlyWarning, next.CAP.Enabled = c.EarlyWarning, c.CAP
		if len(next.Triggers) == 0 {
			return res, &subscription.ValidationError{Fields: []subscription.FieldError{{Field: "triggers", Message: "tick at least one kind of alert"}}}
		}
		changed := !slices.Equal(next.Normalize().Localities, sub.Localities)
		if err := s.checkOwner(ctx, p, admin, next, changed); err != nil {
			return res, err
		}
		err = modify(func(x *subscription.Subscription) {
			x.Localities, x.Languages, x.MinSeverity, x.Triggers = next.Localities, next.Languages, next.MinSeverity, next.Triggers
			x.EarlyWarning, x.CAP.Enabled = next.EarlyWarning, next.CAP.Enabled
		})
	case ActionRotateFeed:
		err = modify(func(x *subscription.Subscription) { res.FeedToken = x.RotateToken(s.opts.Now()) })
	case ActionAddWebhook:
		sec, serr := webhook.NewSecret()
		if serr != nil {
			return res, serr
		}
		wh := subscription.Webhook{ID: subscription.NewWebhookID(), URL: c.WebhookURL, Secrets: []string{sec}, Enabled: true,
			IncludeUnreviewed: sub.EarlyWarning}
		next := sub
		next.Webhooks = append(slices.Clone(sub.Webhooks), wh)
		if err := s.checkOwner(ctx, p, admin, next, false); err != nil {
			return res, err
		}
		res.Secret = sec
		err = modify(func(x *subscription.Subscription) { x.Webhooks = append(x.Webhooks, wh) })
	case ActionTestWebhook:
		d, terr := s.testWebhook(ctx, sub, c.WebhookID)
		res.Subscription, res.Delivery, err = sub, &d, terr
	case ActionRemoveWebhook, ActionEnableWebhook:
		if _, _, ok := sub.Webhook(c.WebhookID); !ok {
			return res, fmt.Errorf("webhook %s: %w", c.WebhookID, subscription.ErrNotFound)
		}
		err = modify(func(x *subscription.Subscription) {
			_, i, ok := x.Webhook(c.WebhookID)
			switch {
			case !ok:
			case c.Action == ActionRemoveWebhook:
				x.Webhooks = slices.Delete(x.Webhooks, i, i+1)
			default:
				x.Webhooks[i].Enabled = c.Enabled
				if c.Enabled && x.Webhooks[i].Health.Disabled {
					x.Webhooks[i].Health = x.Webhooks[i].Health.Reenable()
				}
			}
		})
	default:
		return res, httpapi.Errorf(httpapi.ErrBadRequest, "unknown action %q", c.Action)
	}
	return res, err
}

// Granted returns the localities owner may follow: its grant's, and
// accountLocality (the locality of its account) when given.
func (s *Service) Granted(ctx context.Context, owner, accountLocality string) ([]string, error) {
	gs, err := s.grantStore(ctx)
	if err != nil {
		return nil, err
	}
	g, err := gs.Get(ctx, owner)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(g.Localities)
	if accountLocality != "" && !slices.Contains(out, accountLocality) {
		out = append(out, accountLocality)
	}
	slices.Sort(out)
	return out, nil
}
