package reviewer

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/index"
)

// FuzzParseActionForm: any form body parses or is refused with a client
// error; what parses has no blank list entries and no blank duplicate ids.
func FuzzParseActionForm(f *testing.F) {
	for _, s := range []string{
		"revision=3&assignee=fanny",
		"revision=0&status=duplicate&duplicate_of=c7",
		"dup=c8:2&dup=c9&duplicates=c10:1,c11:0",
		"claim_reviewed=x&rating=false&sources=https://a.example/%0D%0Ahttps://b.example/&localities=FR-75056,+PT-1312&review_date=2027-01-15",
		"revision=-1", "review_date=tomorrow", "dup=:", "sources=%0A%0A",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		req, err := parseActionForm(v)
		if err != nil {
			if st, _ := statusOf(err); st != 400 {
				t.Fatalf("form %q refused with status %d: %v", raw, st, err)
			}
			return
		}
		if req.Verdict != nil {
			for _, list := range [][]string{req.Verdict.Sources, req.Verdict.Appearances, req.Verdict.Localities} {
				if slices.ContainsFunc(list, func(s string) bool { return strings.TrimSpace(s) == "" }) {
					t.Fatalf("blank list entry from %q: %q", raw, list)
				}
			}
		}
		for _, d := range req.Duplicates {
			if strings.TrimSpace(d.ClaimID) != d.ClaimID {
				t.Fatalf("untrimmed duplicate id %q from %q", d.ClaimID, raw)
			}
		}
	})
}

// FuzzQueueParams: any query string either is refused as a client error or
// yields a filter expression that the index's parser accepts, whatever the
// facet values hold (quotes, backslashes, keywords).
func FuzzQueueParams(f *testing.F) {
	for _, s := range []string{
		"", "status=new&flagged=true", `source=le"monde&language=fr\`, "locality=FR-75056&wmin=50&since=week&sort=score&page=2",
		"source=a%20OR%20b", "wmin=101", "since=year", "q=budget&sort=newest",
	} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		p, err := parseQueueParams(v)
		if err != nil {
			if st, _ := statusOf(err); st != 400 {
				t.Fatalf("query %q refused with status %d: %v", raw, st, err)
			}
			return
		}
		for _, skip := range []string{"", "status", "source"} {
			expr := p.filter(now, skip, p.WMin, p.Since)
			if expr == "" {
				continue
			}
			if _, err := index.ParseFilter(expr); err != nil {
				t.Fatalf("query %q built the filter %q that does not parse: %v", raw, expr, err)
			}
		}
	})
}
