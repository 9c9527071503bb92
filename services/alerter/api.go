package alerter

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
)

// maxAPIBody caps an API request body.
const maxAPIBody = 1 << 20

// subscriptionView is a subscription as the API shows it: no secrets, the
// revision to send back with a change, the feed addresses without token.
type subscriptionView struct {
	subscription.Subscription
	Revision uint64 `json:"revision"`
	// FeedURLs are the private feed addresses, token included, for the
	// owner (and admins) to copy; absent when the feed is off.
	FeedURLs map[string]string `json:"feed_urls,omitempty"`
}

// apiRoutes declares the subscriptions API (JSON) under the role policy:
// admins act on every subscription, a subscriber on its own only (the
// handler checks the owner), read-only tokens read (the policy answers 403
// to every change they try). A subscriber follows only the localities an
// admin granted it, within its limits (subscription.Grant).
//
//	GET    /api/v1/subscriptions                       list (own; admins: all)
//	POST   /api/v1/subscriptions                       create; answers the feed token and webhook secrets once
//	GET    /api/v1/subscriptions/notices               notices of disabled endpoints (admin)
//	GET    /api/v1/subscriptions/{id}                  read
//	PUT    /api/v1/subscriptions/{id}                  change (body carries "revision"; 409 when stale)
//	DELETE /api/v1/subscriptions/{id}?revision=N       delete
//	POST   /api/v1/subscriptions/{id}/feed/token       issue a new feed token (the old one stops at once)
//	DELETE /api/v1/subscriptions/{id}/feed/token       revoke the feed
//	POST   /api/v1/subscriptions/{id}/webhooks         add a webhook {url, include_unreviewed}; answers its secret once
//	PATCH  /api/v1/subscriptions/{id}/webhooks/{wid}   {enabled, include_unreviewed, url}; enabling clears a disabled health
//	DELETE /api/v1/subscriptions/{id}/webhooks/{wid}   remove
//	POST   /api/v1/subscriptions/{id}/webhooks/{wid}/secret          start a rotation: new secret first, old kept
//	DELETE /api/v1/subscriptions/{id}/webhooks/{wid}/secret/previous finish it: drop the old secret
//	POST   /api/v1/subscriptions/{id}/webhooks/{wid}/test            send a webhook.test now
//	GET    /api/v1/subscriptions/{id}/deliveries       delivery attempts, newest first
//	GET    /api/v1/subscriptions/{id}/alerts           alerts raised, newest first
//	GET    /api/v1/grants                              every subscriber's grant (admin)
//	GET    /api/v1/grants/{owner}                      one grant (admin, or the subscriber itself)
//	PUT    /api/v1/grants/{owner}                      set it {localities, max_subscriptions} (admin)
func (s *Service) apiRoutes() []account.Route {
	own := func(pattern string, h http.HandlerFunc) account.Route {
		return account.Route{Pattern: pattern, Access: account.AccessOwn, Handler: h}
	}
	admin := func(pattern string, h http.HandlerFunc) account.Route {
		return account.Route{Pattern: pattern, Access: account.AccessAdmin, Handler: h}
	}
	return []account.Route{
		own("GET /api/v1/subscriptions", s.apiList),
		own("POST /api/v1/subscriptions", s.apiCreate),
		admin("GET /api/v1/subscriptions/notices", s.apiNotices),
		own("GET /api/v1/subscriptions/{id}", s.withSub(s.apiGet)),
		own("PUT /api/v1/subscriptions/{id}", s.withSub(s.apiPut)),
		own("DELETE /api/v1/subscriptions/{id}", s.withSub(s.apiDelete)),
		own("POST /api/v1/subscriptions/{id}/feed/token", s.withSub(s.apiRotateToken)),
		own("DELETE /api/v1/subscriptions/{id}/feed/token", s.withSub(s.apiRevokeToken)),
		own("POST /api/v1/subscriptions/{id}/webhooks", s.withSub(s.apiAddWebhook)),
		own("PATCH /api/v1/subscriptions/{id}/webhooks/{wid}", s.withSub(s.apiPatchWebhook)),
		own("DELETE /api/v1/subscriptions/{id}/webhooks/{wid}", s.withSub(s.apiDeleteWebhook)),
		own("POST /api/v1/subscriptions/{id}/webhooks/{wid}/secret", s.withSub(s.apiRotateSecret)),
		own("DELETE /api/v1/subscriptions/{id}/webhooks/{wid}/secret/previous", s.withSub(s.apiDropSecret)),
		own("POST /api/v1/subscriptions/{id}/webhooks/{wid}/test", s.withSub(s.apiTest)),
		own("GET /api/v1/subscriptions/{id}/deliveries", s.withSub(s.apiDeliveries)),
		own("GET /api/v1/subscriptions/{id}/alerts", s.withSub(s.apiAlerts)),
		admin("GET /api/v1/grants", s.apiGrants),
		own("GET /api/v1/grants/{owner}", s.apiGrant),
		admin("PUT /api/v1/grants/{owner}", s.apiSetGrant),
	}
}

