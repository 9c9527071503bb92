package claims

import (
	"slices"
	"sync"

	"vigie/claims/match"
)

// Store holds fact-checks in memory, safe for concurrent use, updated
// incrementally: a fact-check added is matchable at once.
type Store struct {
	mu    sync.RWMutex
	fcs   map[string]FactCheck
	index *match.Index
}

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{fcs: map[string]FactCheck{}, index: match.NewIndex()}
}

// Add inserts fact-checks, replacing any with the same ID. Fact-checks
// without an ID are ignored.
func (s *Store) Add(fcs ...FactCheck) {
	docs := make([]match.Doc, 0, len(fcs))
	s.mu.Lock()
	for _, fc := range fcs {
		if fc.ID == "" {
			continue
		}
		fc.Localities = slices.Clone(fc.Localities)
		s.fcs[fc.ID] = fc
		docs = append(docs, match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: fc.Language})
	}
	// index under the store lock so Get and Search agree on membership
	s.index.Add(docs...)
	s.mu.Unlock()
}

// Remove deletes the fact-check with this id, if present.
func (s *Store) Remove(id string) {
	s.mu.Lock()
	delete(s.fcs, id)
	s.index.Remove(id)
	s.mu.Unlock()
}

// Len returns the number of fact-checks.
func (s *Store) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.fcs)
}

// Get returns the fact-check with this id.
func (s *Store) Get(id string) (FactCheck, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	fc, ok := s.fcs[id]
	if ok {
		fc.Localities = slices.Clone(fc.Localities)
	}
	return fc, ok
}

// IDs returns the ids of all fact-checks, sorted.
func (s *Store) IDs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ids := make([]string, 0, len(s.fcs))
	for id := range s.fcs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Index returns the match index of the store, for evaluation and training.
func (s *Store) Index() *match.Index { return s.index }
