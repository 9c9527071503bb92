package publisher

import (
	"net/url"
	"reflect"
	"testing"

	"vigie/claims"
	"vigie/pipeline/publish"
)

func TestParseFilter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, query string
		want        Filter
		bad         bool
	}{
		{name: "empty", query: "", want: Filter{}},
		{name: "normalised and sorted", query: "locality=pt-1312,FR-75056&language=PT-br,fr&rating=False,mostly-true",
			want: Filter{Localities: []string{"FR-75056", "PT-1312"}, Languages: []string{"fr", "pt-br"},
				Ratings: []claims.Rating{claims.RatingFalse, claims.RatingMostlyTrue}}},
		{name: "duplicates and blanks dropped", query: "locality=PT-1312,,PT-1312&locality=%20pt-1312",
			want: Filter{Localities: []string{"PT-1312"}}},
		{name: "satire alias", query: "rating=satire", want: Filter{Ratings: []claims.Rating{claims.RatingOther}}},
		{name: "unknown is not a filter", query: "rating=unknown", bad: true},
		{name: "name instead of code", query: "locality=Porto", bad: true},
		{name: "too long", query: "language=" + "abcdefgh-abcdefgh-abcdefgh-abcdefgh", bad: true},
		{name: "too many", query: "locality=A1-1,A1-2,A1-3,A1-4,A1-5,A1-6,A1-7,A1-8,A1-9,A1-10,A1-11,A1-12,A1-13,A1-14,A1-15,A1-16,A1-17,A1-18,A1-19,A1-20,A1-21", bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseFilter(q)
			if (err != nil) != c.bad {
				t.Fatalf("error %v, want error %v", err, c.bad)
			}
			if !c.bad && !reflect.DeepEqual(got, c.want) {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestFilterMatch(t *testing.T) {
	t.Parallel()
	v := publish.Verdict{Localities: []string{"PT-1312"}, Language: "pt-PT", Rating: claims.RatingFalse}
	for _, c := range []struct {
		name string
		f    Filter
		want bool
	}{
		{"empty", Filter{}, true},
		{"language prefix", Filter{Languages: []string{"pt"}}, true},
		{"exact language", Filter{Languages: []string{"pt-pt"}}, true},
		{"other region", Filter{Languages: []string{"pt-br"}}, false},
		{"prefix is not a language", Filter{Languages: []string{"p"}}, false},
		{"locality", Filter{Localities: []string{"FR-75056", "PT-1312"}}, true},
		{"other locality", Filter{Localities: []string{"FR-75056"}}, false},
		{"rating", Filter{Ratings: []claims.Rating{claims.RatingTrue}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.Match(v); got != c.want {
				t.Errorf("Match = %v, want %v", got, c.want)
			}
		})
	}
}

// FuzzParseFilter: any query parses or is refused without panicking, and
// a parsed filter survives its canonical query unchanged.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "locality=PT-1312", "language=pt,fr&rating=mostly%20false", "locality=%ff", "rating=satire&rating=true,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		got, err := ParseFilter(q)
		if err != nil {
			return
		}
		back, err := url.ParseQuery(got.Query())
		if err != nil {
			t.Fatalf("canonical query %q does not parse: %v", got.Query(), err)
		}
		again, err := ParseFilter(back)
		if err != nil || !reflect.DeepEqual(got, again) {
			t.Fatalf("round trip: %+v → %q → %+v (%v)", got, got.Query(), again, err)
		}
	})
}
