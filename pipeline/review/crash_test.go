package review

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"testing"

	"vigie/claims"

	"go.uber.org/zap/zaptest"
)

var errCrash = errors.New("simulated crash")

// TestCrashConsistency stops actions after each of their steps, as a crash
// would, then checks that a fresh Workflow completes them: the bucket
// reaches the recorded event's after state, the verdict is announced and
// joins the fact-check store once, and the audit log has one event per action.
func TestCrashConsistency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		from      claims.ReviewStatus
		crashAt   string
		actor     claims.Actor
		do        func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error)
		want      claims.ReviewStatus
		published bool
	}{
		{"note recorded, not applied", claims.StatusTriage, "recorded", fc, note("crash here"), claims.StatusTriage, false},
		{"first action recorded, not applied", claims.StatusNew, "recorded", fc, status(claims.StatusTriage), claims.StatusTriage, false},
		{"publish recorded, nothing applied", claims.StatusAwaitingApproval, "recorded", ed, publishV, claims.StatusPublished, true},
		{"publish announced, claim state not updated", claims.StatusAwaitingApproval, "verdict", ed, publishV, claims.StatusPublished, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, b := newWorkflow(t)
			ctx := context.Background()
			claim := "crash" + string(rune('a'+i))
			run(t, w, claim, paths[tt.from])
			before, rev, err := w.Get(ctx, claim)
			if err != nil {
				t.Fatal(err)
			}
			nBefore := len(mustHistory(t, w, claim))
			w.crash = func(step string) error {
				if step == tt.crashAt {
					return errCrash
				}
				return nil
			}
			if _, err := tt.do(ctx, w, tt.actor, claim, rev); !errors.Is(err, errCrash) {
				t.Fatalf("err = %v, want the simulated crash", err)
			}
			// The bucket still holds the old state: the event is pending.
			kvState, kvRev, err := w.read(ctx, claim)
			if err != nil || kvRev != rev || !kvState.Equal(before) {
				t.Fatalf("bucket after crash = %+v at %d, %v; want %+v at %d", kvState, kvRev, err, before, rev)
			}

			// A restarted process.
			w2, err := New(ctx, b, Config{Site: testSite}, zaptest.NewLogger(t))
			if err != nil {
				t.Fatal(err)
			}
			n, err := w2.Reconcile(ctx)
			if err != nil || n != 1 {
				t.Fatalf("Reconcile = %d, %v; want 1 completed", n, err)
			}
			if n, err := w2.Reconcile(ctx); err != nil || n != 0 {
				t.Fatalf("second Reconcile = %d, %v; want 0", n, err)
			}
			hist := mustHistory(t, w2, claim)
			if len(hist) != nBefore+1 {
				t.Fatalf("history has %d events, want %d", len(hist), nBefore+1)
			}
			lastEv := hist[len(hist)-1]
			cur, curRev, err := w2.Get(ctx, claim)
			if err != nil {
				t.Fatal(err)
			}
			if !cur.Equal(lastEv.After) || cur.Status != tt.want || curRev <= rev {
				t.Fatalf("state = %+v at %d, want the event's after %+v (status %s)", cur, curRev, lastEv.After, tt.want)
			}
			if tt.published {
				msgs := verdictMessages(t, b)
				if len(msgs["vigie.verdicts.fr-75056"]) != 1 || len(msgs["vigie.verdicts.fr-69123"]) != 1 {
					t.Fatalf("announcements = %v, want one per locality", msgs)
				}
				if _, ok := factCheck(t, b, claim); !ok {
					t.Fatal("fact-check record missing after recovery")
				}
				v, err := w2.Verdict(ctx, claim)
				if err != nil || v.State != claims.VerdictPublished || v.Version != 1 {
					t.Fatalf("verdict = %+v, %v", v, err)
				}
			}
			// The actor who saw the crash retries the same action on the old
			// revision: the recorded result, not a second event.
			again, err := tt.do(ctx, w2, tt.actor, claim, rev)
			if err != nil || again.Event.ID != lastEv.ID || again.Revision != curRev || !again.State.Equal(cur) {
				t.Fatalf("retry = %+v, %v; want the recorded event %s at %d", again, err, lastEv.ID, curRev)
			}
			if h := mustHistory(t, w2, claim); len(h) != nBefore+1 {
				t.Fatalf("retry added an event: %d, want %d", len(h), nBefore+1)
			}
			// Another action on the old revision is a conflict.
			if _, err := w2.AddNote(ctx, fc2, claim, rev, "late"); !errors.Is(err, ErrConflict) {
				t.Fatalf("other action on the old revision: err = %v, want conflict", err)
			}
			// And work goes on from the current revision.
			if _, err := w2.AddNote(ctx, fc, claim, curRev, "after recovery"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRecordIsIdempotent re-sends an event already stored: it is
// recognised as the same write, while a rival's event for the same revision
// is refused.
func TestRecordIsIdempotent(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	const claim = "1d3m"
	ev := claims.ReviewEvent{ID: EventID(claim, 0), ClaimID: claim, Actor: fc, At: w.now().UTC(), Action: claims.ActionStatus,
		Before: claims.NewReviewState(), After: claims.ReviewState{Status: claims.StatusTriage}, Detail: "triage"}
	seq, err := w.record(ctx, ev, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		ev      claims.ReviewEvent
		lastSeq uint64
		want    error
	}{
		{"same write retried", ev, 0, nil},
		{"rival on the same revision", func() claims.ReviewEvent { e := ev; e.Actor = fc2; return e }(), 0, errSlotTaken},
		{"rival after the window, expecting the right last sequence", func() claims.ReviewEvent {
			e := ev
			e.ID += "-x"
			return e
		}(), 0, errSlotTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := w.record(ctx, tt.ev, tt.lastSeq)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if tt.want == nil && got != seq {
				t.Fatalf("seq = %d, want %d", got, seq)
			}
		})
	}
	if h := mustHistory(t, w, claim); len(h) != 1 {
		t.Fatalf("history has %d events, want 1", len(h))
	}
}

func TestExportAudit(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	run(t, w, "e1", paths[claims.StatusPublished])
	run(t, w, "e2", []step{{"triage", fc, status(claims.StatusTriage)}, {"note", fc2, note("line\nbreak and <b>html</b>")}})
	var buf bytes.Buffer
	if err := w.ExportAudit(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	var got []claims.ReviewEvent
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		var e claims.ReviewEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		got = append(got, e)
	}
	if len(got) != 6 {
		t.Fatalf("exported %d events, want 6", len(got))
	}
	for i := 1; i < len(got); i++ {
		if got[i].Seq <= got[i-1].Seq {
			t.Fatalf("events out of order at %d", i)
		}
	}
	lastEv := got[5]
	if lastEv.ClaimID != "e2" || lastEv.Actor != fc2 || lastEv.Detail != "line\nbreak and <b>html</b>" || lastEv.At.IsZero() {
		t.Fatalf("last exported event = %+v", lastEv)
	}
	if pub := got[3]; pub.Action != claims.ActionPublishVerdict || pub.Verdict == nil || pub.Verdict.Version != 1 {
		t.Fatalf("publish event = %+v", pub)
	}
	t.Run("empty log", func(t *testing.T) {
		w, _ := newWorkflow(t)
		var buf bytes.Buffer
		if err := w.ExportAudit(ctx, &buf); err != nil || buf.Len() != 0 {
			t.Fatalf("export of an empty log = %q, %v", buf.String(), err)
		}
	})
}

func mustHistory(t *testing.T, w *Workflow, claim string) []claims.ReviewEvent {
	t.Helper()
	h, err := w.History(context.Background(), claim)
	if err != nil {
		t.Fatal(err)
	}
	return h
}
