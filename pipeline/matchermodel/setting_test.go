package matchermodel

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
)

// TestSwitchAndBack: the shipped model until a choice; a model file
// switched on with who and when, the choice it replaced kept; back to the
// previous one, then to the shipped one; an invalid file refused.
func TestSwitchAndBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	kv, err := b.KV(ctx, bus.BucketSettings)
	if err != nil {
		t.Fatal(err)
	}
	st := NewStore(kv)
	cur, err := st.Current(ctx)
	if err != nil || !cur.IsShipped() || cur.Previous != nil {
		t.Fatalf("initial setting %+v, %v", cur, err)
	}
	if _, err := st.Revert(ctx, "ana"); !errors.Is(err, ErrInvalid) {
		t.Errorf("revert with nothing to go back to: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "claims", "eval", "testdata", "newsroom-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	set, err := st.Use(ctx, "newsroom-model.json", raw, "ana")
	if err != nil || set.IsShipped() || set.By != "ana" || set.At.IsZero() || set.Previous == nil || !set.Previous.IsShipped() {
		t.Fatalf("use: %+v, %v", set, err)
	}
	if m, err := set.MatcherModel(); err != nil || len(m.Weights) == 0 {
		t.Fatalf("the stored model: %v", err)
	}
	for name, bad := range map[string][]byte{"not JSON": []byte("nope"), "too few weights": []byte(`{"weights":[1],"mean":[0],"scale":[1]}`)} {
		if _, err := st.Use(ctx, name, bad, "ana"); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := st.Use(ctx, Shipped, raw, "ana"); !errors.Is(err, ErrInvalid) {
		t.Errorf("a file named %q: %v", Shipped, err)
	}
	if cur, _ := st.Current(ctx); cur.Source != "newsroom-model.json" {
		t.Fatalf("refused files changed the setting: %+v", cur)
	}
	back, err := st.UseShipped(ctx, "root")
	if err != nil || !back.IsShipped() || back.Previous.Source != "newsroom-model.json" || back.Previous.Previous != nil {
		t.Fatalf("shipped: %+v, %v", back, err)
	}
	again, err := st.Revert(ctx, "root")
	if err != nil || again.Source != "newsroom-model.json" || len(again.Model) == 0 || !again.Previous.IsShipped() {
		t.Fatalf("revert: %+v, %v", again, err)
	}
}
