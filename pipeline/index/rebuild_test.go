package index_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"vigie/pipeline/index"
	"vigie/pipeline/index/indextest"
)

// TestBleveRebuildAndSwap: a schema change on a filled index is refused with
// ErrSchemaChanged; a fresh index built beside it is swapped in and reopens
// with the new settings and the same documents and facet counts.
func TestBleveRebuildAndSwap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	live := filepath.Join(root, "index")
	docs := indextest.GenerateClaims(300, 7)

	b, err := index.OpenBleve(live)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.EnsureSettings(ctx, indextest.ClaimSettings()); err != nil {
		t.Fatal(err)
	}
	if err := b.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	before, err := b.Search(ctx, index.Query{Facets: []string{"language", "status"}, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened: the stored settings are in force before EnsureSettings.
	b, err = index.OpenBleve(live)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := b.Count(ctx); err != nil || n != len(docs) {
		t.Fatalf("reopened count = %d, %v", n, err)
	}
	v2 := indextest.ClaimSettings()
	v2.SchemaVersion = 2
	if err := b.EnsureSettings(ctx, v2); !errors.Is(err, index.ErrSchemaChanged) {
		t.Fatalf("EnsureSettings(v2) = %v, want ErrSchemaChanged", err)
	}

	fresh := filepath.Join(root, "index.rebuild")
	nb, err := index.OpenBleve(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if err := nb.EnsureSettings(ctx, v2); err != nil {
		t.Fatal(err)
	}
	if err := nb.Upsert(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := nb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := index.SwapBleveDirs(live, fresh); err != nil {
		t.Fatalf("SwapBleveDirs: %v", err)
	}

	b = openAt(t, live)
	if err := b.EnsureSettings(ctx, v2); err != nil {
		t.Fatalf("EnsureSettings(v2) after swap: %v", err)
	}
	after, err := b.Search(ctx, index.Query{Facets: []string{"language", "status"}, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != before.Total || !equalFacets(after.Facets, before.Facets) {
		t.Errorf("after rebuild: total %d facets %v; before: total %d facets %v", after.Total, after.Facets, before.Total, before.Facets)
	}
	if err := index.SwapBleveDirs(live, filepath.Join(root, "missing")); err == nil {
		t.Error("swap with a missing fresh index: no error")
	}
}

func openAt(t *testing.T, dir string) *index.Bleve {
	t.Helper()
	b, err := index.OpenBleve(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func equalFacets(a, b map[string]map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv := b[k]
		if len(av) != len(bv) {
			return false
		}
		for v, n := range av {
			if bv[v] != n {
				return false
			}
		}
	}
	return true
}

// TestBleveSettingsChangeOnEmptyIndex: an empty index is simply recreated
// with the new settings.
func TestBleveSettingsChangeOnEmptyIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := openAt(t, filepath.Join(t.TempDir(), "index"))
	v1 := index.Settings{SchemaVersion: 1, Fields: []index.Field{{Name: "text", Type: index.Text, Searchable: true}}}
	if err := b.EnsureSettings(ctx, v1); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Search(ctx, index.Query{Filter: "lang = fr"}); !errors.Is(err, index.ErrInvalidQuery) {
		t.Fatalf("filter on an undeclared field under v1: %v", err)
	}
	v2 := index.Settings{SchemaVersion: 2, Fields: append(v1.Fields, index.Field{Name: "lang", Type: index.Keyword, Filterable: true})}
	if err := b.EnsureSettings(ctx, v2); err != nil {
		t.Fatalf("EnsureSettings(v2) on an empty index: %v", err)
	}
	if err := b.Upsert(ctx, []index.Document{{"id": "a", "text": "x", "lang": "fr"}, {"id": "b", "text": "y", "lang": "en"}}); err != nil {
		t.Fatal(err)
	}
	r, err := b.Search(ctx, index.Query{Filter: "lang = fr"})
	if err != nil || r.Total != 1 || r.Hits[0].ID != "a" {
		t.Fatalf("lang = fr under v2: %+v, %v", r, err)
	}
}

func TestBleveBeforeSettings(t *testing.T) {
	t.Parallel()
	b := openAt(t, filepath.Join(t.TempDir(), "index"))
	if _, err := b.Search(context.Background(), index.Query{}); !errors.Is(err, index.ErrNoSettings) {
		t.Errorf("Search before EnsureSettings: %v, want ErrNoSettings", err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Count(context.Background()); err == nil {
		t.Error("Count after Close: no error")
	}
}
