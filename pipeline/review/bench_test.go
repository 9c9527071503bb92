package review

import (
	"context"
	"testing"

	"vigie/claims"
)

// BenchmarkActionRoundTrip measures one action end to end: reconcile
// check, role and status checks, event append with the expected-sequence
// check, claim state compare-and-set.
func BenchmarkActionRoundTrip(b *testing.B) {
	w, _ := newWorkflow(b)
	ctx := context.Background()
	_, rev, err := w.Get(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := w.Assign(ctx, fc, "bench", rev, "fanny")
		if err != nil {
			b.Fatal(err)
		}
		rev = res.Revision
	}
}

// BenchmarkPublishVerdict measures an editor's publication: the claim
// action plus the verdict records, two announcements and the fact-check.
func BenchmarkPublishVerdict(b *testing.B) {
	w, _ := newWorkflow(b)
	ctx := context.Background()
	in := goodInput()
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		claim := "pub" + itoa(i)
		r, err := w.SetStatus(ctx, fc, claim, 0, claims.StatusInProgress)
		if err == nil {
			r, err = w.DraftVerdict(ctx, fc, claim, r.Revision, in)
		}
		if err == nil {
			r, err = w.SubmitVerdict(ctx, fc, claim, r.Revision)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := w.PublishVerdict(ctx, ed, claim, r.Revision); err != nil {
			b.Fatal(err)
		}
	}
}
