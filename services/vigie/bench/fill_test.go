package bench

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/services/vigie/app/apptest"
)

// TestBenchFillItems: the restart figure's fill step tops ITEMS and CLAIMS
// up with labelled copies, records their ids as seen, and leaves the
// matcher and the indexer with nothing pending, as after processing.
func TestBenchFillItems(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	log := zaptest.NewLogger(t)
	data := t.TempDir()
	open := func() (*bus.Bus, func()) {
		emb, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(data, "nats")}, log)
		if err != nil {
			t.Fatal(err)
		}
		ep := emb.Endpoint()
		b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{ep.URL}, User: ep.User, Password: ep.Password}, bus.DefaultTopology(), log)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Apply(ctx); err != nil {
			t.Fatal(err)
		}
		return b, func() { b.Close(); emb.Shutdown() }
	}
	b, closeBus := open()
	for i := range 3 {
		id := fmt.Sprintf("real-%d", i)
		it, _ := codec.EncodeItem(claims.Item{ID: id, SourceID: "s", Text: "O desemprego caiu 40% no Porto."})
		if _, err := b.Publish(ctx, bus.ItemSubject("feed", "s"), it, id, nil); err != nil {
			t.Fatal(err)
		}
		ic, _ := codec.EncodeItemClaims(claims.ItemClaims{ItemID: id, Claims: []claims.Claim{{ID: id + "-c", Text: "O desemprego caiu 40% no Porto."}}})
		if _, err := b.Publish(ctx, bus.ClaimsSubject("pt"), ic, id, nil); err != nil {
			t.Fatal(err)
		}
	}
	closeBus()

	added, err := fillItems(ctx, data, 50, log)
	if err != nil || added != 47 {
		t.Fatalf("fillItems = %d, %v; want 47 added", added, err)
	}
	if again, err := fillItems(ctx, data, 50, log); err != nil || again != 0 {
		t.Fatalf("second fill to the same size = %d, %v; want 0", again, err)
	}

	b, closeBus = open()
	defer closeBus()
	if n := apptest.StreamMsgs(t, b.JS, bus.StreamItems); n != 50 {
		t.Fatalf("ITEMS holds %d, want 50", n)
	}
	if n := apptest.StreamMsgs(t, b.JS, bus.StreamClaims); n != 50 {
		t.Fatalf("CLAIMS holds %d, want 50", n)
	}
	items := apptest.CountPerItem(t, b.JS, bus.StreamItems)
	claims := apptest.CountPerItem(t, b.JS, bus.StreamClaims)
	for i := range 47 {
		id := fmt.Sprintf("fill-%d", i)
		if items[id] != 1 || claims[id] != 1 {
			t.Fatalf("%s: %d ITEMS and %d CLAIMS messages, want 1 and 1", id, items[id], claims[id])
		}
	}
	seen, err := b.JS.KeyValue(ctx, bus.BucketSeen)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seen.Get(ctx, "fill-46"); err != nil {
		t.Fatalf("fill-46 not recorded as seen: %v", err)
	}
	if !apptest.ConsumerIdle(t, b.JS, bus.StreamItems, bus.ConsumerMatcher) || !apptest.ConsumerIdle(t, b.JS, bus.StreamClaims, bus.ConsumerIndexer) {
		t.Fatal("consumers still have pending messages after the fill")
	}
}
