package review

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Assign assigns a claim to a user; an empty assignee unassigns it.
func (w *Workflow) Assign(ctx context.Context, a Actor, claimID string, seen uint64, assignee string) (Result, error) {
	assignee = strings.TrimSpace(assignee)
	if len(assignee) > maxShortLen {
		return Result{}, fmt.Errorf("assign: assignee: %w: too long", ErrInvalid)
	}
	return w.act(ctx, a, claimID, seen, ActionAssign, func(cur State, _ *Verdict, _ time.Time) (change, error) {
		if err := checkFrom(ActionAssign, cur.Status, cur.Status); err != nil {
			return change{}, err
		}
		cur.Assignee = assignee
		return change{after: cur, detail: assignee}, nil
	})
}

// SetStatus moves a claim along the status graph (see CanMove). Moves to
// draft, awaiting approval and published are made by the verdict actions,
// to duplicate by MarkDuplicate and Merge.
func (w *Workflow) SetStatus(ctx context.Context, a Actor, claimID string, seen uint64, to Status) (Result, error) {
	if !to.Valid() {
		return Result{}, fmt.Errorf("status: %w: unknown status %q", ErrInvalid, to)
	}
	return w.act(ctx, a, claimID, seen, ActionStatus, func(cur State, v *Verdict, _ time.Time) (change, error) {
		if !CanMove(cur.Status, to) {
			te := &TransitionError{Action: ActionStatus, From: cur.Status, To: to}
			switch to {
			case StatusDraft:
				te.Reason = "draft a verdict instead"
			case StatusAwaitingApproval:
				te.Reason = "submit the verdict instead"
			case StatusPublished:
				te.Reason = "an editor publishes the verdict instead"
			case StatusDuplicate:
				te.Reason = "mark it duplicate of another claim instead"
			}
			if cur.Status == StatusPublished {
				te.Reason = "a published verdict is corrected or retracted"
			}
			return change{}, te
		}
		if cur.Status == StatusDuplicate {
			cur.DuplicateOf = ""
		}
		cur.Status = to
		ch := change{after: cur, detail: string(to)}
		if v != nil && v.State == VerdictAwaitingApproval {
			v.State = VerdictDraft
			ch.verdict = v
		}
		return ch, nil
	})
}

// AddNote appends a reviewer's note to a claim.
func (w *Workflow) AddNote(ctx context.Context, a Actor, claimID string, seen uint64, note string) (Result, error) {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > MaxNoteLen {
		return Result{}, fmt.Errorf("note: %w: want 1 to %d bytes", ErrInvalid, MaxNoteLen)
	}
	return w.act(ctx, a, claimID, seen, ActionNote, func(cur State, _ *Verdict, _ time.Time) (change, error) {
		if len(cur.Notes) >= MaxNotes {
			return change{}, fmt.Errorf("note: %w: the claim already has %d notes", ErrInvalid, MaxNotes)
		}
		cur.Notes = append(cur.Notes, note)
		return change{after: cur, detail: note}, nil
	})
}

// MarkDuplicate marks a claim as a duplicate of another, which must not
// itself be a duplicate.
func (w *Workflow) MarkDuplicate(ctx context.Context, a Actor, claimID string, seen uint64, of string) (Result, error) {
	if err := w.checkDuplicateTarget(ctx, claimID, of); err != nil {
		return Result{}, fmt.Errorf("%s: %w", ActionDuplicate, err)
	}
	return w.act(ctx, a, claimID, seen, ActionDuplicate, markDuplicate(ActionDuplicate, of))
}

