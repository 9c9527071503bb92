package indextest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"vigie/pipeline/index"
)

// Run runs the contract suite. open must return a fresh, empty backend for
// each call (the suite applies ClaimSettings itself) and arrange its cleanup
// with t.Cleanup; the suite closes nothing it did not open.
func Run(t *testing.T, open func(t *testing.T) index.Backend) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, b index.Backend)
	}{
		{"settings", testSettings},
		{"upsert and get round-trip", testRoundTrip},
		{"upsert is idempotent", testIdempotent},
		{"invalid documents", testInvalid},
		{"delete", testDelete},
		{"filters", testFilters},
		{"filter errors", testFilterErrors},
		{"text search", testText},
		{"arabic and accented text", testMultilingual},
		{"facets", testFacets},
		{"sort", testSort},
		{"pagination", testPagination},
		{"highlight", testHighlight},
		{"batch of 50k documents", testBatch50k},
		{"concurrent writers and readers", testConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := open(t)
			if err := b.EnsureSettings(ctx(t), ClaimSettings()); err != nil {
				t.Fatalf("EnsureSettings: %v", err)
			}
			tc.fn(t, b)
		})
	}
}

// ctx is the test's context: no deadline of its own, so that a slow machine
// (the race detector, a loaded CI) is never mistaken for a failure; a hung
// backend is caught by go test's -timeout with every goroutine's stack.
func ctx(t *testing.T) context.Context {
	return t.Context()
}

func load(t *testing.T, b index.Backend) []index.Document {
	t.Helper()
	docs := fixtures()
	if err := b.Upsert(ctx(t), docs); err != nil {
		t.Fatalf("Upsert fixtures: %v", err)
	}
	return docs
}

func search(t *testing.T, b index.Backend, q index.Query) index.Result {
	t.Helper()
	r, err := b.Search(ctx(t), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}

func ids(r index.Result) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.ID
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func mustCount(t *testing.T, b index.Backend, want int) {
	t.Helper()
	n, err := b.Count(ctx(t))
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	if n != want {
		t.Fatalf("Count = %d, want %d", n, want)
	}
}

func canonical(t *testing.T, d index.Document) index.Document {
	t.Helper()
	c, err := index.Canonical(d)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testSettings(t *testing.T, b index.Backend) {
	c := ctx(t)
	if err := b.EnsureSettings(c, ClaimSettings()); err != nil {
		t.Fatalf("second EnsureSettings with the same settings: %v", err)
	}
	load(t, b)
	changed := ClaimSettings()
	changed.SchemaVersion++
	err := b.EnsureSettings(c, changed)
	if !errors.Is(err, index.ErrSchemaChanged) {
		t.Fatalf("EnsureSettings with a new schema version on a filled index = %v, want ErrSchemaChanged", err)
	}
	// The index is still usable with its settings.
	mustCount(t, b, len(fixtures()))
	if r := search(t, b, index.Query{Filter: "language = fr"}); r.Total != 2 {
		t.Fatalf("after refused settings change: language = fr gives %d hits, want 2", r.Total)
	}
}

func testRoundTrip(t *testing.T, b index.Backend) {
	docs := load(t, b)
	mustCount(t, b, len(docs))
	for _, d := range docs {
		got, err := b.Get(ctx(t), d.ID())
		if err != nil {
			t.Fatalf("Get(%q): %v", d.ID(), err)
		}
		if want := canonical(t, d); !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%q)\n got %#v\nwant %#v", d.ID(), got, want)
		}
	}
	if _, err := b.Get(ctx(t), "nope"); !errors.Is(err, index.ErrNotFound) {
		t.Errorf("Get(unknown) error = %v, want ErrNotFound", err)
	}
	r := search(t, b, index.Query{Filter: "id = c1"})
	if len(r.Hits) != 1 {
		t.Fatalf("id = c1: %d hits", len(r.Hits))
	}
	if want := canonical(t, docs[0]); !reflect.DeepEqual(r.Hits[0].Doc, want) {
		t.Errorf("search hit doc\n got %#v\nwant %#v", r.Hits[0].Doc, want)
	}
	m, _ := r.Hits[0].Doc["matches"].([]any)
	if len(m) != 1 {
		t.Fatalf("stored-only nested matches did not round-trip: %#v", r.Hits[0].Doc["matches"])
	}
}

