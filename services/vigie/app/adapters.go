package app

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
	"vigie/services/alerter"
	"vigie/services/ingester"
	"vigie/services/reviewer"
)

// The adapters between services: services never import each other, the
// application adapts one's stores to the interface another declares.

// alertViews gives the reviewer's subscriber view the alerter's stores.
type alertViews struct {
	svc      *alerter.Service
	baseURL  string
	accounts *account.Store
}

// accountLocality is the locality of user's account ("" when unknown).
func (v alertViews) accountLocality(ctx context.Context, user string) string {
	if v.accounts == nil {
		return ""
	}
	u, err := v.accounts.User(ctx, user)
	if err != nil {
		return ""
	}
	return strings.ToUpper(u.Locality)
}

func (v alertViews) SubscriberView(ctx context.Context, user string) ([]reviewer.SubscriptionView, error) {
	subs, err := v.svc.Subscriptions().List(ctx)
	if err != nil {
		return nil, err
	}
	granted, err := v.svc.Granted(ctx, user, v.accountLocality(ctx, user))
	if err != nil {
		return nil, err
	}
	var out []reviewer.SubscriptionView
	for _, s := range subs {
		if s.Owner != user {
			continue
		}
		sv := reviewer.SubscriptionView{ID: s.ID, Name: s.Name, Localities: s.Localities, Languages: s.Languages, FeedOn: s.Feed.Enabled,
			CAPOn: s.CAP.Enabled, MinSeverity: s.MinSeverity, Kinds: s.Triggers, EarlyWarning: s.EarlyWarning,
			Webhooks: []reviewer.WebhookView{}, Alerts: []reviewer.AlertView{}}
		switch {
		case s.Feed.Enabled && s.Feed.Token != "":
			sv.FeedURLs = v.svc.FeedLinks(s.ID, s.Feed.Token)
			sv.FeedURL = sv.FeedURLs["atom"]
		case s.Feed.Enabled:
			sv.FeedHidden = true // issued before tokens were kept: rotating shows a new address
		}
		for _, code := range granted {
			sv.Places = append(sv.Places, reviewer.PlaceChoice{Code: code, Name: alerter.PlaceName(code), Granted: true,
				Followed: slices.Contains(s.Localities, code)})
		}
		for _, code := range s.Localities {
			if !slices.Contains(granted, code) {
				sv.Places = append(sv.Places, reviewer.PlaceChoice{Code: code, Name: alerter.PlaceName(code), Followed: true})
			}
		}
		deliveries, err := v.svc.Deliveries().List(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		hookURL := map[string]string{}
		for _, w := range s.Webhooks {
			hookURL[w.ID] = w.URL
			wv := reviewer.WebhookView{ID: w.ID, URL: w.URL, Enabled: w.Enabled && !w.Health.Disabled}
			for _, d := range deliveries {
				if d.WebhookID == w.ID && d.Time.After(wv.LastAttempt) {
					wv.LastAttempt, wv.LastStatus = d.Time, d.Status
				}
			}
			sv.Webhooks = append(sv.Webhooks, wv)
		}
		for i, d := range deliveries {
			if i == 20 {
				break
			}
			u := hookURL[d.WebhookID]
			if u == "" {
				u = d.URL
			}
			sv.Deliveries = append(sv.Deliveries, reviewer.DeliveryView{Time: d.Time, WebhookURL: u, AlertID: d.AlertID,
				Attempt: d.Attempt, Status: d.Status, Outcome: d.Outcome, Error: d.Error})
		}
		recs, err := v.svc.Alerts(ctx, s.ID, 20)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			// The alert's status in its life (raised, updated, cancelled).
			at := r.Updated
			if at.IsZero() {
				at = r.Event
			}
			sv.Alerts = append(sv.Alerts, reviewer.AlertView{ID: r.ID, Kind: r.Kind, Title: r.Title, Severity: r.Severity,
				Status: alertStatus(r), URL: v.baseURL + alerter.AlertPath(r.ID) + "?sub=" + s.ID, Time: at, Unreviewed: r.Unreviewed})
		}
		out = append(out, sv)
	}
	return out, nil
}

// alertStatus is where an alert stands: raised, updated or cancelled.
func alertStatus(r alerter.Record) string {
	if r.Status == "" {
		return string(claims.AlertRaised)
	}
	return string(r.Status)
}

func (v alertViews) Alert(ctx context.Context, req reviewer.AlertRequest) (reviewer.AlertPage, error) {
	r, sub, err := v.svc.OpenAlert(ctx, req.SubscriptionID, req.AlertID, req.Signature, req.Principal, req.LoggedIn)
	if errors.Is(err, alerter.ErrNoAlert) {
		return reviewer.AlertPage{}, httpapi.Errorf(httpapi.ErrNotFound, "no such alert, or this link does not open it")
	}
	if err != nil {
		return reviewer.AlertPage{}, err
	}
	w := r.Words()
	pg := reviewer.AlertPage{ID: r.ID, SubscriptionID: sub.ID, SubscriptionName: sub.Name, Kind: r.Kind, Status: alertStatus(r),
		Claim: w.Claim, Locality: r.Locality, Place: alerter.PlaceName(r.Locality), Rating: w.Rating.OrUnknown(),
		RatingWords: alerter.RatingWords(w.Rating, req.Lang), Severity: r.Severity,
		SeverityWord: alerter.SeverityWords(r.Severity, req.Lang), Confirmed: w.Confirmed, Raised: r.Created}
	if w.TextualRating != "" && w.TextualRating != pg.RatingWords {
		pg.RatingWords += " (" + w.TextualRating + ")"
	}
	if r.Revision > 1 {
		pg.Updated = r.Updated
	}
	switch {
	case r.Source != "" && r.Seen != "":
		pg.Seen = r.Source + ": " + r.Seen
	case r.Source != "" || r.Seen != "":
		pg.Seen = r.Source + r.Seen
	}
	if vi := r.Verdict; vi != nil {
		pg.VerdictURL = v.baseURL + "/verdicts/" + url.PathEscape(vi.ID)
		pg.Explanation = vi.Summary
		if vi.Retracted && vi.RetractionNote != "" {
			pg.Explanation = vi.RetractionNote
		}
	} else if m := r.Match; m != nil {
		pg.Explanation = m.Publisher
		if m.URL != "" {
			pg.Explanation = strings.TrimSpace(m.Publisher + " " + m.URL)
		}
	}
	pg.Title, pg.Summary = alerter.Render(w, req.Lang)
	return pg, nil
}

func (v alertViews) Change(ctx context.Context, p account.Principal, subID string, c reviewer.SubscriptionChange) (reviewer.ChangeResult, error) {
	res, err := v.svc.Apply(ctx, p, subID, alerter.Edit{Action: c.Action, Localities: c.Localities, Languages: c.Languages,
		MinSeverity: c.MinSeverity, Kinds: c.Kinds, EarlyWarning: c.EarlyWarning, CAP: c.CAP, WebhookURL: c.WebhookURL,
		WebhookID: c.WebhookID, Enabled: c.Enabled})
	if err != nil {
		return reviewer.ChangeResult{}, err
	}
	out := reviewer.ChangeResult{Secret: res.Secret}
	if d := res.Delivery; d != nil {
		out.Message = fmt.Sprintf("%s %s → %d %s", d.Type, d.URL, d.Status, d.Outcome)
		if d.Error != "" {
			out.Message += " (" + d.Error + ")"
		}
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
