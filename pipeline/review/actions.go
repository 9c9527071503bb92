package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"vigie/claims"
)

// Assign assigns a claim to a user; an empty assignee unassigns it.
func (w *Workflow) Assign(ctx context.Context, a claims.Actor, claimID string, seen uint64, assignee string) (Result, error) {
	assignee = strings.TrimSpace(assignee)
	if len(assignee) > maxShortLen {
		return Result{}, fmt.Errorf("assign: assignee: %w: too long", ErrInvalid)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionAssign, func(cur claims.ReviewState, _ *claims.Verdict, _ time.Time) (change, error) {
		if err := checkFrom(claims.ActionAssign, cur.Status, cur.Status); err != nil {
			return change{}, err
		}
		cur.Assignee = assignee
		return change{after: cur, detail: assignee}, nil
	})
}

// SetStatus moves a claim along the status graph (see claims.CanMove). Moves to
// draft, awaiting approval and published are made by the verdict actions,
// to duplicate by MarkDuplicate and Merge.
func (w *Workflow) SetStatus(ctx context.Context, a claims.Actor, claimID string, seen uint64, to claims.ReviewStatus) (Result, error) {
	if !to.Valid() {
		return Result{}, fmt.Errorf("status: %w: unknown status %q", ErrInvalid, to)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionStatus, func(cur claims.ReviewState, v *claims.Verdict, _ time.Time) (change, error) {
		if !claims.CanMove(cur.Status, to) {
			te := &TransitionError{Action: claims.ActionStatus, From: cur.Status, To: to}
			switch to {
			case claims.StatusDraft:
				te.Reason = "draft a verdict instead"
			case claims.StatusAwaitingApproval:
				te.Reason = "submit the verdict instead"
			case claims.StatusPublished:
				te.Reason = "an editor publishes the verdict instead"
			case claims.StatusDuplicate:
				te.Reason = "mark it duplicate of another claim instead"
			}
			if cur.Status == claims.StatusPublished {
				te.Reason = "a published verdict is corrected or retracted"
			}
			return change{}, te
		}
		if cur.Status == claims.StatusDuplicate {
			cur.DuplicateOf = ""
		}
		cur.Status = to
		ch := change{after: cur, detail: string(to)}
		if v != nil && v.State == claims.VerdictAwaitingApproval {
			v.State = claims.VerdictDraft
			ch.verdict = v
		}
		return ch, nil
	})
}

// AddNote appends a reviewer's note to a claim.
func (w *Workflow) AddNote(ctx context.Context, a claims.Actor, claimID string, seen uint64, note string) (Result, error) {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > MaxNoteLen {
		return Result{}, fmt.Errorf("note: %w: want 1 to %d bytes", ErrInvalid, MaxNoteLen)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionNote, func(cur claims.ReviewState, _ *claims.Verdict, _ time.Time) (change, error) {
		if len(cur.Notes) >= MaxNotes {
			return change{}, fmt.Errorf("note: %w: the claim already has %d notes", ErrInvalid, MaxNotes)
		}
		cur.Notes = append(cur.Notes, note)
		return change{after: cur, detail: note}, nil
	})
}

// MarkDuplicate marks a claim as a duplicate of another, which must not
// itself be a duplicate.
func (w *Workflow) MarkDuplicate(ctx context.Context, a claims.Actor, claimID string, seen uint64, of string) (Result, error) {
	if err := w.checkDuplicateTarget(ctx, claimID, of); err != nil {
		return Result{}, fmt.Errorf("%s: %w", claims.ActionDuplicate, err)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionDuplicate, markDuplicate(claims.ActionDuplicate, of))
}

func markDuplicate(action claims.ReviewAction, of string) decideFunc {
	return func(cur claims.ReviewState, _ *claims.Verdict, _ time.Time) (change, error) {
		if err := checkFrom(action, cur.Status, claims.StatusDuplicate); err != nil {
			return change{}, err
		}
		cur.Status, cur.DuplicateOf = claims.StatusDuplicate, of
		return change{after: cur, detail: of}, nil
	}
}

func (w *Workflow) checkDuplicateTarget(ctx context.Context, claimID, of string) error {
	if err := checkClaimID(of); err != nil {
		return err
	}
	if of == claimID {
		return fmt.Errorf("claim %s: %w: a claim cannot duplicate itself", claimID, ErrInvalid)
	}
	st, _, err := w.Get(ctx, of)
	if err != nil {
		return err
	}
	if st.Status == claims.StatusDuplicate {
		return fmt.Errorf("claim %s: %w: %s is itself a duplicate of %s", claimID, ErrInvalid, of, st.DuplicateOf)
	}
	return nil
}

