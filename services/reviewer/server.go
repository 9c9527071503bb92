package reviewer

import (
	"context"
	"embed"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/index"
	"vigie/pipeline/review"
	"vigie/pipeline/source"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

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
	// Accounts holds users, sessions and tokens (nil: login, account and
	// two-factor pages answer 503).
	Accounts *account.Store
	// Policy says which role may call which route (nil: account.DefaultPolicy).
	// New extends it with the routes of ExtendPolicy.
	Policy *account.Policy
	// Cookie is the session cookie.
	Cookie account.Cookie
	// Review is the review workflow (actions, history, verdicts); nil: the
	// action routes answer 503.
	Review *review.Workflow
	// Alerts gives a subscriber its alerts and channel settings (nil: the
	// subscriber view is empty).
	Alerts AlertSource
	// Reporters reads and erases tipster identities (nil: not shown).
	Reporters Reporters
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (login rate limit by client address).
	TrustedProxies []netip.Prefix
	// EventInterval is how often the live-events stream polls the index
	// for new claims (default 5s).
	EventInterval time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Server serves the review UI and API.
type Server struct {
	deps     Deps
	index    index.Backend
	sources  *source.Registry
	ready    []Readiness
	policy   *account.Policy
	draining atomic.Bool
	pages    *pageSet
	log      *zap.Logger
	// names caches the sources' display names for the queue's facet.
	names atomic.Pointer[sourceNames]
}

// ExtendPolicy adds to p the routes the reviewer serves beyond
// account.DefaultPolicy: the subscriber's alerts as JSON (admins, and a
// subscriber for its own) and the erasure of a tipster's identity (admins
// and editors, who may see it). It returns p.
func ExtendPolicy(p *account.Policy) *account.Policy {
	p.Allow("GET /api/v1/alerts", account.RoleAdmin)
	p.AllowOwn("GET /api/v1/alerts", account.RoleSubscriber)
	p.Allow("POST /api/v1/claims/{id}/tipster/erase", account.RolesPublish...)
	return p
}

// New returns a server over its dependencies.
func New(d Deps, log *zap.Logger) *Server {
	if d.Policy == nil {
		d.Policy = account.DefaultPolicy()
	}
	ExtendPolicy(d.Policy)
	if d.EventInterval <= 0 {
		d.EventInterval = 5 * time.Second
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Server{deps: d, index: d.Index, sources: d.Sources, ready: d.Ready, policy: d.Policy,
		pages: mustPages(), log: log.Named("reviewer")}
}

// SetDraining turns readiness false; it is the first step of shutdown.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Handler returns every route: the operations routes, the review UI and
// the API, each registered through the policy so that none skips the role
// check. It must run inside account.Authenticator.Middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, r := range s.routes() {
		s.policy.Handle(mux, r.pattern, r.h, s.deny)
	}
	return securityHeaders(rememberLanguage(mux))
}

// Routes returns the patterns Handler serves, sorted as registered; an
// authorisation test walks them.
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routes() {
		out = append(out, r.pattern)
	}
	return out
}

type route struct {
	pattern string
	h       http.Handler
}

