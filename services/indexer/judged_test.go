package indexer

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/review"
)

// TestClusterJudgementOnEveryClaim: a match rejected for a cluster unflags
// every claim of the cluster already indexed, and a claim of the cluster
// indexed later carries the judgement too; a match rejected for one claim
// leaves the others flagged.
func TestClusterJudgementOnEveryClaim(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := zaptest.NewLogger(t)
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	bl := openBleve(t)
	rkv, _ := b.KV(ctx, bus.BucketReview)
	jkv, _ := b.KV(ctx, bus.BucketJudgements)
	wf, err := review.New(ctx, b, review.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	match := claims.Match{FactCheckID: "fc-1", Text: "The council spent a million euros on a party.", Score: 0.9, Auto: true, Rating: claims.RatingFalse}
	publish := func(item string, claimIDs ...string) {
		t.Helper()
		ic := claims.ItemClaims{ItemID: item, SourceID: "src-" + item, Language: "en", Analyzed: time.Now()}
		for _, id := range claimIDs {
			ic.Claims = append(ic.Claims, claims.Claim{ID: id, Text: "They say the council spent a million euros on a party.",
				Worthiness: 0.9, Flagged: true, ClusterID: "k1", Matches: []claims.Match{match}})
		}
		data, _ := codec.EncodeItemClaims(ic)
		if _, err := b.Publish(ctx, bus.ClaimsSubject("en"), data, item, nil); err != nil {
			t.Fatal(err)
		}
	}
	publish("i1", "a")
	publish("i2", "b")
	s := New(b, bl, Options{Review: rkv, Judgements: review.NewJudgementIndex(jkv, log)}, log)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	doc := func(id string) claimdoc.Claim {
		d, err := bl.Get(ctx, id)
		if err != nil {
			return claimdoc.Claim{}
		}
		c, _ := claimdoc.FromDocument(d)
		return c
	}
	bustest.Eventually(t, 10*time.Second, "both claims indexed, flagged", func() bool { return doc("a").Flagged && doc("b").Flagged })
	fc := claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}
	if _, err := wf.JudgeMatch(ctx, fc, "a", 0, review.JudgeInput{ClusterID: "k1",
		Pair: claims.Judgement{FactCheckID: "fc-1", Judgement: claims.JudgementRejected, ClaimText: "x", FactCheckText: "y"}}); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "the cluster's judgement on both claims", func() bool {
		a, b := doc("a"), doc("b")
		return !a.Flagged && !b.Flagged && b.Matches[0].Judgement != nil && *b.Matches[0].Judgement == claims.JudgementRejected
	})
	publish("i3", "c")
	bustest.Eventually(t, 10*time.Second, "a claim of the cluster indexed later carries it", func() bool {
		c := doc("c")
		return c.ID == "c" && !c.Flagged && len(c.Matches) == 1 && c.Matches[0].Judgement != nil
	})
	// a judgement for one claim only
	publish("i4", "d")
	bustest.Eventually(t, 10*time.Second, "claim d indexed", func() bool { return doc("d").ID == "d" })
	if _, err := wf.JudgeMatch(ctx, fc, "d", 0, review.JudgeInput{
		Pair: claims.Judgement{FactCheckID: "fc-1", Judgement: claims.JudgementConfirmed, ClaimText: "x", FactCheckText: "y"}}); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "d confirmed and flagged", func() bool { d := doc("d"); return d.Confirmed && d.Flagged })
	if doc("a").Flagged || doc("a").Confirmed {
		t.Errorf("a judgement for claim d changed claim a: %+v", doc("a"))
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
