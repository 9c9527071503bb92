package reviewer

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
)

// alertView is the page of one alert, made for its subscriber.
type alertView struct {
	page
	Alert AlertPage
}

// alertPage shows one alert to its subscriber: opened by the link the
// alert carries (?sub=…&sig=…, read-only, that alert only) or by the
// subscriber's session (or an admin's). Anything else is a 404, whether
// the alert exists or not.
func (s *Server) alertPage(w http.ResponseWriter, r *http.Request) {
	if s.deps.Alerts == nil {
		s.writeError(w, r, httpapi.Errorf(httpapi.ErrNotFound, "no alerts in this process"))
		return
	}
	p, loggedIn := account.FromContext(r.Context())
	v := alertView{page: s.newPage(r, "alert_title")}
	q := r.URL.Query()
	pg, err := s.deps.Alerts.Alert(r.Context(), AlertRequest{AlertID: r.PathValue("id"), SubscriptionID: q.Get("sub"),
		Signature: q.Get("sig"), Principal: p, LoggedIn: loggedIn && !p.MustEnrolTOTP, Lang: v.Lang})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v.Alert = pg
	v.Title = pg.Title
	w.Header().Set("Referrer-Policy", "no-referrer") // the link's signature stays in this page
	if !wantsHTML(r) {
		httpapi.WriteJSON(w, http.StatusOK, pg)
		return
	}
	s.render(w, r, http.StatusOK, "alert", &v)
}

// alertsChange applies one self-service form of the alerts page and shows
// the page again with what happened (a new webhook's secret, once).
func (s *Server) alertsChange(w http.ResponseWriter, r *http.Request) {
	if s.deps.Alerts == nil {
		s.writeError(w, r, httpapi.Errorf(httpapi.ErrUnavailable, "no alerts in this process"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeError(w, r, badRequest("the form could not be read"))
		return
	}
	f := r.PostForm
	c := SubscriptionChange{Action: f.Get("action"), Localities: f["locality"], Languages: f["language"],
		EarlyWarning: f.Get("early_warning") == "on", CAP: f.Get("cap") == "on", WebhookURL: strings.TrimSpace(f.Get("url")),
		WebhookID: f.Get("webhook"), Enabled: f.Get("enabled") == "true"}
	for _, k := range f["kind"] {
		c.Kinds = append(c.Kinds, claims.AlertKind(k))
	}
	if v := f.Get("min_severity"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.writeError(w, r, badRequest("min_severity must be a number"))
			return
		}
		c.MinSeverity = n
	}
	subID := r.PathValue("sub")
	res, err := s.deps.Alerts.Change(r.Context(), principal(r), subID, c)
	status := http.StatusOK
	notice := alertsNotice{Subscription: subID, Action: c.Action}
	if err != nil {
		p := httpapi.ProblemOf(err)
		if p.Status >= 500 || errors.Is(err, httpapi.ErrNotFound) {
			s.writeError(w, r, err)
			return
		}
		status, notice.Error = p.Status, p.Body.Error
		for _, fe := range p.Body.Fields {
			notice.Error += " — " + fe.Field + ": " + fe.Message
		}
	} else {
		notice.Message, notice.Secret = res.Message, res.Secret
	}
	if !wantsHTML(r) {
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		httpapi.WriteJSON(w, http.StatusOK, map[string]string{"message": res.Message, "secret": res.Secret})
		return
	}
	subs, err := s.subscriberView(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !slices.ContainsFunc(subs, func(sv SubscriptionView) bool { return sv.ID == subID }) {
		// Not one of the caller's subscriptions (an admin's change, or a
		// refusal): the page could not show it beside its form.
		if notice.Error != "" {
			s.renderError(w, r, status, notice.Error)
		} else {
			http.Redirect(w, r, "/alerts", http.StatusSeeOther)
		}
		return
	}
	v := alertsView{page: s.newPage(r, "alerts_title"), Subscriptions: subs, Notice: &notice}
	v.fill()
	s.render(w, r, status, "alerts", &v)
}

// alertsNotice says what the last form did, on the page shown after it.
type alertsNotice struct {
	Subscription, Action string
	// Message is what a test delivery got; Secret a new webhook's secret.
	Message, Secret string
	// Error is why the change was refused.
	Error string
}
