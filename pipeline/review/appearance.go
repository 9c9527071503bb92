package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"vigie/claims"
)

// AddAppearance adds the item of claim claimID (at its URL) as an
// appearance of the published verdict verdictID, in one action: the
// verdict's appearances grow (its page and ClaimReview list the item; an
// add_appearance event on the verdict's claim carries the verdict, for the
// alerter to mark the verdict's alert updated), then the claim is closed as
// handled: a duplicate of the verdict's claim (a second add_appearance
// event, on the claim). seen is the claim's revision the actor saw; the
// verdict's claim is acted on at its current revision.
//
// Repeated after a failure part-way (the verdict grown, the claim still
// open), it does not add the appearance twice and closes the claim.
func (w *Workflow) AddAppearance(ctx context.Context, a claims.Actor, claimID string, seen uint64, verdictID, appearance string) (Result, error) {
	op := fmt.Sprintf("%s on claim %s", claims.ActionAddAppearance, claimID)
	if err := checkClaimID(claimID); err != nil {
		return Result{}, fmt.Errorf("%s: %w", op, err)
	}
	if err := checkRole(a, claims.ActionAddAppearance); err != nil {
		return Result{}, fmt.Errorf("%s: %w", op, err)
	}
	if err := checkURL(appearance); err != nil {
		return Result{}, fmt.Errorf("%s: %w: the item's address: %v", op, ErrInvalid, err)
	}
	v, err := w.Verdict(ctx, verdictID)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", op, err)
	}
	if v.ClaimID == claimID {
		return Result{}, fmt.Errorf("%s: %w: the claim is the verdict's own", op, ErrInvalid)
	}
	if v.Version == 0 || v.Retracted {
		return Result{}, fmt.Errorf("%s: %w", op, &TransitionError{Action: claims.ActionAddAppearance, From: claims.StatusPublished,
			To: claims.StatusPublished, Reason: "only a published verdict takes appearances"})
	}
	// The claim first: a stale revision or a claim that cannot close
	// leaves the verdict untouched.
	st, rev, err := w.Get(ctx, claimID)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", op, err)
	}
	closeClaim := func(cur claims.ReviewState, _ *claims.Verdict, _ time.Time) (change, error) {
		if err := checkFrom(claims.ActionAddAppearance, cur.Status, claims.StatusDuplicate); err != nil || cur.Status == claims.StatusPublished {
			return change{}, &TransitionError{Action: claims.ActionAddAppearance, From: cur.Status, To: claims.StatusDuplicate,
				Reason: "a claim with its own published verdict is not an appearance of another"}
		}
		cur.Status, cur.DuplicateOf = claims.StatusDuplicate, v.ClaimID
		return change{after: cur, detail: verdictID}, nil
	}
	if rev != seen {
		if res, ok := w.retried(ctx, a, claimID, seen, claims.ActionAddAppearance, closeClaim); ok {
			return res, nil
		}
		snap, err := w.reconcile(ctx, claimID)
		if err != nil {
			return Result{}, fmt.Errorf("%s: %w", op, err)
		}
		return Result{}, w.conflict(ctx, claimID, seen, snap)
	}
	if _, err := closeClaim(st, nil, time.Time{}); err != nil {
		return Result{}, fmt.Errorf("%s: %w", op, err)
	}
	if err := w.growAppearances(ctx, a, v.ClaimID, claimID, appearance); err != nil {
		return Result{}, fmt.Errorf("%s: %w", op, err)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionAddAppearance, closeClaim)
}

// growAppearances records the add_appearance event of the verdict's claim
// (at its current revision, again if another action moved it meanwhile),
// unless the verdict already lists the appearance.
func (w *Workflow) growAppearances(ctx context.Context, a claims.Actor, verdictClaim, claimID, appearance string) error {
	grow := func(cur claims.ReviewState, v *claims.Verdict, _ time.Time) (change, error) {
		if err := checkPublished(claims.ActionAddAppearance, cur, v); err != nil {
			return change{}, err
		}
		if cur.Status != claims.StatusPublished || v.Version == 0 {
			return change{}, &TransitionError{Action: claims.ActionAddAppearance, From: cur.Status, To: cur.Status,
				Reason: "only a published verdict takes appearances"}
		}
		if slices.Contains(v.Appearances, appearance) {
			return change{}, errListed
		}
		v.Appearances = append(v.Appearances, appearance)
		return change{after: cur, verdict: v, detail: claimID}, nil
	}
	for range 5 {
		_, rev, err := w.Get(ctx, verdictClaim)
		if err != nil {
			return err
		}
		_, err = w.act(ctx, a, verdictClaim, rev, claims.ActionAddAppearance, grow)
		if err == nil || errors.Is(err, errListed) {
			return nil
		}
		if !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return fmt.Errorf("verdict of claim %s: %w", verdictClaim, ErrConflict)
}

// errListed: the verdict already lists the appearance.
var errListed = errors.New("appearance already listed")
