package review

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/publish"
)

var (
	fc     = claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}
	fc2    = claims.Actor{Name: "paulo", Role: claims.RoleFactChecker}
	ed     = claims.Actor{Name: "edith", Role: claims.RoleEditor}
	admin  = claims.Actor{Name: "root", Role: claims.RoleAdmin}
	sub    = claims.Actor{Name: "mairie", Role: claims.RoleSubscriber}
	nobody = claims.Actor{Name: "", Role: claims.RoleAdmin}
)

var testSite = Site{Publisher: publish.Party{Name: "La Vigie locale", URL: "https://news.example"}, BaseURL: "https://news.example/"}

// clock is a deterministic clock: each call is one second later.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func newWorkflow(t testing.TB) (*Workflow, *bus.Bus) {
	t.Helper()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	c := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	w, err := New(context.Background(), b, Config{Site: testSite, Now: c.Now}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return w, b
}

func goodInput() claims.VerdictInput {
	return claims.VerdictInput{
		ClaimReviewed: "The town hall will close the Saint-Martin library in January.",
		Rating:        claims.RatingFalse, TextualRating: "Faux",
		Summary:  "The council voted to keep the library open; no closure is planned.",
		Sources:  []string{"https://mairie.example/deliberation-2026-11.pdf"},
		Claimant: "A viral post", Appearances: []string{"https://social.example/@someone/1"},
		Localities: []string{"fr-75056", "FR-69123"}, Language: "fr",
	}
}

// step is one action in a scripted sequence.
type step struct {
	name  string
	actor claims.Actor
	do    func(ctx context.Context, w *Workflow, a claims.Actor, claim string, rev uint64) (Result, error)
}

func assign(to string) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.Assign(ctx, a, c, r, to)
	}
}

func status(to claims.ReviewStatus) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.SetStatus(ctx, a, c, r, to)
	}
}

func note(n string) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.AddNote(ctx, a, c, r, n)
	}
}

func draft(in claims.VerdictInput) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.DraftVerdict(ctx, a, c, r, in)
	}
}

func submit(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
	return w.SubmitVerdict(ctx, a, c, r)
}

func publishV(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
	return w.PublishVerdict(ctx, a, c, r)
}

func correct(in claims.VerdictInput, n string) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.CorrectVerdict(ctx, a, c, r, in, n)
	}
}

func retract(n string) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.RetractVerdict(ctx, a, c, r, n)
	}
}

func duplicateOf(of string) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.MarkDuplicate(ctx, a, c, r, of)
	}
}

