package matcher

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/review"
)

// lastClaims returns the last CLAIMS message of an item, and how many the
// item has.
func lastClaims(t *testing.T, b *bus.Bus, itemID string) (claims.ItemClaims, int) {
	t.Helper()
	st, err := b.JS.Stream(context.Background(), bus.StreamClaims)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var last claims.ItemClaims
	n := 0
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
		m, err := st.GetMsg(context.Background(), seq)
		if err != nil {
			continue
		}
		ic, err := codec.DecodeItemClaims(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if ic.ItemID == itemID {
			last, n = ic, n+1
		}
	}
	return last, n
}

// TestRejectedPairsNeverAgain: a pair rejected for a claim is gone from the
// claim after a re-match (which passes JetStream's de-duplication of
// CLAIMS), the claim is no longer flagged and is kept as low priority; a
// pair rejected for a cluster is not suggested to a new item of the
// cluster; the sentence's paragraph travels with the claim.
func TestRejectedPairsNeverAgain(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := zaptest.NewLogger(t)
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	hoax := "The mayor spent one million euros of public money on a private party at the town hall."
	store := claims.NewStore()
	store.Add(claims.FactCheck{ID: "fc-party", Text: hoax, Title: "No, the mayor did not", Language: "en", Rating: claims.RatingFalse})
	wf, err := review.New(ctx, b, review.Config{}, log)
	if err != nil {
		t.Fatal(err)
	}
	jkv, err := b.KV(ctx, bus.BucketJudgements)
	if err != nil {
		t.Fatal(err)
	}
	ckv, err := b.KV(ctx, bus.BucketClusters)
	if err != nil {
		t.Fatal(err)
	}
	m := New(b, claims.NewEngine(store, claims.DefaultConfig()), Options{Rejections: NewRejections(jkv, log), Clusters: NewClusters(ckv, claims.NewClusterer(store, 0, 0), log)}, log)
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()

	publish := func(id, source string) {
		t.Helper()
		data, _ := codec.EncodeItem(claims.Item{ID: id, SourceID: source, Language: "en", Title: "Town news",
			Text: "The council met on Monday.\nA post says it: " + hoax + " The post was shared widely."})
		if _, err := b.Publish(ctx, bus.ItemSubject("feed", source), data, id, nil); err != nil {
			t.Fatal(err)
		}
	}
	publish("item-1", "local")
	var first claims.ItemClaims
	bustest.Eventually(t, 20*time.Second, "the item's claims", func() bool { first, _ = lastClaims(t, b, "item-1"); return first.ItemID != "" })
	var hit *claims.Claim
	for i, c := range first.Claims {
		if len(c.Matches) > 0 {
			hit = &first.Claims[i]
		}
	}
	if hit == nil || hit.Matches[0].FactCheckID != "fc-party" || !hit.Flagged {
		t.Fatalf("the hoax's sentence should match fc-party and be flagged: %+v", first.Claims)
	}
	if hit.Paragraph == "" || hit.Paragraph == hit.Text {
		t.Errorf("paragraph = %q, want the sentence's surroundings", hit.Paragraph)
	}
	r1, err := wf.JudgeMatch(ctx, claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}, hit.ID, 0, review.JudgeInput{
		Pair: claims.Judgement{FactCheckID: "fc-party", Judgement: claims.JudgementRejected, ClaimText: hit.Text, FactCheckText: hoax}})
	if err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "the matcher sees the rejection", func() bool {
		return m.opts.Rejections.Rejected(hit.ID, "", "fc-party")
	})
	if _, err := RequestRematch(ctx, b, "local", "item-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	var again claims.ItemClaims
	bustest.Eventually(t, 20*time.Second, "a second CLAIMS message for the item", func() bool {
		var n int
		again, n = lastClaims(t, b, "item-1")
		return n == 2
	})
	for _, c := range again.Claims {
		if c.ID == hit.ID {
			if len(c.Matches) != 0 || c.Flagged {
				t.Errorf("after the re-match the rejected pair is back: %+v", c)
			}
			if c.Worthiness < claims.DefaultConfig().WorthinessThreshold && !c.LowPriority {
				t.Errorf("a claim that lost its only match is dropped in silence: %+v", c)
			}
			hit.ClusterID = c.ClusterID
		}
	}
	if hit.ClusterID == "" {
		t.Fatal("the claim has no cluster id")
	}
	// the same hoax in another outlet: its claim is another claim of the
	// cluster; rejected for the cluster, the pair is not suggested to it
	if _, err := wf.JudgeMatch(ctx, claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}, hit.ID, r1.Revision, review.JudgeInput{
		ClusterID: hit.ClusterID,
		Pair:      claims.Judgement{FactCheckID: "fc-party", Judgement: claims.JudgementRejected, ClaimText: hit.Text, FactCheckText: hoax}}); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "the matcher sees the cluster's rejection", func() bool {
		return m.opts.Rejections.Rejected("any", hit.ClusterID, "fc-party")
	})
	publish("item-2", "elsewhere")
	var other claims.ItemClaims
	bustest.Eventually(t, 20*time.Second, "the other outlet's claims", func() bool { other, _ = lastClaims(t, b, "item-2"); return other.ItemID != "" })
	inCluster := false
	for _, c := range other.Claims {
		if c.ClusterID == hit.ClusterID {
			inCluster = true
			if len(c.Matches) != 0 || c.Flagged {
				t.Errorf("a pair rejected for the cluster is suggested to its new claim: %+v", c)
			}
		}
	}
	if !inCluster {
		t.Errorf("the other outlet's hoax is not in the cluster %s: %+v", hit.ClusterID, other.Claims)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
