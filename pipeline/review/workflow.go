package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// Config configures a Workflow.
type Config struct {
	// Site names the publisher and the verdict pages' root.
	Site Site
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Workflow runs review actions on claims: every action is checked against
// the actor's role and the claim's status, recorded as a ReviewEvent on the
// REVIEW stream and applied to the vigie_review bucket with a
// compare-and-set on the revision the actor saw. See the package comment
// for the order of writes.
type Workflow struct {
	b          *bus.Bus
	stream     jetstream.Stream
	review     jetstream.KeyValue
	verdicts   jetstream.KeyValue
	factchecks jetstream.KeyValue
	judgements *Judgements
	site       Site
	now        func() time.Time
	log        *zap.Logger
	// crash, when set by tests, is called after each step of an action; an
	// error stops the action there as a crash would.
	crash func(step string) error
}

// New returns a Workflow on b, whose topology must be applied.
func New(ctx context.Context, b *bus.Bus, cfg Config, log *zap.Logger) (*Workflow, error) {
	if log == nil {
		log = zap.NewNop()
	}
	w := &Workflow{b: b, site: cfg.Site, now: cfg.Now, log: log}
	if w.now == nil {
		w.now = time.Now
	}
	var err error
	if w.stream, err = b.JS.Stream(ctx, bus.StreamReview); err != nil {
		return nil, fmt.Errorf("open stream %s: %w", bus.StreamReview, err)
	}
	if w.review, err = b.KV(ctx, bus.BucketReview); err != nil {
		return nil, err
	}
	if w.verdicts, err = b.KV(ctx, bus.BucketVerdicts); err != nil {
		return nil, err
	}
	if w.factchecks, err = b.KV(ctx, bus.BucketFactChecks); err != nil {
		return nil, err
	}
	if w.judgements, err = OpenJudgements(ctx, b); err != nil {
		return nil, err
	}
	return w, nil
}

// Result is the outcome of an action.
type Result struct {
	// State is the claim's state after the action.
	State claims.ReviewState
	// Revision is the claim's new revision: the one to send with the next action.
	Revision uint64
	// Event is the recorded event.
	Event claims.ReviewEvent
	// Verdict is the claim's verdict after the action, if it has one.
	Verdict *claims.Verdict
}

// snapshot is a claim's current state with what the next write needs.
type snapshot struct {
	state   claims.ReviewState
	rev     uint64 // KV revision; 0 when the claim has no entry
	lastSeq uint64 // stream sequence of the claim's last event; 0 when none
}

// checkClaimID refuses ids that are not a subject token (the claim ids of
// the engine are lower-case hex).
func checkClaimID(id string) error {
	if id == "" || len(id) > 128 || !bus.TokenPattern.MatchString(id) {
		return fmt.Errorf("claim id %q: %w: want 1 to 128 of [a-z0-9_-]", id, ErrInvalid)
	}
	return nil
}

func (w *Workflow) step(name string) error {
	if w.crash == nil {
		return nil
	}
	return w.crash(name)
}

// Get returns the current state of a claim and its revision, after
// completing any action a crash left half-applied. A claim never acted on is
// new at revision 0.
func (w *Workflow) Get(ctx context.Context, claimID string) (claims.ReviewState, uint64, error) {
	if err := checkClaimID(claimID); err != nil {
		return claims.ReviewState{}, 0, err
	}
	s, err := w.reconcile(ctx, claimID)
	if err != nil {
		return claims.ReviewState{}, 0, err
	}
	return s.state, s.rev, nil
}

// read returns the claim's KV state and revision.
func (w *Workflow) read(ctx context.Context, claimID string) (claims.ReviewState, uint64, error) {
	e, err := w.review.Get(ctx, claimID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return claims.NewReviewState(), 0, nil
	}
	if err != nil {
		return claims.ReviewState{}, 0, fmt.Errorf("read review state of claim %s: %w", claimID, err)
	}
	s, err := codec.DecodeReviewState(e.Value())
	if err != nil {
		return claims.ReviewState{}, 0, fmt.Errorf("claim %s: %w", claimID, err)
	}
	return s, e.Revision(), nil
}

// lastEvent returns the claim's last event, nil when it has none.
func (w *Workflow) lastEvent(ctx context.Context, claimID string) (*claims.ReviewEvent, error) {
	m, err := w.stream.GetLastMsgForSubject(ctx, bus.ReviewSubject(claimID))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read last review event of claim %s: %w", claimID, err)
	}
	e, err := decodeEvent(m.Data, m.Header, m.Sequence)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// reconcile reads a claim and, when its last event was recorded but not
// applied (its revision is still the KV's), applies it, then reads again.
// The event may be in flight rather than left by a crash: applying it twice
// is harmless.
func (w *Workflow) reconcile(ctx context.Context, claimID string) (snapshot, error) {
	for range 10 {
		last, err := w.lastEvent(ctx, claimID)
		if err != nil {
			return snapshot{}, err
		}
		st, rev, err := w.read(ctx, claimID)
		if err != nil {
			return snapshot{}, err
		}
		s := snapshot{state: st, rev: rev}
		if last == nil {
			return s, nil
		}
		s.lastSeq = last.Seq
		if last.Revision != rev {
			return s, nil
		}
		w.log.Debug("review event recorded but not applied: applying it", zap.String("claim_id", claimID),
			zap.String("event_id", last.ID), zap.Uint64("seq", last.Seq))
		if _, err := w.apply(ctx, *last); err != nil {
			return snapshot{}, fmt.Errorf("re-apply review event %s: %w", last.ID, err)
		}
	}
	return snapshot{}, fmt.Errorf("read claim %s: %w: it keeps changing", claimID, ErrConflict)
}

// Reconcile completes the actions a crash left half-applied on every claim
// with events; it returns how many it completed. Run it at start.
func (w *Workflow) Reconcile(ctx context.Context) (int, error) {
	info, err := w.stream.Info(ctx, jetstream.WithSubjectFilter(bus.SubjectReview+".>"))
	if err != nil {
		return 0, fmt.Errorf("list review subjects: %w", err)
	}
	n := 0
	for subj := range info.State.Subjects {
		claimID := subj[len(bus.SubjectReview)+1:]
		last, err := w.lastEvent(ctx, claimID)
		if err != nil {
			return n, err
		}
		_, rev, err := w.read(ctx, claimID)
		if err != nil {
			return n, err
		}
		if last == nil || last.Revision != rev {
			continue
		}
		if _, err := w.reconcile(ctx, claimID); err != nil {
			return n, err
		}
		n++
	}
	if n > 0 {
		w.log.Info("review events completed after a crash", zap.Int("count", n))
	}
	return n, nil
}

// change is what an action decides.
type change struct {
	after   claims.ReviewState
	detail  string
	verdict *claims.Verdict // the verdict after the action; nil when untouched
	// judgement is the record a match judgement writes to vigie_judgements.
	judgement *claims.JudgementRecord
}

// decideFunc computes an action's change from the current state and verdict.
type decideFunc func(cur claims.ReviewState, v *claims.Verdict, at time.Time) (change, error)

// act runs one action on one claim.
func (w *Workflow) act(ctx context.Context, a claims.Actor, claimID string, seen uint64, action claims.ReviewAction, decide decideFunc) (Result, error) {
	if err := checkClaimID(claimID); err != nil {
		return Result{}, fmt.Errorf("%s: %w", action, err)
	}
	if err := checkRole(a, action); err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, err)
	}
	snap, err := w.reconcile(ctx, claimID)
	if err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, err)
	}
	if seen != snap.rev {
		if res, ok := w.retried(ctx, a, claimID, seen, action, decide); ok {
			return res, nil
		}
		return Result{}, w.conflict(ctx, claimID, seen, snap)
	}
	v, err := w.Verdict(ctx, snap.state.VerdictID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, err)
	}
	at := w.now().UTC()
	ch, err := decide(snap.state.Clone(), v.Clone(), at)
	if err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, err)
	}
	if ch.verdict != nil {
		ch.verdict.Slot = snap.rev
	}
	ev := claims.ReviewEvent{ID: EventID(claimID, snap.rev), ClaimID: claimID, Actor: a, At: at, Action: action,
		Before: snap.state, After: ch.after, Revision: snap.rev, Detail: ch.detail, Verdict: ch.verdict,
		Judgement: ch.judgement}
	seq, err := w.record(ctx, ev, snap.lastSeq)
	if errors.Is(err, errSlotTaken) {
		snap, rerr := w.reconcile(ctx, claimID)
		if rerr != nil {
			return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, rerr)
		}
		return Result{}, w.conflict(ctx, claimID, seen, snap)
	}
	if err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, err)
	}
	ev.Seq = seq
	if err := w.step("recorded"); err != nil {
		return Result{}, err
	}
	rev, err := w.apply(ctx, ev)
	if err != nil {
		return Result{}, fmt.Errorf("%s on claim %s: %w", action, claimID, err)
	}
	if v2 := ch.verdict; v2 != nil {
		v = v2
	}
	return Result{State: ch.after, Revision: rev, Event: ev, Verdict: v}, nil
}