func markDuplicate(action Action, of string) decideFunc {
	return func(cur State, _ *Verdict, _ time.Time) (change, error) {
		if err := checkFrom(action, cur.Status, StatusDuplicate); err != nil {
			return change{}, err
		}
		cur.Status, cur.DuplicateOf = StatusDuplicate, of
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
	if st.Status == StatusDuplicate {
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
func (w *Workflow) Merge(ctx context.Context, a Actor, target string, seen uint64, duplicates []Seen) (Result, error) {
	if len(duplicates) == 0 {
		return Result{}, fmt.Errorf("merge: %w: no duplicates", ErrInvalid)
	}
	if err := checkRole(a, ActionMerge); err != nil {
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
		if err := checkFrom(ActionMerge, st.Status, StatusDuplicate); err != nil || st.Status == StatusPublished {
			return Result{}, fmt.Errorf("merge claim %s: %w", d.ClaimID, &TransitionError{Action: ActionMerge,
				From: st.Status, To: StatusDuplicate, Reason: "only an unpublished claim may be merged away"})
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
	if err := checkFrom(ActionMerge, tst.Status, tst.Status); err != nil {
		return Result{}, fmt.Errorf("merge into claim %s: %w", target, err)
	}
	for _, d := range duplicates {
		mark := func(cur State, _ *Verdict, _ time.Time) (change, error) {
			if cur.Status == StatusPublished || cur.Status == StatusDuplicate {
				return change{}, &TransitionError{Action: ActionMerge, From: cur.Status, To: StatusDuplicate}
			}
			cur.Status, cur.DuplicateOf = StatusDuplicate, target
			return change{after: cur, detail: "merged into " + target}, nil
		}
		if _, err := w.act(ctx, a, d.ClaimID, d.Revision, ActionMerge, mark); err != nil {
			return Result{}, err
		}
	}
	list := strings.Join(ids, ", ")
	return w.act(ctx, a, target, seen, ActionMerge, func(cur State, _ *Verdict, _ time.Time) (change, error) {
		cur.Notes = append(cur.Notes, "merged duplicates: "+list)
		return change{after: cur, detail: list}, nil
	})
}

// DraftVerdict writes or rewrites the claim's draft verdict and moves the
// claim to draft (an awaiting-approval verdict goes back to draft).
func (w *Workflow) DraftVerdict(ctx context.Context, a Actor, claimID string, seen uint64, in VerdictInput) (Result, error) {
	in = in.Normalize()
	if err := in.Validate(false); err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", ActionDraftVerdict, claimID, err)
	}
	return w.act(ctx, a, claimID, seen, ActionDraftVerdict, func(cur State, v *Verdict, _ time.Time) (change, error) {
		if err := checkFrom(ActionDraftVerdict, cur.Status, StatusDraft); err != nil {
			return change{}, err
		}
		if v == nil {
			v = &Verdict{ID: claimID, ClaimID: claimID}
		}
		v.VerdictInput, v.State, v.Author = in, VerdictDraft, a.Name
		cur.Status, cur.VerdictID = StatusDraft, v.ID
		return change{after: cur, verdict: v}, nil
	})
}

// SubmitVerdict submits the claim's complete draft for an editor's approval.
func (w *Workflow) SubmitVerdict(ctx context.Context, a Actor, claimID string, seen uint64) (Result, error) {
	return w.act(ctx, a, claimID, seen, ActionSubmitVerdict, func(cur State, v *Verdict, _ time.Time) (change, error) {
		if err := checkFrom(ActionSubmitVerdict, cur.Status, StatusAwaitingApproval); err != nil {
			return change{}, err
		}
		if v == nil {
			return change{}, fmt.Errorf("verdict: %w", ErrNotFound)
		}
		if err := v.Validate(true); err != nil {
			return change{}, err
		}
		v.State, cur.Status = VerdictAwaitingApproval, StatusAwaitingApproval
		return change{after: cur, verdict: v}, nil
	})
}

// PublishVerdict approves and publishes the claim's submitted verdict as
// version 1: it is announced on VERDICTS and joins the fact-check store.
func (w *Workflow) PublishVerdict(ctx context.Context, a Actor, claimID string, seen uint64) (Result, error) {
	return w.act(ctx, a, claimID, seen, ActionPublishVerdict, func(cur State, v *Verdict, at time.Time) (change, error) {
		if err := checkFrom(ActionPublishVerdict, cur.Status, StatusPublished); err != nil {
			return change{}, err
		}
		if v == nil {
			return change{}, fmt.Errorf("verdict: %w", ErrNotFound)
		}
		if err := v.Validate(true); err != nil {
			return change{}, err
		}
		v.State, v.Version, v.Editor = VerdictPublished, v.Version+1, a.Name
		v.Published = at
		if v.FirstPublished.IsZero() {
			v.FirstPublished = at
		}
		cur.Status = StatusPublished
		return change{after: cur, verdict: v, detail: fmt.Sprintf("version %d", v.Version)}, nil
	})
}

// CorrectVerdict publishes a corrected version of the claim's published
// verdict, with a public correction note.
func (w *Workflow) CorrectVerdict(ctx context.Context, a Actor, claimID string, seen uint64, in VerdictInput, note string) (Result, error) {
	in, note = in.Normalize(), strings.TrimSpace(note)
	if err := in.Validate(true); err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", ActionCorrectVerdict, claimID, err)
	}
	if note == "" || len(note) > MaxNoteLen {
		return Result{}, fmt.Errorf("%s on claim %s: correction note: %w: want 1 to %d bytes", ActionCorrectVerdict,
			claimID, ErrInvalid, MaxNoteLen)
	}
	return w.act(ctx, a, claimID, seen, ActionCorrectVerdict, func(cur State, v *Verdict, at time.Time) (change, error) {
		if err := checkPublished(ActionCorrectVerdict, cur, v); err != nil {
			return change{}, err
		}
		v.VerdictInput, v.Version, v.Editor, v.Published, v.CorrectionNote = in, v.Version+1, a.Name, at, note
		v.Corrections = append(v.Corrections, Correction{Version: v.Version, Date: at, Note: note})
		return change{after: cur, verdict: v, detail: note}, nil
	})
}

// RetractVerdict withdraws the claim's published verdict with a public
// note: it is announced retracted and leaves the fact-check store. The
// claim stays published; a retracted verdict is not corrected again.
func (w *Workflow) RetractVerdict(ctx context.Context, a Actor, claimID string, seen uint64, note string) (Result, error) {
	note = strings.TrimSpace(note)
	if note == "" || len(note) > MaxNoteLen {
		return Result{}, fmt.Errorf("%s on claim %s: retraction note: %w: want 1 to %d bytes", ActionRetractVerdict,
			claimID, ErrInvalid, MaxNoteLen)
	}
	return w.act(ctx, a, claimID, seen, ActionRetractVerdict, func(cur State, v *Verdict, at time.Time) (change, error) {
		if err := checkPublished(ActionRetractVerdict, cur, v); err != nil {
			return change{}, err
		}
		v.State, v.Retracted, v.RetractionNote, v.RetractedAt, v.Editor = VerdictRetracted, true, note, at, a.Name
		return change{after: cur, verdict: v, detail: note}, nil
	})
}

func checkPublished(action Action, cur State, v *Verdict) error {
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