// Seen is a claim and the revision an actor saw of it.
type Seen struct {
	ClaimID  string
	Revision uint64
}

// Merge makes duplicates duplicates of target and records the merge on
// target with a note listing them. Every claim is checked (role, status,
// revision) before anything is written; each claim's change is then its own
// event, so a failure part-way leaves the claims done so far merged.
func (w *Workflow) Merge(ctx context.Context, a claims.Actor, target string, seen uint64, duplicates []Seen) (Result, error) {
	if len(duplicates) == 0 {
		return Result{}, fmt.Errorf("merge: %w: no duplicates", ErrInvalid)
	}
	if err := checkRole(a, claims.ActionMerge); err != nil {
		return Result{}, fmt.Errorf("merge into claim %s: %w", target, err)
	}
	var ids []string
	for _, d := range duplicates {
		if slices.Contains(ids, d.ClaimID) {
			return Result{}, fmt.Errorf("merge: claim %s: %w: listed twice", d.ClaimID, ErrInvalid)
		}
		if err := w.checkDuplicateTarget(ctx, d.ClaimID, target); err != nil {
			return Result{}, fmt.Errorf("merge: %w", err)
		}
		st, rev, err := w.Get(ctx, d.ClaimID)
		if err != nil {
			return Result{}, fmt.Errorf("merge: %w", err)
		}
		if rev != d.Revision {
			snap, err := w.reconcile(ctx, d.ClaimID)
			if err != nil {
				return Result{}, fmt.Errorf("merge: %w", err)
			}
			return Result{}, w.conflict(ctx, d.ClaimID, d.Revision, snap)
		}
		if err := checkFrom(claims.ActionMerge, st.Status, claims.StatusDuplicate); err != nil || st.Status == claims.StatusPublished {
			return Result{}, fmt.Errorf("merge claim %s: %w", d.ClaimID, &TransitionError{Action: claims.ActionMerge,
				From: st.Status, To: claims.StatusDuplicate, Reason: "only an unpublished claim may be merged away"})
		}
		ids = append(ids, d.ClaimID)
	}
	tst, trev, err := w.Get(ctx, target)
	if err != nil {
		return Result{}, fmt.Errorf("merge: %w", err)
	}
	if trev != seen {
		snap, err := w.reconcile(ctx, target)
		if err != nil {
			return Result{}, fmt.Errorf("merge: %w", err)
		}
		return Result{}, w.conflict(ctx, target, seen, snap)
	}
	if err := checkFrom(claims.ActionMerge, tst.Status, tst.Status); err != nil {
		return Result{}, fmt.Errorf("merge into claim %s: %w", target, err)
	}
	for _, d := range duplicates {
		mark := func(cur claims.ReviewState, _ *claims.Verdict, _ time.Time) (change, error) {
			if cur.Status == claims.StatusPublished || cur.Status == claims.StatusDuplicate {
				return change{}, &TransitionError{Action: claims.ActionMerge, From: cur.Status, To: claims.StatusDuplicate}
			}
			cur.Status, cur.DuplicateOf = claims.StatusDuplicate, target
			return change{after: cur, detail: "merged into " + target}, nil
		}
		if _, err := w.act(ctx, a, d.ClaimID, d.Revision, claims.ActionMerge, mark); err != nil {
			return Result{}, err
		}
	}
	list := strings.Join(ids, ", ")
	return w.act(ctx, a, target, seen, claims.ActionMerge, func(cur claims.ReviewState, _ *claims.Verdict, _ time.Time) (change, error) {
		cur.Notes = append(cur.Notes, "merged duplicates: "+list)
		return change{after: cur, detail: list}, nil
	})
}

// DraftVerdict writes or rewrites the claim's draft verdict and moves the
// claim to draft (an awaiting-approval verdict goes back to draft).
func (w *Workflow) DraftVerdict(ctx context.Context, a claims.Actor, claimID string, seen uint64, in claims.VerdictInput) (Result, error) {
	in = NormalizeInput(in)
	if err := ValidateInput(in, false); err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", claims.ActionDraftVerdict, claimID, err)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionDraftVerdict, func(cur claims.ReviewState, v *claims.Verdict, _ time.Time) (change, error) {
		if err := checkFrom(claims.ActionDraftVerdict, cur.Status, claims.StatusDraft); err != nil {
			return change{}, err
		}
		if v == nil {
			v = &claims.Verdict{ID: claimID, ClaimID: claimID}
		}
		v.VerdictInput, v.State, v.Author = in, claims.VerdictDraft, a.Name
		cur.Status, cur.VerdictID = claims.StatusDraft, v.ID
		return change{after: cur, verdict: v}, nil
	})
}

