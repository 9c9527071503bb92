package publisher

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
)

//go:embed templates/*.html
var templateFS embed.FS

var (
	verdictTemplate = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/verdict.html"))
	listTemplate    = template.Must(template.ParseFS(templateFS, "templates/layout.html", "templates/list.html"))
)

// style is the pages' only stylesheet; the Content-Security-Policy allows
// it by hash, and nothing else (no script runs on these pages).
const style = `body{font:1rem/1.5 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:0 1rem;color:#1a1a1a;background:#fff}
.skip{position:absolute;inset-inline-start:-999px}.skip:focus{inset-inline-start:1rem;top:1rem;background:#fff;padding:.5rem}
header nav{display:flex;gap:1rem;padding:1rem 0;border-bottom:1px solid #ccc}.brand{font-weight:700}
a{color:#0645ad}a:focus{outline:3px solid #f90}
.claim{border-inline-start:4px solid #888;margin:0;padding:.5rem 1rem;background:#f5f5f5;font-size:1.1rem}
.rating{font-size:1.2rem}.rating-false,.rating-mostly_false,.rating-misleading{color:#a00}
.rating-true,.rating-mostly_true{color:#060}
.notice{border:2px solid #a00;padding:.5rem 1rem;margin:1rem 0}.notice-corrected{border-color:#b60}
.retracted h1,.retracted .claim{text-decoration:line-through}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dl.meta dd{margin:0}
.verdicts{list-style:none;padding:0}.verdicts li{border-bottom:1px solid #ddd;padding:.5rem 0}
.verdicts h2{font-size:1.1rem;margin:.25rem 0}.meta{color:#555}
fieldset{display:grid;gap:.25rem;border:1px solid #ccc}table{border-collapse:collapse}td,th{padding:.25rem .5rem;border:1px solid #ccc}
footer{border-top:1px solid #ccc;margin-top:2rem;color:#555}`

// csp is the pages' Content-Security-Policy.
var csp = func() string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}()

// timeView is a date for a page: machine-readable and shown.
type timeView struct{ ISO, Text string }

func showTime(t time.Time) timeView {
	if t.IsZero() {
		return timeView{}
	}
	t = t.UTC()
	return timeView{ISO: t.Format(time.RFC3339), Text: t.Format("2006-01-02 15:04 UTC")}
}