func (s *Server) routes() []route {
	f := func(p string, h http.HandlerFunc) route { return route{p, h} }
	rs := []route{
		f("GET /healthz", s.healthz),
		f("GET /readyz", s.readyz),
		f("GET /static/{path...}", serveStatic),
		// Accounts.
		f("GET /login", s.loginPage),
		f("POST /login", s.login),
		f("POST /logout", s.logout),
		f("GET /account", s.accountPage),
		f("POST /account/language", s.setLanguage),
		f("POST /account/password", s.setPassword),
		f("GET /account/2fa", s.totpPage),
		f("POST /account/2fa/enrol", s.totpEnrol),
		f("POST /account/2fa/confirm", s.totpConfirm),
		f("GET /api/v1/me", s.apiMe),
		// Queue and claims.
		f("GET /{$}", s.queuePage),
		f("GET /queue", s.queuePage),
		f("GET /claims/{id}", s.claimPage),
		f("GET /claims/{id}/verdict", s.verdictPage),
		f("GET /events", s.events),
		f("GET /api/v1/events", s.events),
		f("GET /api/v1/claims", s.apiClaims),
		f("GET /api/v1/search", s.apiClaims),
		f("GET /api/v1/claims/{id}", s.apiClaim),
		f("GET /api/v1/claims/{id}/history", s.apiHistory),
		f("POST /api/v1/claims/{id}/assign", s.actAssign),
		f("POST /api/v1/claims/{id}/status", s.actStatus),
		f("POST /api/v1/claims/{id}/notes", s.actNote),
		f("POST /api/v1/claims/{id}/merge", s.actMerge),
		f("POST /api/v1/claims/{id}/tipster/erase", s.actEraseTipster),
		// Verdicts.
		f("GET /api/v1/verdicts", s.apiVerdicts),
		f("GET /api/v1/verdicts/{id}", s.apiVerdict),
		f("POST /api/v1/claims/{id}/verdict", s.actDraft),
		f("PUT /api/v1/verdicts/{id}/draft", s.actDraft),
		f("POST /api/v1/verdicts/{id}/submit", s.actSubmit),
		f("POST /api/v1/verdicts/{id}/approve", s.actPublish),
		f("POST /api/v1/verdicts/{id}/publish", s.actPublish),
		f("POST /api/v1/verdicts/{id}/correct", s.actCorrect),
		f("POST /api/v1/verdicts/{id}/retract", s.actRetract),
		// Dashboard, admin, subscribers.
		f("GET /dashboard", s.dashboardPage),
		f("GET /api/v1/dashboard", s.apiDashboard),
		f("GET /admin", s.adminPage),
		f("GET /api/v1/audit", s.apiAudit),
		f("GET /alerts", s.alertsPage),
		f("GET /api/v1/alerts", s.apiAlerts),
		f("GET /api/v1/sources", s.apiSources),
		// Users and tokens (admins).
		f("GET /api/v1/users", s.withAccounts(s.apiUsers)),
		f("POST /api/v1/users", s.withAccounts(s.apiCreateUser)),
		f("GET /api/v1/users/{name}", s.withAccounts(s.apiUser)),
		f("PUT /api/v1/users/{name}", s.withAccounts(s.apiUpdateUser)),
		f("POST /api/v1/users/{name}/disable", s.withAccounts(s.apiDisableUser)),
		f("POST /api/v1/users/{name}/2fa/reset", s.withAccounts(s.apiResetTOTP)),
		f("GET /api/v1/tokens", s.withAccounts(s.apiTokens)),
		f("POST /api/v1/tokens", s.withAccounts(s.apiCreateToken)),
		f("DELETE /api/v1/tokens/{id}", s.withAccounts(s.apiRevokeToken)),
	}
	return rs
}

// OpsHandler returns only /healthz and /readyz, for processes that do not
// serve the review UI.
func (s *Server) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	return mux
}

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "alive"})
}

func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		httpapi.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	for _, check := range s.ready {
		if err := check(ctx); err != nil {
			httpapi.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready", "error": err.Error()})
			return
		}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// deny writes the policy's refusals: JSON for the API and for clients that
// do not want HTML, a redirect to the login page for an anonymous browser,
// an HTML page otherwise.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, status int, reason string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
	}
	if !wantsHTML(r) {
		httpapi.WriteJSON(w, status, httpapi.ErrorBody{Error: reason})
		return
	}
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if p, ok := account.FromContext(r.Context()); ok && r.Method == http.MethodGet {
		switch {
		case p.MustEnrolTOTP:
			http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
			return
		case p.Role == account.RoleSubscriber && r.URL.Path == "/":
			http.Redirect(w, r, "/alerts", http.StatusSeeOther) // a subscriber's home
			return
		}
	}
	s.renderError(w, r, status, reason)
}

var staticFiles = http.FileServerFS(staticFS)

// serveStatic serves the embedded assets, without directory listings.
func serveStatic(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("path")
	if p == "" || strings.HasSuffix(p, "/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/static/" + p
	staticFiles.ServeHTTP(w, r2)
}