// SubmitVerdict submits the claim's complete draft for an editor's approval.
func (w *Workflow) SubmitVerdict(ctx context.Context, a claims.Actor, claimID string, seen uint64) (Result, error) {
	return w.act(ctx, a, claimID, seen, claims.ActionSubmitVerdict, func(cur claims.ReviewState, v *claims.Verdict, _ time.Time) (change, error) {
		if err := checkFrom(claims.ActionSubmitVerdict, cur.Status, claims.StatusAwaitingApproval); err != nil {
			return change{}, err
		}
		if v == nil {
			return change{}, fmt.Errorf("verdict: %w", ErrNotFound)
		}
		if err := ValidateInput(v.VerdictInput, true); err != nil {
			return change{}, err
		}
		v.State, cur.Status = claims.VerdictAwaitingApproval, claims.StatusAwaitingApproval
		return change{after: cur, verdict: v}, nil
	})
}

// PublishVerdict approves and publishes the claim's submitted verdict as
// version 1: it is announced on VERDICTS and joins the fact-check store.
func (w *Workflow) PublishVerdict(ctx context.Context, a claims.Actor, claimID string, seen uint64) (Result, error) {
	return w.act(ctx, a, claimID, seen, claims.ActionPublishVerdict, func(cur claims.ReviewState, v *claims.Verdict, at time.Time) (change, error) {
		if err := checkFrom(claims.ActionPublishVerdict, cur.Status, claims.StatusPublished); err != nil {
			return change{}, err
		}
		if v == nil {
			return change{}, fmt.Errorf("verdict: %w", ErrNotFound)
		}
		if err := ValidateInput(v.VerdictInput, true); err != nil {
			return change{}, err
		}
		v.State, v.Version, v.Editor = claims.VerdictPublished, v.Version+1, a.Name
		v.Published = at
		if v.FirstPublished.IsZero() {
			v.FirstPublished = at
		}
		cur.Status = claims.StatusPublished
		return change{after: cur, verdict: v, detail: fmt.Sprintf("version %d", v.Version)}, nil
	})
}

// CorrectVerdict publishes a corrected version of the claim's published
// verdict, with a public correction note.
func (w *Workflow) CorrectVerdict(ctx context.Context, a claims.Actor, claimID string, seen uint64, in claims.VerdictInput, note string) (Result, error) {
	in, note = NormalizeInput(in), strings.TrimSpace(note)
	if err := ValidateInput(in, true); err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", claims.ActionCorrectVerdict, claimID, err)
	}
	if note == "" || len(note) > MaxNoteLen {
		return Result{}, fmt.Errorf("%s on claim %s: correction note: %w: want 1 to %d bytes", claims.ActionCorrectVerdict,
			claimID, ErrInvalid, MaxNoteLen)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionCorrectVerdict, func(cur claims.ReviewState, v *claims.Verdict, at time.Time) (change, error) {
		if err := checkPublished(claims.ActionCorrectVerdict, cur, v); err != nil {
			return change{}, err
		}
		v.VerdictInput, v.Version, v.Editor, v.Published, v.CorrectionNote = in, v.Version+1, a.Name, at, note
		v.Corrections = append(v.Corrections, claims.Correction{Version: v.Version, Date: at, Note: note})
		return change{after: cur, verdict: v, detail: note}, nil
	})
}

// RetractVerdict withdraws the claim's published verdict with a public
// note: it is announced retracted and leaves the fact-check store. The
// claim stays published; a retracted verdict is not corrected again.
func (w *Workflow) RetractVerdict(ctx context.Context, a claims.Actor, claimID string, seen uint64, note string) (Result, error) {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > MaxNoteLen {
		return Result{}, fmt.Errorf("%s on claim %s: retraction note: %w: want 1 to %d bytes", claims.ActionRetractVerdict,
			claimID, ErrInvalid, MaxNoteLen)
	}
	return w.act(ctx, a, claimID, seen, claims.ActionRetractVerdict, func(cur claims.ReviewState, v *claims.Verdict, at time.Time) (change, error) {
		if err := checkPublished(claims.ActionRetractVerdict, cur, v); err != nil {
			return change{}, err
		}
		v.State, v.Retracted, v.RetractionNote, v.RetractedAt, v.Editor = claims.VerdictRetracted, true, note, at, a.Name
		return change{after: cur, verdict: v, detail: note}, nil
	})
}

func checkPublished(action claims.ReviewAction, cur claims.ReviewState, v *claims.Verdict) error {
	if err := checkFrom(action, cur.Status, cur.Status); err != nil {
		return err
	}
	if v == nil {
		return fmt.Errorf("verdict: %w", ErrNotFound)
	}
	if v.Retracted {
		return &TransitionError{Action: action, From: cur.Status, To: cur.Status, Reason: "the verdict was retracted"}
	}
	return nil
}