// authorized reports whether the request may act for the subscriptions of
// owner ("" for admin-only operations): Options.Authorize when set, else
// admins for every owner and a subscriber for itself.
func (s *Service) authorized(r *http.Request, owner string) bool {
	if s.opts.Authorize != nil {
		return s.opts.Authorize(r, owner)
	}
	p, ok := account.FromContext(r.Context())
	if !ok {
		return false
	}
	switch p.Role {
	case claims.RoleAdmin:
		return true
	case claims.RoleSubscriber:
		return owner != "" && owner == p.User
	}
	return false
}

// isAdmin reports whether the request may act for every owner.
func (s *Service) isAdmin(r *http.Request) bool { return s.authorized(r, "") }

// fail answers err as httpapi's table says.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.WriteError(w, r, s.log, err)
}

// grantStore returns the grants, opening their bucket (declared by New)
// on first use.
func (s *Service) grantStore(ctx context.Context) (*subscription.Grants, error) {
	s.grantsMu.Lock()
	defer s.grantsMu.Unlock()
	if s.grants == nil {
		kv, err := s.bus.JS.KeyValue(ctx, bus.BucketGrants)
		if err != nil {
			return nil, fmt.Errorf("open grants: %w", err)
		}
		s.grants = subscription.NewGrants(kv, s.opts.Now)
	}
	return s.grants, nil
}

// Grants returns the grants store (for the CLI and the demo).
func (s *Service) Grants(ctx context.Context) (*subscription.Grants, error) { return s.grantStore(ctx) }

// checkOwner checks next against its owner's grant and limits: the fields
// first, then (when changedLocalities and p is not an admin) only granted
// localities, then the owner's subscription and webhook limits.
func (s *Service) checkOwner(ctx context.Context, p account.Principal, admin bool, next subscription.Subscription, changedLocalities bool) error {
	if err := next.Normalize().Validate(); err != nil {
		return err // the fields first: a code that is not one is a 400, not a refusal
	}
	gs, err := s.grantStore(ctx)
	if err != nil {
		return err
	}
	g, err := gs.Get(ctx, next.Owner)
	if err != nil {
		return err
	}
	if p.Role == claims.RoleSubscriber && p.User == next.Owner && p.Locality != "" {
		g.Localities = append(g.Localities, strings.ToUpper(p.Locality)) // a subscriber's own locality is granted with its account
	}
	if changedLocalities && !admin {
		if err := g.Ungranted(next); err != nil {
			return err
		}
	}
	subs, err := s.subs.List(ctx)
	if err != nil {
		return err
	}
	return g.CheckLimits(subs, next)
}

// principalOf returns the request's principal (zero when anonymous).
func principalOf(r *http.Request) account.Principal {
	p, _ := account.FromContext(r.Context())
	return p
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAPIBody))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: body is not the expected JSON: %v", httpapi.ErrBadRequest, err)
	}
	return nil
}

func forbidden(w http.ResponseWriter) {
	httpapi.WriteJSON(w, http.StatusForbidden, httpapi.ErrorBody{Error: "not allowed: this subscription belongs to another subscriber"})
}

// withSub loads {id} and checks the caller may act for its owner.
func (s *Service) withSub(h func(http.ResponseWriter, *http.Request, subscription.Subscription)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sub, err := s.subs.Get(r.Context(), r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !s.authorized(r, sub.Owner) {
			forbidden(w)
			return
		}
		h(w, r, sub)
	}
}