// retried recognises an action repeated on the revision it was already
// recorded against (a client retrying after a crash or a lost reply): when
// the event recorded on seen is by the same actor, of the same action, and
// the action computes the same change from that event's before state, the
// recorded result is returned instead of a conflict.
func (w *Workflow) retried(ctx context.Context, a claims.Actor, claimID string, seen uint64, action claims.ReviewAction, decide decideFunc) (Result, bool) {
	hist, err := w.History(ctx, claimID)
	if err != nil {
		return Result{}, false
	}
	var prior *claims.Verdict
	for i, e := range hist {
		if e.Revision < seen {
			if e.Verdict != nil {
				prior = e.Verdict
			}
			continue
		}
		if e.Revision != seen || e.Actor != a || e.Action != action {
			return Result{}, false
		}
		ch, err := decide(e.Before.Clone(), prior.Clone(), e.At)
		if err != nil || !ch.after.Equal(e.After) || ch.detail != e.Detail || !sameVerdict(ch.verdict, e.Verdict) {
			return Result{}, false
		}
		var rev uint64
		if i+1 < len(hist) {
			rev = hist[i+1].Revision
		} else if rev, err = w.appliedRevision(ctx, e); err != nil {
			return Result{}, false
		}
		v := e.Verdict
		if v == nil {
			v = prior
		}
		return Result{State: e.After, Revision: rev, Event: e, Verdict: v}, true
	}
	return Result{}, false
}

