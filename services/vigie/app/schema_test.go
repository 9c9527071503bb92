package app_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestStartAfterSchemaChange: the first start after a change of the index
// schema version rebuilds the index from the log and serves (it used to
// rebuild, then refuse to start: the error of the old settings survived
// the rebuild).
func TestStartAfterSchemaChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	log := zaptest.NewLogger(t)

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
	const items = 3
	for i := range items {
		id := fmt.Sprintf("item-%d", i)
		it := claims.Item{ID: id, SourceID: "s", Language: "pt", Title: "Porto"}
		c := claims.Claim{ID: id + "-c0", ItemID: id, Text: fmt.Sprintf("O desemprego caiu %d%% no Porto.", 10+i), Language: "pt"}
		msg, _ := codec.EncodeItemClaims(claims.NewItemClaims(it, []claims.Claim{c}, time.Now()))
		if _, err := b.Publish(ctx, bus.ClaimsSubject("pt"), msg, id, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	emb.Shutdown()

	// An index written under the previous schema version, holding a
	// document the log does not have.
	old := claimdoc.Settings()
	old.SchemaVersion--
	idx, err := index.OpenBleve(filepath.Join(data, "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := idx.EnsureSettings(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(ctx, []index.Document{{"id": "stale", "text": "a document of the old schema"}}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}

	a, err := app.Start(ctx, apptest.Config(t, data), app.Options{Log: log})
	if err != nil {
		t.Fatalf("first start after a schema change: %v", err)
	}
	defer apptest.Shutdown(a, 10*time.Second)
	n, err := a.Index().Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != items {
		t.Fatalf("the rebuilt index holds %d documents, want the %d claims of the log", n, items)
	}
}

// TestStartFailureReleases: a start that fails returns its error (it used
// to panic while releasing what it had started) and leaves the data folder
// free for the next start.
func TestStartFailureReleases(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cfg := apptest.Config(t, data)
	cfg.HTTP.Addr = busy.Addr().String()
	if _, err := app.Start(context.Background(), cfg, app.Options{Log: zaptest.NewLogger(t)}); err == nil || !strings.Contains(err.Error(), "listen on") {
		t.Fatalf("start on a taken HTTP address: %v, want the listen error", err)
	}
	if _, err := os.Stat(filepath.Join(data, bus.EndpointFile)); !os.IsNotExist(err) {
		t.Fatalf("endpoint file left by a failed start: %v", err)
	}
	apptest.Start(t, apptest.Config(t, data), app.Options{})
}

// TestStartRefusesFolderInUse: a data folder whose endpoint file names a
// live process is refused with an error naming it.
func TestStartRefusesFolderInUse(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	if err := bus.WriteEndpoint(data, bus.Endpoint{URL: "nats://127.0.0.1:1", PID: os.Getppid()}); err != nil {
		t.Fatal(err)
	}
	_, err := app.Start(context.Background(), apptest.Config(t, data), app.Options{Log: zaptest.NewLogger(t)})
	if err == nil || !strings.Contains(err.Error(), "in use by vigie process") {
		t.Fatalf("start on a folder in use: %v, want it refused", err)
	}
}
