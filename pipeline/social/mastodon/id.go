package mastodon

// compareIDs orders Mastodon status ids. Mastodon ids are decimal strings
// that sort numerically (shorter is smaller); Pleroma and Akkoma use
// fixed-width flake ids that sort lexically. Numeric ids are compared by
// length then bytes, anything else lexically.
func compareIDs(a, b string) int {
	if isDigits(a) && isDigits(b) {
		a, b = trimZeros(a), trimZeros(b)
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// maxID returns the greater of two ids, treating "" as the smallest.
func maxID(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" || compareIDs(a, b) >= 0 {
		return a
	}
	return b
}

// idSet is a bounded set of recently seen ids (FIFO eviction), used to drop
// the duplicates of a stream reconnect and its REST catch-up, and to map the
// id of a deleted status back to its stable Post ID.
type idSet struct {
	max   int
	order []string
	vals  map[string]string
}

func newIDSet(n int) *idSet {
	if n <= 0 {
		n = 1
	}
	return &idSet{max: n, vals: make(map[string]string, n)}
}

func (s *idSet) has(id string) bool {
	_, ok := s.vals[id]
	return ok
}

func (s *idSet) get(id string) string { return s.vals[id] }

func (s *idSet) put(id, val string) {
	if _, ok := s.vals[id]; ok {
		s.vals[id] = val
		return
	}
	if len(s.order) >= s.max {
		old := s.order[0]
		s.order = s.order[1:]
		delete(s.vals, old)
	}
	s.order = append(s.order, id)
	s.vals[id] = val
}
