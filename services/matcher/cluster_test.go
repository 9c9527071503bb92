package matcher

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
)

func claimsOf(t *testing.T, b *bus.Bus) map[string]claims.ItemClaims {
	t.Helper()
	st, _ := b.JS.Stream(context.Background(), bus.StreamClaims)
	info, _ := st.Info(context.Background())
	out := map[string]claims.ItemClaims{}
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(context.Background(), seq)
		if err != nil {
			continue
		}
		ic, err := codec.DecodeItemClaims(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out[ic.ItemID] = ic
	}
	return out
}

// TestClustersAgreeAcrossMatchers: near-duplicate claims analysed by two
// matcher processes (two services following one clusters bucket) get one
// cluster id; a different claim gets another. Localities named in the text
// are added to the source's.
func TestClustersAgreeAcrossMatchers(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b1 := bustest.Bus(t, s, bus.DefaultTopology())
	b2 := bustest.Bus(t, s, bus.DefaultTopology())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g, err := locality.NewGazetteer([]locality.Locality{{Code: "PT-1312", Name: "Porto", Region: "Porto"}, {Code: "PT-1106", Name: "Lisboa", Region: "Lisboa"}})
	if err != nil {
		t.Fatal(err)
	}
	places := locality.NewMatcher(g, locality.Options{})
	engine := claims.NewEngine(claims.NewStore(), claims.DefaultConfig())
	kv1, _ := b1.KV(ctx, bus.BucketClusters)
	kv2, _ := b2.KV(ctx, bus.BucketClusters)
	m1 := New(b1, engine, Options{Batch: 1, Clusters: NewClusters(kv1), Places: places}, zaptest.NewLogger(t))
	m2 := New(b2, engine, Options{Batch: 1, Clusters: NewClusters(kv2), Places: places}, zaptest.NewLogger(t))
	go func() { _ = m1.Run(ctx) }()
	go func() { _ = m2.Run(ctx) }()

	texts := map[string]string{
		"a": "The mayor of Porto said that 40% of the city's buses will be electric by 2027, the highest share in the country.",
		"b": "The mayor of Porto said 40% of the city buses will be electric by 2027, the highest share in the whole country!",
		"c": "Lisboa will spend 12 million euros on new cycle lanes in 2025, twice as much as in 2023, according to the council.",
	}
	for _, id := range []string{"a", "b", "c"} {
		data, _ := codec.EncodeItem(claims.Item{ID: id, SourceID: "src-" + id, Language: "en", Text: texts[id], Localities: []string{"PT-1312"}})
		if _, err := b1.Publish(ctx, bus.ItemSubject("feed", "src-"+id), data, id, nil); err != nil {
			t.Fatal(err)
		}
		// One at a time: each item is analysed before the next is published.
		bustest.Eventually(t, 10*time.Second, "item "+id+" analysed", func() bool { _, ok := claimsOf(t, b1)[id]; return ok })
	}
	got := claimsOf(t, b1)
	cid := func(id string) string {
		ic := got[id]
		if len(ic.Claims) == 0 {
			t.Fatalf("item %s has no claims", id)
		}
		return ic.Claims[0].ClusterID
	}
	if cid("a") == "" || cid("a") != cid("b") {
		t.Errorf("near-duplicates in clusters %q and %q, want one", cid("a"), cid("b"))
	}
	if cid("c") == cid("a") {
		t.Errorf("a different claim joined cluster %q", cid("a"))
	}
	if locs := strings.Join(got["c"].Localities, ","); locs != "PT-1106,PT-1312" {
		t.Errorf("localities of c: %s, want the source's PT-1312 and Lisboa's PT-1106", locs)
	}
}
