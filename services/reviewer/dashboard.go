package reviewer

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/index"
)

// dashboardDays is how many days the per-day chart covers.
const dashboardDays = 7

// Dashboard is the JSON of GET /api/v1/dashboard and what the dashboard
// page draws.
type Dashboard struct {
	// Days are the last dashboardDays UTC days, oldest first, with the
	// claims detected per source.
	Days              []DayCount     `json:"days"`
	ClaimsDetected    int            `json:"claims_detected"`
	ClaimsFlagged     int            `json:"claims_flagged"`
	TopClusters       []ClusterCount `json:"top_clusters"`
	VerdictsPublished int            `json:"verdicts_published"`
	// MedianToVerdict is the median time from a claim's detection to the
	// first publication of its verdict, in seconds (0: no verdict yet).
	MedianToVerdict float64      `json:"median_to_verdict_seconds"`
	PerLocality     []NamedCount `json:"per_locality"`
}

// DayCount is one day's claims per source.
type DayCount struct {
	Day       string         `json:"day"`
	Total     int            `json:"total"`
	PerSource map[string]int `json:"per_source"`
}

// ClusterCount is a repeated claim: its cluster, how many claims repeat
// it and one of them.
type ClusterCount struct {
	ClusterID string `json:"cluster_id"`
	Count     int    `json:"count"`
	ClaimID   string `json:"claim_id"`
	Text      string `json:"text"`
}

// NamedCount is a value and its count.
type NamedCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// topClusters is how many repeated claims the dashboard lists.
const topClusters = 10

func (s *Server) dashboard(ctx context.Context) (Dashboard, error) {
	var d Dashboard
	if s.index == nil {
		return d, fmt.Errorf("dashboard: %w", errUnavailable)
	}
	all, err := s.index.Search(ctx, index.Query{Facets: []string{"cluster_id", "localities", "flagged"}, Limit: -1})
	if err != nil {
		return d, fmt.Errorf("dashboard: %w", err)
	}
	d.ClaimsDetected, d.ClaimsFlagged = all.Total, all.Facets["flagged"]["true"]
	for id, n := range all.Facets["cluster_id"] {
		if n > 1 {
			d.TopClusters = append(d.TopClusters, ClusterCount{ClusterID: id, Count: n})
		}
	}
	slices.SortFunc(d.TopClusters, func(a, b ClusterCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ClusterID, b.ClusterID))
	})
	d.TopClusters = d.TopClusters[:min(len(d.TopClusters), topClusters)]
	for i, c := range d.TopClusters {
		res, err := s.search(ctx, index.Query{Filter: "cluster_id = " + quoteFilter(c.ClusterID), Sort: []string{"detected:asc"}, Limit: 1})
		if err != nil {
			return d, fmt.Errorf("dashboard: %w", err)
		}
		if len(res.Hits) > 0 {
			d.TopClusters[i].ClaimID, d.TopClusters[i].Text = res.Hits[0].ID, res.Hits[0].Text
		}
	}
	d.PerLocality = sortedCounts(all.Facets["localities"])
	today := s.deps.Now().UTC().Truncate(24 * time.Hour)
	for i := dashboardDays - 1; i >= 0; i-- {
		from := today.AddDate(0, 0, -i)
		filter := fmt.Sprintf("detected >= %s AND detected < %s", quoteFilter(from.Format(time.RFC3339)),
			quoteFilter(from.AddDate(0, 0, 1).Format(time.RFC3339)))
		res, err := s.index.Search(ctx, index.Query{Filter: filter, Facets: []string{"source"}, Limit: -1})
		if err != nil {
			return d, fmt.Errorf("dashboard: %w", err)
		}
		per := res.Facets["source"]
		if per == nil {
			per = map[string]int{}
		}
		d.Days = append(d.Days, DayCount{Day: from.Format(time.DateOnly), Total: res.Total, PerSource: per})
	}
	if s.deps.Review != nil {
		vs, err := s.deps.Review.Verdicts(ctx, func(v *claims.Verdict) bool { return v.Version > 0 })
		if err != nil {
			return d, fmt.Errorf("dashboard: %w", err)
		}
		d.VerdictsPublished = len(vs)
		var waits []time.Duration
		for _, v := range vs {
			doc, err := s.index.Get(ctx, v.ClaimID)
			if err != nil {
				continue // the claim left the index (retention): no detection time
			}
			c, err := claimdoc.FromDocument(doc)
			if err != nil || c.Detected.IsZero() || v.FirstPublished.Before(c.Detected) {
				continue
			}
			waits = append(waits, v.FirstPublished.Sub(c.Detected))
		}
		d.MedianToVerdict = median(waits).Seconds()
	}
	if d.TopClusters == nil {
		d.TopClusters = []ClusterCount{}
	}
	return d, nil
}

