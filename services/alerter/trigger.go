package alerter

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
)

// maxTrendList bounds the ids a trending counter keeps.
const maxTrendList = 200

// flaggedMatch returns the best automatic match of c to a false, mostly
// false or misleading fact-check.
func flaggedMatch(c claims.Claim) (*claims.Match, bool) {
	for i, m := range c.Matches {
		if m.Auto && m.Rating.Flagged() {
			return &c.Matches[i], true
		}
	}
	return nil, false
}

// eventTime is when the matcher saw the item: the window clock, the same
// on every redelivery.
func (s *Service) eventTime(ic claims.ItemClaims) time.Time {
	switch {
	case !ic.Analyzed.IsZero():
		return ic.Analyzed
	case !ic.Published.IsZero():
		return ic.Published
	}
	return s.opts.Now()
}

func (s *Service) handleClaims(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	var subs []subscription.Subscription
	loaded := false
	for i, m := range msgs {
		ic, err := codec.DecodeItemClaims(m.Data())
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		if !loaded {
			if subs, err = s.subs.List(ctx); err != nil {
				for j := i; j < len(msgs); j++ {
					errs[j] = err
				}
				return errs
			}
			loaded = true
		}
		errs[i] = s.itemClaims(ctx, subs, ic)
	}
	return errs
}

