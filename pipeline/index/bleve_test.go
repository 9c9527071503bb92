package index_test

import (
	"path/filepath"
	"testing"

	"vigie/pipeline/index"
	"vigie/pipeline/index/indextest"
)

func openBleve(t *testing.T) index.Backend {
	t.Helper()
	b, err := index.OpenBleve(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func TestBleveContract(t *testing.T) {
	// Not parallel: its 50k-document batch is CPU-bound.
	indextest.Run(t, openBleve)
}
