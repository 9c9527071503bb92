package publisher

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
)

// VerdictSource reads verdicts; *review.Workflow satisfies it.
type VerdictSource interface {
	// Verdicts returns the current record of every verdict keep accepts,
	// most recently published first.
	Verdicts(ctx context.Context, keep func(*claims.Verdict) bool) ([]*claims.Verdict, error)
	// Verdict returns the current record of one verdict, or an error
	// wrapping review.ErrNotFound.
	Verdict(ctx context.Context, verdictID string) (*claims.Verdict, error)
	// Versions returns every published version of a verdict, oldest first.
	Versions(ctx context.Context, verdictID string) ([]*claims.Verdict, error)
}

// Details is what a verdict record does not hold but its page may show:
// when the claim was first made and the image or video it concerns.
type Details struct {
	// ClaimDate is when the claim was first made; zero when unknown.
	ClaimDate time.Time
	// Media is the image or video the claim concerns; nil when none.
	Media *publish.Media
}

// Options configure the publisher; zero fields take defaults.
type Options struct {
	// Site names the newsroom and the public root of the pages (required:
	// a Publisher name and an absolute http(s) BaseURL).
	Site review.Site
	// Details completes a verdict for its page and JSON-LD; when nil,
	// DetectMedia finds images and videos among the appearances and the
	// claim date stays unknown.
	Details func(ctx context.Context, v *claims.Verdict) Details
	// FeedLimit is the most entries in a feed (default 100).
	FeedLimit int
	// PageSize is the most verdicts on one list page (default 50).
	PageSize int
	// CacheTTL is how long the list of published verdicts is reused
	// (default 2s; negative reads it on every request).
	CacheTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Service serves verdict pages and public feeds.
type Service struct {
	src  VerdictSource
	opts Options
	log  *zap.Logger

	mu       sync.Mutex
	cached   []published
	cachedAt time.Time
	// gen counts reloads of cached; rendered feeds of an older generation
	// are stale.
	gen      uint64
	rendered map[string]renderedFeed
}

// renderedFeed is a feed body kept for the generation it was built from.
type renderedFeed struct {
	gen      uint64
	body     []byte
	modified time.Time
}

// maxRendered bounds the rendered feeds kept (one per format and filter).
const maxRendered = 256

// published is one published verdict: its record and its public form.
type published struct {
	rec *claims.Verdict
	pub publish.Verdict
}

// New returns the publisher over src. It never fails: a Site without a
// publisher name is named "Vigie", and pages without an absolute BaseURL
// carry no JSON-LD (a warning is logged once here).
func New(src VerdictSource, opts Options, log *zap.Logger) *Service {
	if log == nil {
		log = zap.NewNop()
	}
	log = log.Named("publisher")
	if opts.Site.Publisher.Name == "" {
		opts.Site.Publisher.Name = "Vigie"
	}
	opts.Site.BaseURL = strings.TrimRight(opts.Site.BaseURL, "/")
	if !isHTTPURL(opts.Site.BaseURL) {
		log.Warn("site base url is not an absolute http(s) url: verdict pages carry no claim review",
			zap.String("base_url", opts.Site.BaseURL))
	}
	if opts.FeedLimit <= 0 {
		opts.FeedLimit = 100
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 50
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{src: src, opts: opts, log: log}
}

// Routes declares the routes Handler serves, all public: the verdict pages,
// the short links, the feeds and the public JSON API.
func (s *Service) Routes() []account.Route {
	r := func(pattern string, h http.HandlerFunc) account.Route {
		return account.Route{Pattern: pattern, Access: account.AccessPublic, Handler: h}
	}
	return []account.Route{
		r("GET /verdicts", s.serveList),
		r("GET /verdicts/{id}", s.serveVerdict),
		r("GET /v/{id}", s.serveShortLink),
		r("GET /feeds/verdicts.atom", s.serveFeed(formatAtom)),
		r("GET /feeds/verdicts.rss", s.serveFeed(formatRSS)),
		r("GET /feeds/verdicts.json", s.serveFeed(formatJSON)),
		r("GET /api/v1/verdicts/public", s.serveAPIList),
		r("GET /api/v1/verdicts/public/{id}", s.serveAPIVerdict),
	}
}

// Handler serves the routes of Routes through p (which must hold them).
func (s *Service) Handler(p *account.Policy) http.Handler {
	return p.Mux(s.Routes(), nil)
}

// isPublic reports whether a verdict record may be shown: published at
// least once (a retracted verdict stays visible, marked).
func isPublic(v *claims.Verdict) bool {
	return v != nil && v.Version > 0 && (v.State == claims.VerdictPublished || v.State == claims.VerdictRetracted)
}

// publicVerdicts returns the published verdicts, newest first publication
// first, from the cache when it is fresh.
func (s *Service) publicVerdicts(ctx context.Context) ([]published, error) {
	vs, _, err := s.publicVerdictsGen(ctx)
	return vs, err
}

// publicVerdictsGen is publicVerdicts with the generation of the list.
func (s *Service) publicVerdictsGen(ctx context.Context) ([]published, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.opts.Now()
	if s.opts.CacheTTL > 0 && s.cached != nil && now.Sub(s.cachedAt) < s.opts.CacheTTL {
		return s.cached, s.gen, nil
	}
	recs, err := s.src.Verdicts(ctx, isPublic)
	if err != nil {
		return nil, 0, fmt.Errorf("list published verdicts: %w", err)
	}
	out := make([]published, 0, len(recs))
	for _, v := range recs {
		out = append(out, published{rec: v, pub: s.toPublish(ctx, v)})
	}
	// Newest first publication first: a correction does not reorder the
	// list (feeds order by update instead).
	slices.SortStableFunc(out, func(a, b published) int {
		if c := b.pub.Published.Compare(a.pub.Published); c != 0 {
			return c
		}
		return strings.Compare(a.rec.ID, b.rec.ID)
	})
	s.cached, s.cachedAt = out, now
	s.gen++
	clear(s.rendered)
	return out, s.gen, nil
}

// toPublish converts a record to the public form, completed with Details.
func (s *Service) toPublish(ctx context.Context, v *claims.Verdict) publish.Verdict {
	pv := s.opts.Site.Publish(v)
	var d Details
	if s.opts.Details != nil {
		d = s.opts.Details(ctx, v)
	} else {
		d = Details{Media: DetectMedia(pv)}
	}
	pv.ClaimDate, pv.Media = d.ClaimDate, d.Media
	return pv
}

// problem is httpapi's answer to err in the public site's words: what is
// missing is a verdict, and a failure of no known kind is the verdicts
// being out of reach for now (503), not an internal error.
func problem(err error) httpapi.Problem {
	p := httpapi.ProblemOf(err)
	switch p.Status {
	case http.StatusNotFound:
		p.Body.Error = "verdict not found"
	case http.StatusInternalServerError:
		p.Status, p.Body.Error = http.StatusServiceUnavailable, "verdicts unavailable, try again later"
	}
	return p
}

// fail answers a page or feed request with the status of err and its
// message as text, logging the unexpected ones.
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	p := problem(err)
	if p.Status >= 500 {
		s.log.Warn("public request failed", zap.String("path", r.URL.Path), zap.Error(err))
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, p.Body.Error, p.Status)
}

// serveShortLink redirects /v/{id} to the verdict's stable page.
func (s *Service) serveShortLink(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		s.fail(w, r, fmt.Errorf("short link %q: %w", id, review.ErrNotFound))
		return
	}
	v, err := s.src.Verdict(r.Context(), id)
	if err == nil && !isPublic(v) {
		err = fmt.Errorf("short link %q: %w", id, review.ErrNotFound)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/verdicts/"+id, http.StatusMovedPermanently)
}

// validID accepts verdict ids as the workflow makes them (claim ids:
// [a-z0-9_-], 1 to 128); it keeps version keys ("id.v2") out.
func validID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}
