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

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/index"
	"vigie/pipeline/matchermodel"
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
	// Rematch asks the matchers to analyse an item again against today's
	// fact-check store (matcher.RequestRematch); it returns the request's
	// name; an item no longer kept is an httpapi.ErrNotFound. Nil: the
	// re-match action answers 503.
	Rematch func(ctx context.Context, sourceID, itemID string) (string, error)
	// TrustedProxies are the proxies whose X-Forwarded-For is believed
	// (login rate limit by client address).
	TrustedProxies []netip.Prefix
	// EventInterval is how often the live-events stream polls the index
	// for new claims (default 5s).
	EventInterval time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// MatcherModel is the workspace's choice of matcher model (nil: not
	// shown, not switchable here).
	MatcherModel *matchermodel.Store
}

// Server serves the review UI and API.
type Server struct {
	deps     Deps
	index    index.Backend
	sources  *source.Registry
	ready    []Readiness
	draining atomic.Bool
	pages    *pageSet
	log      *zap.Logger
	// names caches the sources' display names for the queue's facet.
	names atomic.Pointer[sourceNames]
}

// New returns a server over its dependencies.
func New(d Deps, log *zap.Logger) *Server {
	if d.EventInterval <= 0 {
		d.EventInterval = 5 * time.Second
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Server{deps: d, index: d.Index, sources: d.Sources, ready: d.Ready,
		pages: mustPages(), log: log.Named("reviewer")}
}

// SetDraining turns readiness false; it is the first step of shutdown.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Handler serves every route of Routes, each enforced by p (which must
// hold them: account.NewPolicy of the routes the process serves), with the
// reviewer's refusals (deny) and security headers. It must run inside
// account.Authenticator.Middleware.
func (s *Server) Handler(p *account.Policy) http.Handler {
	return securityHeaders(rememberLanguage(p.Mux(s.Routes(), s.deny)))
}

// OpsHandler serves only the routes of OpsRoutes, for processes that do not
// serve the review UI.
func (s *Server) OpsHandler(p *account.Policy) http.Handler {
	return p.Mux(s.OpsRoutes(), s.deny)
}

// OpsRoutes declares the operations routes, public: /healthz (the process
// is alive) and /readyz (its dependencies answer and it is not draining).
func (s *Server) OpsRoutes() []account.Route {
	return []account.Route{
		{Pattern: "GET /healthz", Access: account.AccessPublic, Handler: http.HandlerFunc(s.healthz)},
		{Pattern: "GET /readyz", Access: account.AccessPublic, Handler: http.HandlerFunc(s.readyz)},
	}
}

// Routes declares every route the reviewer serves, the operations routes
// first, with who may call each: the route families of docs/api.md.
func (s *Server) Routes() []account.Route {
	var (
		public    = account.AccessPublic
		loggedIn  = account.AccessLoggedIn
		enrolling = account.AccessEnrolling
		review    = account.AccessReview
		publish   = account.AccessPublish
		admin     = account.AccessAdmin
		own       = account.AccessOwn
	)
	r := func(pattern string, a account.Access, h http.HandlerFunc) account.Route {
		return account.Route{Pattern: pattern, Access: a, Handler: h}
	}
	return append(s.OpsRoutes(),
		r("GET /static/{path...}", public, serveStatic),
		// Accounts.
		r("GET /login", public, s.loginPage),
		r("POST /login", public, s.login),
		r("POST /logout", enrolling, s.logout),
		r("GET /account", loggedIn, s.accountPage),
		r("POST /account/language", loggedIn, s.setLanguage),
		r("POST /account/password", loggedIn, s.setPassword),
		r("GET /account/2fa", enrolling, s.totpPage),
		r("POST /account/2fa/enrol", enrolling, s.totpEnrol),
		r("POST /account/2fa/confirm", enrolling, s.totpConfirm),
		r("GET /api/v1/me", loggedIn, s.apiMe),
		// Queue and claims.
		r("GET /{$}", review, s.queuePage),
		r("GET /queue", review, s.queuePage),
		r("GET /claims/{id}", review, s.claimPage),
		r("GET /claims/{id}/verdict", review, s.verdictPage),
		r("GET /events", review, s.events),
		r("GET /api/v1/events", review, s.events),
		r("GET /api/v1/claims", review, s.apiClaims),
		r("GET /api/v1/search", review, s.apiClaims),
		r("GET /api/v1/claims/{id}", review, s.apiClaim),
		r("GET /api/v1/claims/{id}/history", review, s.apiHistory),
		r("POST /api/v1/claims/{id}/assign", review, s.actAssign),
		r("POST /api/v1/claims/{id}/status", review, s.actStatus),
		r("POST /api/v1/claims/{id}/notes", review, s.actNote),
		r("POST /api/v1/claims/{id}/merge", review, s.actMerge),
		r("POST /api/v1/claims/{id}/appearance", review, s.actAppearance),
		r("POST /api/v1/claims/{id}/matches/{factcheck_id}/judgement", review, s.actJudge),
		r("POST /api/v1/claims/{id}/rematch", review, s.actRematch),
		// Admins and editors may see and erase a tipster's identity.
		r("POST /api/v1/claims/{id}/tipster/erase", publish, s.actEraseTipster),
		// Verdicts.
		r("GET /api/v1/verdicts", review, s.apiVerdicts),
		r("GET /api/v1/verdicts/{id}", review, s.apiVerdict),
		r("POST /api/v1/claims/{id}/verdict", review, s.actDraft),
		r("PUT /api/v1/verdicts/{id}/draft", review, s.actDraft),
		r("POST /api/v1/verdicts/{id}/submit", review, s.actSubmit),
		r("POST /api/v1/verdicts/{id}/approve", publish, s.actPublish),
		r("POST /api/v1/verdicts/{id}/publish", publish, s.actPublish),
		r("POST /api/v1/verdicts/{id}/correct", publish, s.actCorrect),
		r("POST /api/v1/verdicts/{id}/retract", publish, s.actRetract),
		// Dashboard, admin, subscribers.
		r("GET /dashboard", review, s.dashboardPage),
		r("GET /api/v1/dashboard", review, s.apiDashboard),
		r("GET /admin", admin, s.adminPage),
		r("GET /api/v1/audit", admin, s.apiAudit),
		r("GET /api/v1/matcher/model", admin, s.apiMatcherModel),
		r("POST /api/v1/matcher/model", admin, s.actMatcherModel),
		r("GET /alerts", own, s.alertsPage),
		r("POST /alerts/subscriptions/{sub}", own, s.alertsChange),
		// An alert's page: opened by the link it carries or by its subscriber's session.
		r("GET /alerts/{id}", public, s.alertPage),
		r("GET /api/v1/alerts", own, s.apiAlerts),
		r("GET /api/v1/sources", admin, s.apiSources),
		// Users and tokens (admins).
		r("GET /api/v1/users", admin, s.withAccounts(s.apiUsers)),
		r("POST /api/v1/users", admin, s.withAccounts(s.apiCreateUser)),
		r("GET /api/v1/users/{name}", admin, s.withAccounts(s.apiUser)),
		r("PUT /api/v1/users/{name}", admin, s.withAccounts(s.apiUpdateUser)),
		r("POST /api/v1/users/{name}/disable", admin, s.withAccounts(s.apiDisableUser)),
		r("POST /api/v1/users/{name}/2fa/reset", admin, s.withAccounts(s.apiResetTOTP)),
		r("GET /api/v1/tokens", admin, s.withAccounts(s.apiTokens)),
		r("POST /api/v1/tokens", admin, s.withAccounts(s.apiCreateToken)),
		r("DELETE /api/v1/tokens/{id}", admin, s.withAccounts(s.apiRevokeToken)),
	)
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
		httpapi.Deny(w, r, status, reason)
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
		case p.Role == claims.RoleSubscriber && r.URL.Path == "/":
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
