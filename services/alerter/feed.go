package alerter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/alertprotocol"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/publish"
	"vigie/pipeline/subscription"
)

// Alerts returns the alerts of a subscription at their current revision,
// newest change first, at most limit (all when limit ≤ 0). It reads the
// subscription's index of alert ids (a key read, not a listing of the
// bucket); a subscription without an index (alerts raised before it
// existed) falls back to listing its keys.
func (s *Service) Alerts(ctx context.Context, subID string, limit int) ([]Record, error) {
	keys, rev, err := s.readList(ctx, subscriptionIndexKey(subID))
	if err != nil {
		return nil, fmt.Errorf("list alerts of %s: %w", subID, err)
	}
	for i, id := range keys {
		keys[i] = alertKey(subID, id)
	}
	if rev == 0 {
		if keys, err = s.listKeys(ctx, subID); err != nil {
			return nil, err
		}
	}
	out := make([]Record, 0, len(keys))
	for _, k := range keys {
		e, err := s.alerts.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("list alerts of %s: %w", subID, err)
		}
		var r Record
		if err := json.Unmarshal(e.Value(), &r); err != nil {
			return nil, fmt.Errorf("list alerts of %s: decode %s: %w", subID, k, err)
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Record) int {
		if c := b.changed().Compare(a.changed()); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// changed is when the record last changed.
func (r Record) changed() time.Time {
	if r.Updated.IsZero() {
		return r.Created
	}
	return r.Updated
}

// listKeys lists a subscription's keys in the alerts bucket.
func (s *Service) listKeys(ctx context.Context, subID string) ([]string, error) {
	lister, err := s.alerts.ListKeysFiltered(ctx, subID+".>")
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("list alerts of %s: %w", subID, err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	return keys, nil
}

// alert returns one alert of a subscription.
func (s *Service) alert(ctx context.Context, subID, alertID string) (Record, bool, error) {
	e, err := s.alerts.Get(ctx, alertKey(subID, alertID))
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrInvalidKey) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, fmt.Errorf("read alert %s of %s: %w", alertID, subID, err)
	}
	var r Record
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return Record{}, false, fmt.Errorf("read alert %s of %s: %w", alertID, subID, err)
	}
	return r, true, nil
}

// feedRoutes declares the private feeds of subscriptions, each opened by
// the subscription's feed token (?token=…), so public to the policy:
//
//	GET /feeds/alerts/{subscription}.atom       Atom
//	GET /feeds/alerts/{subscription}.json       JSON Feed 1.1
//	GET /feeds/alerts/{subscription}.cap.xml    Atom index of CAP 1.2 messages (published verdicts only)
//	GET /feeds/alerts/{subscription}/cap/{alert}.xml   one CAP 1.2 message
//
// A wrong or revoked token gets 404, as an unknown subscription does.
func (s *Service) feedRoutes() []account.Route {
	return []account.Route{
		{Pattern: "GET /feeds/alerts/{file}", Access: account.AccessPublic, Handler: http.HandlerFunc(s.serveFeed)},
		{Pattern: "GET /feeds/alerts/{sub}/cap/{file}", Access: account.AccessPublic, Handler: http.HandlerFunc(s.serveCAP)},
	}
}

// Routes declares every route the alerter serves: the private feeds
// (public to the policy: the token in the URL is the credential) and the
// subscriptions API (checked by the handler, see apiRoutes).
func (s *Service) Routes() []account.Route {
	return append(s.feedRoutes(), s.apiRoutes()...)
}

// Handler serves the routes of Routes through p (which must hold them).
func (s *Service) Handler(p *account.Policy) http.Handler {
	return p.Mux(s.Routes(), httpapi.Deny)
}

// open returns the subscription whose feed the request's token opens.
func (s *Service) open(w http.ResponseWriter, r *http.Request, id string) (subscription.Subscription, bool) {
	sub, err := s.subs.Get(r.Context(), id)
	if err != nil || !sub.CheckToken(r.URL.Query().Get("token")) {
		if err != nil && !errors.Is(err, subscription.ErrNotFound) {
			s.log.Warn("feed subscription not read", zap.String("subscription_id", id), zap.Error(err))
			http.Error(w, "feed unavailable, try again later", http.StatusServiceUnavailable)
			return sub, false
		}
		http.Error(w, "no such feed, or the token was revoked", http.StatusNotFound)
		return sub, false
	}
	return sub, true
}

func (s *Service) feedURL(subID, suffix string) string {
	return strings.TrimSuffix(s.opts.BaseURL, "/") + "/feeds/alerts/" + url.PathEscape(subID) + suffix
}