// run performs steps on claim, failing the test on any error; it returns
// the last result.
func run(t *testing.T, w *Workflow, claim string, steps []step) Result {
	t.Helper()
	ctx := context.Background()
	_, rev, err := w.Get(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	var res Result
	for _, s := range steps {
		res, err = s.do(ctx, w, s.actor, claim, rev)
		if err != nil {
			t.Fatalf("step %s by %s: %v", s.name, s.actor.Role, err)
		}
		rev = res.Revision
	}
	return res
}

// paths bring a claim to each status.
var paths = map[claims.ReviewStatus][]step{
	claims.StatusNew:        nil,
	claims.StatusTriage:     {{"triage", fc, status(claims.StatusTriage)}},
	claims.StatusInProgress: {{"in progress", fc, status(claims.StatusInProgress)}},
	claims.StatusDraft:      {{"in progress", fc, status(claims.StatusInProgress)}, {"draft", fc, draft(goodInput())}},
	claims.StatusAwaitingApproval: {{"in progress", fc, status(claims.StatusInProgress)}, {"draft", fc, draft(goodInput())},
		{"submit", fc, submit}},
	claims.StatusPublished: {{"in progress", fc, status(claims.StatusInProgress)}, {"draft", fc, draft(goodInput())},
		{"submit", fc, submit}, {"publish", ed, publishV}},
	claims.StatusDismissed: {{"dismiss", fc, status(claims.StatusDismissed)}},
	claims.StatusDuplicate: {{"duplicate", fc, duplicateOf("c0ffee")}},
	statusIncompleteDraft: {{"in progress", fc, status(claims.StatusInProgress)},
		{"draft", fc, draft(claims.VerdictInput{ClaimReviewed: "x", Language: "fr"})}},
}

// statusIncompleteDraft names the path to a draft lacking what publication needs.
const statusIncompleteDraft claims.ReviewStatus = "draft (incomplete)"

func TestTransitions(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	tests := []struct {
		name  string
		from  claims.ReviewStatus
		actor claims.Actor
		do    func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error)
		want  error // nil: allowed
		to    claims.ReviewStatus
	}{
		{"factchecker triages a new claim", claims.StatusNew, fc, status(claims.StatusTriage), nil, claims.StatusTriage},
		{"editor starts research", claims.StatusTriage, ed, status(claims.StatusInProgress), nil, claims.StatusInProgress},
		{"factchecker dismisses", claims.StatusInProgress, fc, status(claims.StatusDismissed), nil, claims.StatusDismissed},
		{"reopen a dismissed claim", claims.StatusDismissed, fc, status(claims.StatusTriage), nil, claims.StatusTriage},
		{"un-duplicate", claims.StatusDuplicate, fc, status(claims.StatusTriage), nil, claims.StatusTriage},
		{"subscriber may not triage", claims.StatusNew, sub, status(claims.StatusTriage), ErrForbidden, ""},
		{"actor without a name", claims.StatusNew, nobody, status(claims.StatusTriage), ErrInvalid, ""},
		{"unknown role", claims.StatusNew, claims.Actor{Name: "x", Role: "owner"}, status(claims.StatusTriage), ErrForbidden, ""},
		{"status cannot jump to published", claims.StatusInProgress, ed, status(claims.StatusPublished), ErrTransition, ""},
		{"status cannot jump to draft", claims.StatusInProgress, fc, status(claims.StatusDraft), ErrTransition, ""},
		{"status cannot make a duplicate", claims.StatusTriage, fc, status(claims.StatusDuplicate), ErrTransition, ""},
		{"published claim keeps its status", claims.StatusPublished, admin, status(claims.StatusInProgress), ErrTransition, ""},
		{"unknown status", claims.StatusNew, fc, status("closed"), ErrInvalid, ""},
		{"factchecker drafts", claims.StatusInProgress, fc, draft(goodInput()), nil, claims.StatusDraft},
		{"cannot draft a new claim", claims.StatusNew, fc, draft(goodInput()), ErrTransition, ""},
		{"draft with a bad url", claims.StatusInProgress, fc, draft(claims.VerdictInput{Sources: []string{"javascript:alert(1)"}}), ErrInvalid, ""},
		{"largest draft", claims.StatusInProgress, fc, draft(claims.VerdictInput{ClaimReviewed: strings.Repeat("é", MaxTextLen/2),
			Summary: strings.Repeat("s", MaxTextLen), Sources: manyURLs(MaxListLen)}), nil, claims.StatusDraft},
		{"factchecker submits", claims.StatusDraft, fc, submit, nil, claims.StatusAwaitingApproval},
		{"incomplete draft is not submitted", statusIncompleteDraft, fc, submit, ErrInvalid, ""},
		{"factchecker may not publish", claims.StatusAwaitingApproval, fc, publishV, ErrForbidden, ""},
		{"subscriber may not publish", claims.StatusAwaitingApproval, sub, publishV, ErrForbidden, ""},
		{"editor publishes", claims.StatusAwaitingApproval, ed, publishV, nil, claims.StatusPublished},
		{"admin publishes", claims.StatusAwaitingApproval, admin, publishV, nil, claims.StatusPublished},
		{"editor cannot publish an unsubmitted draft", claims.StatusDraft, ed, publishV, ErrTransition, ""},
		{"editor sends back to draft", claims.StatusAwaitingApproval, ed, status(claims.StatusDraft), nil, claims.StatusDraft},
		{"factchecker may not correct", claims.StatusPublished, fc, correct(goodInput(), "typo"), ErrForbidden, ""},
		{"editor corrects", claims.StatusPublished, ed, correct(goodInput(), "typo"), nil, claims.StatusPublished},
		{"correction needs a note", claims.StatusPublished, ed, correct(goodInput(), " "), ErrInvalid, ""},
		{"cannot correct a draft", claims.StatusDraft, ed, correct(goodInput(), "typo"), ErrTransition, ""},
		{"factchecker may not retract", claims.StatusPublished, fc, retract("wrong"), ErrForbidden, ""},
		{"editor retracts", claims.StatusPublished, ed, retract("wrong"), nil, claims.StatusPublished},
		{"mark duplicate", claims.StatusTriage, fc, duplicateOf("abc123"), nil, claims.StatusDuplicate},
		{"duplicate of itself", claims.StatusTriage, fc, func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
			return w.MarkDuplicate(ctx, a, c, r, c)
		}, ErrInvalid, ""},
		{"duplicate of a duplicate", claims.StatusTriage, fc, func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
			if _, err := w.MarkDuplicate(ctx, a, c+"-other", 0, "c0ffee"); err != nil {
				return Result{}, err
			}
			return w.MarkDuplicate(ctx, a, c, r, c+"-other")
		}, ErrInvalid, ""},
		{"published claim is no duplicate", claims.StatusPublished, ed, duplicateOf("abc123"), ErrTransition, ""},
		{"note on any status", claims.StatusPublished, fc, note("seen again on radio"), nil, claims.StatusPublished},
		{"empty note", claims.StatusTriage, fc, note("  "), ErrInvalid, ""},
		{"assign", claims.StatusTriage, ed, assign("fanny"), nil, claims.StatusTriage},
		{"assign a published claim", claims.StatusPublished, ed, assign("fanny"), ErrTransition, ""},
		{"bad claim id", claims.StatusNew, fc, func(ctx context.Context, w *Workflow, a claims.Actor, _ string, r uint64) (Result, error) {
			return w.Assign(ctx, a, "Bad Id.*", r, "x")
		}, ErrInvalid, ""},
	}
	ctx := context.Background()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claim := "claim-" + string(rune('a'+i/26)) + string(rune('a'+i%26))
			run(t, w, claim, paths[tt.from])
			before, rev, err := w.Get(ctx, claim)
			if err != nil {
				t.Fatal(err)
			}
			res, err := tt.do(ctx, w, tt.actor, claim, rev)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				after, arev, gerr := w.Get(ctx, claim)
				if gerr != nil {
					t.Fatal(gerr)
				}
				if arev != rev || !after.Equal(before) {
					t.Fatalf("refused action changed the claim: rev %d → %d, %+v → %+v", rev, arev, before, after)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want success", err)
			}
			if res.State.Status != tt.to {
				t.Fatalf("status = %s, want %s", res.State.Status, tt.to)
			}
			got, grev, err := w.Get(ctx, claim)
			if err != nil {
				t.Fatal(err)
			}
			if grev != res.Revision || !got.Equal(res.State) || grev <= rev {
				t.Fatalf("stored %+v at %d, result %+v at %d (was %d)", got, grev, res.State, res.Revision, rev)
			}
		})
	}
}

