package claims

// Config holds the engine's thresholds.
type Config struct {
	// SuggestThreshold is the match score from which a match is shown.
	SuggestThreshold float64
	// AutoThreshold is the match score from which a match is automatic.
	AutoThreshold float64
	// WorthinessThreshold is the check-worthiness from which a sentence is
	// a claim even without a match.
	WorthinessThreshold float64
	// MaxMatches caps the matches kept per claim.
	MaxMatches int
	// MinAutoWords is the minimum number of words for an automatic match.
	MinAutoWords int
	// KeepLowPriority makes Analyze also return the sentences under
	// WorthinessThreshold and without a match that could be claims
	// (CouldBeClaim), marked LowPriority, so that nothing is dropped in
	// silence. Off, they are not returned (as before).
	KeepLowPriority bool
}

// DefaultConfig returns the thresholds of Meedan's Alegre (suggest 0.70,
// auto 0.875, no automatic match under 8 words), worthiness 0.5 and 3
// matches per claim.
func DefaultConfig() Config {
	return Config{SuggestThreshold: 0.70, AutoThreshold: 0.875, WorthinessThreshold: 0.5, MaxMatches: 3, MinAutoWords: 8}
}