func (s *Service) view(sub subscription.Subscription) subscriptionView {
	v := subscriptionView{Subscription: sub.Public(), Revision: sub.Revision}
	if sub.Feed.Enabled && sub.Feed.Token != "" {
		v.FeedURLs = s.FeedLinks(sub.ID, sub.Feed.Token)
	}
	return v
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) {
	subs, err := s.subs.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []subscriptionView{}
	for _, sub := range subs {
		if s.authorized(r, sub.Owner) {
			out = append(out, s.view(sub))
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscriptions": out})
}

// FeedLinks are the private feed addresses of a subscription with its
// token: "atom", "json" and "cap".
func (s *Service) FeedLinks(id, token string) map[string]string {
	q := "?token=" + token
	return map[string]string{"atom": s.feedURL(id, ".atom") + q, "json": s.feedURL(id, ".json") + q,
		"cap": s.feedURL(id, ".cap.xml") + q}
}

func (s *Service) apiCreate(w http.ResponseWriter, r *http.Request) {
	var in subscription.Subscription
	if err := decode(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if p, ok := account.FromContext(r.Context()); ok && in.Owner == "" && p.Role == claims.RoleSubscriber {
		in.Owner = p.User // a subscriber creates its own
	}
	if !s.authorized(r, in.Owner) {
		forbidden(w)
		return
	}
	in.ID, in.Feed.TokenHash, in.Feed.Token, in.LinkKey = "", "", "", ""
	out := map[string]any{}
	if in.Feed.Enabled {
		tok := in.RotateToken(s.opts.Now())
		out["feed_token"], out["feed"] = tok, "" // filled below once the id is known
	}
	secrets := map[string]string{}
	for i := range in.Webhooks {
		sec, err := webhook.NewSecret()
		if err != nil {
			s.fail(w, r, err)
			return
		}
		in.Webhooks[i].ID, in.Webhooks[i].Secrets, in.Webhooks[i].Health = subscription.NewWebhookID(), []string{sec}, webhook.Health{}
		secrets[in.Webhooks[i].ID] = sec
	}
	if err := s.checkOwner(r.Context(), principalOf(r), s.isAdmin(r), in, true); err != nil {
		s.fail(w, r, err)
		return
	}
	sub, err := s.subs.Create(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out["subscription"] = s.view(sub)
	if tok, ok := out["feed_token"].(string); ok {
		out["feed"] = s.FeedLinks(sub.ID, tok)
	}
	if len(secrets) > 0 {
		out["webhook_secrets"] = secrets
	}
	httpapi.WriteJSON(w, http.StatusCreated, out)
}

func (s *Service) apiNotices(w http.ResponseWriter, r *http.Request) {
	if !s.isAdmin(r) {
		forbidden(w)
		return
	}
	ns, err := s.dlog.Notices(r.Context(), "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"notices": ns})
}

func (s *Service) apiGet(w http.ResponseWriter, _ *http.Request, sub subscription.Subscription) {
	httpapi.WriteJSON(w, http.StatusOK, s.view(sub))
}

// apiPut changes the fields a subscriber edits; channels' secrets, tokens
// and health are kept from the stored subscription.
func (s *Service) apiPut(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	var in subscriptionView
	if err := decode(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.Owner != "" && in.Owner != sub.Owner && !s.authorized(r, in.Owner) {
		forbidden(w)
		return
	}
	if in.Revision == 0 {
		s.fail(w, r, fmt.Errorf("%w: revision is required", httpapi.ErrBadRequest))
		return
	}
	next := sub
	next.Name, next.Localities, next.Keywords, next.MinSeverity = in.Name, in.Localities, in.Keywords, in.MinSeverity
	next.Languages, next.Triggers, next.CAP = in.Languages, in.Triggers, in.CAP
	next.Feed.IncludeUnreviewed, next.EarlyWarning = in.Feed.IncludeUnreviewed, in.EarlyWarning
	if in.Owner != "" {
		next.Owner = in.Owner
	}
	next.Revision = in.Revision
	changed := !slices.Equal(next.Normalize().Localities, sub.Localities) || next.Owner != sub.Owner
	if err := s.checkOwner(r.Context(), principalOf(r), s.isAdmin(r), next, changed); err != nil {
		s.fail(w, r, err)
		return
	}
	saved, err := s.subs.Update(r.Context(), next)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, s.view(saved))
}

func (s *Service) apiDelete(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	var rev uint64
	if v := r.URL.Query().Get("revision"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			s.fail(w, r, fmt.Errorf("%w: revision %q is not a number", httpapi.ErrBadRequest, v))
			return
		}
		rev = n
	}
	if err := s.subs.Delete(r.Context(), sub.ID, rev); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Service) modify(w http.ResponseWriter, r *http.Request, id string, fn func(*subscription.Subscription) error) (subscription.Subscription, bool) {
	sub, err := s.subs.Modify(r.Context(), id, fn)
	if err != nil {
		s.fail(w, r, err)
		return sub, false
	}
	return sub, true
}

func (s *Service) apiRotateToken(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	var tok string
	saved, ok := s.modify(w, r, sub.ID, func(x *subscription.Subscription) error { tok = x.RotateToken(s.opts.Now()); return nil })
	if !ok {
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscription": s.view(saved), "feed_token": tok, "feed": s.FeedLinks(saved.ID, tok)})
}

func (s *Service) apiRevokeToken(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	saved, ok := s.modify(w, r, sub.ID, func(x *subscription.Subscription) error { x.RevokeToken(); return nil })
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, s.view(saved))
	}
}

type webhookInput struct {
	URL               *string `json:"url"`
	Enabled           *bool   `json:"enabled"`
	IncludeUnreviewed *bool   `json:"include_unreviewed"`
}

func (s *Service) apiAddWebhook(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	var in webhookInput
	if err := decode(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	if in.URL == nil {
		s.fail(w, r, fmt.Errorf("%w: url is required", httpapi.ErrBadRequest))
		return
	}
	sec, err := webhook.NewSecret()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wh := subscription.Webhook{ID: subscription.NewWebhookID(), URL: *in.URL, Secrets: []string{sec}, Enabled: true,
		IncludeUnreviewed: in.IncludeUnreviewed != nil && *in.IncludeUnreviewed}
	if in.Enabled != nil {
		wh.Enabled = *in.Enabled
	}
	next := sub
	next.Webhooks = append(slices.Clone(sub.Webhooks), wh)
	if err := s.checkOwner(r.Context(), principalOf(r), s.isAdmin(r), next, false); err != nil {
		s.fail(w, r, err)
		return
	}
	saved, ok := s.modify(w, r, sub.ID, func(x *subscription.Subscription) error {
		x.Webhooks = append(x.Webhooks, wh)
		return nil
	})
	if !ok {
		return
	}
	wh.Secrets = nil
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"subscription": s.view(saved), "webhook": wh, "secret": sec})
}

// editWebhook applies fn to webhook {wid}.
func (s *Service) editWebhook(w http.ResponseWriter, r *http.Request, sub subscription.Subscription,
	fn func(x *subscription.Subscription, i int)) (subscription.Subscription, bool) {
	wid := r.PathValue("wid")
	if _, _, ok := sub.Webhook(wid); !ok {
		s.fail(w, r, fmt.Errorf("webhook %s: %w", wid, subscription.ErrNotFound))
		return sub, false
	}
	return s.modify(w, r, sub.ID, func(x *subscription.Subscription) error {
		_, i, ok := x.Webhook(wid)
		if !ok {
			return fmt.Errorf("webhook %s: %w", wid, subscription.ErrNotFound)
		}
		fn(x, i)
		return nil
	})
}

func (s *Service) apiPatchWebhook(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	var in webhookInput
	if err := decode(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	saved, ok := s.editWebhook(w, r, sub, func(x *subscription.Subscription, i int) {
		wh := &x.Webhooks[i]
		if in.URL != nil {
			wh.URL = *in.URL
		}
		if in.IncludeUnreviewed != nil {
			wh.IncludeUnreviewed = *in.IncludeUnreviewed
		}
		if in.Enabled != nil {
			wh.Enabled = *in.Enabled
			if *in.Enabled && wh.Health.Disabled {
				wh.Health = wh.Health.Reenable()
			}
		}
	})
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, s.view(saved))
	}
}

func (s *Service) apiDeleteWebhook(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	saved, ok := s.editWebhook(w, r, sub, func(x *subscription.Subscription, i int) {
		x.Webhooks = append(x.Webhooks[:i], x.Webhooks[i+1:]...)
	})
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, s.view(saved))
	}
}

