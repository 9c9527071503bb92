package alerter

import (
	"context"
	"slices"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
)

// matchJudgement is a person's judgement of a (claim, fact-check) pair
// read from a review event; with ClusterID, made for every claim of the
// cluster.
type matchJudgement struct {
	FactCheckID string
	Confirmed   bool
	ClusterID   string
}

// judgementOf returns the match judgement a review event records, if any
// (the review workflow's match_judge action).
func judgementOf(ev claims.ReviewEvent) (matchJudgement, bool) {
	if ev.Action != claims.ActionJudgeMatch || ev.Judgement == nil || !ev.Judgement.Judgement.Judgement.Valid() {
		return matchJudgement{}, false
	}
	j := ev.Judgement
	return matchJudgement{FactCheckID: j.FactCheckID, Confirmed: j.Judgement.Judgement == claims.JudgementConfirmed,
		ClusterID: j.ClusterID}, true
}

func (s *Service) handleReview(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	var subs []subscription.Subscription
	loaded := false
	load := func() error {
		if loaded {
			return nil
		}
		var err error
		subs, err = s.subs.List(ctx)
		loaded = err == nil
		return err
	}
	for i, m := range msgs {
		ev, err := codec.DecodeReviewEvent(m.Data(), m.Headers().Get(codec.HeaderReviewExt), 0)
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		errs[i] = s.reviewEvent(ctx, load, func() []subscription.Subscription { return subs }, ev)
	}
	return errs
}

// reviewEvent changes the alerts an event concerns: a new appearance
// updates the verdict's alert; dismissing
// the claim withdraws it from its alerts (an alert left with no claim is
// cancelled), reopening it puts it back; confirming a match makes the alert
// confirmed, rejecting it withdraws the match.
func (s *Service) reviewEvent(ctx context.Context, load func() error, subs func() []subscription.Subscription, ev claims.ReviewEvent) error {
	if ev.Action == claims.ActionAddAppearance && ev.Verdict != nil && ev.Verdict.Version > 0 {
		// A new appearance of a published verdict: its alert is updated (a
		// repeat). The same action's event on the appearing claim carries
		// no verdict.
		if err := load(); err != nil {
			return err
		}
		return s.verdict(ctx, subs(), ev.Verdict)
	}
	var apply func(m *member) bool
	var reason string
	cluster := "" // a cluster's judgement applies to every claim of the cluster's alert
	dismissed := func(st claims.ReviewStatus) bool { return st == claims.StatusDismissed }
	switch {
	case dismissed(ev.After.Status) && !dismissed(ev.Before.Status):
		reason = ReasonDismissed
		apply = func(m *member) bool { m.Dismissed = true; return true }
	case dismissed(ev.Before.Status) && !dismissed(ev.After.Status):
		reason = ReasonReopened
		apply = func(m *member) bool { m.Dismissed = false; return true }
	default:
		j, ok := judgementOf(ev)
		if !ok {
			return nil
		}
		if j.Confirmed {
			reason = ReasonConfirmed
		} else {
			reason = ReasonRejected
		}
		cluster = j.ClusterID
		apply = func(m *member) bool {
			i := slices.IndexFunc(m.Matches, func(x MatchInfo) bool { return x.FactCheckID == j.FactCheckID })
			if i < 0 {
				return false
			}
			m.Matches[i].Confirmed = j.Confirmed
			m.Rejected = slices.DeleteFunc(m.Rejected, func(id string) bool { return id == j.FactCheckID })
			if !j.Confirmed {
				m.Rejected = append(m.Rejected, j.FactCheckID)
			}
			return true
		}
	}
	ids, _, err := s.readList(ctx, claimIndexKey(ev.ClaimID))
	if err != nil || len(ids) == 0 {
		return err
	}
	if err := load(); err != nil {
		return err
	}
	for _, id := range ids {
		err := s.commit(ctx, subs(), id, func(st *state) bool {
			changed := false
			for i := range st.Members {
				m := &st.Members[i]
				if (m.ClaimID == ev.ClaimID || cluster != "" && st.ClusterID == cluster) && apply(m) {
					changed = true
				}
			}
			if !changed {
				return false
			}
			st.Reason = reason
			s.deriveFlagged(subs(), st)
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}
