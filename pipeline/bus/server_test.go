package bus

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
)

// TestEmbeddedRestartAfterWriteError: a JetStream write error logged by the
// server is reported by StoreError until Restart, which brings the server
// back on the same address with what it had stored; clients reconnect.
func TestEmbeddedRestartAfterWriteError(t *testing.T) {
	t.Parallel()
	log := zaptest.NewLogger(t)
	store := t.TempDir()
	emb, err := StartEmbedded(EmbeddedConfig{StoreDir: store}, log)
	if err != nil {
		t.Fatal(err)
	}
	defer emb.Shutdown()
	ep := emb.Endpoint()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := Connect(ctx, ConnectConfig{URLs: []string{ep.URL}, User: ep.User, Password: ep.Password, Name: "test"}, DefaultTopology(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := b.Publish(ctx, ItemSubject("feed", "s"), []byte("x"), "id-"+string(rune('a'+i)), nil); err != nil {
			t.Fatal(err)
		}
	}

	emb.noteError("JetStream is at 12% of its store") // not a write error
	if err := emb.StoreError(); err != nil {
		t.Fatalf("StoreError after an unrelated log line: %v", err)
	}
	emb.noteError("JetStream stream '$G > CLAIMS' critical write error: write /x/1.blk: no space left on device")
	serr := emb.StoreError()
	if serr == nil || !strings.Contains(serr.Error(), store) || !strings.Contains(serr.Error(), "no space left") {
		t.Fatalf("StoreError = %v, want one naming %s and the cause", serr, store)
	}

	if err := emb.Restart(); err != nil {
		t.Fatal(err)
	}
	if err := emb.StoreError(); err != nil {
		t.Fatalf("StoreError after Restart: %v", err)
	}
	if got := emb.Endpoint().URL; got != ep.URL {
		t.Fatalf("restarted on %s, clients connect to %s", got, ep.URL)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := b.Publish(ctx, ItemSubject("feed", "s"), []byte("x"), "id-d", nil)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no publish after the restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	st, err := b.JS.Stream(ctx, StreamItems)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 4 {
		t.Fatalf("ITEMS holds %d messages after the restart, want 4 (3 stored before, 1 after)", info.State.Msgs)
	}
}
