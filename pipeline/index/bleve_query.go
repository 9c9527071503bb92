package index

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// request builds the Bleve search request of q.
func (b *Bleve) request(q Query) (*bleve.SearchRequest, error) {
	textQ, err := b.textQuery(q.Text)
	if err != nil {
		return nil, err
	}
	f, fq, err := b.schema.filter(q.Filter)
	if err != nil {
		return nil, err
	}
	var bq query.Query = textQ
	if f != nil {
		if _, all := textQ.(*query.MatchAllQuery); all {
			bq = fq
		} else {
			bq = bleve.NewConjunctionQuery(textQ, fq)
		}
	}
	if q.Offset < 0 {
		return nil, fmt.Errorf("%w: negative offset %d", ErrInvalidQuery, q.Offset)
	}
	req := bleve.NewSearchRequestOptions(bq, q.limit(), q.Offset, false)
	req.Fields = []string{srcField}
	order, err := b.schema.sortOrder(q.Sort)
	if err != nil {
		return nil, err
	}
	req.SortByCustom(order)
	for _, name := range q.Facets {
		f, ok := b.schema.fields[name]
		if !ok || !f.Facetable {
			return nil, fmt.Errorf("%w: facet %q: not a facetable field", ErrInvalidQuery, name)
		}
		field := name
		if f.Type == Text || f.Type == Number || f.Type == Time {
			field = kwPrefix + name
		}
		req.AddFacet(name, bleve.NewFacetRequest(field, MaxFacetValues))
	}
	for _, name := range q.Highlight {
		f, ok := b.schema.fields[name]
		if !ok || !f.Searchable {
			return nil, fmt.Errorf("%w: highlight %q: not a searchable field", ErrInvalidQuery, name)
		}
	}
	if len(q.Highlight) > 0 && q.Text != "" {
		req.IncludeLocations = true
	}
	return req, nil
}

// queryWords analyses text with the index's analyser and keeps the first
// MaxQueryWords words.
func (b *Bleve) queryWords(text string) []string {
	words := b.analyzer(text)
	if len(words) > MaxQueryWords {
		words = words[:MaxQueryWords]
	}
	return words
}

// textQuery: every word must match (in any searchable field); the last one
// also as a prefix; long words tolerate typos; synonyms widen a word.
func (b *Bleve) textQuery(text string) (query.Query, error) {
	words := b.queryWords(text)
	if len(words) == 0 {
		return bleve.NewMatchAllQuery(), nil
	}
	fields := b.schema.settings.searchableFields()
	if len(fields) == 0 {
		return nil, fmt.Errorf("text query: no searchable field declared")
	}
	conj := make([]query.Query, 0, len(words))
	for i, w := range words {
		var alts []query.Query
		for _, f := range fields {
			name := searchFieldName(f)
			tq := bleve.NewTermQuery(w)
			tq.SetField(name)
			alts = append(alts, tq)
			if i == len(words)-1 {
				pq := bleve.NewPrefixQuery(w)
				pq.SetField(name)
				pq.SetBoost(0.5)
				alts = append(alts, pq)
			}
			if n := utf8.RuneCountInString(w); n >= 5 {
				fq := bleve.NewFuzzyQuery(w)
				fq.SetField(name)
				fq.Fuzziness = 1
				if n >= 9 {
					fq.Fuzziness = 2
				}
				fq.SetBoost(0.3)
				alts = append(alts, fq)
			}
			for _, syn := range b.synonymsOf(w) {
				if len(syn) == 1 {
					sq := bleve.NewTermQuery(syn[0])
					sq.SetField(name)
					alts = append(alts, sq)
				} else {
					alts = append(alts, bleve.NewPhraseQuery(syn, name))
				}
			}
		}
		conj = append(conj, bleve.NewDisjunctionQuery(alts...))
	}
	if len(conj) == 1 {
		return conj[0], nil
	}
	return bleve.NewConjunctionQuery(conj...), nil
}

// synonymsOf returns the analysed synonyms of an analysed word.
func (b *Bleve) synonymsOf(word string) [][]string {
	var out [][]string
	for k, syns := range b.schema.synonyms {
		kw := b.analyzer(k)
		if len(kw) != 1 || kw[0] != word {
			continue
		}
		for _, s := range syns {
			if toks := b.analyzer(s); len(toks) > 0 {
				out = append(out, toks)
			}
		}
	}
	return out
}

