package publisher

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"vigie/claims"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/publish"
)

// Bounds on filter parameters.
const (
	maxFilterValues = 20
	maxFilterValue  = 35
)

var (
	localityPattern = regexp.MustCompile(`^[A-Z]{2}-[0-9A-Za-z]{1,12}$`)
)

// Filter selects published verdicts by locality, language and rating; an
// empty list selects all. A language matches its regional variants ("pt"
// matches "pt-PT").
type Filter struct {
	Localities []string
	Languages  []string
	Ratings    []claims.Rating
}

// ParseFilter reads ?locality=, ?language= and ?rating= (each repeatable
// or comma-separated, at most 20 values). Localities are upper-cased,
// languages lower-cased, ratings take their normalised names
// ("mostly false" and "mostly-false" give mostly_false). An invalid value
// is an error wrapping httpapi.ErrBadRequest.
func ParseFilter(q url.Values) (Filter, error) {
	var f Filter
	split := func(key string) ([]string, error) {
		var out []string
		for _, raw := range q[key] {
			for v := range strings.SplitSeq(raw, ",") {
				v = strings.TrimSpace(v)
				if v == "" {
					continue
				}
				if len(v) > maxFilterValue {
					return nil, fmt.Errorf("filter %s: value longer than %d bytes: %w", key, maxFilterValue, httpapi.ErrBadRequest)
				}
				if len(out) == maxFilterValues {
					return nil, fmt.Errorf("filter %s: more than %d values: %w", key, maxFilterValues, httpapi.ErrBadRequest)
				}
				out = append(out, v)
			}
		}
		return out, nil
	}
	locs, err := split("locality")
	if err != nil {
		return Filter{}, err
	}
	for _, l := range locs {
		l = strings.ToUpper(l)
		if !localityPattern.MatchString(l) {
			return Filter{}, fmt.Errorf("filter locality %q: not a code like FR-75056: %w", l, httpapi.ErrBadRequest)
		}
		f.Localities = appendNew(f.Localities, l)
	}
	langs, err := split("language")
	if err != nil {
		return Filter{}, err
	}
	for _, l := range langs {
		l = strings.ToLower(l)
		if !claims.ValidLanguage(l) {
			return Filter{}, fmt.Errorf("filter language %q: not a language tag like pt or pt-br: %w", l, httpapi.ErrBadRequest)
		}
		f.Languages = appendNew(f.Languages, l)
	}
	ratings, err := split("rating")
	if err != nil {
		return Filter{}, err
	}
	for _, raw := range ratings {
		r, ok := parseRating(raw)
		if !ok {
			return Filter{}, fmt.Errorf("filter rating %q: not one of false, mostly_false, misleading, mixed, "+
				"mostly_true, true, unproven, satire_other: %w", raw, httpapi.ErrBadRequest)
		}
		f.Ratings = appendNew(f.Ratings, r)
	}
	slices.Sort(f.Localities)
	slices.Sort(f.Languages)
	slices.Sort(f.Ratings)
	return f, nil
}

func appendNew[T comparable](xs []T, x T) []T {
	if slices.Contains(xs, x) {
		return xs
	}
	return append(xs, x)
}

// parseRating reads a rating a verdict may carry (claims.ParseRating's
// spellings; unknown is refused).
func parseRating(s string) (claims.Rating, bool) {
	r, err := claims.ParseRating(s)
	return r, err == nil && r.OnScale()
}

// Empty reports whether f selects every verdict.
func (f Filter) Empty() bool {
	return len(f.Localities) == 0 && len(f.Languages) == 0 && len(f.Ratings) == 0
}

// Match reports whether v passes f.
func (f Filter) Match(v publish.Verdict) bool {
	if !(publish.Filter{Localities: f.Localities, Ratings: f.Ratings}).Match(v) {
		return false
	}
	if len(f.Languages) == 0 {
		return true
	}
	lang := strings.ToLower(v.Language)
	return slices.ContainsFunc(f.Languages, func(l string) bool { return lang == l || strings.HasPrefix(lang, l+"-") })
}

// Query returns f as a canonical query string ("" when empty), so that a
// filtered feed has one URL whatever order its parameters came in.
func (f Filter) Query() string {
	q := url.Values{}
	if len(f.Localities) > 0 {
		q.Set("locality", strings.Join(f.Localities, ","))
	}
	if len(f.Languages) > 0 {
		q.Set("language", strings.Join(f.Languages, ","))
	}
	if len(f.Ratings) > 0 {
		rs := make([]string, len(f.Ratings))
		for i, r := range f.Ratings {
			rs[i] = string(r)
		}
		q.Set("rating", strings.Join(rs, ","))
	}
	return q.Encode()
}

// withQuery appends a query string to a path or URL when there is one.
func withQuery(u, query string) string {
	if query == "" {
		return u
	}
	return u + "?" + query
}
