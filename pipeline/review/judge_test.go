package review

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/codec"
)

func pair(fcID string, j claims.MatchJudgement) JudgeInput {
	return JudgeInput{Pair: claims.Judgement{ClaimText: "The mayor spent 1,000 € on the party.", ClaimLanguage: "en",
		FactCheckID: fcID, FactCheckText: "The mayor spent 1,000 € of public money on a party.", Judgement: j}}
}

// TestJudgeMatch judges two matches of a claim: the state keeps them (the
// latest per fact-check), the events carry the records, the projection
// answers for the claim and its cluster, and the export is a judgement
// file that claims.ReadJudgements reads back.
func TestJudgeMatch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w, _ := newWorkflow(t)
	const claim = "c0ffee"
	r1, err := w.JudgeMatch(ctx, fc, claim, 0, pair("fc-1", claims.JudgementRejected))
	if err != nil {
		t.Fatal(err)
	}
	in := pair("fc-2", claims.JudgementConfirmed)
	in.Note = "same hoax, reworded"
	r2, err := w.JudgeMatch(ctx, fc2, claim, r1.Revision, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.JudgeMatch(ctx, fc, claim, r1.Revision, pair("fc-3", claims.JudgementRejected)); !errors.Is(err, ErrConflict) {
		t.Errorf("judging on a stale revision: err = %v, want a conflict", err)
	}
	if _, err := w.JudgeMatch(ctx, sub, claim, r2.Revision, pair("fc-3", claims.JudgementRejected)); !errors.Is(err, ErrForbidden) {
		t.Errorf("a subscriber judging: err = %v, want forbidden", err)
	}
	if _, err := w.JudgeMatch(ctx, fc, claim, r2.Revision, pair("fc-3", "maybe")); !errors.Is(err, ErrInvalid) {
		t.Errorf("judgement maybe: err = %v, want invalid", err)
	}
	// a person changes their mind: fc-1 confirmed after all, for the cluster
	in3 := pair("fc-1", claims.JudgementConfirmed)
	in3.ClusterID = "k42"
	r3, err := w.JudgeMatch(ctx, fc, claim, r2.Revision, in3)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := w.Get(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Judgements) != 2 {
		t.Fatalf("state judgements = %+v, want 2 (latest per fact-check)", st.Judgements)
	}
	if j, ok := st.Judged("fc-2"); !ok || j.Judgement != claims.JudgementConfirmed || j.By != "paulo" || j.Note != "same hoax, reworded" || j.At.IsZero() {
		t.Errorf("fc-2 judged = %+v, %v", j, ok)
	}
	if j, _ := st.Judged("fc-1"); j.Judgement != claims.JudgementConfirmed || j.ClusterID != "k42" {
		t.Errorf("fc-1 judged = %+v, want confirmed for cluster k42", j)
	}
	// the event, as read back from the stream (what the alerter decodes)
	h, err := w.History(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 {
		t.Fatalf("history has %d events, want 3", len(h))
	}
	e := h[1]
	if e.Action != claims.ActionJudgeMatch || e.Judgement == nil || e.Judgement.FactCheckID != "fc-2" ||
		e.Judgement.Judgement.Judgement != claims.JudgementConfirmed || e.Judgement.JudgedBy != "paulo" ||
		e.Judgement.ClaimID != claim || e.Detail != "confirmed fc-2: same hoax, reworded" || len(e.After.Judgements) != 2 {
		t.Errorf("event = %+v, judgement %+v", e, e.Judgement)
	}
	if r3.Event.Judgement.ClusterID != "k42" {
		t.Errorf("cluster judgement event = %+v", r3.Event.Judgement)
	}
	// the projection: the claim's own, then with its cluster's
	own, err := w.Judgements().For(ctx, claim, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(own) != 2 || own[0].FactCheckID != "fc-1" || own[0].Judgement.Judgement != claims.JudgementRejected ||
		len(Rejected(own)) != 1 || len(Confirmed(own)) != 1 {
		t.Errorf("claim's own judgements = %+v", own)
	}
	withCluster, err := w.Judgements().For(ctx, claim, "k42")
	if err != nil {
		t.Fatal(err)
	}
	if len(withCluster) != 2 || withCluster[0].Judgement.Judgement != claims.JudgementConfirmed {
		t.Errorf("with the cluster's judgement, fc-1 should be confirmed (latest): %+v", withCluster)
	}
	other, err := w.Judgements().For(ctx, "another", "k42")
	if err != nil {
		t.Fatal(err)
	}
	if len(other) != 1 || other[0].FactCheckID != "fc-1" {
		t.Errorf("another claim of cluster k42 gets the cluster's judgement: %+v", other)
	}
	var buf bytes.Buffer
	if err := w.Judgements().Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	js, err := claims.ReadJudgements(&buf)
	if err != nil {
		t.Fatalf("export is not a judgement file: %v\n%s", err, buf.String())
	}
	if len(js) != 2 {
		t.Errorf("export has %d pairs, want 2 (claim fc-1 twice: latest wins): %+v", len(js), js)
	}
}

// TestJudgedStateCodec round-trips a state with judgements through the codec.
func TestJudgedStateCodec(t *testing.T) {
	t.Parallel()
	st := claims.NewReviewState().Judge(claims.JudgedMatch{FactCheckID: "x", Judgement: claims.JudgementRejected, By: "a",
		At: testTime(), Note: "n", ClusterID: "k"})
	b, err := codec.EncodeReviewState(st)
	if err != nil {
		t.Fatal(err)
	}
	got, err := codec.DecodeReviewState(b)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(st) {
		t.Errorf("round trip: %+v, want %+v", got, st)
	}
	if _, err := codec.EncodeReviewState(claims.NewReviewState().Judge(claims.JudgedMatch{FactCheckID: "x", Judgement: "maybe"})); err == nil {
		t.Error("an unknown judgement encoded without error")
	}
}

func testTime() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