// sortOrder: the keys, then relevance.
func (sc *schema) sortOrder(keys []string) (search.SortOrder, error) {
	order := make(search.SortOrder, 0, len(keys)+2)
	for _, key := range keys {
		name, desc, err := splitSortKey(key)
		if err != nil {
			return nil, err
		}
		f, ok := sc.fields[name]
		if !ok || !f.Sortable {
			return nil, fmt.Errorf("%w: sort key %q: not a sortable field", ErrInvalidQuery, key)
		}
		sf := &search.SortField{Field: name, Desc: desc, Missing: search.SortFieldMissingLast}
		switch f.Type {
		case Text:
			sf.Field = kwPrefix + name
			sf.Type = search.SortFieldAsString
		case Keyword, Bool:
			sf.Type = search.SortFieldAsString
		case Number:
			sf.Type = search.SortFieldAsNumber
		case Time:
			sf.Type = search.SortFieldAsDate
		}
		sf.Mode = search.SortFieldMin
		if desc {
			sf.Mode = search.SortFieldMax
		}
		order = append(order, sf)
	}
	// Relevance breaks ties; Bleve then keeps the index order, which is
	// stable for a snapshot (an explicit _id key would load every match's
	// id: 7% of a sorted search at 100k documents).
	order = append(order, &search.SortScore{Desc: true})
	return order, nil
}

