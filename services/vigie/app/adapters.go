package app

import (
	"context"
	"errors"

	"vigie/claims"
	"vigie/services/alerter"
	"vigie/services/ingester"
	"vigie/services/reviewer"
)

// The adapters between services: services never import each other, the
// application adapts one's stores to the interface another declares.

// alertViews gives the reviewer's subscriber view the alerter's stores.
type alertViews struct {
	svc     *alerter.Service
	baseURL string
}

func (v alertViews) SubscriberView(ctx context.Context, user string) ([]reviewer.SubscriptionView, error) {
	subs, err := v.svc.Subscriptions().List(ctx)
	if err != nil {
		return nil, err
	}
	var out []reviewer.SubscriptionView
	for _, s := range subs {
		if s.Owner != user {
			continue
		}
		sv := reviewer.SubscriptionView{ID: s.ID, Name: s.Name, Localities: s.Localities, Languages: s.Languages, FeedOn: s.Feed.Enabled,
			Webhooks: []reviewer.WebhookView{}, Alerts: []reviewer.AlertView{}}
		if s.Feed.Enabled {
			// The token itself is only shown when issued (it is stored hashed).
			sv.FeedURL = v.baseURL + "/feeds/alerts/" + s.ID + ".atom?token=…"
		}
		deliveries, err := v.svc.Deliveries().List(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		for _, w := range s.Webhooks {
			wv := reviewer.WebhookView{URL: w.URL, Enabled: w.Enabled && !w.Health.Disabled}
			for _, d := range deliveries {
				if d.WebhookID == w.ID && d.Time.After(wv.LastAttempt) {
					wv.LastAttempt, wv.LastStatus = d.Time, d.Status
				}
			}
			sv.Webhooks = append(sv.Webhooks, wv)
		}
		recs, err := v.svc.Alerts(ctx, s.ID, 20)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			// The alert's status in its life (raised, updated, cancelled).
			status, at := string(r.Status), r.Updated
			if status == "" {
				status = string(claims.AlertRaised)
			}
			if at.IsZero() {
				at = r.Event
			}
			sv.Alerts = append(sv.Alerts, reviewer.AlertView{ID: r.ID, Kind: r.Kind, Title: r.Title, Severity: r.Severity,
				Status: status, URL: r.URL, Time: at, Unreviewed: r.Unreviewed})
		}
		out = append(out, sv)
	}
	return out, nil
}

// tipsters gives the reviewer the ingester's reporter store.
type tipsters struct{ store *ingester.ReporterStore }

func (t tipsters) Tipster(ctx context.Context, ref string) (reviewer.Tipster, error) {
	r, err := t.store.Reporter(ctx, ref)
	if errors.Is(err, ingester.ErrReporterNotFound) {
		return reviewer.Tipster{}, nil
	}
	if err != nil {
		return reviewer.Tipster{}, err
	}
	return reviewer.Tipster{Ref: r.Ref, Identity: r.Reporter, Received: r.Received}, nil
}

func (t tipsters) DeleteReporter(ctx context.Context, ref string) error {
	return t.store.DeleteReporter(ctx, ref)
}
