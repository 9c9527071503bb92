package claims

import "testing"

func TestRatingVocabulary(t *testing.T) {
	t.Parallel()
	if len(Ratings) != len(Scale)+1 || Ratings[0] != RatingUnknown {
		t.Fatalf("Ratings = %v: want unknown then the scale", Ratings)
	}
	if len(ratingFacts) != len(Ratings) {
		t.Errorf("%d ratings, facts about %d", len(Ratings), len(ratingFacts))
	}
	for _, r := range Ratings {
		if !r.Valid() || r.Label() == "" || (r.Label() == "Unknown") != (r == RatingUnknown) {
			t.Errorf("%s: valid %v, label %q", r, r.Valid(), r.Label())
		}
		if r.OnScale() == (r == RatingUnknown) {
			t.Errorf("%s: on the scale %v", r, r.OnScale())
		}
		if got, err := ParseRating(string(r)); err != nil || got != r {
			t.Errorf("ParseRating(%q) = %q, %v", r, got, err)
		}
	}
	flagged := map[Rating]bool{RatingFalse: true, RatingMostlyFalse: true, RatingMisleading: true}
	values := map[Rating]int{RatingFalse: 1, RatingMostlyFalse: 2, RatingMisleading: 2, RatingMixed: 3, RatingMostlyTrue: 4, RatingTrue: 5}
	for _, r := range Ratings {
		if r.Flagged() != flagged[r] {
			t.Errorf("%s flagged %v", r, r.Flagged())
		}
		v, ok := r.Value()
		if want, has := values[r]; v != want || ok != has {
			t.Errorf("%s value %d %v, want %d %v", r, v, ok, want, has)
		}
	}
	if Rating("pants_on_fire").Valid() || Rating("pants_on_fire").OrUnknown() != RatingUnknown || RatingTrue.OrUnknown() != RatingTrue {
		t.Error("a value off the scale must read as unknown")
	}
}

func TestParseRating(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Rating{"Mostly false": RatingMostlyFalse, "mostly-true": RatingMostlyTrue, " FALSE ": RatingFalse,
		"satire": RatingOther, "other": RatingOther, "satire_other": RatingOther, "unknown": RatingUnknown} {
		if got, err := ParseRating(in); err != nil || got != want {
			t.Errorf("ParseRating(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "pants on fire", "truthy"} {
		if got, err := ParseRating(in); err == nil {
			t.Errorf("ParseRating(%q) = %q, want an error", in, got)
		}
	}
}