func testIdempotent(t *testing.T, b index.Backend) {
	docs := load(t, b)
	load(t, b)
	mustCount(t, b, len(docs))
	c1 := fixtures()[0]
	c1["text"] = "Nouveau texte sans rapport"
	c1["item_title"] = "Autre titre"
	c1["status"] = "published"
	// The same id twice in one batch: the last one wins.
	older := fixtures()[0]
	if err := b.Upsert(ctx(t), []index.Document{older, c1}); err != nil {
		t.Fatal(err)
	}
	mustCount(t, b, len(docs))
	got, err := b.Get(ctx(t), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if got["text"] != "Nouveau texte sans rapport" || got["status"] != "published" {
		t.Fatalf("c1 after update = %v", got)
	}
	if r := search(t, b, index.Query{Text: "budget"}); !slices.Equal(sorted(ids(r)), []string{"c2"}) {
		t.Errorf("old words of an updated document still match: %v", ids(r))
	}
	if r := search(t, b, index.Query{Filter: "status = published"}); !slices.Equal(sorted(ids(r)), []string{"c1", "c3"}) {
		t.Errorf("status = published after update: %v", ids(r))
	}
}

func testInvalid(t *testing.T, b index.Backend) {
	for _, tc := range []struct {
		name string
		doc  index.Document
	}{
		{"no id", index.Document{"text": "x"}},
		{"numeric id", index.Document{"id": 12, "text": "x"}},
		{"empty id", index.Document{"id": "", "text": "x"}},
		{"id with a space", index.Document{"id": "a b", "text": "x"}},
		{"id with a slash", index.Document{"id": "../x", "text": "x"}},
		{"text field holding a number", index.Document{"id": "x1", "text": 12.5}},
		{"number field holding a word", index.Document{"id": "x2", "worthiness": "high"}},
		{"time field holding a word", index.Document{"id": "x3", "published": "yesterday"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := b.Upsert(ctx(t), []index.Document{tc.doc})
			if !errors.Is(err, index.ErrInvalidDocument) {
				t.Fatalf("Upsert(%v) error = %v, want ErrInvalidDocument", tc.doc, err)
			}
		})
	}
	mustCount(t, b, 0)
	t.Run("one invalid document fails the whole call", func(t *testing.T) {
		docs := []index.Document{{"id": "ok1", "text": "x"}, {"id": "ok2", "worthiness": "high"}}
		if err := b.Upsert(ctx(t), docs); !errors.Is(err, index.ErrInvalidDocument) {
			t.Fatalf("Upsert error = %v, want ErrInvalidDocument", err)
		}
		mustCount(t, b, 0)
	})
}

func testDelete(t *testing.T, b index.Backend) {
	docs := load(t, b)
	if err := b.Delete(ctx(t), []string{"c1", "c2", "does-not-exist"}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	mustCount(t, b, len(docs)-2)
	for _, id := range []string{"c1", "c2"} {
		if _, err := b.Get(ctx(t), id); !errors.Is(err, index.ErrNotFound) {
			t.Errorf("Get(%q) after delete: %v, want ErrNotFound", id, err)
		}
	}
	if r := search(t, b, index.Query{Text: "budget"}); r.Total != 0 {
		t.Errorf("deleted documents still found: %v", ids(r))
	}
	if err := b.Delete(ctx(t), nil); err != nil {
		t.Errorf("Delete(nil): %v", err)
	}
	if _, err := b.Get(ctx(t), "c3"); err != nil {
		t.Errorf("Get(c3) after deleting others: %v", err)
	}
}

// filterCases: every operator of the syntax; expected ids written by hand
// from fixtures().
var filterCases = []struct {
	name, filter string
	want         []string
}{
	{"equal", "language = fr", []string{"c1", "c6"}},
	{"equal ignores case", "language = FR", []string{"c1", "c6"}},
	{"equal quoted with space", "assignee = 'alice martin'", []string{"c1"}},
	{"equal double quoted", `assignee = "alice"`, []string{"c6"}},
	{"equal on id", "id = c3", []string{"c3"}},
	{"not equal includes missing", "assignee != alice", []string{"c1", "c2", "c3", "c4", "c5"}},
	{"not equal", "language != fr", []string{"c2", "c3", "c4", "c5"}},
	{"greater", "worthiness > 0.5", []string{"c1", "c2", "c6"}},
	{"greater or equal", "worthiness >= 0.5", []string{"c1", "c2", "c3", "c6"}},
	{"less", "worthiness < 0.3", []string{"c5"}},
	{"less or equal", "worthiness <= 0.3", []string{"c4", "c5"}},
	{"number equal", "worthiness = 0.6", []string{"c6"}},
	{"TO inclusive", "worthiness 0.3 TO 0.6", []string{"c3", "c4", "c6"}},
	{"bool", "flagged = true", []string{"c1", "c3", "c6"}},
	{"bool false", "flagged = false", []string{"c2", "c4", "c5"}},
	{"IN", "status IN [new, assigned]", []string{"c1", "c5", "c6"}},
	{"IN trailing comma", "status IN [new,]", []string{"c1", "c5"}},
	{"NOT IN", "status NOT IN [new, assigned]", []string{"c2", "c3", "c4"}},
	{"NOT before IN", "NOT status IN [new, assigned]", []string{"c2", "c3", "c4"}},
	{"array any element", "localities = FR-75056", []string{"c1", "c2"}},
	{"array IN", "localities IN [FR-69123, PT-1106]", []string{"c2", "c4"}},
	{"EXISTS counts null and empty", "assignee EXISTS", []string{"c1", "c2", "c3", "c5", "c6"}},
	{"NOT EXISTS", "assignee NOT EXISTS", []string{"c4"}},
	{"NOT before EXISTS", "NOT assignee EXISTS", []string{"c4"}},
	{"IS NULL", "assignee IS NULL", []string{"c3"}},
	{"IS NOT NULL", "assignee IS NOT NULL", []string{"c1", "c2", "c4", "c5", "c6"}},
	{"IS EMPTY string", "assignee IS EMPTY", []string{"c2"}},
	{"IS EMPTY array", "localities IS EMPTY", []string{"c3"}},
	{"IS NOT EMPTY", "localities IS NOT EMPTY", []string{"c1", "c2", "c4", "c5", "c6"}},
	{"AND", "assignee = alice AND flagged = true", []string{"c6"}},
	{"OR", "language = fr OR language = en", []string{"c1", "c2", "c6"}},
	{"AND binds tighter than OR", "language = pt OR language = fr AND worthiness > 0.7", []string{"c1", "c4"}},
	{"parentheses", "(language = pt OR language = fr) AND worthiness > 0.7", []string{"c1"}},
	{"NOT", "NOT language = fr", []string{"c2", "c3", "c4", "c5"}},
	{"NOT of a group", "NOT (language = fr OR flagged = true)", []string{"c2", "c4", "c5"}},
	{"double NOT", "NOT NOT language = fr", []string{"c1", "c6"}},
	{"time greater", `published > "2026-02-01T00:00:00Z"`, []string{"c1", "c6"}},
	{"time greater or equal", `published >= "2026-02-01T00:00:00Z"`, []string{"c1", "c2", "c6"}},
	{"time TO dates", `published "2026-01-01" TO "2026-02-01"`, []string{"c2", "c3"}},
	{"time less unquoted date", "published < 2026-01-01", []string{"c4"}},
	{"time as unix seconds", "published >= 1772323200", []string{"c1", "c6"}},
	{"keywords in lower case", "language = fr and flagged = true or status = dismissed", []string{"c1", "c4", "c6"}},
	{"empty filter", "", []string{"c1", "c2", "c3", "c4", "c5", "c6"}},
}

func testFilters(t *testing.T, b index.Backend) {
	load(t, b)
	for _, tc := range filterCases {
		t.Run(tc.name, func(t *testing.T) {
			r := search(t, b, index.Query{Filter: tc.filter, Limit: 100})
			if got := sorted(ids(r)); !slices.Equal(got, tc.want) {
				t.Errorf("filter %q = %v, want %v", tc.filter, got, tc.want)
			}
			if r.Total != len(tc.want) {
				t.Errorf("filter %q: Total = %d, want %d", tc.filter, r.Total, len(tc.want))
			}
		})
	}
}

func testFilterErrors(t *testing.T, b index.Backend) {
	load(t, b)
	for _, tc := range []struct {
		name, filter string
		column       int
	}{
		{"missing value", "language =", 11},
		{"unclosed parenthesis", "(language = fr", 1},
		{"unclosed bracket", "status IN [new", 11},
		{"bare keyword value", "language = AND", 12},
		{"dangling AND", "language = fr AND", 18},
		{"undeclared attribute", "language = fr AND colour = red", 19},
		{"attribute not filterable", "text = budget", 1},
		{"number expected", "worthiness > high", 14},
		{"bool expected", "flagged = maybe", 11},
		{"time expected", "published > yesterday", 13},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := b.Search(ctx(t), index.Query{Filter: tc.filter})
			var fe *index.FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("filter %q: error %v is not a *index.FilterError", tc.filter, err)
			}
			if !errors.Is(err, index.ErrInvalidQuery) {
				t.Errorf("filter %q: error %v does not match ErrInvalidQuery", tc.filter, err)
			}
			if fe.Column != tc.column || !strings.Contains(err.Error(), "column") {
				t.Errorf("filter %q: error %q at column %d, want %d", tc.filter, err, fe.Column, tc.column)
			}
		})
	}
	for _, q := range []index.Query{
		{Sort: []string{"text:asc"}},
		{Sort: []string{"worthiness:up"}},
		{Facets: []string{"text"}},
		{Text: "budget", Highlight: []string{"status"}},
		{Offset: -1},
	} {
		if _, err := b.Search(ctx(t), q); !errors.Is(err, index.ErrInvalidQuery) {
			t.Errorf("Search(%+v) error = %v, want ErrInvalidQuery", q, err)
		}
	}
}

