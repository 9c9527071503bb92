package reviewer

import (
	"context"
	"embed"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/pipeline/index"
	"vigie/pipeline/queue"
	"vigie/pipeline/review"
	"vigie/pipeline/source"
)

//go:embed templates/*.html
var templateFS embed.FS

// Readiness reports whether a dependency is up; nil means ready.
type Readiness func(ctx context.Context) error

// Deps are what the server reads from.
type Deps struct {
	// Index is the search index of the queue.
	Index index.Backend
	// Sources is the source registry (nil: no sources API).
	Sources *source.Registry
	// Ready lists the dependencies /readyz checks.
	Ready []Readiness
	// Accounts holds users, sessions and tokens (nil: no authentication,
	// for tests of the read-only API only).
	Accounts *account.Store
	// Policy says which role may call which route.
	Policy *account.Policy
	// Cookie is the session cookie.
	Cookie account.Cookie
	// Review is the review workflow (actions, history, verdicts).
	Review *review.Workflow
}

// Server serves the review UI and API.
type Server struct {
	deps     Deps
	index    index.Backend
	sources  *source.Registry
	ready    []Readiness
	draining atomic.Bool
	tmpl     *template.Template
	log      *zap.Logger
}

// New returns a server over its dependencies.
func New(d Deps, log *zap.Logger) *Server {
	t := template.Must(template.New("").Funcs(template.FuncMap{
		"pct": func(f float64) string { return strconv.Itoa(int(f*100+0.5)) + "%" },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("2006-01-02 15:04")
		},
	}).ParseFS(templateFS, "templates/*.html"))
	return &Server{deps: d, index: d.Index, sources: d.Sources, ready: d.Ready, tmpl: t, log: log.Named("reviewer")}
}

// SetDraining turns readiness false; it is the first step of shutdown.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Handler returns every route: the operations routes, the review UI and the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.opsRoutes(mux)
	mux.HandleFunc("GET /api/v1/claims", s.apiClaims)
	if s.sources != nil {
		mux.HandleFunc("GET /api/v1/sources", s.apiSources)
	}
	mux.HandleFunc("GET /{$}", s.queuePage)
	return securityHeaders(mux)
}

// OpsHandler returns only /healthz and /readyz, for processes that do not
// serve the review UI.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	s.opsRoutes(mux)
	return mux
}

func (s *Server) opsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
	})
	mux.HandleFunc("GET /readyz", s.readyz)
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	for _, check := range s.ready {
		if err := check(ctx); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// ClaimsResponse is the JSON of GET /api/v1/claims.
type ClaimsResponse struct {
	Total  int                       `json:"total"`
	Hits   []queue.Claim             `json:"hits"`
	Facets map[string]map[string]int `json:"facets,omitempty"`
}

const maxLimit = 200

// searchQuery reads the query parameters shared by the page and the API.
func searchQuery(r *http.Request) (index.Query, error) {
	v := r.URL.Query()
	q := index.Query{Text: strings.TrimSpace(v.Get("q")), Filter: v.Get("filter"), Limit: 20}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			return q, badRequest("limit must be an integer from 1 to " + strconv.Itoa(maxLimit))
		}
		q.Limit = n
	}
	if o := v.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			return q, badRequest("offset must be a non-negative integer")
		}
		q.Offset = n
	}
	for _, f := range splitList(v.Get("facets")) {
		q.Facets = append(q.Facets, f)
	}
	q.Sort = splitList(v.Get("sort"))
	if len(q.Sort) == 0 && q.Text == "" {
		q.Sort = []string{"detected:desc"}
	}
	return q, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) search(ctx context.Context, q index.Query) (ClaimsResponse, error) {
	res, err := s.index.Search(ctx, q)
	if err != nil {
		return ClaimsResponse{}, err
	}
	out := ClaimsResponse{Total: res.Total, Hits: make([]queue.Claim, 0, len(res.Hits)), Facets: res.Facets}
	for _, h := range res.Hits {
		c, err := queue.FromDocument(h.Doc)
		if err != nil {
			return out, err
		}
		out.Hits = append(out.Hits, c)
	}
	return out, nil
}

func (s *Server) apiClaims(w http.ResponseWriter, r *http.Request) {
	q, err := searchQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.search(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

type queueView struct {
	Query string
	Total int
	Hits  []queue.Claim
	Error string
}

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) {
	view := queueView{Query: r.URL.Query().Get("q")}
	q, err := searchQuery(r)
	if err == nil {
		var res ClaimsResponse
		res, err = s.search(r.Context(), q)
		view.Total, view.Hits = res.Total, res.Hits
	}
	if err != nil {
		status, msg := statusOf(err)
		w.WriteHeader(status)
		view.Error = msg
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.ExecuteTemplate(w, "queue.html", view); err != nil {
		s.log.Error("render queue", zap.Error(err))
	}
}