// linkView is a URL an editor wrote: a link only when it is absolute
// http(s), shown as text otherwise.
type linkView struct {
	Text string
	URL  string
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func links(urls []string) []linkView {
	out := make([]linkView, 0, len(urls))
	for _, u := range urls {
		l := linkView{Text: u}
		if isHTTPURL(u) {
			l.URL = u
		}
		out = append(out, l)
	}
	return out
}

// feedLink is one feed in the page head and footer.
type feedLink struct{ Type, Title, Label, Href string }

// page is what the layout needs.
type page struct {
	M                    *messages
	Style                template.CSS
	Title, Description   string
	Publisher, Canonical string
	JSONLD               template.HTML
	FeedLinks            []feedLink
	ShortPath            string
	V                    *verdictView
	Versions             []versionView
	Items                []itemView
	Total                int
	Form                 formView
	RatingOptions        []ratingOption
	Filtered             bool
	PrevPath, NextPath   string
	lastModified         time.Time
}

type correctionView struct {
	Version int
	Date    timeView
	Note    string
}

type versionView struct {
	Version int
	Date    timeView
	Rating  string
}

// verdictView is a verdict as its page shows it.
type verdictView struct {
	ID, Title, ClaimReviewed, Claimant, Lang string
	RatingClass, RatingLabel, TextualRating  string
	// RatingLang is the language of TextualRating (see itemView).
	RatingLang              string
	Summary                 []string
	Sources, Appearances    []linkView
	Localities              []string
	FirstPublished, Updated timeView
	Version                 int
	Corrections             []correctionView
	Retracted               bool
	RetractedAt             timeView
	RetractionNote          string
	MediaKind               string
}

// paragraphs splits text at blank lines (single newlines stay in the
// paragraph as spaces).
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for p := range strings.SplitSeq(text, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func title(v *claims.Verdict) string {
	if v.Title != "" {
		return v.Title
	}
	return v.ClaimReviewed
}

// feedLinks are the three feeds, with the filter's query.
func (s *Service) feedLinks(m *messages, query string) []feedLink {
	name := s.opts.Site.Publisher.Name + " — " + m.ListTitle
	return []feedLink{
		{Type: "application/atom+xml", Title: name + " (Atom)", Label: "Atom", Href: withQuery(FeedPath("atom"), query)},
		{Type: "application/rss+xml", Title: name + " (RSS)", Label: "RSS", Href: withQuery(FeedPath("rss"), query)},
		{Type: "application/feed+json", Title: name + " (JSON Feed)", Label: "JSON Feed", Href: withQuery(FeedPath("json"), query)},
	}
}

// serveVerdict renders the page of one verdict.
func (s *Service) serveVerdict(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		s.fail(w, r, fmt.Errorf("verdict page %q: %w", id, review.ErrNotFound))
		return
	}
	ctx := r.Context()
	v, err := s.src.Verdict(ctx, id)
	if err == nil && !isPublic(v) {
		err = fmt.Errorf("verdict page %q: %w", id, review.ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := s.src.Versions(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.verdictPage(s.toPublish(ctx, v), v, versions)
	s.render(w, r, verdictTemplate, p)
}

// verdictPage builds the page of a published verdict record.
func (s *Service) verdictPage(pv publish.Verdict, v *claims.Verdict, versions []*claims.Verdict) *page {
	m := messagesFor(v.Language)
	tr, trLang := v.TextualRating, v.Language
	if tr == "" {
		tr, trLang = m.rating(pv.Rating), m.Lang
	}
	vv := &verdictView{
		ID: v.ID, Title: title(v), ClaimReviewed: v.ClaimReviewed, Claimant: v.Claimant, Lang: v.Language,
		RatingClass: string(pv.Rating), RatingLabel: m.rating(pv.Rating), TextualRating: tr, RatingLang: trLang,
		Summary: paragraphs(v.Summary), Sources: links(v.Sources), Appearances: links(v.Appearances),
		Localities: v.Localities, FirstPublished: showTime(pv.Published), Version: v.Version,
		Retracted: v.Retracted, RetractedAt: showTime(v.RetractedAt), RetractionNote: v.RetractionNote,
	}
	if pv.Media != nil {
		vv.MediaKind = string(pv.Media.Kind)
	}
	if v.Published.After(pv.Published) {
		vv.Updated = showTime(v.Published)
	}
	if v.Retracted {
		vv.Updated = showTime(v.RetractedAt)
	}
	for _, c := range v.Corrections {
		vv.Corrections = append(vv.Corrections, correctionView{Version: c.Version, Date: showTime(c.Date), Note: c.Note})
	}
	p := &page{
		M: m, Style: template.CSS(style), Title: vv.Title, Description: oneLine(tr+" — "+v.ClaimReviewed, 300), //nolint:gosec // constant stylesheet
		Publisher: s.opts.Site.Publisher.Name, FeedLinks: s.feedLinks(m, ""), ShortPath: "/v/" + v.ID, V: vv,
		lastModified: pv.Modified,
	}
	if isHTTPURL(s.opts.Site.BaseURL) {
		p.Canonical = pv.URL
	}
	for _, ver := range versions {
		label := ver.TextualRating
		if label == "" {
			label = m.rating(ver.Rating)
		}
		p.Versions = append(p.Versions, versionView{Version: ver.Version, Date: showTime(ver.Published), Rating: label})
	}
	// A retracted verdict keeps its page but drops its structured data, so
	// search engines stop showing the withdrawn rating.
	if !v.Retracted && p.Canonical != "" {
		mk, err := publish.BuildMarkup(pv)
		if err != nil {
			s.log.Warn("verdict page without claim review", zap.String("verdict_id", v.ID), zap.Error(err))
		} else {
			p.JSONLD = mk.HTML()
			if len(mk.Warnings) > 0 {
				s.log.Debug("claim review warnings", zap.String("verdict_id", v.ID), zap.Strings("warnings", mk.Warnings))
			}
		}
	}
	return p
}

// oneLine collapses whitespace and cuts s to n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// itemView is one verdict in the list.
type itemView struct {
	Path, Title, TextualRating, RatingClass, Lang string
	// RatingLang is the language of TextualRating: the verdict's, or the
	// page's when it is the scale's label.
	RatingLang string
	Date       timeView
	Localities []string
	Retracted  bool
}

type formView struct{ Locality, Language string }

type ratingOption struct {
	Value, Label string
	Selected     bool
}

// serveList renders the filterable list of published verdicts.
func (s *Service) serveList(w http.ResponseWriter, r *http.Request) {
	f, err := ParseFilter(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pageNo := 1
	if raw := r.URL.Query().Get("page"); raw != "" {
		if pageNo, err = strconv.Atoi(raw); err != nil || pageNo < 1 || pageNo > 100000 {
			s.fail(w, r, fmt.Errorf("page %q: %w", raw, httpapi.ErrBadRequest))
			return
		}
	}
	vs, err := s.publicVerdicts(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.listPage(negotiate(r), vs, f, pageNo)
	w.Header().Add("Vary", "Accept-Language")
	s.render(w, r, listTemplate, p)
}

// listPage builds one page of the list.
func (s *Service) listPage(m *messages, vs []published, f Filter, pageNo int) *page {
	query := f.Query()
	p := &page{
		M: m, Style: template.CSS(style), Title: m.ListTitle, Description: m.ListIntro, //nolint:gosec // constant stylesheet
		Publisher: s.opts.Site.Publisher.Name, FeedLinks: s.feedLinks(m, query), Filtered: !f.Empty(),
		Form: formView{Locality: strings.Join(f.Localities, ","), Language: strings.Join(f.Languages, ",")},
	}
	if isHTTPURL(s.opts.Site.BaseURL) {
		p.Canonical = withQuery(s.opts.Site.BaseURL+"/verdicts", query)
	}
	for _, r := range claims.Scale {
		p.RatingOptions = append(p.RatingOptions, ratingOption{Value: string(r), Label: m.rating(r),
			Selected: len(f.Ratings) == 1 && f.Ratings[0] == r})
	}
	first, last := (pageNo-1)*s.opts.PageSize, pageNo*s.opts.PageSize
	for _, v := range vs {
		if !f.Match(v.pub) {
			continue
		}
		if mod := v.pub.Modified; mod.After(p.lastModified) {
			p.lastModified = mod
		}
		if p.Total >= first && p.Total < last {
			tr, trLang := v.rec.TextualRating, v.rec.Language
			if tr == "" {
				tr, trLang = m.rating(v.pub.Rating), m.Lang
			}
			p.Items = append(p.Items, itemView{
				Path: "/verdicts/" + v.rec.ID, Title: title(v.rec), TextualRating: tr, RatingClass: string(v.pub.Rating),
				Lang: v.rec.Language, RatingLang: trLang, Date: showTime(v.pub.Published), Localities: v.rec.Localities, Retracted: v.rec.Retracted,
			})
		}
		p.Total++
	}
	pagePath := func(n int) string {
		q, _ := url.ParseQuery(query)
		q.Set("lang", m.Lang)
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return "/verdicts?" + q.Encode()
	}
	if pageNo > 1 {
		p.PrevPath = pagePath(pageNo - 1)
	}
	if p.Total > last {
		p.NextPath = pagePath(pageNo + 1)
	}
	return p
}

// render writes a page with its security headers, an ETag and 304s.
func (s *Service) render(w http.ResponseWriter, r *http.Request, t *template.Template, p *page) {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.Error("page not rendered", zap.String("path", r.URL.Path), zap.Error(err))
		http.Error(w, "page unavailable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Language", p.M.Lang)
	publish.ServeFeed(w, r, "text/html; charset=utf-8", buf.Bytes(), p.lastModified)
}
