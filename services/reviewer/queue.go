package reviewer

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"vigie/pipeline/claimdoc"
	"vigie/pipeline/index"
)

// queuePageSize is the number of claims per queue page.
const queuePageSize = 20

// facetFields are the keyword facets of the queue page: query parameter →
// index field.
var facetFields = []struct{ Param, Field, Label string }{
	{"status", "status", "facet_status"},
	{"flagged", "flagged", "facet_flagged"},
	{"confirmed", "confirmed", "facet_confirmed"},
	{"source", "source", "facet_source"},
	{"language", "language", "facet_language"},
	{"locality", "localities", "facet_locality"},
}

type sortOrder struct {
	Name, Label string
	Keys        []string
}

// sortOrders are the queue's orders; the first is the default. A text
// search ranks by relevance unless a sort is asked for.
var sortOrders = []sortOrder{
	{"flagged", "sort_flagged", []string{"flagged:desc", "top_score:desc", "detected:desc"}},
	{"newest", "sort_newest", []string{"detected:desc"}},
	{"worthiness", "sort_worthiness", []string{"worthiness:desc", "detected:desc"}},
	{"score", "sort_score", []string{"top_score:desc", "detected:desc"}},
}

type dateRange struct {
	Name, Label string
	D           time.Duration
}

// worthinessSteps and dateRanges are the range facets.
var (
	worthinessSteps = []int{25, 50, 75}
	dateRanges      = []dateRange{{"day", "last_day", 24 * time.Hour}, {"week", "last_week", 7 * 24 * time.Hour}, {"month", "last_month", 30 * 24 * time.Hour}}
)

// queueParams are the queue page's query parameters, parsed.
type queueParams struct {
	Text   string
	Values map[string]string // facet param → selected value
	WMin   int               // worthiness ≥ WMin %, 0: any
	Since  string            // a dateRanges name, "": any
	Sort   string
	Page   int
	Raw    url.Values
	// Low is the low-priority view: the sentences kept under the
	// check-worthiness threshold (the main queue leaves them out).
	Low bool
}

func parseQueueParams(v url.Values) (queueParams, error) {
	p := queueParams{Text: strings.TrimSpace(v.Get("q")), Values: map[string]string{}, Sort: v.Get("sort"), Page: 1, Raw: v}
	for k, xs := range v {
		for _, x := range xs {
			if !utf8.ValidString(k) || !utf8.ValidString(x) {
				return p, badRequest("query parameters must be UTF-8")
			}
		}
	}
	for _, f := range facetFields {
		if x := strings.TrimSpace(v.Get(f.Param)); x != "" {
			if len(x) > 200 {
				return p, badRequest(f.Param + " is too long")
			}
			p.Values[f.Param] = x
		}
	}
	for _, b := range []string{"flagged", "confirmed"} {
		if x := v.Get(b); x != "" && x != "true" && x != "false" {
			return p, badRequest(b + " must be true or false")
		}
	}
	switch v.Get("view") {
	case "":
	case "low":
		p.Low = true
	default:
		return p, badRequest("view must be low or absent")
	}
	if x := v.Get("wmin"); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 || n > 100 {
			return p, badRequest("wmin must be a percentage from 0 to 100")
		}
		p.WMin = n
	}
	if x := v.Get("since"); x != "" {
		if !slices.ContainsFunc(dateRanges, func(d dateRange) bool { return d.Name == x }) {
			return p, badRequest("since must be day, week or month")
		}
		p.Since = x
	}
	if p.Sort == "" {
		p.Sort = sortOrders[0].Name
	}
	if !slices.ContainsFunc(sortOrders, func(o sortOrder) bool { return o.Name == p.Sort }) {
		return p, badRequest("sort must be one of flagged, newest, worthiness, score")
	}
	if x := v.Get("page"); x != "" {
		n, err := strconv.Atoi(x)
		if err != nil || n < 1 || n > 10000 {
			return p, badRequest("page must be a positive integer")
		}
		p.Page = n
	}
	return p, nil
}

