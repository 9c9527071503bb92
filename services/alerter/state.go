package alerter

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
)

// An alert is one subject (a verdict, a cluster repeating a known false
// claim, a trending cluster) in one locality; its id is derived from kind,
// subject and locality (alertID). Its life is kept in the alert states
// bucket under its id: every change of what it says (status, rating,
// text, retraction, corrections, confirmation) — compared field by field,
// never by a version number, since a retraction keeps the verdict's
// version — makes a new revision, sent once on vigie.alerts.<locality>
// (Nats-Msg-Id: id and revision) and to every subscription it concerns,
// with the same id.

// repairAfter is how old an undelivered revision must be before a process
// that did not make it sends it (its maker stopped before the end).
const repairAfter = 30 * time.Second

// maxSubscriptionIndex bounds the alert ids a subscription's index keeps
// (the newest stay).
const maxSubscriptionIndex = 2000

// member is a claim behind a flagged alert.
type member struct {
	ClaimID string      `json:"claim_id"`
	Matches []MatchInfo `json:"matches,omitempty"`
	// Flagged: the matcher flagged the claim (an automatic match to a
	// false, mostly false or misleading fact-check).
	Flagged bool `json:"flagged,omitempty"`
	// Dismissed: a reviewer dismissed the claim.
	Dismissed bool `json:"dismissed,omitempty"`
	// Rejected are the fact-checks a person said are not the same claim.
	Rejected []string `json:"rejected,omitempty"`
}

// target is a subscription a revision goes to and the status it sees (a
// subscription's first revision of an alert is raised for it).
type target struct {
	Subscription string             `json:"subscription"`
	Status       claims.AlertStatus `json:"status"`
}

// state is one alert's life as the alert states bucket keeps it.
type state struct {
	// Record is the alert at its current revision (no subscription).
	Record
	// SubjectLocalities are every locality of the subject: a subscription
	// following several gets the alert of the first it follows only.
	SubjectLocalities []string `json:"subject_localities,omitempty"`
	// MatchText is searched for the subscriptions' keywords.
	MatchText string `json:"match_text,omitempty"`
	// Live is true while the alert stands: false before it is raised (an
	// unconfirmed match nobody opted in to) and once it is cancelled.
	Live bool `json:"live"`
	// Fingerprint sums what the alert says; a new one is a new revision.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Delivered is the revision whose message and deliveries are done.
	Delivered int `json:"delivered"`
	// Subscribers are the subscriptions the alert reached.
	Subscribers []string `json:"subscribers,omitempty"`
	// Targets are the current revision's subscriptions.
	Targets []target `json:"targets,omitempty"`
	// Members are the claims behind a flagged alert.
	Members []member `json:"members,omitempty"`
}

