package index_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"vigie/pipeline/index"
	"vigie/pipeline/index/indextest"
)

// TestMeiliContract runs the contract suite against a real Meilisearch
// server: set VIGIE_MEILI_URL (e.g. http://127.0.0.1:7700) and, if the server
// has a master key, VIGIE_MEILI_KEY_FILE (a file holding a key allowed to
// create and delete indexes). Each subtest uses its own index, deleted at
// the end.
func TestMeiliContract(t *testing.T) {
	t.Parallel()
	url := os.Getenv("VIGIE_MEILI_URL")
	if url == "" {
		t.Skip("Meilisearch contract suite skipped: set VIGIE_MEILI_URL (and VIGIE_MEILI_KEY_FILE if the server has a master key) to run it")
	}
	var key string
	if path := os.Getenv("VIGIE_MEILI_KEY_FILE"); path != "" {
		k, err := index.ReadKeyFile(path)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	indextest.Run(t, func(t *testing.T) index.Backend {
		var b [6]byte
		_, _ = rand.Read(b[:])
		uid := "vigie_contract_" + hex.EncodeToString(b[:])
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		m, err := index.OpenMeili(ctx, url, key, uid)
		if err != nil {
			t.Fatalf("OpenMeili: %v", err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := m.Drop(ctx); err != nil {
				t.Errorf("drop %s: %v", uid, err)
			}
			_ = m.Close()
		})
		return m
	})
}
