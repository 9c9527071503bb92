package index_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/pipeline/index"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.key")
	if err := os.WriteFile(empty, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		cfg     index.Config
		wantErr string
	}{
		{"bleve by default", index.Config{Dir: filepath.Join(dir, "idx")}, ""},
		{"bleve without folder", index.Config{Backend: "bleve"}, "needs a folder"},
		{"unknown backend", index.Config{Backend: "solr"}, "unknown backend"},
		{"meilisearch without url", index.Config{Backend: "meilisearch", MeiliIndex: "claims"}, "meili.url"},
		{"meilisearch key file missing", index.Config{Backend: "meilisearch", MeiliURL: "http://127.0.0.1:1", MeiliIndex: "claims", MeiliKeyFile: filepath.Join(dir, "nope")}, "key file"},
		{"meilisearch key file empty", index.Config{Backend: "meilisearch", MeiliURL: "http://127.0.0.1:1", MeiliIndex: "claims", MeiliKeyFile: empty}, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := index.Open(context.Background(), tc.cfg, nil)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				if _, ok := b.(*index.Bleve); !ok {
					t.Errorf("Open returned %T, want *index.Bleve", b)
				}
				_ = b.Close()
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Open error = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestReadKeyFile(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(p, []byte("  abc123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := index.ReadKeyFile(p)
	if err != nil || k != "abc123" {
		t.Fatalf("ReadKeyFile = %q, %v", k, err)
	}
}