func testText(t *testing.T, b index.Backend) {
	load(t, b)
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"one word", "budget", []string{"c1", "c2"}},
		{"every word must match", "maire budget", []string{"c1"}},
		{"word order does not matter", "budget maire", []string{"c1"}},
		{"words across fields", "budget parisien", []string{"c2"}},
		{"prefix of the last word", "stockh", []string{"c5"}},
		{"typo in a long word", "vacinaz", []string{"c4"}},
		{"synonym", "covid", []string{"c4"}},
		{"no match", "zzzqqq", []string{}},
		{"only the first ten words count", "maire paris affirme budget école doublé maire paris affirme budget zzzqqq", []string{"c1"}},
		{"empty text matches all", "", []string{"c1", "c2", "c3", "c4", "c5", "c6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := search(t, b, index.Query{Text: tc.text, Limit: 100})
			if got := sorted(ids(r)); !slices.Equal(got, tc.want) {
				t.Errorf("text %q = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
	// With a filter.
	r := search(t, b, index.Query{Text: "budget", Filter: "language = fr"})
	if got := ids(r); !slices.Equal(got, []string{"c1"}) {
		t.Errorf("text budget + language = fr: %v", got)
	}
}

func testMultilingual(t *testing.T, b index.Backend) {
	load(t, b)
	for _, tc := range []struct {
		name, text, want string
	}{
		{"accent-insensitive query", "ecole", "c1"},
		{"accented query on accented text", "école", "c1"},
		{"upper case and accents", "HOPITAL MONTREAL", "c6"},
		{"elided article", "hopital", "c6"},
		{"Swedish letters folded", "hojer", "c5"},
		{"Portuguese", "prefeito lisboa", "c4"},
		{"Arabic", "الاقتصاد", "c3"},
		{"Arabic with harakat in the query", "الاقْتِصَادُ", "c3"},
		{"Arabic alef variants", "ان الرئيس", "c3"},
		{"Arabic two words", "الرئيس ينمو", "c3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := search(t, b, index.Query{Text: tc.text, Limit: 100})
			if !slices.Contains(ids(r), tc.want) {
				t.Errorf("text %q = %v, want it to contain %s", tc.text, ids(r), tc.want)
			}
		})
	}
}

func testFacets(t *testing.T, b index.Backend) {
	load(t, b)
	r := search(t, b, index.Query{Facets: []string{"language", "status", "flagged", "localities", "source"}, Limit: -1})
	if len(r.Hits) != 0 || r.Total != 6 {
		t.Errorf("Limit -1: %d hits, total %d; want 0 hits, total 6", len(r.Hits), r.Total)
	}
	want := map[string]map[string]int{
		"language":   {"fr": 2, "en": 1, "ar": 1, "pt": 1, "sv": 1},
		"status":     {"new": 2, "triage": 1, "published": 1, "dismissed": 1, "assigned": 1},
		"flagged":    {"true": 3, "false": 3},
		"localities": {"FR-75056": 2, "FR-69123": 1, "PT-1106": 1, "SE-0180": 1, "FR-13055": 1},
		"source":     {"ouest-france": 2, "le-parisien": 1, "aljazeera": 1, "publico": 1, "svt": 1},
	}
	if !reflect.DeepEqual(r.Facets, want) {
		t.Errorf("facets\n got %v\nwant %v", r.Facets, want)
	}
	r = search(t, b, index.Query{Filter: "flagged = true", Facets: []string{"language", "localities"}})
	want = map[string]map[string]int{
		"language":   {"fr": 2, "ar": 1},
		"localities": {"FR-75056": 1, "FR-13055": 1},
	}
	if !reflect.DeepEqual(r.Facets, want) {
		t.Errorf("facets with filter\n got %v\nwant %v", r.Facets, want)
	}
	r = search(t, b, index.Query{Text: "budget", Facets: []string{"language"}})
	if want := map[string]int{"fr": 1, "en": 1}; !reflect.DeepEqual(r.Facets["language"], want) {
		t.Errorf("facets with text: %v, want %v", r.Facets["language"], want)
	}
	if _, err := b.Search(ctx(t), index.Query{Facets: []string{"text"}}); err == nil {
		t.Error("facet on a non-facetable field: no error")
	}
}

func testSort(t *testing.T, b index.Backend) {
	load(t, b)
	for _, tc := range []struct {
		name string
		q    index.Query
		want []string
	}{
		{"number desc", index.Query{Sort: []string{"worthiness:desc"}}, []string{"c1", "c2", "c6", "c3", "c4", "c5"}},
		{"number asc", index.Query{Sort: []string{"worthiness:asc"}}, []string{"c5", "c4", "c3", "c6", "c2", "c1"}},
		{"two keys", index.Query{Sort: []string{"language:asc", "worthiness:desc"}}, []string{"c3", "c2", "c1", "c6", "c4", "c5"}},
		{"time asc, missing last", index.Query{Sort: []string{"published:asc"}}, []string{"c4", "c3", "c2", "c1", "c6", "c5"}},
		{"time desc, missing last", index.Query{Sort: []string{"published:desc"}}, []string{"c6", "c1", "c2", "c3", "c4", "c5"}},
		{"text field", index.Query{Filter: "language IN [fr, en, pt]", Sort: []string{"item_title:asc"}}, []string{"c1", "c2", "c6", "c4"}},
		{"with text query", index.Query{Text: "budget", Sort: []string{"worthiness:asc"}}, []string{"c2", "c1"}},
		{"with filter", index.Query{Filter: "flagged = true", Sort: []string{"worthiness:asc"}}, []string{"c3", "c6", "c1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := search(t, b, tc.q)
			if got := ids(r); !slices.Equal(got, tc.want) {
				t.Errorf("sort %v = %v, want %v", tc.q.Sort, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"text:asc", "worthiness:up", "nope:desc"} {
		if _, err := b.Search(ctx(t), index.Query{Sort: []string{bad}}); err == nil {
			t.Errorf("sort %q: no error", bad)
		}
	}
}

func testPagination(t *testing.T, b index.Backend) {
	docs := make([]index.Document, 25)
	var want []string
	for i := range docs {
		id := fmt.Sprintf("p%02d", i)
		docs[i] = index.Document{"id": id, "text": "page test", "worthiness": float64(i) / 100, "language": "fr"}
		want = append(want, id)
	}
	if err := b.Upsert(ctx(t), docs); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, page := range []struct{ offset, n int }{{0, 10}, {10, 10}, {20, 5}, {30, 0}} {
		r := search(t, b, index.Query{Text: "page", Sort: []string{"worthiness:asc"}, Offset: page.offset, Limit: 10})
		if r.Total != 25 {
			t.Errorf("offset %d: Total = %d, want 25", page.offset, r.Total)
		}
		if len(r.Hits) != page.n {
			t.Errorf("offset %d: %d hits, want %d", page.offset, len(r.Hits), page.n)
		}
		got = append(got, ids(r)...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages = %v, want %v", got, want)
	}
	r := search(t, b, index.Query{Sort: []string{"worthiness:desc"}, Offset: 3, Limit: 4})
	if g := ids(r); !slices.Equal(g, []string{"p21", "p20", "p19", "p18"}) {
		t.Errorf("offset 3 limit 4 = %v", g)
	}
	r = search(t, b, index.Query{Filter: "language = fr"})
	if len(r.Hits) != index.DefaultLimit || r.Total != 25 {
		t.Errorf("default limit: %d hits (total %d), want %d", len(r.Hits), r.Total, index.DefaultLimit)
	}
	r = search(t, b, index.Query{Limit: -1})
	if len(r.Hits) != 0 || r.Total != 25 {
		t.Errorf("negative limit: %d hits, total %d", len(r.Hits), r.Total)
	}
}

func testHighlight(t *testing.T, b index.Backend) {
	load(t, b)
	for _, tc := range []struct {
		name, text, id, field string
		contains              []string
		excludes              []string
	}{
		{"word", "budget", "c1", "text", []string{"<mark>budget</mark>"}, nil},
		{"HTML is escaped", "budget", "c2", "text", []string{"<mark>budget</mark>", "&lt;b&gt;rose&lt;/b&gt;", "&amp;"}, []string{"<b>"}},
		{"accent-insensitive match shows the original", "ecole", "c1", "text", []string{"<mark>école</mark>"}, nil},
		{"Arabic", "الاقتصاد", "c3", "text", []string{"<mark>الاقتصاد</mark>"}, nil},
		{"title", "budget", "c1", "item_title", []string{"<mark>Budget</mark>"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := search(t, b, index.Query{Text: tc.text, Highlight: []string{"text", "item_title"}, Limit: 100})
			var hit *index.Hit
			for i := range r.Hits {
				if r.Hits[i].ID == tc.id {
					hit = &r.Hits[i]
				}
			}
			if hit == nil {
				t.Fatalf("text %q: %s not found in %v", tc.text, tc.id, ids(r))
			}
			h := hit.Highlights[tc.field]
			for _, s := range tc.contains {
				if !strings.Contains(h, s) {
					t.Errorf("highlight %q does not contain %q", h, s)
				}
			}
			for _, s := range tc.excludes {
				if strings.Contains(h, s) {
					t.Errorf("highlight %q contains %q", h, s)
				}
			}
		})
	}
	if _, err := b.Search(ctx(t), index.Query{Text: "budget", Highlight: []string{"status"}}); err == nil {
		t.Error("highlight of a non-searchable field: no error")
	}
}

func testBatch50k(t *testing.T, b index.Backend) {
	const n = 50_000
	docs := GenerateClaims(n, 42)
	byLang := map[string]int{}
	flaggedFR := 0
	for _, d := range docs {
		byLang[d["language"].(string)]++
		if d["language"] == "fr" && d["flagged"] == true {
			flaggedFR++
		}
	}
	if err := b.Upsert(ctx(t), docs); err != nil {
		t.Fatalf("Upsert %d: %v", n, err)
	}
	mustCount(t, b, n)
	r := search(t, b, index.Query{Filter: "language = fr AND flagged = true", Facets: []string{"language"}})
	if r.Total != flaggedFR {
		t.Errorf("language = fr AND flagged = true: Total %d, want %d", r.Total, flaggedFR)
	}
	r = search(t, b, index.Query{Facets: []string{"language"}, Limit: -1})
	if !reflect.DeepEqual(r.Facets["language"], byLang) {
		t.Errorf("language facet = %v, want %v", r.Facets["language"], byLang)
	}
	for _, i := range []int{0, n / 2, n - 1} {
		got, err := b.Get(ctx(t), docs[i].ID())
		if err != nil {
			t.Fatalf("Get: %v", err)
		}
		if want := canonical(t, docs[i]); !reflect.DeepEqual(got, want) {
			t.Errorf("Get(%q)\n got %v\nwant %v", docs[i].ID(), got, want)
		}
	}
}

func testConcurrent(t *testing.T, b index.Backend) {
	const writers, batches, perBatch, readers = 4, 10, 20, 4
	c := ctx(t)
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)
	done := make(chan struct{})
	for w := range writers {
		wg.Go(func() {
			for i := range batches {
				docs := make([]index.Document, perBatch)
				for j := range docs {
					docs[j] = index.Document{
						"id":       fmt.Sprintf("w%d-%02d-%02d", w, i, j),
						"text":     fmt.Sprintf("budget concurrent writer %d", w),
						"language": []string{"fr", "en"}[j%2],
					}
				}
				if err := b.Upsert(c, docs); err != nil {
					errs <- fmt.Errorf("writer %d: %w", w, err)
					return
				}
			}
		})
	}
	var rg sync.WaitGroup
	for r := range readers {
		rg.Go(func() {
			last := 0
			for {
				select {
				case <-done:
					return
				default:
				}
				res, err := b.Search(c, index.Query{Text: "budget concurrent", Facets: []string{"language"}, Limit: 5})
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if res.Total < last {
					errs <- fmt.Errorf("reader %d: total went back from %d to %d", r, last, res.Total)
					return
				}
				last = res.Total
			}
		})
	}
	wg.Wait()
	close(done)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	mustCount(t, b, writers*batches*perBatch)
	r := search(t, b, index.Query{Text: "concurrent", Facets: []string{"language"}, Limit: -1})
	half := writers * batches * perBatch / 2
	if want := map[string]int{"fr": half, "en": half}; r.Total != 2*half || !reflect.DeepEqual(r.Facets["language"], want) {
		t.Errorf("after concurrent writes: total %d, facets %v", r.Total, r.Facets["language"])
	}
}
