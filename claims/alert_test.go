package claims

import "testing"

func TestAlertSeverity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		rating   Rating
		sources  int
		trending bool
		want     int
	}{
		{"false, one source", RatingFalse, 1, false, 3},
		{"misleading, one source", RatingMisleading, 1, false, 2},
		{"unknown, one source", RatingUnknown, 1, false, 1},
		{"false, three sources", RatingFalse, 3, false, 4},
		{"false, wide and trending", RatingFalse, 12, true, 5},
		{"unknown, trending", RatingUnknown, 3, true, 3},
		{"true never below one", RatingTrue, 0, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := AlertSeverity(tt.rating, tt.sources, tt.trending); got != tt.want {
				t.Errorf("AlertSeverity = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestSeverityWord(t *testing.T) {
	t.Parallel()
	for s, want := range map[int]string{0: "Unknown", 1: "Minor", 2: "Minor", 3: "Moderate", 4: "Severe", 5: "Severe", 6: "Unknown", -1: "Unknown"} {
		if got := SeverityWord(s); got != want {
			t.Errorf("SeverityWord(%d) = %q, want %q", s, got, want)
		}
	}
}
