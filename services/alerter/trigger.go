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

// itemClaims feeds the flagged and trending alerts of one CLAIMS message.
func (s *Service) itemClaims(ctx context.Context, subs []subscription.Subscription, ic claims.ItemClaims) error {
	locs := normLocalities(ic.Localities)
	at := s.eventTime(ic)
	win := windowIndex(at, s.opts.Window)
	for _, c := range ic.Claims {
		match, _ := flaggedMatch(c)
		var tr trend
		if c.ClusterID != "" {
			var err error
			if tr, err = s.countRepeat(ctx, c.ClusterID, win, ic, locs); err != nil {
				return err
			}
		}
		trending := tr.crossed(s.opts.TrendingItems, s.opts.TrendingSources)
		if len(locs) > 0 && slices.ContainsFunc(c.Matches, func(m claims.Match) bool { return m.Rating.Flagged() }) {
			if err := s.flagged(ctx, subs, ic, c, locs, max(len(tr.Sources), 1), trending, at); err != nil {
				return err
			}
		}
		if trending {
			if err := s.trending(ctx, subs, ic, c, match, tr, at); err != nil {
				return err
			}
		}
	}
	return nil
}

// flaggedSubject is the subject of a claim's flagged alert: its cluster
// (one alert for the repeats of one claim), or the claim alone.
func flaggedSubject(c claims.Claim) string {
	if c.ClusterID != "" {
		return c.ClusterID
	}
	return "claim:" + c.ID
}

func matchInfos(c claims.Claim) []MatchInfo {
	var out []MatchInfo
	for _, m := range c.Matches {
		if m.Rating.Flagged() {
			out = append(out, MatchInfo{FactCheckID: m.FactCheckID, Rating: m.Rating, TextualRating: m.TextualRating,
				Publisher: m.Publisher, URL: m.URL, Auto: m.Auto})
		}
	}
	return out
}