// sameVerdict compares what an actor writes in two verdicts (not the stamps).
func sameVerdict(a, b *claims.Verdict) bool {
	if a == nil || b == nil {
		return a == b
	}
	ja, _ := json.Marshal(a.VerdictInput)
	jb, _ := json.Marshal(b.VerdictInput)
	return string(ja) == string(jb) && a.State == b.State && a.Version == b.Version && a.Retracted == b.Retracted &&
		a.CorrectionNote == b.CorrectionNote && a.RetractionNote == b.RetractionNote
}

var errSlotTaken = errors.New("another event took the slot")

// record appends ev to the claim's subject, expecting lastSeq to be the
// subject's last sequence: of two actors acting on one revision, one only
// is recorded.
func (w *Workflow) record(ctx context.Context, ev claims.ReviewEvent, lastSeq uint64) (uint64, error) {
	data, ext, err := codec.EncodeReviewEvent(ev)
	if err != nil {
		return 0, err
	}
	msg := nats.NewMsg(bus.ReviewSubject(ev.ClaimID))
	msg.Data = data
	msg.Header.Set(codec.HeaderReviewExt, ext)
	ack, err := w.b.JS.PublishMsg(ctx, msg, jetstream.WithMsgID(ev.ID), jetstream.WithExpectLastSequencePerSubject(lastSeq))
	if isWrongLastSeq(err) {
		// The server checks the expected sequence before de-duplicating:
		// a retry of a write that was stored lands here too.
		m, gerr := w.stream.GetLastMsgForSubject(ctx, msg.Subject)
		if gerr == nil && string(m.Data) == string(data) && m.Header.Get(codec.HeaderReviewExt) == ext {
			return m.Sequence, nil
		}
		return 0, errSlotTaken
	}
	if err != nil {
		return 0, fmt.Errorf("record review event %s: %w", ev.ID, err)
	}
	if ack.Duplicate {
		// Same id: either this very write retried, or a rival acting on the
		// same revision; only identical bytes are ours.
		m, err := w.stream.GetMsg(ctx, ack.Sequence)
		if err != nil {
			return 0, fmt.Errorf("read review event %s: %w", ev.ID, err)
		}
		if string(m.Data) != string(data) || m.Header.Get(codec.HeaderReviewExt) != ext {
			return 0, errSlotTaken
		}
	}
	return ack.Sequence, nil
}

