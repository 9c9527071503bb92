package matcher

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/claims/match"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/matchermodel"
)

// TestModelsFollowTheSetting: a running matcher's engine takes the model the
// workspace switches to, and its shipped engine back; a setting whose model
// is unreadable leaves the model in use.
func TestModelsFollowTheSetting(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	kv, err := b.KV(ctx, bus.BucketSettings)
	if err != nil {
		t.Fatal(err)
	}
	base := claims.NewEngine(claims.NewStore(), claims.DefaultConfig())
	m := NewModels(kv, base, zaptest.NewLogger(t))
	go func() { _ = m.Run(ctx) }()
	<-m.Ready()
	if m.Engine() != base || m.Source() != matchermodel.Shipped {
		t.Fatalf("before any choice: source %q", m.Source())
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "claims", "eval", "testdata", "newsroom-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := match.ParseModel(raw)
	if err != nil {
		t.Fatal(err)
	}
	st := matchermodel.NewStore(kv)
	if _, err := st.Use(ctx, "newsroom-model.json", raw, "ana"); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "the newsroom's model in use", func() bool { return m.Source() == "newsroom-model.json" })
	if got := m.Engine().MatcherModel(); !slices.Equal(got.Weights, want.Weights) || got.A != want.A {
		t.Errorf("engine's model weights %v, want the file's %v", got.Weights, want.Weights)
	}
	// An unreadable model written behind the store's back changes nothing.
	if _, err := kv.Put(ctx, matchermodel.Key, []byte(`{"source":"broken.json","model":{"weights":[1]}}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UseShipped(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 10*time.Second, "the shipped model back", func() bool { return m.Engine() == base })
	if m.Source() != matchermodel.Shipped {
		t.Errorf("source %q after switching back", m.Source())
	}
}