// fingerprint sums the fields that make a change of the alert: status,
// severity, confirmation, rating, the verdict's text, rating, corrections
// and retraction, the fact-check repeated.
func (st *state) fingerprint() string {
	b, _ := json.Marshal(struct {
		Live       bool
		Kind       claims.AlertKind
		Locality   string
		Severity   int
		Unreviewed bool
		Rating     claims.Rating
		Verdict    *VerdictInfo
		Match      *MatchInfo
	}{st.Live, st.Kind, st.Locality, st.Severity, st.Unreviewed, st.Rating, st.Verdict, st.Match})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

func (st *state) member(claimID string) *member {
	for i := range st.Members {
		if st.Members[i].ClaimID == claimID {
			return &st.Members[i]
		}
	}
	return nil
}

// capEligible reports whether the alert's current content may go on CAP:
// a verdict or a confirmed match, never an unconfirmed one.
func (st *state) capEligible() bool {
	switch st.Kind {
	case claims.AlertVerdict:
		return st.Verdict != nil
	case claims.AlertFlagged:
		return !st.Unreviewed && st.Match != nil
	}
	return false
}

func (st *state) priorCAP() bool {
	return slices.ContainsFunc(st.History, func(c Change) bool { return c.CAP })
}

// wants reports whether sub wants the alert as it stands: the subscription
// matches its kind, locality (the first of the subject's it follows),
// language, severity and keywords, and an unconfirmed alert only with early
// warning on.
func (s *Service) wants(sub subscription.Subscription, st *state) bool {
	locs := st.SubjectLocalities
	if len(locs) == 0 {
		locs = []string{st.Locality}
	}
	ev := subscription.Event{Trigger: st.Kind, Localities: locs, Language: st.Language, Severity: st.Severity, Text: st.MatchText}
	loc, ok := sub.Matches(ev)
	if !ok || loc != st.Locality {
		return false
	}
	return !st.Unreviewed || (sub.EarlyWarning && !s.opts.RequireConfirmation)
}

// earlyWanted reports whether any subscription wants the unconfirmed alert.
func (s *Service) earlyWanted(subs []subscription.Subscription, st *state) bool {
	return slices.ContainsFunc(subs, func(sub subscription.Subscription) bool { return s.wants(sub, st) })
}

// targets chooses the subscriptions of a new revision: those that want it
// now and those it reached before (they hear of every change, the
// cancellation included); a subscription never reached hears nothing of a
// cancelled alert.
func (s *Service) targets(subs []subscription.Subscription, st *state) []target {
	var out []target
	for _, sub := range subs {
		prev := slices.Contains(st.Subscribers, sub.ID)
		switch {
		case st.Status == claims.AlertCancelled:
			if prev {
				out = append(out, target{sub.ID, claims.AlertCancelled})
			}
		case prev:
			out = append(out, target{sub.ID, st.Status})
		case s.wants(sub, st):
			out = append(out, target{sub.ID, claims.AlertRaised})
			st.Subscribers = append(st.Subscribers, sub.ID)
		}
	}
	return out
}

func (s *Service) loadState(ctx context.Context, id string) (state, uint64, error) {
	e, err := s.states.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return state{}, 0, nil
	}
	if err != nil {
		return state{}, 0, fmt.Errorf("read alert %s: %w", id, err)
	}
	var st state
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return state{}, 0, fmt.Errorf("read alert %s: %w", id, err)
	}
	return st, e.Revision(), nil
}

// casPut writes key at revision rev (0: create); it reports false when
// another process wrote it meanwhile.
func casPut(ctx context.Context, kv jetstream.KeyValue, key string, val []byte, rev uint64) (bool, error) {
	var err error
	if rev == 0 {
		_, err = kv.Create(ctx, key, val)
	} else {
		_, err = kv.Update(ctx, key, val, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return false, nil
	}
	return err == nil, err
}

// commit applies edit to the alert id's state and, when what the alert
// says changed, makes a new revision and sends it. edit returns false when
// the event does not concern the alert. Several processes may commit the
// same alert: the state is written by compare-and-set, and a crash after
// the write is repaired by the next event or redelivery (Delivered lags).
func (s *Service) commit(ctx context.Context, subs []subscription.Subscription, id string, edit func(st *state) bool) error {
	for range 20 {
		st, rev, err := s.loadState(ctx, id)
		if err != nil {
			return err
		}
		before, _ := json.Marshal(st)
		wasLive := st.Live
		if !edit(&st) {
			return nil
		}
		st.ID = id
		made := s.revise(subs, &st, wasLive)
		after, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("alert %s: %w", id, err)
		}
		if !bytes.Equal(before, after) {
			ok, err := casPut(ctx, s.states, id, after, rev)
			if err != nil {
				return fmt.Errorf("alert %s: store: %w", id, err)
			}
			if !ok {
				continue // another process changed it: read again
			}
		}
		if st.Delivered >= st.Revision {
			return nil
		}
		// The process that made the revision sends it; another one (a
		// redelivery, a second alerter) sends a revision whose maker stopped
		// before the end once it is clearly abandoned, and until then asks
		// for its message to be tried again later.
		if !made && s.opts.Now().Sub(st.Updated) < repairAfter {
			return fmt.Errorf("alert %s: revision %d is being sent by another process", id, st.Revision)
		}
		if err := s.send(ctx, subs, st); err != nil {
			return err
		}
		return s.markDelivered(ctx, id, st.Revision)
	}
	return fmt.Errorf("alert %s: too many concurrent changes", id)
}