// compileFilter turns a filter AST into a Bleve query.
func (sc *schema) compileFilter(f Filter) (query.Query, error) {
	switch n := f.(type) {
	case Or:
		qs, err := sc.compileAll(n.Terms)
		if err != nil {
			return nil, err
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case And:
		qs, err := sc.compileAll(n.Terms)
		if err != nil {
			return nil, err
		}
		return bleve.NewConjunctionQuery(qs...), nil
	case Not:
		x, err := sc.compileFilter(n.X)
		if err != nil {
			return nil, err
		}
		return negate(x), nil
	case Compare:
		return sc.compileCompare(n)
	case Range:
		fld, err := sc.filterField(n.Field, n.FieldPos)
		if err != nil {
			return nil, err
		}
		return sc.rangeQuery(fld, &n.From, &n.To, true, true)
	case In:
		fld, err := sc.filterField(n.Field, n.FieldPos)
		if err != nil {
			return nil, err
		}
		if len(n.Values) == 0 {
			return bleve.NewMatchNoneQuery(), nil
		}
		qs := make([]query.Query, 0, len(n.Values))
		for _, v := range n.Values {
			q, err := sc.equal(fld, v)
			if err != nil {
				return nil, err
			}
			qs = append(qs, q)
		}
		return bleve.NewDisjunctionQuery(qs...), nil
	case Exists:
		return sc.markerQuery(existsField, n.Field, n.FieldPos)
	case IsNull:
		return sc.markerQuery(nullField, n.Field, n.FieldPos)
	case IsEmpty:
		return sc.markerQuery(emptyField, n.Field, n.FieldPos)
	}
	return nil, fmt.Errorf("filter: unsupported node %T", f)
}

func (sc *schema) compileAll(fs []Filter) ([]query.Query, error) {
	qs := make([]query.Query, 0, len(fs))
	for _, t := range fs {
		q, err := sc.compileFilter(t)
		if err != nil {
			return nil, err
		}
		qs = append(qs, q)
	}
	return qs, nil
}

func negate(q query.Query) query.Query {
	bq := bleve.NewBooleanQuery()
	bq.AddMust(bleve.NewMatchAllQuery())
	bq.AddMustNot(q)
	return bq
}

// filterFieldError reports a filter on an undeclared or non-filterable
// field, or a value of the wrong type; filter turns it into a *FilterError
// naming the column.
type filterFieldError struct {
	Field  string
	Offset int
	Msg    string
}

// Error implements error.
func (e *filterFieldError) Error() string {
	return fmt.Sprintf("index: filter: attribute %q: %s", e.Field, e.Msg)
}

// filter parses src and compiles it for the schema: the one check both
// backends apply. Errors are *FilterError (they match ErrInvalidQuery).
func (sc *schema) filter(src string) (Filter, query.Query, error) {
	f, err := ParseFilter(src)
	if err != nil || f == nil {
		return nil, nil, err
	}
	q, err := sc.compileFilter(f)
	if err != nil {
		var fe *filterFieldError
		if errors.As(err, &fe) {
			off := min(max(fe.Offset, 0), len(src))
			return nil, nil, &FilterError{Offset: off, Column: utf8.RuneCountInString(src[:off]) + 1,
				Msg: fmt.Sprintf("attribute %q: %s", fe.Field, fe.Msg)}
		}
		return nil, nil, err
	}
	return f, q, nil
}

func (sc *schema) filterField(name string, pos int) (Field, error) {
	f, ok := sc.fields[name]
	if !ok {
		return Field{}, &filterFieldError{Field: name, Offset: pos, Msg: "not a declared field"}
	}
	if !f.Filterable {
		return Field{}, &filterFieldError{Field: name, Offset: pos, Msg: "not filterable"}
	}
	return f, nil
}

func (sc *schema) markerQuery(marker, name string, pos int) (query.Query, error) {
	if _, err := sc.filterField(name, pos); err != nil {
		return nil, err
	}
	tq := bleve.NewTermQuery(name)
	tq.SetField(marker)
	return tq, nil
}

func (sc *schema) compileCompare(c Compare) (query.Query, error) {
	f, err := sc.filterField(c.Field, c.FieldPos)
	if err != nil {
		return nil, err
	}
	switch c.Op {
	case OpEq:
		return sc.equal(f, c.Value)
	case OpNe:
		q, err := sc.equal(f, c.Value)
		if err != nil {
			return nil, err
		}
		return negate(q), nil
	case OpGt:
		return sc.rangeQuery(f, &c.Value, nil, false, false)
	case OpGe:
		return sc.rangeQuery(f, &c.Value, nil, true, false)
	case OpLt:
		return sc.rangeQuery(f, nil, &c.Value, false, false)
	case OpLe:
		return sc.rangeQuery(f, nil, &c.Value, false, true)
	}
	return nil, fmt.Errorf("filter: unknown operator %q", c.Op)
}

func valueError(f Field, v Value, want string) error {
	return &filterFieldError{Field: f.Name, Offset: v.Pos, Msg: fmt.Sprintf("value %q is not %s", v.Text, want)}
}

func (sc *schema) equal(f Field, v Value) (query.Query, error) {
	switch f.Type {
	case Text, Keyword:
		tq := bleve.NewTermQuery(strings.ToLower(v.Text))
		tq.SetField(lowerPrefix + f.Name)
		return tq, nil
	case Bool:
		bv, err := strconv.ParseBool(v.Text)
		if err != nil {
			return nil, valueError(f, v, "true or false")
		}
		q := bleve.NewBoolFieldQuery(bv)
		q.SetField(f.Name)
		return q, nil
	}
	return sc.rangeQuery(f, &v, &v, true, true)
}

// rangeQuery builds from..to with the given inclusiveness; nil means open.
func (sc *schema) rangeQuery(f Field, from, to *Value, fromIncl, toIncl bool) (query.Query, error) {
	switch f.Type {
	case Number:
		var lo, hi *float64
		for _, p := range []struct {
			v   *Value
			dst **float64
		}{{from, &lo}, {to, &hi}} {
			if p.v == nil {
				continue
			}
			x, err := strconv.ParseFloat(p.v.Text, 64)
			if err != nil || math.IsNaN(x) {
				return nil, valueError(f, *p.v, "a number")
			}
			*p.dst = &x
		}
		q := bleve.NewNumericRangeInclusiveQuery(lo, hi, &fromIncl, &toIncl)
		q.SetField(f.Name)
		return q, nil
	case Time:
		var lo, hi time.Time
		for _, p := range []struct {
			v   *Value
			dst *time.Time
		}{{from, &lo}, {to, &hi}} {
			if p.v == nil {
				continue
			}
			t, ok := filterTime(p.v.Text)
			if !ok {
				return nil, valueError(f, *p.v, "an RFC 3339 time, a date or a Unix timestamp")
			}
			*p.dst = t
		}
		q := bleve.NewDateRangeInclusiveQuery(lo, hi, &fromIncl, &toIncl)
		q.SetField(f.Name)
		return q, nil
	case Text, Keyword:
		var lo, hi string
		if from != nil {
			lo = strings.ToLower(from.Text)
		}
		if to != nil {
			hi = strings.ToLower(to.Text)
		}
		q := bleve.NewTermRangeInclusiveQuery(lo, hi, &fromIncl, &toIncl)
		q.SetField(lowerPrefix + f.Name)
		return q, nil
	}
	pos := 0
	if from != nil {
		pos = from.Pos
	} else if to != nil {
		pos = to.Pos
	}
	return nil, &filterFieldError{Field: f.Name, Offset: pos, Msg: fmt.Sprintf("a %s field has no order", f.Type)}
}

// filterTime reads a time in a filter: RFC 3339, a date, or Unix seconds.
func filterTime(s string) (time.Time, bool) {
	if t, ok := parseTime(s); ok {
		return t, true
	}
	if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(x) && !math.IsInf(x, 0) {
		sec, frac := math.Modf(x)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
	}
	return time.Time{}, false
}
