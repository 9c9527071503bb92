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
	"google.golang.org/protobuf/proto"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// maxTrendList bounds the ids a trending counter keeps.
const maxTrendList = 200

// flaggedMatch returns the best automatic match of c to a false, mostly
// false or misleading fact-check.
func flaggedMatch(c *vigiev1.Claim) (*vigiev1.Match, bool) {
	for _, m := range c.GetMatches() {
		if m.GetAuto() && codec.DomainRating(m.GetRating()).Flagged() {
			return m, true
		}
	}
	return nil, false
}

// eventTime is when the matcher saw the item: the window clock, the same
// on every redelivery.
func (s *Service) eventTime(ic *vigiev1.ItemClaims) time.Time {
	switch {
	case ic.GetAnalyzed() != nil:
		return ic.GetAnalyzed().AsTime()
	case ic.GetPublished() != nil:
		return ic.GetPublished().AsTime()
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
func (s *Service) itemClaims(ctx context.Context, subs []subscription.Subscription, ic *vigiev1.ItemClaims) error {
	locs := normLocalities(ic.GetLocalities())
	at := s.eventTime(ic)
	win := windowIndex(at, s.opts.Window)
	done := map[string]bool{} // one flagged alert per cluster per message
	for _, c := range ic.GetClaims() {
		match, flagged := flaggedMatch(c)
		flagged = flagged && c.GetFlagged()
		var tr trend
		if c.GetClusterId() != "" {
			var err error
			if tr, err = s.countRepeat(ctx, c.GetClusterId(), win, ic, locs); err != nil {
				return err
			}
		}
		rating := claims.RatingUnknown
		if match != nil {
			rating = codec.DomainRating(match.GetRating())
		}
		sources := max(len(tr.Sources), 1)
		trending := tr.crossed(s.opts.TrendingItems, s.opts.TrendingSources)
		key := c.GetClusterId()
		if key == "" {
			key = "claim:" + c.GetId()
		}
		if flagged && !s.opts.RequireConfirmation && !done[key] && len(locs) > 0 {
			done[key] = true
			ev := subscription.Event{Trigger: claims.AlertFlagged, Localities: locs, Language: claimLang(ic, c),
				Severity: claims.AlertSeverity(rating, sources, trending), Text: c.GetText() + "\n" + ic.GetItemTitle()}.Prepare()
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
				Severity: claims.AlertSeverity(rating, sources, true), Text: c.GetText() + "\n" + ic.GetItemTitle()}.Prepare()
			if auto && s.opts.RequireConfirmation {
				continue
			}
			for _, sub := range subs {
				loc, ok := sub.Matches(ev)
				if !ok {
					continue
				}
				rec := s.claimRecord(sub, loc, claims.AlertTrending, ic, c, match, ev.Severity, at,
					AlertID("trending", sub.ID, c.GetClusterId(), win))
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

func claimLang(ic *vigiev1.ItemClaims, c *vigiev1.Claim) string {
	if c.GetLanguage() != "" {
		return c.GetLanguage()
	}
	return ic.GetLanguage()
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
func (s *Service) claimRecord(sub subscription.Subscription, loc string, kind claims.AlertKind, ic *vigiev1.ItemClaims, c *vigiev1.Claim,
	match *vigiev1.Match, severity int, at time.Time, id string) Record {
	r := Record{Language: claimLang(ic, c), Event: at.UTC()}
	r.ID, r.SubscriptionID, r.Locality, r.Kind, r.Severity = id, sub.ID, loc, string(kind), severity
	r.ClaimID, r.ClusterID, r.URL, r.Created = c.GetId(), c.GetClusterId(), s.pageURL("claims", c.GetId()), s.opts.Now().UTC()
	r.Rating = string(claims.RatingUnknown)
	claim := oneLine(c.GetText(), 200)
	var text []string
	if match != nil {
		r.Unreviewed = true
		r.Rating = string(codec.DomainRating(match.GetRating()))
		label := match.GetTextualRating()
		if label == "" {
			label = codec.DomainRating(match.GetRating()).Label()
		}
		text = append(text, fmt.Sprintf("Automatic match, not confirmed by a reviewer: repeats a claim rated %q by %s (%s).",
			label, match.GetPublisher(), match.GetUrl()))
	}
	if ic.GetSourceName() != "" || ic.GetItemUrl() != "" {
		text = append(text, fmt.Sprintf("Seen in %s: %s", ic.GetSourceName(), ic.GetItemUrl()))
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
func (s *Service) countRepeat(ctx context.Context, cluster, win string, ic *vigiev1.ItemClaims, locs []string) (trend, error) {
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
		t.Items, ch = addBounded(t.Items, ic.GetItemId())
		changed = changed || ch
		t.Sources, ch = addBounded(t.Sources, ic.GetSourceId())
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
		var v vigiev1.Verdict
		if err := proto.Unmarshal(m.Data(), &v); err != nil {
			errs[i] = bus.Permanent(fmt.Errorf("decode verdict: %w", err))
			continue
		}
		if v.GetId() == "" {
			errs[i] = bus.Permanent(errors.New("decode verdict: no id"))
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
		errs[i] = s.verdict(ctx, subs, &v)
	}
	return errs
}

// verdict raises the verdict alerts of one published verdict version.
func (s *Service) verdict(ctx context.Context, subs []subscription.Subscription, v *vigiev1.Verdict) error {
	locs := normLocalities(v.GetLocalities())
	rating := codec.DomainRating(v.GetRating())
	published := s.opts.Now()
	if v.GetPublished() != nil {
		published = v.GetPublished().AsTime()
	}
	ev := subscription.Event{Trigger: claims.AlertVerdict, Localities: locs, Language: v.GetLanguage(),
		Severity: claims.AlertSeverity(rating, len(v.GetAppearances()), false), Text: v.GetClaimReviewed() + "\n" + v.GetSummary()}.Prepare()
	label := v.GetTextualRating()
	if label == "" {
		label = rating.Label()
	}
	for _, sub := range subs {
		loc, ok := sub.Matches(ev)
		if !ok {
			continue
		}
		version := max(int(v.GetVersion()), 1)
		r := Record{Language: v.GetLanguage(), Event: published.UTC(), Verdict: &VerdictInfo{
			ID: v.GetId(), Version: version, ClaimReviewed: v.GetClaimReviewed(), TextualRating: v.GetTextualRating(),
			Summary: v.GetSummary(), CorrectionNote: v.GetCorrectionNote(), Localities: locs, Published: published.UTC(),
			Retracted: v.GetRetracted()}}
		r.ID = AlertID("verdict", sub.ID, v.GetId(), fmt.Sprint(version))
		r.SubscriptionID, r.Locality, r.Kind, r.Severity = sub.ID, loc, string(claims.AlertVerdict), ev.Severity
		r.ClaimID, r.VerdictID, r.URL, r.Rating, r.Created = v.GetClaimId(), v.GetId(), s.pageURL("verdicts", v.GetId()),
			string(rating), s.opts.Now().UTC()
		r.Title = label + " — " + oneLine(v.GetClaimReviewed(), 200)
		if v.GetRetracted() {
			r.Title = "[retracted] " + r.Title
		}
		r.Text = v.GetSummary()
		if v.GetCorrectionNote() != "" {
			r.Text = strings.TrimSpace(r.Text + "\n\nCorrection: " + v.GetCorrectionNote())
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
	key := alertKey(sub.ID, r.ID)
	if _, err := s.alerts.Get(ctx, key); err == nil {
		return nil
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("raise alert %s: %w", r.ID, err)
	}
	data, err := proto.Marshal(r.Proto())
	if err != nil {
		return fmt.Errorf("raise alert %s: %w", r.ID, err)
	}
	subject := bus.SubjectAlerts + "." + locality.SubjectToken(r.Locality)
	if _, err := s.bus.Publish(ctx, subject, data, r.ID, map[string]string{"Vigie-Alert-Kind": r.Kind}); err != nil {
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
		zap.String("kind", r.Kind), zap.String("locality", r.Locality), zap.Int("severity", r.Severity),
		zap.Bool("unreviewed", r.Unreviewed), zap.String("subject", subject))
	return nil
}