// flagged records a claim matching a false, mostly false or misleading
// fact-check as a member of its cluster's flagged alert in each of the
// item's localities. The alert stands once a person confirmed a match; an
// automatic match alone raises an unconfirmed early warning, for the
// subscriptions that opted in only.
func (s *Service) flagged(ctx context.Context, subs []subscription.Subscription, ic claims.ItemClaims, c claims.Claim,
	locs []string, sources int, trending bool, at time.Time) error {
	mi := matchInfos(c)
	subject := flaggedSubject(c)
	for _, loc := range locs {
		id := alertID(claims.AlertFlagged, subject, loc)
		if err := s.addToList(ctx, claimIndexKey(c.ID), id, 100); err != nil {
			return err
		}
		err := s.commit(ctx, subs, id, func(st *state) bool {
			s.addMember(subs, st, ic, c, mi, loc, locs, sources, trending, at)
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// addMember records claim c of item ic in the flagged alert st of
// locality loc.
func (s *Service) addMember(subs []subscription.Subscription, st *state, ic claims.ItemClaims, c claims.Claim, mi []MatchInfo,
	loc string, locs []string, sources int, trending bool, at time.Time) {
	if st.Kind == "" {
		st.Kind, st.Locality, st.ClusterID, st.Event = claims.AlertFlagged, loc, c.ClusterID, at.UTC()
		st.ClaimID, st.ClaimText, st.Language, st.URL = c.ID, c.Text, claimLang(ic, c), s.pageURL("claims", c.ID)
	}
	for _, l := range locs {
		if !slices.Contains(st.SubjectLocalities, l) {
			st.SubjectLocalities = append(st.SubjectLocalities, l)
		}
	}
	st.MatchText = oneLine(c.Text+" "+ic.ItemTitle, 2000)
	st.Source, st.Seen = ic.SourceName, ic.ItemURL
	m := st.member(c.ID)
	if m == nil {
		st.Members = append(st.Members, member{ClaimID: c.ID})
		m = &st.Members[len(st.Members)-1]
	}
	m.Flagged = c.Flagged
	confirmed := map[string]bool{}
	for _, x := range m.Matches {
		if x.Confirmed {
			confirmed[x.FactCheckID] = true
		}
	}
	m.Matches = slices.Clone(mi)
	for i := range m.Matches {
		m.Matches[i].Confirmed = confirmed[m.Matches[i].FactCheckID]
	}
	sev := 0
	if best := bestMatch(st); best != nil {
		sev = claims.AlertSeverity(best.Rating, sources, trending)
	}
	st.Severity = max(st.Severity, sev)
	s.deriveFlagged(subs, st)
}

// bestMatch is the match a flagged alert stands on: a confirmed match of a
// claim not dismissed, else an automatic match of a flagged claim, neither
// rejected.
func bestMatch(st *state) *MatchInfo {
	var auto *MatchInfo
	for i := range st.Members {
		m := &st.Members[i]
		if m.Dismissed {
			continue
		}
		for j := range m.Matches {
			x := &m.Matches[j]
			if slices.Contains(m.Rejected, x.FactCheckID) {
				continue
			}
			if x.Confirmed {
				return x
			}
			if auto == nil && x.Auto && m.Flagged {
				auto = x
			}
		}
	}
	return auto
}

// deriveFlagged sets what a flagged alert says from its members: confirmed
// or not, the fact-check repeated, whether it stands.
func (s *Service) deriveFlagged(subs []subscription.Subscription, st *state) {
	best := bestMatch(st)
	if best == nil {
		st.Live = false
		return
	}
	m := *best
	st.Match, st.Rating, st.Unreviewed = &m, m.Rating, !m.Confirmed
	if st.Severity == 0 {
		st.Severity = claims.AlertSeverity(m.Rating, 1, false)
	}
	switch {
	case m.Confirmed:
		st.Live = true
	case s.opts.RequireConfirmation:
		st.Live = false
	default:
		st.Live = st.Live || s.earlyWanted(subs, st)
	}
}

// trending raises the trending alert of a cluster in each of its
// localities. It is the place for trends computed from clusters: the
// alert's subject is the cluster.
func (s *Service) trending(ctx context.Context, subs []subscription.Subscription, ic claims.ItemClaims, c claims.Claim,
	match *claims.Match, tr trend, at time.Time) error {
	rating := claims.RatingUnknown
	if match != nil {
		rating = match.Rating
	}
	sev := claims.AlertSeverity(rating, max(len(tr.Sources), 1), true)
	for _, loc := range tr.Localities {
		id := alertID(claims.AlertTrending, c.ClusterID, loc)
		err := s.commit(ctx, subs, id, func(st *state) bool {
			if st.Kind == "" {
				st.Kind, st.Locality, st.ClusterID, st.Event = claims.AlertTrending, loc, c.ClusterID, at.UTC()
				st.ClaimID, st.ClaimText, st.Language, st.URL = c.ID, c.Text, claimLang(ic, c), s.pageURL("claims", c.ID)
			}
			st.SubjectLocalities = slices.Clone(tr.Localities)
			st.MatchText = oneLine(c.Text+" "+ic.ItemTitle, 2000)
			st.Severity = max(st.Severity, sev)
			st.Rating = rating
			st.Unreviewed = match != nil
			st.Items, st.Sources, st.Source, st.Seen = len(tr.Items), len(tr.Sources), ic.SourceName, ic.ItemURL
			switch {
			case !st.Unreviewed:
				st.Live = true
			case s.opts.RequireConfirmation:
				st.Live = false
			default:
				st.Live = st.Live || s.earlyWanted(subs, st)
			}
			return true
		})
		if err != nil {
			return err
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

// verdict changes the verdict's alert in each of its localities: raised
// at publication, updated by a correction, cancelled by a retraction (which
// keeps the version: the change is found in what the verdict says).
func (s *Service) verdict(ctx context.Context, subs []subscription.Subscription, v *claims.Verdict) error {
	locs := normLocalities(v.Localities)
	at := s.opts.Now()
	switch {
	case v.Retracted && !v.RetractedAt.IsZero():
		at = v.RetractedAt
	case !v.Published.IsZero():
		at = v.Published
	}
	published := v.Published
	if published.IsZero() {
		published = at
	}
	version := max(v.Version, 1)
	info := &VerdictInfo{ID: v.ID, Version: version, ClaimReviewed: v.ClaimReviewed, TextualRating: v.TextualRating,
		Summary: v.Summary, CorrectionNote: v.CorrectionNote, Corrections: len(v.Corrections), Localities: locs,
		Published: published.UTC(), Retracted: v.Retracted, RetractionNote: v.RetractionNote, Appearances: len(v.Appearances)}
	stale := func(old *VerdictInfo) bool {
		return old != nil && (old.Version > version || old.Version == version && (old.Retracted && !v.Retracted ||
			old.Appearances > info.Appearances))
	}
	current := map[string]bool{}
	for _, loc := range locs {
		id := alertID(claims.AlertVerdict, v.ID, loc)
		current[id] = true
		if err := s.addToList(ctx, verdictIndexKey(v.ID), id, 1000); err != nil {
			return err
		}
		err := s.commit(ctx, subs, id, func(st *state) bool {
			old := st.Verdict
			if stale(old) {
				return false // an older message, redelivered late
			}
			if st.Kind == "" {
				st.Kind, st.Locality = claims.AlertVerdict, loc
			}
			st.SubjectLocalities, st.MatchText = locs, v.ClaimReviewed+"\n"+v.Summary
			st.Language, st.Event, st.Verdict = v.Language, at.UTC(), info
			st.ClaimID, st.VerdictID, st.URL, st.Rating = v.ClaimID, v.ID, s.pageURL("verdicts", v.ID), v.Rating
			st.Severity = claims.AlertSeverity(v.Rating, len(v.Appearances), false)
			st.Live = !v.Retracted
			switch {
			case v.Retracted:
				st.Reason = ReasonRetracted
			case old == nil:
				st.Reason = ""
			case version > old.Version:
				st.Reason = ReasonCorrected
			case info.Appearances > old.Appearances:
				st.Reason, st.Items, st.Sources = ReasonAppearance, info.Appearances, 0
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	// A correction that no longer concerns a locality cancels the
	// verdict's alert there.
	ids, _, err := s.readList(ctx, verdictIndexKey(v.ID))
	if err != nil {
		return err
	}
	for _, id := range ids {
		if current[id] {
			continue
		}
		err := s.commit(ctx, subs, id, func(st *state) bool {
			if st.Kind != claims.AlertVerdict || stale(st.Verdict) || !st.Live {
				return false
			}
			st.Event, st.Verdict, st.Live = at.UTC(), info, false
			st.Reason = ReasonCorrected
			if v.Retracted {
				st.Reason = ReasonRetracted
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}