func (s *Service) serveFeed(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file")
	var id, format string
	for _, suf := range []string{".cap.xml", ".atom", ".json"} {
		if v, ok := strings.CutSuffix(file, suf); ok {
			id, format = v, suf
			break
		}
	}
	if id == "" {
		http.NotFound(w, r)
		return
	}
	sub, ok := s.open(w, r, id)
	if !ok {
		return
	}
	recs, err := s.Alerts(r.Context(), sub.ID, 0)
	if err != nil {
		s.log.Warn("feed alerts not read", zap.String("subscription_id", sub.ID), zap.Error(err))
		http.Error(w, "feed unavailable, try again later", http.StatusServiceUnavailable)
		return
	}
	title, capTitle, description := FeedWords(sub.Name, sub.Localities, subscriptionLanguage(sub, ""))
	feed := publish.Feed{
		Title: title, Description: description,
		// The feed's own links open for its reader: self with the token, home
		// the subscriber's alerts page.
		SelfURL: s.feedURL(sub.ID, format) + "?token=" + url.QueryEscape(r.URL.Query().Get("token")),
		HomeURL: strings.TrimSuffix(s.opts.BaseURL, "/") + "/alerts", Author: s.opts.Publisher,
	}
	var buf bytes.Buffer
	var ctype string
	if format == ".cap.xml" {
		feed.Title = capTitle
		feed.Entries = s.capEntries(sub, recs, r.URL.Query().Get("token"))
		err, ctype = publish.WriteAtom(&buf, feed), publish.ContentTypeAtom
	} else {
		for _, rec := range recs {
			if rec.Unreviewed && !sub.Feed.IncludeUnreviewed {
				continue
			}
			if feed.Entries = append(feed.Entries, entry(rec, subscriptionLanguage(sub, rec.Language))); len(feed.Entries) == s.opts.FeedLimit {
				break
			}
		}
		if format == ".atom" {
			err, ctype = publish.WriteAtom(&buf, feed), publish.ContentTypeAtom
		} else {
			err, ctype = publish.WriteJSONFeed(&buf, feed), publish.ContentTypeJSONFeed
		}
	}
	if err != nil {
		s.log.Error("feed not written", zap.String("subscription_id", sub.ID), zap.Error(err))
		http.Error(w, "feed unavailable", http.StatusInternalServerError)
		return
	}
	var modified time.Time
	for _, e := range feed.Entries {
		modified = maxTime(modified, e.Updated)
	}
	serve(w, r, ctype, buf.Bytes(), modified)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// serve answers with body, private caching and conditional requests.
func serve(w http.ResponseWriter, r *http.Request, ctype string, body []byte, modified time.Time) {
	etag := publish.ETag(body)
	h := w.Header()
	h.Set("ETag", etag)
	if !modified.IsZero() {
		h.Set("Last-Modified", modified.UTC().Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Referrer-Policy", "no-referrer")
	if publish.NotModified(r, etag, modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", ctype)
	_, _ = w.Write(body)
}

// entry is the feed entry of an alert: one entry per alert, updated in
// place at each change (Atom updated, JSON Feed date_modified); its status
// line is written in lang, like its title.
func entry(r Record, lang string) publish.Entry {
	status := StatusLine(string(r.Status), r.Revision, lang)
	if !claims.ValidLanguage(lang) { // the entry is in the language its words were written in
		lang = ""
	}
	rating := r.Rating.OrUnknown()
	summary := r.Text
	if r.Status != "" {
		summary = strings.TrimSpace(status + "\n\n" + summary)
	}
	return publish.Entry{ID: "urn:vigie:alert:" + r.ID, URL: r.URL, Title: r.Title, Summary: summary,
		Published: r.Created, Updated: r.changed(), Rating: rating, TextualRating: rating.Label(),
		Localities: []string{r.Locality}, Language: lang, Retracted: r.Verdict != nil && r.Verdict.Retracted,
		Version: max(r.Revision, 1)}
}

// capIdentifier is the CAP identifier of one revision of an alert.
func capIdentifier(alertID string, revision int) string {
	return "vigie.alert." + alertID + ".r" + strconv.Itoa(max(revision, 1))
}

// capVerdict is what a CAP message of the alert says: the published
// verdict, or the fact-check a confirmed match repeats.
func (s *Service) capVerdict(r Record) publish.Verdict {
	var v publish.Verdict
	if vi := r.Verdict; vi != nil {
		v = publish.Verdict{ID: vi.ID, Version: vi.Version, URL: s.pageURL("verdicts", vi.ID), ClaimReviewed: vi.ClaimReviewed,
			Rating: r.Rating.OrUnknown(), TextualRating: vi.TextualRating, Summary: vi.Summary,
			Localities: vi.Localities, Publisher: s.opts.Publisher, Published: vi.Published, Retracted: vi.Retracted}
		if vi.CorrectionNote != "" {
			v.Corrections = []publish.Correction{{Date: vi.Published, Note: vi.CorrectionNote}}
		}
	} else if m := r.Match; m != nil {
		v = publish.Verdict{ID: r.ID, Version: max(r.Revision, 1), URL: r.URL, ClaimReviewed: oneLine(r.ClaimText, 500),
			Rating: m.Rating.OrUnknown(), TextualRating: m.TextualRating, Summary: r.Text,
			Localities: []string{r.Locality}, Publisher: s.opts.Publisher, Published: r.Created}
	}
	if claims.ValidLanguage(r.Language) {
		v.Language = r.Language
	}
	return v
}

func (s *Service) capSender() string {
	if s.opts.CAPSender != "" {
		return s.opts.CAPSender
	}
	u, _ := url.Parse(s.opts.BaseURL)
	return "vigie@" + u.Hostname()
}

// capOptions returns the CAP options of the alert's current revision: its
// earlier CAP revisions are its references (an Update, or a Cancel when the
// alert is cancelled).
func (s *Service) capOptions(r Record) alertprotocol.Options {
	o := alertprotocol.Options{Sender: s.capSender(), SenderName: s.opts.Publisher.Name, Sent: r.changed(),
		Severity: r.Severity, Identifier: capIdentifier(r.ID, r.Revision),
		Cancel: r.Status == claims.AlertCancelled || r.Unreviewed}
	if r.Kind == claims.AlertFlagged {
		o.Event = "Repeated false claim"
	}
	// The alert is about one locality: its area (a verdict concerning
	// several has one alert, and one CAP message, per locality).
	for _, code := range []string{r.Locality} {
		name := PlaceName(code) // the shipped gazetteers', the code as a fallback
		if s.opts.Gazetteer != nil {
			if l, ok := s.opts.Gazetteer.Lookup(code); ok {
				name = l.Name
			}
		}
		o.Areas = append(o.Areas, alertprotocol.Area{Code: code, Name: name})
	}
	for _, c := range r.History {
		if c.CAP && c.Revision < r.Revision {
			o.References = append(o.References, alertprotocol.Reference{Sender: o.Sender,
				Identifier: capIdentifier(r.ID, c.Revision), Sent: c.At})
		}
	}
	return o
}

// capEntries lists the CAP messages of a subscription: verdicts and
// confirmed matches, never unconfirmed ones; one entry per alert, at its
// current revision. Each entry links to its message with token, the feed
// token that opened the index.
func (s *Service) capEntries(sub subscription.Subscription, recs []Record, token string) []publish.Entry {
	if !sub.CAP.Enabled {
		return nil
	}
	var out []publish.Entry
	for _, r := range recs {
		if !r.onCAP() {
			continue
		}
		u := s.feedURL(sub.ID, "/cap/"+r.ID+".xml") + "?token=" + url.QueryEscape(token)
		e := alertprotocol.IndexEntry(s.capVerdict(r), s.capOptions(r), u)
		e.Published = r.Created
		out = append(out, e)
		if len(out) == s.opts.FeedLimit {
			break
		}
	}
	return out
}

func (s *Service) serveCAP(w http.ResponseWriter, r *http.Request) {
	alertID, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	if !ok {
		http.NotFound(w, r)
		return
	}
	sub, ok := s.open(w, r, r.PathValue("sub"))
	if !ok {
		return
	}
	if !sub.CAP.Enabled {
		http.Error(w, "the CAP channel of this subscription is off", http.StatusNotFound)
		return
	}
	rec, found, err := s.alert(r.Context(), sub.ID, alertID)
	if err != nil {
		http.Error(w, "feed unavailable, try again later", http.StatusServiceUnavailable)
		return
	}
	if !found || !rec.onCAP() {
		http.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	if err := alertprotocol.Write(&buf, s.capVerdict(rec), s.capOptions(rec)); err != nil {
		s.log.Error("cap message not written", zap.String("alert_id", alertID), zap.Error(err))
		http.Error(w, "CAP message unavailable", http.StatusInternalServerError)
		return
	}
	serve(w, r, alertprotocol.ContentType, buf.Bytes(), rec.changed())
}
