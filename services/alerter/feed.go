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

// Alerts returns the alerts raised for a subscription, newest first, at
// most limit (all when limit ≤ 0).
func (s *Service) Alerts(ctx context.Context, subID string, limit int) ([]Record, error) {
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
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
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
	feed := publish.Feed{
		Title: "Vigie alerts: " + sub.Name, Description: "Alerts for " + strings.Join(sub.Localities, ", "),
		SelfURL: s.feedURL(sub.ID, format), HomeURL: s.opts.BaseURL, Author: s.opts.Publisher,
	}
	var buf bytes.Buffer
	var ctype string
	if format == ".cap.xml" {
		feed.Title = "Vigie CAP messages: " + sub.Name
		feed.Entries = s.capEntries(sub, recs, r.URL.Query().Get("token"))
		err, ctype = publish.WriteAtom(&buf, feed), publish.ContentTypeAtom
	} else {
		for _, rec := range recs {
			if rec.Unreviewed && !sub.Feed.IncludeUnreviewed {
				continue
			}
			if feed.Entries = append(feed.Entries, entry(rec)); len(feed.Entries) == s.opts.FeedLimit {
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

// entry is the feed entry of an alert.
func entry(r Record) publish.Entry {
	lang := r.Language
	if !claims.ValidLanguage(lang) {
		lang = ""
	}
	rating := r.Rating.OrUnknown()
	return publish.Entry{ID: "urn:vigie:alert:" + r.ID, URL: r.URL, Title: r.Title, Summary: r.Text,
		Published: r.Created, Updated: r.Created, Rating: rating, TextualRating: rating.Label(),
		Localities: []string{r.Locality}, Language: lang, Retracted: r.Verdict != nil && r.Verdict.Retracted,
		Version: verdictVersion(r)}
}

func verdictVersion(r Record) int {
	if r.Verdict != nil {
		return r.Verdict.Version
	}
	return 1
}

// capVerdict rebuilds the published verdict of a verdict alert.
func (s *Service) capVerdict(r Record) publish.Verdict {
	vi := r.Verdict
	v := publish.Verdict{ID: vi.ID, Version: vi.Version, URL: s.pageURL("verdicts", vi.ID), ClaimReviewed: vi.ClaimReviewed,
		Rating: r.Rating.OrUnknown(), TextualRating: vi.TextualRating, Summary: vi.Summary,
		Localities: vi.Localities, Publisher: s.opts.Publisher, Published: vi.Published, Retracted: vi.Retracted}
	if claims.ValidLanguage(r.Language) {
		v.Language = r.Language
	}
	if vi.CorrectionNote != "" {
		v.Corrections = []publish.Correction{{Date: vi.Published, Note: vi.CorrectionNote}}
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

// capOptions returns the CAP options of a verdict alert; earlier versions'
// alerts of the same verdict (in recs) become its references.
func (s *Service) capOptions(r Record, recs []Record) alertprotocol.Options {
	o := alertprotocol.Options{Sender: s.capSender(), SenderName: s.opts.Publisher.Name, Sent: r.Verdict.Published,
		Severity: r.Severity}
	for _, code := range r.Verdict.Localities {
		name := PlaceName(code) // the shipped gazetteers', the code as a fallback
		if s.opts.Gazetteer != nil {
			if l, ok := s.opts.Gazetteer.Lookup(code); ok {
				name = l.Name
			}
		}
		o.Areas = append(o.Areas, alertprotocol.Area{Code: code, Name: name})
	}
	if len(o.Areas) == 0 {
		o.Areas = []alertprotocol.Area{{Code: r.Locality, Name: PlaceName(r.Locality)}}
	}
	for version := 1; version < r.Verdict.Version; version++ {
		sent := r.Verdict.Published
		for _, e := range recs {
			if e.Verdict != nil && e.Verdict.ID == r.Verdict.ID && e.Verdict.Version == version {
				sent = e.Verdict.Published
			}
		}
		o.References = append(o.References, alertprotocol.Reference{Sender: o.Sender, Identifier: alertprotocol.Identifier(r.Verdict.ID, version), Sent: sent})
	}
	return o
}

// capEntries lists the CAP messages of a subscription: published verdicts
// only, never unreviewed matches. Each entry links to its message with
// token, the feed token that opened the index.
func (s *Service) capEntries(sub subscription.Subscription, recs []Record, token string) []publish.Entry {
	if !sub.CAP.Enabled {
		return nil
	}
	var out []publish.Entry
	for _, r := range recs {
		if r.Kind != claims.AlertVerdict || r.Verdict == nil || r.Unreviewed {
			continue
		}
		u := s.feedURL(sub.ID, "/cap/"+r.ID+".xml") + "?token=" + url.QueryEscape(token)
		out = append(out, alertprotocol.IndexEntry(s.capVerdict(r), s.capOptions(r, recs), u))
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
	recs, err := s.Alerts(r.Context(), sub.ID, 0)
	if err != nil {
		http.Error(w, "feed unavailable, try again later", http.StatusServiceUnavailable)
		return
	}
	i := slices.IndexFunc(recs, func(e Record) bool { return e.ID == alertID })
	if i < 0 || recs[i].Verdict == nil || recs[i].Unreviewed {
		http.NotFound(w, r)
		return
	}
	var buf bytes.Buffer
	if err := alertprotocol.Write(&buf, s.capVerdict(recs[i]), s.capOptions(recs[i], recs)); err != nil {
		s.log.Error("cap message not written", zap.String("alert_id", alertID), zap.Error(err))
		http.Error(w, "CAP message unavailable", http.StatusInternalServerError)
		return
	}
	serve(w, r, alertprotocol.ContentType, buf.Bytes(), recs[i].Verdict.Published)
}
