package index

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// panickyIndex is a Bleve index whose Batch panics like scorch's did on a
// full disk (a closed segment's nil cache).
type panickyIndex struct{ anyIndex }

// anyIndex names the embedded interface (its own name, Index, is one of its methods).
type anyIndex = bleve.Index

func (panickyIndex) Batch(*bleve.Batch) error {
	var m map[uint16]int
	//lint:ignore SA5000 deliberate: the runtime panic scorch raised on a full disk
	m[1] = 1
	return nil
}

// TestSafeBatchTurnsAPanicIntoAnError: the indexer gets an error to retry
// with, and the process keeps running.
func TestSafeBatchTurnsAPanicIntoAnError(t *testing.T) {
	t.Parallel()
	err := safeBatch(panickyIndex{}, nil)
	if err == nil || !strings.Contains(err.Error(), "bleve panicked") || !strings.Contains(err.Error(), "nil map") {
		t.Fatalf("safeBatch = %v, want the panic as an error", err)
	}
}
