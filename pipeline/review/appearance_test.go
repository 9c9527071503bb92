package review

import (
	"context"
	"errors"
	"slices"
	"testing"

	"vigie/claims"
)

// appearanceOf returns an action adding a claim's item as an appearance of
// the verdict of claim verdictClaim, published first.
func appearanceOf(t *testing.T, w *Workflow, verdictClaim string) func(context.Context, *Workflow, claims.Actor, string, uint64) (Result, error) {
	t.Helper()
	run(t, w, verdictClaim, paths[claims.StatusPublished])
	return func(ctx context.Context, w *Workflow, a claims.Actor, c string, r uint64) (Result, error) {
		return w.AddAppearance(ctx, a, c, r, verdictClaim, "https://outlet.example/"+c)
	}
}

// TestAddAppearance: one action adds a claim's item to a published
// verdict's appearances (an add_appearance event on the verdict's claim,
// carrying the verdict) and closes the claim as a duplicate of the
// verdict's claim (an add_appearance event on the claim); no new version,
// no VERDICTS message. Repeating it adds nothing twice; a stale revision,
// an unpublished verdict, the verdict's own claim and a published claim are
// refused without touching the verdict.
func TestAddAppearance(t *testing.T) {
	t.Parallel()
	w, b := newWorkflow(t)
	ctx := context.Background()
	run(t, w, "v1", paths[claims.StatusPublished])
	before := len(verdictMessages(t, b)["v1"])
	run(t, w, "rep1", paths[claims.StatusTriage])
	_, rev, _ := w.Get(ctx, "rep1")
	url := "https://outlet.example/hoax"

	if _, err := w.AddAppearance(ctx, fc, "rep1", rev+7, "v1", url); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale revision: %v, want a conflict", err)
	}
	res, err := w.AddAppearance(ctx, fc, "rep1", rev, "v1", url)
	if err != nil {
		t.Fatal(err)
	}
	if res.State.Status != claims.StatusDuplicate || res.State.DuplicateOf != "v1" || res.Event.Action != claims.ActionAddAppearance ||
		res.Event.Detail != "v1" || res.Event.Verdict != nil {
		t.Fatalf("the claim after the action: %+v, event %+v", res.State, res.Event)
	}
	v, err := w.Verdict(ctx, "v1")
	if err != nil || !slices.Equal(v.Appearances, append(slices.Clone(goodInput().Appearances), url)) || v.Version != 1 {
		t.Fatalf("verdict: %+v, %v", v, err)
	}
	hist, err := w.History(ctx, "v1")
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	if last.Action != claims.ActionAddAppearance || last.Detail != "rep1" || last.Verdict == nil ||
		!slices.Contains(last.Verdict.Appearances, url) || last.Actor != fc {
		t.Fatalf("the verdict's claim's last event: %+v", last)
	}
	if st, _, _ := w.Get(ctx, "v1"); st.Status != claims.StatusPublished {
		t.Errorf("the verdict's claim moved to %s", st.Status)
	}
	if n := len(verdictMessages(t, b)["v1"]); n != before {
		t.Errorf("%d VERDICTS messages after the appearance, want %d", n, before)
	}

	// A client repeating the request after a lost reply gets the result.
	again, err := w.AddAppearance(ctx, fc, "rep1", rev, "v1", url)
	if err != nil || again.Revision != res.Revision {
		t.Fatalf("repeated: %+v, %v", again, err)
	}
	// Another claim, same address: listed once, the claim closed.
	run(t, w, "rep2", nil)
	if _, err := w.AddAppearance(ctx, fc, "rep2", 0, "v1", url); err != nil {
		t.Fatal(err)
	}
	if v, _ := w.Verdict(ctx, "v1"); slices.Index(v.Appearances, url) != len(v.Appearances)-1 || len(v.Appearances) != len(goodInput().Appearances)+1 {
		t.Errorf("appearances after the same address twice: %v", v.Appearances)
	}

	run(t, w, "draft1", paths[claims.StatusDraft])
	run(t, w, "rep3", nil)
	for name, try := range map[string]func() error{
		"unpublished verdict": func() error { _, err := w.AddAppearance(ctx, fc, "rep3", 0, "draft1", url+"3"); return err },
		"its own verdict":     func() error { _, err := w.AddAppearance(ctx, fc, "v1", 0, "v1", url+"3"); return err },
		"not a web address":   func() error { _, err := w.AddAppearance(ctx, fc, "rep3", 0, "v1", "ftp://x"); return err },
		"subscriber":          func() error { _, err := w.AddAppearance(ctx, sub, "rep3", 0, "v1", url+"3"); return err },
		"no such verdict":     func() error { _, err := w.AddAppearance(ctx, fc, "rep3", 0, "nope", url+"3"); return err },
	} {
		if err := try(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	run(t, w, "pub2", paths[claims.StatusPublished])
	_, prev, _ := w.Get(ctx, "pub2")
	if _, err := w.AddAppearance(ctx, fc, "pub2", prev, "v1", url+"4"); err == nil {
		t.Error("a claim with its own published verdict became an appearance")
	}
	if v, _ := w.Verdict(ctx, "v1"); len(v.Appearances) != len(goodInput().Appearances)+1 {
		t.Errorf("refused actions changed the appearances: %v", v.Appearances)
	}
}