// revise makes a new revision when what the alert says changed and it
// stands or stood: raised at the first, cancelled when it no longer stands,
// updated otherwise; it chooses the subscriptions the revision goes to.
func (s *Service) revise(subs []subscription.Subscription, st *state, wasLive bool) bool {
	fp := st.fingerprint()
	made := fp != st.Fingerprint && (st.Live || wasLive)
	if made {
		now := s.opts.Now().UTC()
		st.Revision++
		switch {
		case !st.Live:
			st.Status = claims.AlertCancelled
		case st.Revision == 1:
			st.Status, st.Created = claims.AlertRaised, now
		default:
			st.Status = claims.AlertUpdated
		}
		st.Updated = now
		st.History = append(st.History, Change{Revision: st.Revision, Status: st.Status, At: now,
			CAP: st.priorCAP() || (st.Live && st.capEligible())})
		st.Title, st.Text = renderAlert(st.Record, st.Language)
		st.Targets = s.targets(subs, st)
	}
	st.Fingerprint = fp
	return made
}

// markDelivered records that revision's message and deliveries are done.
func (s *Service) markDelivered(ctx context.Context, id string, revision int) error {
	for range 20 {
		st, rev, err := s.loadState(ctx, id)
		if err != nil {
			return err
		}
		if st.Delivered >= revision || rev == 0 {
			return nil
		}
		st.Delivered = revision
		b, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("alert %s: %w", id, err)
		}
		ok, err := casPut(ctx, s.states, id, b, rev)
		if err != nil {
			return fmt.Errorf("alert %s: store: %w", id, err)
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("alert %s: too many concurrent changes", id)
}

// send publishes a revision once on its locality's subject and delivers it
// to its target subscriptions: their record updated in place (feeds, API),
// their webhooks queued. Every step is idempotent: JetStream's Nats-Msg-Id
// de-duplication keeps the publish and the queued deliveries single.
func (s *Service) send(ctx context.Context, subs []subscription.Subscription, st state) error {
	a := st.Alert
	a.SubscriptionID = ""
	if a.Kind != claims.AlertVerdict {
		// The claim's page is the newsroom's (403 for a municipality): the
		// alert's page opens with the subscriber's session instead.
		a.URL = strings.TrimSuffix(s.opts.BaseURL, "/") + AlertPath(st.ID)
	}
	data, err := codec.EncodeAlert(a)
	if err != nil {
		return fmt.Errorf("send alert %s: %w", st.ID, err)
	}
	subject := bus.AlertSubject(st.Locality)
	msgID := st.ID + "." + strconv.Itoa(st.Revision)
	if _, err := s.bus.Publish(ctx, subject, data, msgID, map[string]string{
		"Vigie-Alert-Kind": string(st.Kind), "Vigie-Alert-Status": string(st.Status)}); err != nil {
		return fmt.Errorf("send alert %s: %w", st.ID, err)
	}
	s.opts.Metrics.AlertDelivery("nats", "published")
	byID := map[string]subscription.Subscription{}
	for _, sub := range subs {
		byID[sub.ID] = sub
	}
	for _, t := range st.Targets {
		sub, ok := byID[t.Subscription]
		if !ok {
			if sub, err = s.subs.Get(ctx, t.Subscription); errors.Is(err, subscription.ErrNotFound) {
				continue
			} else if err != nil {
				return fmt.Errorf("send alert %s: %w", st.ID, err)
			}
		}
		if err := s.deliverTo(ctx, sub, st, t.Status); err != nil {
			return fmt.Errorf("send alert %s: %w", st.ID, err)
		}
	}
	s.log.Info("alert changed", zap.String("alert_id", st.ID), zap.Int("revision", st.Revision),
		zap.String("status", string(st.Status)), zap.String("kind", string(st.Kind)), zap.String("locality", st.Locality),
		zap.Int("severity", st.Severity), zap.Bool("unreviewed", st.Unreviewed), zap.Int("subscriptions", len(st.Targets)),
		zap.String("subject", subject))
	return nil
}

// subscriptionLanguage is the language alerts are written in for sub.
func subscriptionLanguage(sub subscription.Subscription, fallback string) string {
	if len(sub.Languages) > 0 {
		return sub.Languages[0]
	}
	return fallback
}

// recordFor is the alert's record for sub, seen with status: its link is
// the subscriber's page of the alert, opened by the link itself.
func (s *Service) recordFor(sub subscription.Subscription, st state, status claims.AlertStatus) Record {
	r := st.Record
	r.SubscriptionID, r.Status = sub.ID, status
	lang := subscriptionLanguage(sub, r.Language)
	r.URL = s.AlertLink(sub, r.ID)
	if lang != "" {
		// The page opens in the language the alert was written in (its
		// language switch keeps the link's signature).
		r.URL += "&lang=" + url.QueryEscape(lang)
	}
	r.Title, r.Text = renderAlert(r, lang)
	return r
}

// deliverTo updates sub's record of the alert and queues its webhooks.
func (s *Service) deliverTo(ctx context.Context, sub subscription.Subscription, st state, status claims.AlertStatus) error {
	r := s.recordFor(sub, st, status)
	if err := s.index(ctx, sub.ID, r.ID); err != nil {
		return err
	}
	for _, w := range sub.Webhooks {
		if !w.Active() || (r.Unreviewed && !w.IncludeUnreviewed) {
			continue
		}
		if err := s.enqueue(ctx, sub.ID, w.ID, r); err != nil {
			return err
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := s.alerts.Put(ctx, alertKey(sub.ID, r.ID), b); err != nil {
		return fmt.Errorf("store alert of %s: %w", sub.ID, err)
	}
	return nil
}

// alertKey is the alert's key in the alerts bucket.
func alertKey(subID, alertID string) string { return subID + "." + alertID }

// subscriptionIndexKey is the key of a subscription's alert ids in the
// alert states bucket.
func subscriptionIndexKey(subID string) string { return "sub." + subID }

// claimIndexKey is the key of a claim's alert ids in the alert states bucket.
func claimIndexKey(claimID string) string {
	sum := sha256.Sum256([]byte(claimID))
	return "claim." + hex.EncodeToString(sum[:16])
}

// verdictIndexKey is the key of a verdict's alert ids (one per locality it
// concerned) in the alert states bucket.
func verdictIndexKey(verdictID string) string {
	sum := sha256.Sum256([]byte(verdictID))
	return "verdict." + hex.EncodeToString(sum[:16])
}

// addToList adds id to the list under key (compare-and-set; the newest
// limit kept).
func (s *Service) addToList(ctx context.Context, key, id string, limit int) error {
	for range 20 {
		ids, rev, err := s.readList(ctx, key)
		if err != nil {
			return err
		}
		if slices.Contains(ids, id) {
			return nil
		}
		ids = append(ids, id)
		if len(ids) > limit {
			ids = ids[len(ids)-limit:]
		}
		b, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		ok, err := casPut(ctx, s.states, key, b, rev)
		if err != nil {
			return fmt.Errorf("index %s: %w", key, err)
		}
		if ok {
			return nil
		}
	}
	return fmt.Errorf("index %s: too many concurrent changes", key)
}

func (s *Service) readList(ctx context.Context, key string) ([]string, uint64, error) {
	e, err := s.states.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", key, err)
	}
	var ids []string
	if err := json.Unmarshal(e.Value(), &ids); err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", key, err)
	}
	return ids, e.Revision(), nil
}

// index lists alert id among the subscription's alerts.
func (s *Service) index(ctx context.Context, subID, id string) error {
	return s.addToList(ctx, subscriptionIndexKey(subID), id, maxSubscriptionIndex)
}