func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// apply makes a recorded event's effects: the verdict and its
// announcements first, the claim's state last (the state's revision moving
// past the event's is what marks it applied). Every step is idempotent.
func (w *Workflow) apply(ctx context.Context, ev claims.ReviewEvent) (uint64, error) {
	if ev.Verdict != nil {
		if err := w.applyVerdict(ctx, ev); err != nil {
			return 0, err
		}
	}
	if err := w.step("verdict"); err != nil {
		return 0, err
	}
	if ev.Action == claims.ActionJudgeMatch && ev.Judgement != nil {
		if err := w.judgements.put(ctx, ev.ClaimID, *ev.Judgement); err != nil {
			return 0, err
		}
	}
	val, err := codec.EncodeReviewState(ev.After)
	if err != nil {
		return 0, err
	}
	rev, err := w.review.Update(ctx, ev.ClaimID, val, ev.Revision)
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) || errors.Is(err, jetstream.ErrKeyExists) {
		return w.appliedRevision(ctx, ev)
	}
	if err != nil {
		return 0, fmt.Errorf("apply review event %s: %w", ev.ID, err)
	}
	return rev, nil
}

// appliedRevision returns the revision the claim reached when ev was
// applied by somebody else (a concurrent reconciliation). Only ev can move
// the claim on from ev.Revision, so the bucket having moved on means ev
// was applied; the revision it produced is the one the next event was
// made against, or the current one when there is no next event yet.
func (w *Workflow) appliedRevision(ctx context.Context, ev claims.ReviewEvent) (uint64, error) {
	_, cur, err := w.read(ctx, ev.ClaimID)
	if err != nil {
		return 0, err
	}
	if cur <= ev.Revision {
		return 0, fmt.Errorf("apply review event %s: claim %s at revision %d: %w", ev.ID, ev.ClaimID, cur, ErrConflict)
	}
	m, err := w.stream.GetMsg(ctx, ev.Seq+1, jetstream.WithGetMsgSubject(bus.ReviewSubject(ev.ClaimID)))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return cur, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read review event after %s: %w", ev.ID, err)
	}
	next, err := decodeEvent(m.Data, m.Header, m.Sequence)
	if err != nil {
		return 0, err
	}
	return next.Revision, nil
}

// Verdict returns the current record of a verdict; ErrNotFound when none.
func (w *Workflow) Verdict(ctx context.Context, verdictID string) (*claims.Verdict, error) {
	if verdictID == "" {
		return nil, fmt.Errorf("read verdict: %w", ErrNotFound)
	}
	v, _, err := w.getVerdict(ctx, verdictID)
	return v, err
}

// VerdictVersion returns a published version of a verdict as it was
// published (later marked retracted if the verdict was withdrawn).
func (w *Workflow) VerdictVersion(ctx context.Context, verdictID string, version int) (*claims.Verdict, error) {
	v, _, err := w.getVerdict(ctx, versionKey(verdictID, version))
	return v, err
}