// median returns the median of ds (0 for none).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

func sortedCounts(m map[string]int) []NamedCount {
	out := make([]NamedCount, 0, len(m))
	for k, n := range m {
		out = append(out, NamedCount{k, n})
	}
	slices.SortFunc(out, func(a, b NamedCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) })
	return out
}

func (s *Server) apiDashboard(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, d)
}

type dashboardView struct {
	page
	Dashboard
	Median              string
	DaysChart, LocChart template.HTML
	Sources             []string
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.dashboard(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := dashboardView{page: s.newPage(r, "dashboard_title"), Dashboard: d}
	if d.MedianToVerdict > 0 {
		v.Median = humanDuration(time.Duration(d.MedianToVerdict * float64(time.Second)))
	}
	v.Sources = daySources(d.Days)
	v.DaysChart = stackedBars(tr(v.Lang, "items_per_source_day"), d.Days, v.Sources)
	v.LocChart = hbars(tr(v.Lang, "per_locality"), d.PerLocality[:min(len(d.PerLocality), 15)])
	s.render(w, r, http.StatusOK, "dashboard", &v)
}

func daySources(days []DayCount) []string {
	var out []string
	for _, d := range days {
		for src := range d.PerSource {
			if !slices.Contains(out, src) {
				out = append(out, src)
			}
		}
	}
	slices.Sort(out)
	return out
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1f d", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	default:
		return fmt.Sprintf("%d min", int(d.Minutes()+0.5))
	}
}

// palette is colour-blind-safe (Okabe–Ito) and dark enough against white.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

// stackedBars draws claims per day, stacked by source, as an SVG; every
// text is escaped.
func stackedBars(title string, days []DayCount, sources []string) template.HTML {
	const w, h, left, bottom, top = 640, 240, 40, 30, 10
	peak := 1
	for _, d := range days {
		peak = max(peak, d.Total)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" class="chart"><title>%s</title>`,
		w, h+20*((len(sources)+3)/4), esc(title), esc(title))
	bw := (w - left) / max(len(days), 1)
	for i, d := range days {
		x := left + i*bw + 4
		y := h - bottom
		for j, src := range sources {
			n := d.PerSource[src]
			if n == 0 {
				continue
			}
			ht := n * (h - bottom - top) / peak
			y -= ht
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s: %d</title></rect>`,
				x, y, bw-8, ht, palette[j%len(palette)], esc(d.Day), esc(src), n)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="#1a1a1a">%s</text>`, x+(bw-8)/2, h-bottom+14, esc(d.Day[5:]))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle" fill="#1a1a1a">%d</text>`, x+(bw-8)/2, max(y-3, 10), d.Total)
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#1a1a1a"/>`, left, h-bottom, w, h-bottom)
	for j, src := range sources {
		x, y := left+(j%4)*150, h+(j/4)*20
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="12" fill="#1a1a1a">%s</text>`,
			x, y, palette[j%len(palette)], x+16, y+11, esc(src))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped text only
}

// hbars draws counts as horizontal bars, as an SVG.
func hbars(title string, counts []NamedCount) template.HTML {
	const w, row, left = 640, 22, 150
	peak := 1
	for _, c := range counts {
		peak = max(peak, c.Count)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" class="chart"><title>%s</title>`,
		w, max(len(counts), 1)*row+4, esc(title), esc(title))
	for i, c := range counts {
		y := i*row + 2
		bw := c.Count * (w - left - 50) / peak
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#1a1a1a">%s</text>`, left-6, y+14, esc(c.Name))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#0072B2"/>`, left, y+2, max(bw, 1), row-6)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1a1a1a">%d</text>`, left+bw+4, y+14, c.Count)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from escaped text only
}

func esc(s string) string { return template.HTMLEscapeString(s) }
