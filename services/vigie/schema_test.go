package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/protobuf/proto"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/pipeline/queue"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// TestStartAfterSchemaChange: the first start after a change of the index
// schema version rebuilds the index from the log and serves (it used to
// rebuild, then refuse to start: the error of the old settings survived
// the rebuild).
func TestStartAfterSchemaChange(t *testing.T) {
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
		it := &vigiev1.Item{Id: id, SourceId: "s", Language: "pt", Title: "Porto"}
		c := claims.Claim{ID: id + "-c0", ItemID: id, Text: fmt.Sprintf("O desemprego caiu %d%% no Porto.", 10+i), Language: "pt"}
		msg, _ := proto.Marshal(codec.ItemClaims(it, []claims.Claim{c}, time.Now()))
		if _, err := b.Publish(ctx, bus.ClaimsSubject("pt"), msg, id, nil); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	emb.Shutdown()

	// An index written under the previous schema version, holding a
	// document the log does not have.
	old := queue.Settings()
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

	a, err := startApp(ctx, testConfig(t, data), false, io.Discard, log)
	if err != nil {
		t.Fatalf("first start after a schema change: %v", err)
	}
	defer a.shutdown(10 * time.Second)
	n, err := a.idx.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != items {
		t.Fatalf("the rebuilt index holds %d documents, want the %d claims of the log", n, items)
	}
}