func versionKey(id string, version int) string { return id + ".v" + strconv.Itoa(version) }

func (w *Workflow) getVerdict(ctx context.Context, key string) (*claims.Verdict, uint64, error) {
	e, err := w.verdicts.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, 0, fmt.Errorf("read verdict %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read verdict %s: %w", key, err)
	}
	var v claims.Verdict
	if err := json.Unmarshal(e.Value(), &v); err != nil {
		return nil, 0, fmt.Errorf("decode verdict %s: %w", key, err)
	}
	return &v, e.Revision(), nil
}

// putVerdict writes v under key unless the stored record comes from a later
// event; it reports whether the stored record is v's (written or already there).
func (w *Workflow) putVerdict(ctx context.Context, key string, v *claims.Verdict) (bool, error) {
	val, err := json.Marshal(v)
	if err != nil {
		return false, fmt.Errorf("encode verdict %s: %w", key, err)
	}
	for range 5 {
		cur, rev, err := w.getVerdict(ctx, key)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return false, err
		}
		if cur != nil && cur.Slot > v.Slot {
			return false, nil
		}
		_, err = w.verdicts.Update(ctx, key, val, rev)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, jetstream.ErrKeyRevisionMismatch) && !errors.Is(err, jetstream.ErrKeyExists) {
			return false, fmt.Errorf("write verdict %s: %w", key, err)
		}
	}
	return false, fmt.Errorf("write verdict %s: %w", key, ErrConflict)
}

// applyVerdict stores the event's verdict and, for publication, correction
// and retraction, announces it on VERDICTS and updates the fact-check store.
func (w *Workflow) applyVerdict(ctx context.Context, ev claims.ReviewEvent) error {
	v := ev.Verdict
	current, err := w.putVerdict(ctx, v.ID, v)
	if err != nil || !current {
		return err // a later event superseded this one: its effects stand
	}
	switch ev.Action {
	case claims.ActionPublishVerdict, claims.ActionCorrectVerdict, claims.ActionRetractVerdict:
	default:
		return nil
	}
	if _, err := w.putVerdict(ctx, versionKey(v.ID, v.Version), v); err != nil {
		return err
	}
	if err := w.announce(ctx, v); err != nil {
		return err
	}
	if v.Retracted {
		if err := w.factchecks.Delete(ctx, FactCheckKey(v.ID)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
			return fmt.Errorf("delete fact-check of verdict %s: %w", v.ID, err)
		}
		return nil
	}
	fc, err := codec.EncodeFactCheck(w.site.FactCheck(v))
	if err != nil {
		return err
	}
	if _, err := w.factchecks.Put(ctx, FactCheckKey(v.ID), fc); err != nil {
		return fmt.Errorf("put fact-check of verdict %s: %w", v.ID, err)
	}
	return nil
}

// VerdictSubjects are the VERDICTS subjects a verdict is announced on: one
// per locality token, or vigie.verdicts.none.
func VerdictSubjects(v *claims.Verdict) []string {
	var subs []string
	for _, l := range v.Localities {
		s := bus.VerdictSubject(l)
		if !containsString(subs, s) {
			subs = append(subs, s)
		}
	}
	if len(subs) == 0 {
		subs = []string{bus.VerdictSubject("")}
	}
	return subs
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// announce publishes the verdict (a VERDICTS message) on each of its subjects, with a
// message id per verdict, version, state and subject.
func (w *Workflow) announce(ctx context.Context, v *claims.Verdict) error {
	data, err := codec.EncodeVerdict(v)
	if err != nil {
		return err
	}
	for _, subj := range VerdictSubjects(v) {
		id := fmt.Sprintf("%s.v%d.%s.%s", v.ID, v.Version, v.State, subj[len(bus.SubjectVerdicts)+1:])
		if _, err := w.b.Publish(ctx, subj, data, id, nil); err != nil {
			return fmt.Errorf("announce verdict %s: %w", v.ID, err)
		}
	}
	return nil
}