func TestTypedErrors(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	_, err := w.PublishVerdict(ctx, fc, "c1", 0)
	var fe *ForbiddenError
	if !errors.As(err, &fe) || fe.Actor != fc || fe.Action != claims.ActionPublishVerdict {
		t.Fatalf("err = %v, want *ForbiddenError for %v", err, fc)
	}
	_, err = w.SetStatus(ctx, ed, "c1", 0, claims.StatusPublished)
	var te *TransitionError
	if !errors.As(err, &te) || te.From != claims.StatusNew || te.To != claims.StatusPublished || te.Reason == "" {
		t.Fatalf("err = %v, want *TransitionError new→published with a reason", err)
	}
}

func TestConcurrentEditsConflict(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	const claim = "0a1b2c"
	base := run(t, w, claim, []step{{"triage", fc, status(claims.StatusTriage)}, {"note", fc, note("first look")}})

	// Both saw base.Revision; they act at once.
	var wg sync.WaitGroup
	results := make([]Result, 2)
	errs := make([]error, 2)
	start := make(chan struct{})
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-start
		results[0], errs[0] = w.Assign(ctx, fc, claim, base.Revision, "fanny")
	}()
	go func() {
		defer wg.Done()
		<-start
		results[1], errs[1] = w.AddNote(ctx, fc2, claim, base.Revision, "source found")
	}()
	close(start)
	wg.Wait()

	won, lost := 0, 1
	if errs[0] != nil {
		won, lost = 1, 0
	}
	if errs[won] != nil {
		t.Fatalf("both edits failed: %v / %v", errs[0], errs[1])
	}
	var ce *ConflictError
	if !errors.As(errs[lost], &ce) {
		t.Fatalf("second edit: err = %v, want *ConflictError", errs[lost])
	}
	if ce.Seen != base.Revision || ce.Revision != results[won].Revision || !ce.Current.Equal(results[won].State) {
		t.Fatalf("conflict carries seen %d rev %d %+v; want seen %d rev %d %+v", ce.Seen, ce.Revision, ce.Current,
			base.Revision, results[won].Revision, results[won].State)
	}
	wantDiff := map[int][]Change{
		0: {{Field: "assignee", Saw: "", Now: "fanny"}},
		1: {{Field: "notes", Saw: "first look", Now: "first look; source found"}},
	}[won]
	if !slices.Equal(ce.Diff, wantDiff) {
		t.Fatalf("diff = %+v, want %+v", ce.Diff, wantDiff)
	}
	if len(ce.Since) != 1 || ce.Since[0].Actor != []claims.Actor{fc, fc2}[won] {
		t.Fatalf("since = %+v, want the winner's one event", ce.Since)
	}
	hist, err := w.History(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 3 {
		t.Fatalf("history has %d events, want 3 (the loser recorded nothing)", len(hist))
	}
	// Retrying with the revision from the conflict succeeds.
	if lost == 1 {
		_, err = w.AddNote(ctx, fc2, claim, ce.Revision, "source found")
	} else {
		_, err = w.Assign(ctx, fc, claim, ce.Revision, "fanny")
	}
	if err != nil {
		t.Fatalf("retry with the current revision: %v", err)
	}
}

