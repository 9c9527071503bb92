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

// TestClustersAgreeAcrossMatchers: same-claim claims analysed by two
// matcher processes (two services following one clusters bucket) get one
// cluster id; a different claim gets another. An item concerns the places
// it names: a Porto source's story on Lisboa is a Lisboa story (issue 13:
// the source's localities only where it names no place outside them).
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
	m1 := New(b1, engine, Options{Batch: 1, Clusters: NewClusters(kv1, nil, zaptest.NewLogger(t)), Places: places}, zaptest.NewLogger(t))
	m2 := New(b2, engine, Options{Batch: 1, Clusters: NewClusters(kv2, nil, zaptest.NewLogger(t)), Places: places}, zaptest.NewLogger(t))
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
	if locs := strings.Join(got["c"].Localities, ","); locs != "PT-1106" {
		t.Errorf("localities of c: %s, want Lisboa's PT-1106 only (the Porto source's story names Lisboa)", locs)
	}
	if locs := strings.Join(got["a"].Localities, ","); locs != "PT-1312" {
		t.Errorf("localities of a: %s, want the source's PT-1312 (it names Porto)", locs)
	}
}

// TestRewordedHoaxInThreeOutlets: one false claim reworded by three outlets
// and analysed by two matcher processes forms one cluster counted in three
// items from three sources, trending at three sources; the article giving
// the true amount and an unrelated one start clusters of their own.
func TestRewordedHoaxInThreeOutlets(t *testing.T) {
	t.Parallel()
	s := bustest.Server(t)
	b1 := bustest.Bus(t, s, bus.DefaultTopology())
	b2 := bustest.Bus(t, s, bus.DefaultTopology())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := claims.NewStore()
	store.Add(claims.FactCheck{ID: "fc-grant", Text: "The council pays a €1,000 back-to-school grant for every child.",
		Title: "No, there is no €1,000 back-to-school grant", Rating: claims.RatingFalse, Publisher: "Desk", URL: "https://factcheck.example/grant"},
		claims.FactCheck{ID: "fc-other", Text: "5G towers spread the coronavirus.", Rating: claims.RatingFalse})
	engine := claims.NewEngine(store, claims.DefaultConfig())
	kv1, _ := b1.KV(ctx, bus.BucketClusters)
	kv2, _ := b2.KV(ctx, bus.BucketClusters)
	log := zaptest.NewLogger(t)
	m1 := New(b1, engine, Options{Batch: 1, Clusters: NewClusters(kv1, claims.NewClusterer(store, 0, 0), log)}, log)
	m2 := New(b2, engine, Options{Batch: 1, Clusters: NewClusters(kv2, claims.NewClusterer(store, 0, 0), log)}, log)
	go func() { _ = m1.Run(ctx) }()
	go func() { _ = m2.Run(ctx) }()

	items := []struct{ id, source, text string }{
		{"hoax-1", "daily-post", "A viral post claims the council will pay families a €1,000 back-to-school grant for every child."},
		{"hoax-2", "evening-news", "Families will receive €1,000 per child from the council's back-to-school grant, according to a widely shared message."},
		{"hoax-3", "city-radio", "Council back-to-school grant: €1000 for each child, says a post shared thousands of times."},
		{"true-amount", "daily-post", "The council's back-to-school grant pays families €632 for each child, the council said on Monday."},
		{"other", "city-radio", "The council said 12 libraries will close for renovation until the end of March 2026."},
	}
	for _, it := range items {
		data, _ := codec.EncodeItem(claims.Item{ID: it.id, SourceID: it.source, Language: "en", Text: it.text})
		if _, err := b1.Publish(ctx, bus.ItemSubject("feed", it.source), data, it.id, nil); err != nil {
			t.Fatal(err)
		}
		bustest.Eventually(t, 10*time.Second, "item "+it.id+" analysed", func() bool { _, ok := claimsOf(t, b1)[it.id]; return ok })
	}
	got := claimsOf(t, b1)
	claim := func(id string) claims.Claim {
		ic := got[id]
		if len(ic.Claims) != 1 {
			t.Fatalf("item %s has %d claims, want 1", id, len(ic.Claims))
		}
		return ic.Claims[0]
	}
	hoax := claim("hoax-1").ClusterID
	if hoax != claim("hoax-1").ID {
		t.Errorf("the first claim's cluster is %q, want one named after it (%s)", hoax, claim("hoax-1").ID)
	}
	for _, id := range []string{"hoax-2", "hoax-3"} {
		if c := claim(id); c.ClusterID != hoax {
			t.Errorf("%s in cluster %q, want the hoax's %q", id, c.ClusterID, hoax)
		}
	}
	for _, id := range []string{"true-amount", "other"} {
		if c := claim(id); c.ClusterID == hoax || c.ClusterID != c.ID {
			t.Errorf("%s in cluster %q, want its own (%s)", id, c.ClusterID, c.ID)
		}
	}
	third := claim("hoax-3").Cluster
	if third.Items != 3 || third.Sources != 3 || len(third.Recent) != 3 {
		t.Fatalf("counts carried by the third outlet's claim: %+v, want 3 items from 3 sources", third)
	}
	first, last := got["hoax-1"].Analyzed, got["hoax-3"].Analyzed
	if !third.First.Equal(first) || !third.Last.Equal(last) {
		t.Errorf("first/last seen %v/%v, want %v/%v", third.First, third.Last, first, last)
	}
	if n := claim("hoax-1").Cluster; n.Items != 1 || n.Sources != 1 {
		t.Errorf("counts carried by the first outlet's claim: %+v, want 1 item, 1 source", n)
	}
	if !third.Trending(last, time.Hour, 3, 3) {
		t.Errorf("three outlets within an hour: not trending at 3 items from 3 sources (%+v)", third)
	}
	if claim("hoax-2").Cluster.Trending(got["hoax-2"].Analyzed, time.Hour, 3, 3) {
		t.Error("two outlets: trending at 3 sources")
	}
	n, err := m1.opts.Clusters.Counts(ctx, hoax)
	if err != nil || n.Items != 3 || n.Sources != 3 {
		t.Errorf("the bucket's counts of the hoax: %+v, %v", n, err)
	}

	// An item delivered again is not counted again and keeps its cluster.
	data, _ := codec.EncodeItem(claims.Item{ID: "hoax-3", SourceID: "city-radio", Language: "en", Text: items[2].text})
	if _, err := m2.opts.Clusters.Assign(ctx, claim("hoax-3")); err != nil {
		t.Fatal(err)
	}
	if err := m2.process(ctx, data, ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := m1.opts.Clusters.Counts(ctx, hoax); n.Items != 3 {
		t.Errorf("after a redelivery the hoax counts %d items, want 3", n.Items)
	}
}