// itemClaims raises the flagged and trending alerts of one CLAIMS message.
func (s *Service) itemClaims(ctx context.Context, subs []subscription.Subscription, ic claims.ItemClaims) error {
	locs := normLocalities(ic.Localities)
	at := s.eventTime(ic)
	win := windowIndex(at, s.opts.Window)
	done := map[string]bool{} // one flagged alert per cluster per message
	for _, c := range ic.Claims {
		match, flagged := flaggedMatch(c)
		flagged = flagged && c.Flagged
		var tr trend
		if c.ClusterID != "" {
			var err error
			if tr, err = s.countRepeat(ctx, c.ClusterID, win, ic, locs); err != nil {
				return err
			}
		}
		rating := claims.RatingUnknown
		if match != nil {
			rating = match.Rating
		}
		sources := max(len(tr.Sources), 1)
		trending := tr.crossed(s.opts.TrendingItems, s.opts.TrendingSources)
		key := c.ClusterID
		if key == "" {
			key = "claim:" + c.ID
		}
		if flagged && !s.opts.RequireConfirmation && !done[key] && len(locs) > 0 {
			done[key] = true
			ev := subscription.Event{Trigger: claims.AlertFlagged, Localities: locs, Language: claimLang(ic, c),
				Severity: claims.AlertSeverity(rating, sources, trending), Text: c.Text + "\n" + ic.ItemTitle}.Prepare()
			for _, sub := range subs {
				loc, ok := sub.Matches(ev)
				if !ok {
					continue
				}
				rec := s.claimRecord(sub, loc, claims.AlertFlagged, ic, c, match, ev.Severity, at, AlertID("flagged", sub.ID, key, win))
				if err := s.raise(ctx, sub, rec); err != nil {
					return err
				}
			}
		}
		if trending {
			auto := match != nil
			ev := subscription.Event{Trigger: claims.AlertTrending, Localities: tr.Localities, Language: claimLang(ic, c),
				Severity: claims.AlertSeverity(rating, sources, true), Text: c.Text + "\n" + ic.ItemTitle}.Prepare()
			if auto && s.opts.RequireConfirmation {
				continue
			}
			for _, sub := range subs {
				loc, ok := sub.Matches(ev)
				if !ok {
					continue
				}
				rec := s.claimRecord(sub, loc, claims.AlertTrending, ic, c, match, ev.Severity, at,
					AlertID("trending", sub.ID, c.ClusterID, win))
				rec.Text = fmt.Sprintf("Repeated in %d items from %d sources since %s. ", len(tr.Items), len(tr.Sources),
					tr.First.UTC().Format(time.RFC3339)) + rec.Text
				if err := s.raise(ctx, sub, rec); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func claimLang(ic claims.ItemClaims, c claims.Claim) string {
	if c.Language != "" {
		return c.Language
	}
	return ic.Language
}

func normLocalities(in []string) []string {
	var out []string
	for _, l := range in {
		l = strings.ToUpper(strings.TrimSpace(l))
		if locality.ValidateCode(l) == nil && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// claimRecord builds a flagged or trending alert.
func (s *Service) claimRecord(sub subscription.Subscription, loc string, kind claims.AlertKind, ic claims.ItemClaims, c claims.Claim,
	match *claims.Match, severity int, at time.Time, id string) Record {
	r := Record{Language: claimLang(ic, c), Event: at.UTC()}
	r.ID, r.SubscriptionID, r.Locality, r.Kind, r.Severity = id, sub.ID, loc, kind, severity
	r.ClaimID, r.ClusterID, r.URL, r.Created = c.ID, c.ClusterID, s.pageURL("claims", c.ID), s.opts.Now().UTC()
	r.Rating = claims.RatingUnknown
	claim := oneLine(c.Text, 200)
	var text []string
	if match != nil {
		r.Unreviewed = true
		r.Rating = match.Rating
		label := match.TextualRating
		if label == "" {
			label = match.Rating.Label()
		}
		text = append(text, fmt.Sprintf("Automatic match, not confirmed by a reviewer: repeats a claim rated %q by %s (%s).",
			label, match.Publisher, match.URL))
	}
	if ic.SourceName != "" || ic.ItemURL != "" {
		text = append(text, fmt.Sprintf("Seen in %s: %s", ic.SourceName, ic.ItemURL))
	}
	r.Text = strings.Join(text, " ")
	switch {
	case kind == claims.AlertTrending && r.Unreviewed:
		r.Title = "Unreviewed match, trending: " + claim
	case kind == claims.AlertTrending:
		r.Title = "Trending: " + claim
	default:
		r.Title = UnreviewedPrefix + claim
	}
	return r
}

// trend is the counter of one cluster in one window.
type trend struct {
	First      time.Time `json:"first"`
	Items      []string  `json:"items"`
	Sources    []string  `json:"sources"`
	Localities []string  `json:"localities"`
}

func (t trend) crossed(items, sources int) bool {
	return len(t.Items) >= items && len(t.Sources) >= sources
}

func trendKey(cluster, win string) string {
	sum := sha256.Sum256([]byte(cluster))
	return "c" + hex.EncodeToString(sum[:16]) + "." + win
}

func addBounded(list []string, v string) ([]string, bool) {
	if v == "" || slices.Contains(list, v) || len(list) >= maxTrendList {
		return list, false
	}
	return append(list, v), true
}

// countRepeat adds the item to its cluster's counter for the window with
// compare-and-set (so several alerter processes count each item once, and
// a redelivered message counts nothing) and returns the counter.
func (s *Service) countRepeat(ctx context.Context, cluster, win string, ic claims.ItemClaims, locs []string) (trend, error) {
	key := trendKey(cluster, win)
	for range 20 {
		var t trend
		var rev uint64
		e, err := s.trends.Get(ctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
			t.First = s.eventTime(ic).UTC()
		case err != nil:
			return trend{}, fmt.Errorf("count repeat of cluster %s: %w", cluster, err)
		default:
			if err := json.Unmarshal(e.Value(), &t); err != nil {
				return trend{}, fmt.Errorf("count repeat of cluster %s: decode: %w", cluster, err)
			}
			rev = e.Revision()
		}
		changed := false
		var ch bool
		t.Items, ch = addBounded(t.Items, ic.ItemID)
		changed = changed || ch
		t.Sources, ch = addBounded(t.Sources, ic.SourceID)
		changed = changed || ch
		for _, l := range locs {
			t.Localities, ch = addBounded(t.Localities, l)
			changed = changed || ch
		}
		if !changed {
			return t, nil
		}
		b, err := json.Marshal(t)
		if err != nil {
			return trend{}, fmt.Errorf("count repeat of cluster %s: %w", cluster, err)
		}
		if rev == 0 {
			_, err = s.trends.Create(ctx, key, b)
		} else {
			_, err = s.trends.Update(ctx, key, b, rev)
		}
		if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			continue // another process counted meanwhile: read again
		}
		if err != nil {
			return trend{}, fmt.Errorf("count repeat of cluster %s: %w", cluster, err)
		}
		return t, nil
	}
	return trend{}, fmt.Errorf("count repeat of cluster %s: too many concurrent updates", cluster)
}

func (s *Service) handleVerdicts(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	var subs []subscription.Subscription
	loaded := false
	for i, m := range msgs {
		v, err := codec.DecodeVerdict(m.Data())
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		if !loaded {
			var err error
			if subs, err = s.subs.List(ctx); err != nil {
				for j := i; j < len(msgs); j++ {
					errs[j] = err
				}
				return errs
			}
			loaded = true
		}
		errs[i] = s.verdict(ctx, subs, v)
	}
	return errs
}

// verdict raises the verdict alerts of one published verdict version.
func (s *Service) verdict(ctx context.Context, subs []subscription.Subscription, v *claims.Verdict) error {
	locs := normLocalities(v.Localities)
	rating := v.Rating
	published := s.opts.Now()
	if !v.Published.IsZero() {
		published = v.Published
	}
	ev := subscription.Event{Trigger: claims.AlertVerdict, Localities: locs, Language: v.Language,
		Severity: claims.AlertSeverity(rating, len(v.Appearances), false), Text: v.ClaimReviewed + "\n" + v.Summary}.Prepare()
	label := v.TextualRating
	if label == "" {
		label = rating.Label()
	}
	for _, sub := range subs {
		loc, ok := sub.Matches(ev)
		if !ok {
			continue
		}
		version := max(v.Version, 1)
		r := Record{Language: v.Language, Event: published.UTC(), Verdict: &VerdictInfo{
			ID: v.ID, Version: version, ClaimReviewed: v.ClaimReviewed, TextualRating: v.TextualRating,
			Summary: v.Summary, CorrectionNote: v.CorrectionNote, Localities: locs, Published: published.UTC(),
			Retracted: v.Retracted}}
		r.ID = AlertID("verdict", sub.ID, v.ID, fmt.Sprint(version))
		r.SubscriptionID, r.Locality, r.Kind, r.Severity = sub.ID, loc, claims.AlertVerdict, ev.Severity
		r.ClaimID, r.VerdictID, r.URL, r.Rating, r.Created = v.ClaimID, v.ID, s.pageURL("verdicts", v.ID),
			rating, s.opts.Now().UTC()
		r.Title = label + " — " + oneLine(v.ClaimReviewed, 200)
		if v.Retracted {
			r.Title = "[retracted] " + r.Title
		}
		r.Text = v.Summary
		if v.CorrectionNote != "" {
			r.Text = strings.TrimSpace(r.Text + "\n\nCorrection: " + v.CorrectionNote)
		}
		if err := s.raise(ctx, sub, r); err != nil {
			return err
		}
	}
	return nil
}

// alertKey is the alert's key in the alerts bucket.
func alertKey(subID, alertID string) string { return subID + "." + alertID }

// raise publishes, queues and stores an alert once: an alert already
// stored is skipped (a redelivered message raises the same id); a crash
// between the steps is repaired on redelivery, and JetStream's Nats-Msg-Id
// de-duplication keeps the publish and the queued deliveries single.
func (s *Service) raise(ctx context.Context, sub subscription.Subscription, r Record) error {
	r.URL = s.AlertLink(sub, r.ID) // the subscriber's page of the alert, opened by the link itself
	key := alertKey(sub.ID, r.ID)
	if _, err := s.alerts.Get(ctx, key); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("raise alert %s: %w", r.ID, err)
	}
	data, err := codec.EncodeAlert(r.Alert)
	if err != nil {
		return fmt.Errorf("raise alert: %w", err)
	}
	subject := bus.AlertSubject(r.Locality)
	if _, err := s.bus.Publish(ctx, subject, data, r.ID, map[string]string{"Vigie-Alert-Kind": string(r.Kind)}); err != nil {
		return fmt.Errorf("raise alert %s: %w", r.ID, err)
	}
	s.opts.Metrics.AlertDelivery("nats", "published")
	for _, w := range sub.Webhooks {
		if !w.Active() || (r.Unreviewed && !w.IncludeUnreviewed) {
			continue
		}
		if err := s.enqueue(ctx, sub.ID, w.ID, r); err != nil {
			return fmt.Errorf("raise alert %s: %w", r.ID, err)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("raise alert %s: %w", r.ID, err)
	}
	if _, err := s.alerts.Create(ctx, key, b); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("raise alert %s: store: %w", r.ID, err)
	}
	s.log.Info("alert raised", zap.String("alert_id", r.ID), zap.String("subscription_id", sub.ID),
		zap.String("kind", string(r.Kind)), zap.String("locality", r.Locality), zap.Int("severity", r.Severity),
		zap.Bool("unreviewed", r.Unreviewed), zap.String("subject", subject))
	return nil
}
