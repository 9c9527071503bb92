package alerter

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/account"
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
}

// apiRoutes declares the subscriptions API (JSON). The policy lets every
// request through (account.AccessHandlerChecked): each passes
// Options.Authorize with the subscription's owner (or "" for admin-only
// operations).
//
//	GET    /api/v1/subscriptions                       list (those the caller may see)
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
func (s *Service) apiRoutes() []account.Route {
	r := func(pattern string, h http.HandlerFunc) account.Route {
		return account.Route{Pattern: pattern, Access: account.AccessHandlerChecked, Handler: h}
	}
	return []account.Route{
		r("GET /api/v1/subscriptions", s.apiList),
		r("POST /api/v1/subscriptions", s.apiCreate),
		r("GET /api/v1/subscriptions/notices", s.apiNotices),
		r("GET /api/v1/subscriptions/{id}", s.withSub(s.apiGet)),
		r("PUT /api/v1/subscriptions/{id}", s.withSub(s.apiPut)),
		r("DELETE /api/v1/subscriptions/{id}", s.withSub(s.apiDelete)),
		r("POST /api/v1/subscriptions/{id}/feed/token", s.withSub(s.apiRotateToken)),
		r("DELETE /api/v1/subscriptions/{id}/feed/token", s.withSub(s.apiRevokeToken)),
		r("POST /api/v1/subscriptions/{id}/webhooks", s.withSub(s.apiAddWebhook)),
		r("PATCH /api/v1/subscriptions/{id}/webhooks/{wid}", s.withSub(s.apiPatchWebhook)),
		r("DELETE /api/v1/subscriptions/{id}/webhooks/{wid}", s.withSub(s.apiDeleteWebhook)),
		r("POST /api/v1/subscriptions/{id}/webhooks/{wid}/secret", s.withSub(s.apiRotateSecret)),
		r("DELETE /api/v1/subscriptions/{id}/webhooks/{wid}/secret/previous", s.withSub(s.apiDropSecret)),
		r("POST /api/v1/subscriptions/{id}/webhooks/{wid}/test", s.withSub(s.apiTest)),
		r("GET /api/v1/subscriptions/{id}/deliveries", s.withSub(s.apiDeliveries)),
		r("GET /api/v1/subscriptions/{id}/alerts", s.withSub(s.apiAlerts)),
	}
}

func (s *Service) authorized(r *http.Request, owner string) bool {
	return s.opts.Authorize != nil && s.opts.Authorize(r, owner)
}

// fail answers err as httpapi's table says.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpapi.WriteError(w, r, s.log, err)
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxAPIBody))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: body is not the expected JSON: %v", httpapi.ErrBadRequest, err)
	}
	return nil
}

func forbidden(w http.ResponseWriter) {
	httpapi.WriteJSON(w, http.StatusForbidden, httpapi.ErrorBody{Error: "not allowed"})
}

// withSub loads {id} and checks the caller may act for its owner.
func (s *Service) withSub(h func(http.ResponseWriter, *http.Request, subscription.Subscription)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Authorize == nil {
			forbidden(w)
			return
		}
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

func view(sub subscription.Subscription) subscriptionView {
	return subscriptionView{Subscription: sub.Public(), Revision: sub.Revision}
}

func (s *Service) apiList(w http.ResponseWriter, r *http.Request) {
	if s.opts.Authorize == nil {
		forbidden(w)
		return
	}
	subs, err := s.subs.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := []subscriptionView{}
	for _, sub := range subs {
		if s.authorized(r, sub.Owner) {
			out = append(out, view(sub))
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscriptions": out})
}

// feedLinks are the private feed addresses with the token.
func (s *Service) feedLinks(id, token string) map[string]string {
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
	if !s.authorized(r, in.Owner) {
		forbidden(w)
		return
	}
	in.ID, in.Feed.TokenHash = "", ""
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
	sub, err := s.subs.Create(r.Context(), in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out["subscription"] = view(sub)
	if tok, ok := out["feed_token"].(string); ok {
		out["feed"] = s.feedLinks(sub.ID, tok)
	}
	if len(secrets) > 0 {
		out["webhook_secrets"] = secrets
	}
	httpapi.WriteJSON(w, http.StatusCreated, out)
}

func (s *Service) apiNotices(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(r, "") {
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
	httpapi.WriteJSON(w, http.StatusOK, view(sub))
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
	next.Feed.IncludeUnreviewed = in.Feed.IncludeUnreviewed
	if in.Owner != "" {
		next.Owner = in.Owner
	}
	next.Revision = in.Revision
	saved, err := s.subs.Update(r.Context(), next)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, view(saved))
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
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscription": view(saved), "feed_token": tok, "feed": s.feedLinks(saved.ID, tok)})
}

func (s *Service) apiRevokeToken(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	saved, ok := s.modify(w, r, sub.ID, func(x *subscription.Subscription) error { x.RevokeToken(); return nil })
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, view(saved))
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
	saved, ok := s.modify(w, r, sub.ID, func(x *subscription.Subscription) error {
		x.Webhooks = append(x.Webhooks, wh)
		return nil
	})
	if !ok {
		return
	}
	wh.Secrets = nil
	httpapi.WriteJSON(w, http.StatusCreated, map[string]any{"subscription": view(saved), "webhook": wh, "secret": sec})
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
		httpapi.WriteJSON(w, http.StatusOK, view(saved))
	}
}

func (s *Service) apiDeleteWebhook(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	saved, ok := s.editWebhook(w, r, sub, func(x *subscription.Subscription, i int) {
		x.Webhooks = append(x.Webhooks[:i], x.Webhooks[i+1:]...)
	})
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, view(saved))
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
		httpapi.WriteJSON(w, http.StatusOK, map[string]any{"subscription": view(saved), "secret": sec})
	}
}

func (s *Service) apiDropSecret(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	saved, ok := s.editWebhook(w, r, sub, func(x *subscription.Subscription, i int) {
		x.Webhooks[i].Secrets = x.Webhooks[i].Secrets[:1]
	})
	if ok {
		httpapi.WriteJSON(w, http.StatusOK, view(saved))
	}
}

// apiTest makes one webhook.test attempt now and records it.
func (s *Service) apiTest(w http.ResponseWriter, r *http.Request, sub subscription.Subscription) {
	wh, _, ok := sub.Webhook(r.PathValue("wid"))
	if !ok {
		s.fail(w, r, subscription.ErrNotFound)
		return
	}
	signer, err := webhook.NewSigner(wh.Secrets...)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.opts.Now().UTC()
	msg, err := webhook.NewMessage(webhook.NewMessageID(), webhook.TypeTest, now,
		map[string]string{"subscription_id": sub.ID, "webhook_id": wh.ID, "message": "Test delivery from Vigie."})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := s.deliver.Attempt(r.Context(), webhook.Endpoint{URL: wh.URL, Signer: signer}, msg, 1, time.Time{})
	if a.Outcome == webhook.OutcomeRetry || a.Outcome == webhook.OutcomeExpired {
		a.Outcome, a.Next = webhook.OutcomeExpired, time.Time{} // a test is never retried
	}
	d := subscription.DeliveryFromAttempt(sub.ID, wh.ID, "", a)
	if err := s.dlog.Record(r.Context(), d); err != nil {
		s.log.Warn("test delivery not recorded", zap.Error(err))
	}
	s.opts.Metrics.AlertDelivery("webhook_test", a.Outcome.String())
	httpapi.WriteJSON(w, http.StatusOK, d)
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