// filter builds the index filter of the selected facets, leaving out skip
// (to count a facet's other values), with the given range selections.
func (p queueParams) filter(now time.Time, skip string, wmin int, since string) string {
	terms := []string{"low_priority != true"}
	if p.Low {
		terms[0] = "low_priority = true"
	}
	for _, f := range facetFields {
		x, ok := p.Values[f.Param]
		if !ok || f.Param == skip {
			continue
		}
		if f.Param == "flagged" || f.Param == "confirmed" {
			terms = append(terms, f.Field+" = "+x)
			continue
		}
		terms = append(terms, f.Field+" = "+quoteFilter(x))
	}
	if wmin > 0 {
		terms = append(terms, "worthiness >= "+strconv.FormatFloat(float64(wmin)/100, 'f', 2, 64))
	}
	for _, d := range dateRanges {
		if d.Name == since {
			terms = append(terms, "detected >= "+quoteFilter(now.Add(-d.D).UTC().Format(time.RFC3339)))
		}
	}
	return strings.Join(terms, " AND ")
}

// with returns the page's URL with param set to value ("" removes it) and
// the page reset.
func (p queueParams) with(param, value string) string {
	v := url.Values{}
	for k, xs := range p.Raw {
		if k != "page" && k != "lang" {
			v[k] = xs
		}
	}
	if value == "" {
		v.Del(param)
	} else {
		v.Set(param, value)
	}
	if param == "page" && value != "" {
		v.Set("page", value)
	}
	if len(v) == 0 {
		return "/queue"
	}
	return "/queue?" + v.Encode()
}

type facetValue struct {
	Value, Label, URL string
	Count             int
	Selected          bool
}

type facetGroup struct {
	Param, Label string
	Values       []facetValue
}

type sortChoice struct {
	Name, Label string
	Selected    bool
}

type queueView struct {
	page
	Query, Error string
	Total        int
	Hits         []claimdoc.Claim
	// Clusters are the rows' clusters of more than one claim, by id.
	Clusters         map[string]*Cluster
	Facets           []facetGroup
	Sorts            []sortChoice
	Sort             string
	PageNum, Pages   int
	PrevURL, NextURL string
	ClearURL         string
	Since            string // RFC 3339: the live-events cursor
	Hidden           []hiddenField
	// Low is the low-priority view; MainURL and LowURL switch views.
	Low             bool
	MainURL, LowURL string
}

type hiddenField struct{ Name, Value string }

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) {
	view := queueView{page: s.newPage(r, "nav_queue"), Query: r.URL.Query().Get("q"), Hits: []claimdoc.Claim{}}
	now := s.deps.Now()
	view.Since = now.UTC().Format(time.RFC3339Nano)
	p, err := parseQueueParams(r.URL.Query())
	if err == nil {
		err = s.fillQueue(r.Context(), &view, p, now)
	}
	status := http.StatusOK
	if err != nil {
		status, view.Error = statusOf(err)
	}
	s.render(w, r, status, "queue", &view)
}