func TestConflictShowsVerdictDiff(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	const claim = "d1ff"
	res := run(t, w, claim, paths[claims.StatusDraft])
	changed := goodInput()
	changed.Rating, changed.Summary = claims.RatingMisleading, "Partly: the library moves."
	if _, err := w.DraftVerdict(ctx, fc2, claim, res.Revision, changed); err != nil {
		t.Fatal(err)
	}
	_, err := w.DraftVerdict(ctx, fc, claim, res.Revision, goodInput())
	var ce *ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *ConflictError", err)
	}
	want := []Change{{Field: "verdict.rating", Saw: "false", Now: "misleading"},
		{Field: "verdict.summary", Saw: goodInput().Summary, Now: "Partly: the library moves."}}
	if !slices.Equal(ce.Diff, want) {
		t.Fatalf("diff = %+v, want %+v", ce.Diff, want)
	}
	if ce.Verdict == nil || ce.Verdict.Rating != claims.RatingMisleading {
		t.Fatalf("conflict verdict = %+v, want the current draft", ce.Verdict)
	}
}

func TestHistoryReconstructsClaim(t *testing.T) {
	t.Parallel()
	w, b := newWorkflow(t)
	ctx := context.Background()
	const claim = "5e0f"
	steps := []step{
		{"triage", fc, status(claims.StatusTriage)},
		{"assign", ed, assign("fanny")},
		{"note", fc, note("Seen in three local groups.")},
		{"in progress", fc, status(claims.StatusInProgress)},
		{"draft", fc, draft(goodInput())},
		{"submit", fc, submit},
		{"send back", ed, status(claims.StatusDraft)},
		{"redraft", fc, draft(goodInput())},
		{"resubmit", fc, submit},
		{"publish", ed, publishV},
		{"note after", fc2, note("Repeated on radio.")},
		{"correct", ed, correct(goodInput(), "Added the council's vote date.")},
	}
	wantActions := []claims.ReviewAction{claims.ActionStatus, claims.ActionAssign, claims.ActionNote, claims.ActionStatus, claims.ActionDraftVerdict,
		claims.ActionSubmitVerdict, claims.ActionStatus, claims.ActionDraftVerdict, claims.ActionSubmitVerdict, claims.ActionPublishVerdict, claims.ActionNote,
		claims.ActionCorrectVerdict}
	// Interleave another claim's actions: history is per claim.
	run(t, w, "other", []step{{"triage", fc, status(claims.StatusTriage)}})
	last := run(t, w, claim, steps)
	run(t, w, "other", []step{{"note", fc, note("unrelated")}})

	hist, err := w.History(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != len(steps) {
		t.Fatalf("history has %d events, want %d", len(hist), len(steps))
	}
	state := claims.NewReviewState()
	var prevRev uint64
	for i, e := range hist {
		if e.Action != wantActions[i] || e.Actor != steps[i].actor || e.ClaimID != claim {
			t.Errorf("event %d = %s by %+v on %s, want %s by %+v", i, e.Action, e.Actor, e.ClaimID, wantActions[i], steps[i].actor)
		}
		if e.ID != EventID(claim, e.Revision) {
			t.Errorf("event %d id %q, want %q", i, e.ID, EventID(claim, e.Revision))
		}
		if !e.Before.Equal(state) {
			t.Errorf("event %d before = %+v, want the previous after %+v", i, e.Before, state)
		}
		if i > 0 && e.Revision <= prevRev {
			t.Errorf("event %d revision %d not after %d", i, e.Revision, prevRev)
		}
		if e.At.IsZero() {
			t.Errorf("event %d has no time", i)
		}
		state, prevRev = e.After, e.Revision
	}
	cur, rev, err := w.Get(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	if !state.Equal(cur) || rev != last.Revision {
		t.Fatalf("replayed state %+v, bucket %+v at %d (last result %d)", state, cur, rev, last.Revision)
	}
	// The bucket's value is what the indexer decodes.
	kv, err := b.KV(ctx, bus.BucketReview)
	if err != nil {
		t.Fatal(err)
	}
	e, err := kv.Get(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	st, err := codec.DecodeReviewState(e.Value())
	if err != nil || st.Status != claims.StatusPublished || st.Assignee != "fanny" || len(st.Notes) != 2 || st.VerdictID != claim {
		t.Fatalf("bucket value = %+v, %v", st, err)
	}
	if hist[2].Detail != "Seen in three local groups." || hist[11].Verdict == nil || hist[11].Verdict.Version != 2 {
		t.Fatalf("details not kept: %q, %+v", hist[2].Detail, hist[11].Verdict)
	}
}

func TestMerge(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	target := run(t, w, "aaa", []step{{"triage", fc, status(claims.StatusTriage)}})
	d1 := run(t, w, "bbb", []step{{"triage", fc, status(claims.StatusTriage)}})
	t.Run("refused before anything is written when a duplicate moved on", func(t *testing.T) {
		_, err := w.Merge(ctx, fc, "aaa", target.Revision, []Seen{{"bbb", d1.Revision}, {"ccc", 7}})
		if !errors.Is(err, ErrConflict) {
			t.Fatalf("err = %v, want conflict", err)
		}
		for _, c := range []string{"aaa", "bbb"} {
			if h, _ := w.History(ctx, c); len(h) != 1 {
				t.Fatalf("claim %s has %d events, want 1", c, len(h))
			}
		}
	})
	t.Run("merges", func(t *testing.T) {
		res, err := w.Merge(ctx, fc, "aaa", target.Revision, []Seen{{"bbb", d1.Revision}, {"ccc", 0}})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.State.Notes; len(got) != 1 || got[0] != "merged duplicates: bbb, ccc" {
			t.Fatalf("target notes = %q", got)
		}
		for _, c := range []string{"bbb", "ccc"} {
			st, _, err := w.Get(ctx, c)
			if err != nil || st.Status != claims.StatusDuplicate || st.DuplicateOf != "aaa" {
				t.Fatalf("claim %s = %+v, %v", c, st, err)
			}
		}
	})
	t.Run("subscriber may not merge", func(t *testing.T) {
		_, err := w.Merge(ctx, sub, "aaa", 0, []Seen{{"ddd", 0}})
		if !errors.Is(err, ErrForbidden) {
			t.Fatalf("err = %v", err)
		}
	})
}

// verdictMessages reads every message on the VERDICTS stream.
func verdictMessages(t *testing.T, b *bus.Bus) map[string][]*claims.Verdict {
	t.Helper()
	ctx := context.Background()
	st, err := b.JS.Stream(ctx, bus.StreamVerdicts)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]*claims.Verdict{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		v, err := decodeVerdictMsg(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out[m.Subject] = append(out[m.Subject], v)
	}
	return out
}

func factCheck(t *testing.T, b *bus.Bus, id string) (*claims.FactCheck, bool) {
	t.Helper()
	ctx := context.Background()
	kv, err := b.KV(ctx, bus.BucketFactChecks)
	if err != nil {
		t.Fatal(err)
	}
	e, err := kv.Get(ctx, FactCheckKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	f, err := codec.DecodeFactCheck(e.Value())
	if err != nil {
		t.Fatal(err)
	}
	return &f, true
}

func TestVerdictLifecycle(t *testing.T) {
	t.Parallel()
	w, b := newWorkflow(t)
	ctx := context.Background()
	const claim = "7e57"
	res := run(t, w, claim, paths[claims.StatusPublished])

	t.Run("publish", func(t *testing.T) {
		v := res.Verdict
		if v == nil || v.Version != 1 || v.State != claims.VerdictPublished || v.Editor != "edith" || v.Author != "fanny" ||
			v.Published.IsZero() || !v.FirstPublished.Equal(v.Published) {
			t.Fatalf("published verdict = %+v", v)
		}
		msgs := verdictMessages(t, b)
		for _, subj := range []string{"vigie.verdicts.fr-75056", "vigie.verdicts.fr-69123"} {
			if len(msgs[subj]) != 1 || msgs[subj][0].Version != 1 || msgs[subj][0].ClaimReviewed != goodInput().ClaimReviewed ||
				msgs[subj][0].Rating != claims.RatingFalse || msgs[subj][0].Editor != "edith" {
				t.Fatalf("%s: %+v", subj, msgs[subj])
			}
		}
		if len(msgs) != 2 {
			t.Fatalf("verdict announced on %d subjects, want 2: %v", len(msgs), msgs)
		}
		f, ok := factCheck(t, b, claim)
		if !ok {
			t.Fatal("no fact-check record")
		}
		want := claims.FactCheck{ID: "verdict." + claim, Text: goodInput().ClaimReviewed, Title: goodInput().ClaimReviewed,
			Rating: "false", TextualRating: "Faux", Claimant: "A viral post", Publisher: "La Vigie locale",
			URL: "https://news.example/verdicts/" + claim, Language: "fr", Localities: []string{"FR-75056", "FR-69123"},
			Date: v.Published, Version: 1}
		if f.ID != want.ID || f.Text != want.Text || f.Title != want.Title || f.Rating != want.Rating ||
			f.TextualRating != want.TextualRating || f.Publisher != want.Publisher || f.URL != want.URL ||
			f.Language != want.Language || !slices.Equal(f.Localities, want.Localities) || !f.Date.Equal(want.Date) ||
			f.Version != 1 || f.Claimant != want.Claimant {
			t.Fatalf("fact-check = %+v, want %+v", f, want)
		}
		v1, err := w.VerdictVersion(ctx, claim, 1)
		if err != nil || v1.Version != 1 {
			t.Fatalf("version 1 = %+v, %v", v1, err)
		}
	})

	var corrected Result
	t.Run("correction is version 2 with its note", func(t *testing.T) {
		in := goodInput()
		in.Summary += " The vote was on 12 November."
		in.Localities = nil
		var err error
		corrected, err = w.CorrectVerdict(ctx, ed, claim, res.Revision, in, "Added the date of the vote.")
		if err != nil {
			t.Fatal(err)
		}
		v := corrected.Verdict
		if v.Version != 2 || v.CorrectionNote != "Added the date of the vote." || len(v.Corrections) != 1 ||
			v.Corrections[0].Version != 2 || !v.FirstPublished.Before(v.Published) {
			t.Fatalf("corrected = %+v", v)
		}
		msgs := verdictMessages(t, b)
		none := msgs["vigie.verdicts.none"]
		if len(none) != 1 || none[0].Version != 2 || none[0].CorrectionNote != "Added the date of the vote." {
			t.Fatalf("vigie.verdicts.none: %+v", none)
		}
		f, ok := factCheck(t, b, claim)
		if !ok || f.Version != 2 || len(f.Localities) != 0 {
			t.Fatalf("fact-check after correction = %+v", f)
		}
		v1, err := w.VerdictVersion(ctx, claim, 1)
		if err != nil || v1.Summary != goodInput().Summary {
			t.Fatalf("version 1 changed: %+v, %v", v1, err)
		}
		pv := testSite.Publish(v)
		if pv.Version != 2 || len(pv.Corrections) != 1 || pv.Corrections[0].Note != "Added the date of the vote." ||
			!pv.Published.Equal(v.FirstPublished) || !pv.Modified.Equal(v.Published) {
			t.Fatalf("publish.Verdict = %+v", pv)
		}
	})

	t.Run("retraction deletes the fact-check", func(t *testing.T) {
		r, err := w.RetractVerdict(ctx, ed, claim, corrected.Revision, "The source document was forged.")
		if err != nil {
			t.Fatal(err)
		}
		if !r.Verdict.Retracted || r.Verdict.State != claims.VerdictRetracted || r.State.Status != claims.StatusPublished {
			t.Fatalf("retracted = %+v / %+v", r.Verdict, r.State)
		}
		if _, ok := factCheck(t, b, claim); ok {
			t.Fatal("fact-check record still there after retraction")
		}
		none := verdictMessages(t, b)["vigie.verdicts.none"]
		if len(none) != 2 || !none[1].Retracted {
			t.Fatalf("retraction not announced: %+v", none)
		}
		if _, err := w.CorrectVerdict(ctx, ed, claim, r.Revision, goodInput(), "again"); !errors.Is(err, ErrTransition) {
			t.Fatalf("correcting a retracted verdict: err = %v", err)
		}
	})
}

// TestManyConcurrentReviewers has several reviewers add notes to one claim
// at once, each retrying on conflict with the revision the conflict
// carries: every note lands exactly once and the log replays to the bucket.
func TestManyConcurrentReviewers(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	const claim, reviewers, notesEach = "busy", 4, 5
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	reported := map[string]uint64{} // event id → revision the action returned
	for r := range reviewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := claims.Actor{Name: "r" + itoa(r), Role: claims.RoleFactChecker}
			var rev uint64
			for n := range notesEach {
				for {
					res, err := w.AddNote(ctx, a, claim, rev, a.Name+"-"+itoa(n))
					var ce *ConflictError
					if errors.As(err, &ce) {
						mu.Lock()
						conflicts++
						mu.Unlock()
						rev = ce.Revision
						continue
					}
					if err != nil {
						t.Error(err)
						return
					}
					rev = res.Revision
					mu.Lock()
					reported[res.Event.ID] = res.Revision
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()
	hist := mustHistory(t, w, claim)
	if len(hist) != reviewers*notesEach {
		t.Fatalf("history has %d events, want %d", len(hist), reviewers*notesEach)
	}
	state := claims.NewReviewState()
	for _, e := range hist {
		if !e.Before.Equal(state) {
			t.Fatalf("event %s does not follow the previous one", e.ID)
		}
		state = e.After
	}
	cur, curRev, err := w.Get(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range hist {
		want := curRev
		if i+1 < len(hist) {
			want = hist[i+1].Revision
		}
		if reported[e.ID] != want {
			t.Errorf("action %s returned revision %d, but it produced %d", e.ID, reported[e.ID], want)
		}
	}
	if !cur.Equal(state) || len(cur.Notes) != reviewers*notesEach {
		t.Fatalf("bucket has %d notes, replay %d; want %d", len(cur.Notes), len(state.Notes), reviewers*notesEach)
	}
	t.Logf("%d conflicts resolved by retry", conflicts)
}

func TestListVerdicts(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	t.Run("none", func(t *testing.T) {
		vs, err := w.Verdicts(ctx, nil)
		if err != nil || len(vs) != 0 {
			t.Fatalf("verdicts = %v, %v", vs, err)
		}
	})
	p1 := run(t, w, "l1", paths[claims.StatusPublished])
	run(t, w, "l2", paths[claims.StatusDraft])
	run(t, w, "l3", paths[claims.StatusPublished])
	if _, err := w.CorrectVerdict(ctx, ed, "l1", p1.Revision, goodInput(), "Clarified the summary."); err != nil {
		t.Fatal(err)
	}
	all, err := w.Verdicts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, v := range all {
		ids = append(ids, v.ID)
	}
	// l1 was corrected last, so it is the most recent; the draft has no date.
	if !slices.Equal(ids, []string{"l1", "l3", "l2"}) {
		t.Fatalf("verdicts = %v", ids)
	}
	pub, err := w.Verdicts(ctx, func(v *claims.Verdict) bool { return v.Version > 0 })
	if err != nil || len(pub) != 2 {
		t.Fatalf("published = %d, %v", len(pub), err)
	}
	vers, err := w.Versions(ctx, "l1")
	if err != nil || len(vers) != 2 || vers[0].Version != 1 || vers[1].Version != 2 || vers[1].CorrectionNote == "" {
		t.Fatalf("versions = %+v, %v", vers, err)
	}
	if _, err := w.Versions(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("versions of a missing verdict: %v", err)
	}
}

// TestRoleMatrix runs every action, from a status that allows it, as every
// role and as an anonymous actor: it succeeds exactly for the roles Allowed
// names and is otherwise refused with *ForbiddenError, leaving the claim as
// it was.
func TestRoleMatrix(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	merge := func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.Merge(ctx, a, c, r, []Seen{{c + "-dup", 0}})
	}
	actions := []struct {
		action claims.ReviewAction
		from   claims.ReviewStatus
		do     func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error)
	}{
		{claims.ActionAssign, claims.StatusTriage, assign("someone")},
		{claims.ActionStatus, claims.StatusNew, status(claims.StatusTriage)},
		{claims.ActionNote, claims.StatusNew, note("n")},
		{claims.ActionDuplicate, claims.StatusTriage, duplicateOf("c0ffee")},
		{claims.ActionMerge, claims.StatusTriage, merge},
		{claims.ActionDraftVerdict, claims.StatusInProgress, draft(goodInput())},
		{claims.ActionSubmitVerdict, claims.StatusDraft, submit},
		{claims.ActionPublishVerdict, claims.StatusAwaitingApproval, publishV},
		{claims.ActionCorrectVerdict, claims.StatusPublished, correct(goodInput(), "fix")},
		{claims.ActionRetractVerdict, claims.StatusPublished, retract("withdrawn")},
		{claims.ActionAddAppearance, claims.StatusTriage, appearanceOf(t, w, "matrix-verdict")},
		{claims.ActionJudgeMatch, claims.StatusNew, func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
			return w.JudgeMatch(ctx, a, c, r, pair("fc-1", claims.JudgementRejected))
		}},
	}
	if len(actions) != len(claims.Actions) {
		t.Fatalf("matrix covers %d actions of %d", len(actions), len(claims.Actions))
	}
	roles := []string{claims.RoleAdmin, claims.RoleEditor, claims.RoleFactChecker, claims.RoleSubscriber, ""}
	n := 0
	for _, ac := range actions {
		for _, role := range roles {
			name := role
			if name == "" {
				name = "anonymous"
			}
			n++
			t.Run(string(ac.action)+"/"+name, func(t *testing.T) {
				claim := "m" + itoa(n)
				run(t, w, claim, paths[ac.from])
				_, rev, err := w.Get(ctx, claim)
				if err != nil {
					t.Fatal(err)
				}
				_, err = ac.do(ctx, w, claims.Actor{Name: "user-" + name, Role: role}, claim, rev)
				if ac.action.AllowedFor(role) {
					if err != nil {
						t.Fatalf("err = %v, want success", err)
					}
					return
				}
				var fe *ForbiddenError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want *ForbiddenError", err)
				}
				if _, r2, _ := w.Get(ctx, claim); r2 != rev {
					t.Fatalf("refused action moved the claim from %d to %d", rev, r2)
				}
			})
		}
	}
}
