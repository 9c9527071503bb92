package claims

import (
	"slices"
	"sync"

	"vigie/claims/match"
)

// Store holds fact-checks in memory, safe for concurrent use, updated
// incrementally: a fact-check added is matchable at once.
type Store struct {
	wmu   sync.Mutex   // serialises writers: the map and the index change in the same order
	mu    sync.RWMutex // guards fcs; held only briefly, never while indexing
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
	kept := make([]FactCheck, 0, len(fcs))
	for _, fc := range fcs {
		if fc.ID == "" {
			continue
		}
		fc.Localities = slices.Clone(fc.Localities)
		kept = append(kept, fc)
		docs = append(docs, match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: fc.Language})
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	// index first (slow, without blocking readers), then publish the records;
	// a search in between may name an id that Get does not know yet: the
	// engine skips it, and the next search finds it.
	s.index.Add(docs...)
	s.mu.Lock()
	for _, fc := range kept {
		s.fcs[fc.ID] = fc
	}
	s.mu.Unlock()
}

// Remove deletes the fact-check with this id, if present.
func (s *Store) Remove(id string) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.mu.Lock()
	delete(s.fcs, id)
	s.mu.Unlock()
	s.index.Remove(id)
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
