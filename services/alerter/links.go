package alerter

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/subscription"
)

// ErrNoAlert: no alert there, or the request may not open it (the two are
// not told apart, so a link reveals nothing it does not open).
var ErrNoAlert = errors.New("no such alert")

// AlertPath is the path of an alert's page: the subscriber opens it with
// its session.
func AlertPath(alertID string) string { return "/alerts/" + url.PathEscape(alertID) }

// AlertLink is the address every alert of sub carries (feed entries,
// webhook payloads, the API): its page, opened by the link itself (the
// subscription and a signature scoped to that subscription and that alert,
// read-only) or by the subscriber's session.
func (s *Service) AlertLink(sub subscription.Subscription, alertID string) string {
	u := strings.TrimSuffix(s.opts.BaseURL, "/") + AlertPath(alertID) + "?sub=" + url.QueryEscape(sub.ID)
	if sig := sub.SignLink(alertID); sig != "" {
		u += "&sig=" + sig
	}
	return u
}

// OpenAlert returns alert alertID of subscription subID with its
// subscription, for a request carrying sig (a link's signature) or made by
// p: the subscription's owner or an admin. subID may be empty for a
// principal: its own subscriptions are searched. Any refusal is ErrNoAlert.
func (s *Service) OpenAlert(ctx context.Context, subID, alertID, sig string, p account.Principal, loggedIn bool) (Record, subscription.Subscription, error) {
	var subs []subscription.Subscription
	if subID != "" {
		sub, err := s.subs.Get(ctx, subID)
		if errors.Is(err, subscription.ErrNotFound) {
			return Record{}, sub, ErrNoAlert
		}
		if err != nil {
			return Record{}, sub, fmt.Errorf("open alert %s: %w", alertID, err)
		}
		mayRead := loggedIn && (p.Role == claims.RoleAdmin || p.Role == claims.RoleSubscriber && p.User == sub.Owner)
		if !sub.CheckLink(alertID, sig) && !mayRead {
			return Record{}, sub, ErrNoAlert
		}
		subs = []subscription.Subscription{sub}
	} else {
		if !loggedIn {
			return Record{}, subscription.Subscription{}, ErrNoAlert
		}
		all, err := s.subs.List(ctx)
		if err != nil {
			return Record{}, subscription.Subscription{}, fmt.Errorf("open alert %s: %w", alertID, err)
		}
		for _, sub := range all {
			if p.Role == claims.RoleAdmin || p.Role == claims.RoleSubscriber && p.User == sub.Owner {
				subs = append(subs, sub)
			}
		}
	}
	for _, sub := range subs {
		recs, err := s.Alerts(ctx, sub.ID, 0)
		if err != nil {
			return Record{}, sub, fmt.Errorf("open alert %s: %w", alertID, err)
		}
		if i := slices.IndexFunc(recs, func(r Record) bool { return r.ID == alertID }); i >= 0 {
			return recs[i], sub, nil
		}
	}
	return Record{}, subscription.Subscription{}, ErrNoAlert
}

// Words returns the structured fields the alert's words are rendered from
// (Render), for pages that write it in their reader's language.
func (r Record) Words() Words { return r.words() }