func (s *Server) fillQueue(ctx context.Context, view *queueView, p queueParams, now time.Time) error {
	view.Sort = p.Sort
	for _, o := range sortOrders {
		view.Sorts = append(view.Sorts, sortChoice{Name: o.Name, Label: o.Label, Selected: o.Name == p.Sort})
	}
	view.Low = p.Low
	view.MainURL, view.LowURL = p.with("view", ""), p.with("view", "low")
	for _, k := range []string{"q", "status", "flagged", "confirmed", "source", "language", "locality", "wmin", "since", "view"} {
		if x := p.Raw.Get(k); x != "" && k != "q" {
			view.Hidden = append(view.Hidden, hiddenField{k, x})
		}
	}
	var keys []string
	for _, o := range sortOrders {
		if o.Name == p.Sort && (p.Text == "" || p.Raw.Get("sort") != "") {
			keys = o.Keys
		}
	}
	if extra := p.Raw.Get("filter"); extra != "" {
		return badRequest("the queue page takes facet parameters; use /api/v1/claims for filter expressions")
	}
	fields := make([]string, 0, len(facetFields))
	for _, f := range facetFields {
		fields = append(fields, f.Field)
	}
	q := index.Query{Text: p.Text, Filter: p.filter(now, "", p.WMin, p.Since), Facets: fields, Sort: keys,
		Offset: (p.Page - 1) * queuePageSize, Limit: queuePageSize}
	res, err := s.search(ctx, q)
	if err != nil {
		return err
	}
	view.Total, view.Hits = res.Total, res.Hits
	if view.Clusters, err = s.clusters(ctx, res.Hits); err != nil {
		return err
	}
	view.PageNum = p.Page
	view.Pages = max(1, (res.Total+queuePageSize-1)/queuePageSize)
	if p.Page > 1 {
		view.PrevURL = p.with("page", strconv.Itoa(p.Page-1))
	}
	if p.Page < view.Pages {
		view.NextURL = p.with("page", strconv.Itoa(p.Page+1))
	}
	clear := url.Values{}
	if p.Text != "" {
		clear.Set("q", p.Text)
	}
	if p.Low {
		clear.Set("view", "low")
	}
	view.ClearURL = "/queue"
	if len(clear) > 0 {
		view.ClearURL = "/queue?" + clear.Encode()
	}
	for _, f := range facetFields {
		counts := res.Facets[f.Field]
		if sel, ok := p.Values[f.Param]; ok {
			// Count the other values as if this facet were not selected.
			other, err := s.search(ctx, index.Query{Text: p.Text, Filter: p.filter(now, f.Param, p.WMin, p.Since), Facets: []string{f.Field}, Limit: -1})
			if err != nil {
				return err
			}
			counts = other.Facets[f.Field]
			if _, ok := counts[sel]; !ok {
				counts[sel] = 0
			}
		}
		g := facetGroup{Param: f.Param, Label: f.Label}
		for value, n := range counts {
			if value == "" {
				// No value (a claim whose language was not determined):
				// there is nothing to filter on, so no link.
				continue
			}
			label := value
			switch f.Param {
			case "source":
				label = s.sourceName(ctx, value)
			case "status":
				label = tr(view.Lang, "status_"+value)
			case "flagged", "confirmed":
				label = tr(view.Lang, map[string]string{"true": "yes", "false": "no"}[value])
			}
			selected := p.Values[f.Param] == value
			u := p.with(f.Param, value)
			if selected {
				u = p.with(f.Param, "")
			}
			g.Values = append(g.Values, facetValue{Value: value, Label: label, URL: u, Count: n, Selected: selected})
		}
		slices.SortFunc(g.Values, func(a, b facetValue) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		view.Facets = append(view.Facets, g)
	}
	// Range facets: counts under the other selections.
	wg := facetGroup{Param: "wmin", Label: "facet_worthiness"}
	for _, step := range worthinessSteps {
		n, err := s.count(ctx, p.Text, p.filter(now, "", step, p.Since))
		if err != nil {
			return err
		}
		v := strconv.Itoa(step)
		selected := p.WMin == step
		u := p.with("wmin", v)
		if selected {
			u = p.with("wmin", "")
		}
		wg.Values = append(wg.Values, facetValue{Value: v, Label: "≥ " + v + "%", URL: u, Count: n, Selected: selected})
	}
	dg := facetGroup{Param: "since", Label: "facet_date"}
	for _, d := range dateRanges {
		n, err := s.count(ctx, p.Text, p.filter(now, "", p.WMin, d.Name))
		if err != nil {
			return err
		}
		selected := p.Since == d.Name
		u := p.with("since", d.Name)
		if selected {
			u = p.with("since", "")
		}
		dg.Values = append(dg.Values, facetValue{Value: d.Name, Label: tr(view.Lang, d.Label), URL: u, Count: n, Selected: selected})
	}
	view.Facets = append(view.Facets, wg, dg)
	return nil
}

// count returns the number of claims matching text and filter.
func (s *Server) count(ctx context.Context, text, filter string) (int, error) {
	res, err := s.index.Search(ctx, index.Query{Text: text, Filter: filter, Limit: -1})
	if err != nil {
		return 0, err
	}
	return res.Total, nil
}

// sourceNames is a snapshot of the sources' display names by id.
type sourceNames struct {
	byID  map[string]string
	taken time.Time
}

// sourceNamesTTL is how long the queue reuses the source names it read.
const sourceNamesTTL = 30 * time.Second

// sourceName returns the display name of a source for the queue's facet:
// its name in the registry (read at most every sourceNamesTTL), else the id
// (a source removed since, or no registry).
func (s *Server) sourceName(ctx context.Context, id string) string {
	if s.sources == nil {
		return id
	}
	names := s.names.Load()
	if names == nil || time.Since(names.taken) > sourceNamesTTL {
		list, err := s.sources.List(ctx)
		if err != nil {
			s.log.Warn("source names not read", zap.Error(err))
			if names == nil {
				return id
			}
		} else {
			names = &sourceNames{byID: make(map[string]string, len(list)), taken: time.Now()}
			for _, src := range list {
				names.byID[src.ID] = src.Name
			}
			s.names.Store(names)
		}
	}
	if n := names.byID[id]; n != "" {
		return n
	}
	return id
}