func (s *Service) apiRotateSecret(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	sec, err := webhook.NewSecret()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	saved, ok := s.editWebhook(w, r, sub, func(x *subscription.Subscription, i int) {
		x.Webhooks[i].Secrets = []string{sec, x.Webhooks[i].Secrets[0]}
	})
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscription": s.view(saved), "secret": sec})
	}
}

func (s *Service) apiDropSecret(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	saved, ok := s.editWebhook(w, r, sub, func(x *subscription.Subscription, i int) {
		x.Webhooks[i].Secrets = x.Webhooks[i].Secrets[:1]
	})
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, s.view(saved))
	}
}

// apiTest makes one webhook.test attempt now and records it.
func (s *Service) apiTest(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	d, err := s.testWebhook(r.Context(), sub, r.PathValue("wid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, d)
}

// testWebhook makes one webhook.test attempt to webhook wid of sub now,
// records it in the delivery log and returns the record.
func (s *Service) testWebhook(ctx context.Context, sub subscription.Subscription, wid string) (subscription.Delivery, error) {
	wh, _, ok := sub.Webhook(wid)
	if !ok {
		return subscription.Delivery{}, fmt.Errorf("webhook %s: %w", wid, subscription.ErrNotFound)
	}
	signer, err := webhook.NewSigner(wh.Secrets...)
	if err != nil {
		return subscription.Delivery{}, err
	}
	now := s.opts.Now().UTC()
	msg, err := webhook.NewMessage(webhook.NewMessageID(), webhook.TypeTest, now,
		map[string]string{"subscription_id": sub.ID, "webhook_id": wh.ID, "message": "Test delivery from Vigie."})
	if err != nil {
		return subscription.Delivery{}, err
	}
	a := s.deliver.Attempt(ctx, webhook.Endpoint{URL: wh.URL, Signer: signer}, msg, 1, time.Time{})
	if a.Outcome == webhook.OutcomeRetry || a.Outcome == webhook.OutcomeExpired {
		a.Outcome, a.Next = webhook.OutcomeExpired, time.Time{} // a test is never retried
	}
	d := subscription.DeliveryFromAttempt(sub.ID, wh.ID, "", a)
	if err := s.dlog.Record(ctx, d); err != nil {
		s.log.Warn("test delivery not recorded", zap.Error(err))
	}
	s.opts.Metrics.AlertDelivery("webhook_test", a.Outcome.String())
	return d, nil
}

func (s *Service) apiDeliveries(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	ds, err := s.dlog.List(r.Context(), sub.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ds == nil {
		ds = []subscription.Delivery{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"deliveries": ds})
}

func (s *Service) apiAlerts(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	recs, err := s.Alerts(r.Context(), sub.ID, 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if recs == nil {
		recs = []Record{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"alerts": recs})
}

func (s *Service) apiGrants(w http.ResponseWriter, r *http.Request) {
	gs, err := s.grantStore(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := gs.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []subscription.Grant{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"grants": list})
}

func (s *Service) apiGrant(w http.ResponseWriter, r *http.Request) {
	owner := r.PathValue("owner")
	if !s.authorized(r, owner) {
		forbidden(w)
		return
	}
	gs, err := s.grantStore(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := gs.Get(r.Context(), owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if g.Localities == nil {
		g.Localities = []string{}
	}
	httpapi.WriteJSON(w, http.StatusOK, g)
}

func (s *Service) apiSetGrant(w http.ResponseWriter, r *http.Request) {
	var in subscription.Grant
	if err := decode(r, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	in.Owner = r.PathValue("owner")
	if p, ok := account.FromContext(r.Context()); ok {
		in.By = p.User
	}
	gs, err := s.grantStore(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g, err := gs.Set(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, g)
}
