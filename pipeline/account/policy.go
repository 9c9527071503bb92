package account

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// RoleAnonymous stands for requests without a principal in a Policy.
const RoleAnonymous = "anonymous"

// Role families of the route table.
var (
	// RolesPublic: anyone, logged in or not (health, metrics, public verdict pages and feeds).
	RolesPublic = []string{RoleAnonymous, RoleAdmin, RoleEditor, RoleFactChecker, RoleSubscriber}
	// RolesLoggedIn: any account (own profile, logout, two-factor enrolment).
	RolesLoggedIn = []string{RoleAdmin, RoleEditor, RoleFactChecker, RoleSubscriber}
	// RolesReview: the newsroom (queue, claims, review actions, verdict drafts).
	RolesReview = []string{RoleAdmin, RoleEditor, RoleFactChecker}
	// RolesPublish: who approves, publishes, corrects and retracts verdicts.
	RolesPublish = []string{RoleAdmin, RoleEditor}
	// RolesAdmin: sources, users, tokens, settings, audit export, dead letters.
	RolesAdmin = []string{RoleAdmin}
)

// Policy maps route patterns ("GET /api/v1/claims", as http.ServeMux reads
// them) to the roles allowed to call them. A route that is not in the
// policy is refused to everyone: register routes through Handle so that
// none escapes the check.
type Policy struct {
	rules map[string]*rule
}

type rule struct {
	roles []string
	// own are roles allowed only on their own resources: the handler must
	// check ownership (a subscriber's own subscriptions).
	own []string
	// enrolling routes are open to sessions that must still enrol two-factor login.
	enrolling bool
}

// NewPolicy returns an empty policy: every route refused.
func NewPolicy() *Policy { return &Policy{rules: map[string]*rule{}} }

// Allow lets roles call pattern ("METHOD /path"); RoleAnonymous in roles
// makes the route public. Allowing a pattern again adds roles.
func (p *Policy) Allow(pattern string, roles ...string) *Policy {
	r := p.rule(pattern)
	for _, role := range roles {
		if !slices.Contains(r.roles, role) {
			r.roles = append(r.roles, role)
		}
	}
	return p
}

// AllowOwn lets roles call pattern on their own resources only; the
// handler checks ownership (MustCheckOwner says when).
func (p *Policy) AllowOwn(pattern string, roles ...string) *Policy {
	r := p.rule(pattern)
	for _, role := range roles {
		if !slices.Contains(r.own, role) {
			r.own = append(r.own, role)
		}
	}
	return p
}

// AllowEnrolling opens pattern to sessions that must still enrol two-factor
// login (the enrolment pages, logout).
func (p *Policy) AllowEnrolling(pattern string) *Policy {
	p.rule(pattern).enrolling = true
	return p
}

func (p *Policy) rule(pattern string) *rule {
	key := normalisePattern(pattern)
	if _, _, ok := splitPattern(key); !ok {
		panic(fmt.Sprintf("account: policy pattern %q: want \"METHOD /path\"", pattern))
	}
	r, ok := p.rules[key]
	if !ok {
		r = &rule{}
		p.rules[key] = r
	}
	return r
}

// Check reports whether role may call the route method+pattern. role ""
// means anonymous. pattern may also be given with its method ("GET /x"),
// method then being ignored if it repeats it. Roles allowed only on their
// own resources pass (the handler checks ownership).
func (p *Policy) Check(method, pattern, role string) bool {
	r, ok := p.lookup(method, pattern)
	if !ok {
		return false
	}
	if role == "" {
		role = RoleAnonymous
	}
	return slices.Contains(r.roles, role) || slices.Contains(r.own, role)
}

// Refusal returns the status Enforce answers role with on method+pattern:
// 0 when the role is let through, 401 for anonymous, 403 for another role.
// It is what an authorisation matrix test expects for each route and role.
func (p *Policy) Refusal(method, pattern, role string) int {
	switch {
	case p.Check(method, pattern, role):
		return 0
	case role == "" || role == RoleAnonymous:
		return http.StatusUnauthorized
	default:
		return http.StatusForbidden
	}
}

// MustCheckOwner reports whether role reaches method+pattern only for its
// own resources, so that the handler must filter by the principal.
func (p *Policy) MustCheckOwner(method, pattern, role string) bool {
	r, ok := p.lookup(method, pattern)
	return ok && !slices.Contains(r.roles, role) && slices.Contains(r.own, role)
}

func (p *Policy) lookup(method, pattern string) (*rule, bool) {
	key := normalisePattern(pattern)
	if _, _, ok := splitPattern(key); !ok {
		key = normalisePattern(method + " " + pattern)
	}
	r, ok := p.rules[key]
	return r, ok
}

// Routes returns every pattern of the policy, sorted.
func (p *Policy) Routes() []string {
	out := make([]string, 0, len(p.rules))
	for k := range p.rules {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Roles returns the roles allowed on pattern (own-resource roles included), sorted.
func (p *Policy) Roles(pattern string) []string {
	r, ok := p.rules[normalisePattern(pattern)]
	if !ok {
		return nil
	}
	out := slices.Concat(r.roles, r.own)
	slices.Sort(out)
	return slices.Compact(out)
}

// Enforce wraps h with the check of pattern: 401 anonymous, 403 wrong role
// (and the other refusals of Require). It panics when pattern is not in the
// policy, which is a programming error found at start-up.
func (p *Policy) Enforce(pattern string, h http.Handler, deny DenyFunc) http.Handler {
	r, ok := p.rules[normalisePattern(pattern)]
	if !ok {
		panic(fmt.Sprintf("account: route %q is not in the authorisation policy", pattern))
	}
	if deny == nil {
		deny = PlainDeny
	}
	if slices.Contains(r.roles, RoleAnonymous) {
		return h
	}
	roles := slices.Concat(r.roles, r.own)
	enrolling := r.enrolling
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if status, reason := decide(req, roles, enrolling); status != 0 {
			deny(w, req, status, reason)
			return
		}
		h.ServeHTTP(w, req)
	})
}

// Handle registers h on mux under pattern, enforced by the policy.
func (p *Policy) Handle(mux *http.ServeMux, pattern string, h http.Handler, deny DenyFunc) {
	mux.Handle(pattern, p.Enforce(pattern, h, deny))
}

// normalisePattern collapses the blanks between method and path.
func normalisePattern(pattern string) string {
	return strings.Join(strings.Fields(pattern), " ")
}

// splitPattern splits "METHOD /path" (the host form "METHOD host/path" is not used).
func splitPattern(pattern string) (method, path string, ok bool) {
	method, path, ok = strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") || strings.ToUpper(method) != method {
		return "", "", false
	}
	return method, path, true
}

// DefaultPolicy is Vigie's route table, by family:
//   - public (anonymous and everyone): health, readiness, metrics, login and
//     logout forms, static assets, public verdict pages and feeds;
//   - logged in (any role): own profile, language, two-factor enrolment, logout;
//   - review (admin, editor, factchecker): the queue, claims, their actions,
//     notes, assignment, merges, verdict drafts, dashboard, search, live events;
//   - publish (admin, editor): approve, publish, correct and retract verdicts;
//   - admin: sources, users, tokens of anyone, settings, audit export, dead letters;
//   - subscriptions: admin for all; a subscriber for its own (MustCheckOwner);
//     the subscriber's private alert feed likewise.
//
// Subscribers see nothing of the review queue. The lead's router may
// extend the table with Allow before registering routes with Handle.
func DefaultPolicy() *Policy {
	p := NewPolicy()
	for _, pat := range []string{
		"GET /healthz", "GET /readyz", "GET /metrics",
		"GET /login", "POST /login", "GET /static/{path...}",
		"GET /v/{id}", "GET /verdicts", "GET /verdicts/{id}", "GET /feeds/verdicts.atom", "GET /feeds/verdicts.rss", "GET /feeds/verdicts.json",
		"GET /api/v1/verdicts/public", "GET /api/v1/verdicts/public/{id}",
	} {
		p.Allow(pat, RolesPublic...)
	}
	for _, pat := range []string{
		"POST /logout", "GET /account", "POST /account/language", "POST /account/password",
		"GET /account/2fa", "POST /account/2fa/enrol", "POST /account/2fa/confirm",
		"GET /api/v1/me",
	} {
		p.Allow(pat, RolesLoggedIn...)
	}
	for _, pat := range []string{"POST /logout", "GET /account/2fa", "POST /account/2fa/enrol", "POST /account/2fa/confirm"} {
		p.AllowEnrolling(pat)
	}
	for _, pat := range []string{
		"GET /{$}", "GET /queue", "GET /claims/{id}", "GET /events",
		"GET /api/v1/claims", "GET /api/v1/claims/{id}", "GET /api/v1/claims/{id}/history",
		"POST /api/v1/claims/{id}/assign", "POST /api/v1/claims/{id}/status", "POST /api/v1/claims/{id}/notes",
		"POST /api/v1/claims/{id}/merge", "GET /api/v1/events",
		"GET /claims/{id}/verdict", "GET /api/v1/verdicts", "GET /api/v1/verdicts/{id}",
		"POST /api/v1/claims/{id}/verdict", "PUT /api/v1/verdicts/{id}/draft", "POST /api/v1/verdicts/{id}/submit",
		"GET /dashboard", "GET /api/v1/dashboard", "GET /api/v1/search",
	} {
		p.Allow(pat, RolesReview...)
	}
	for _, pat := range []string{
		"POST /api/v1/verdicts/{id}/approve", "POST /api/v1/verdicts/{id}/publish",
		"POST /api/v1/verdicts/{id}/correct", "POST /api/v1/verdicts/{id}/retract",
	} {
		p.Allow(pat, RolesPublish...)
	}
	for _, pat := range []string{
		"GET /admin", "GET /api/v1/sources", "POST /api/v1/sources", "GET /api/v1/sources/{id}",
		"PUT /api/v1/sources/{id}", "DELETE /api/v1/sources/{id}",
		"GET /api/v1/users", "POST /api/v1/users", "GET /api/v1/users/{name}", "PUT /api/v1/users/{name}",
		"POST /api/v1/users/{name}/disable", "POST /api/v1/users/{name}/2fa/reset",
		"GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}",
		"GET /api/v1/settings", "PUT /api/v1/settings",
		"GET /api/v1/audit", "GET /api/v1/dlq", "POST /api/v1/dlq/{stage}/redrive",
	} {
		p.Allow(pat, RolesAdmin...)
	}
	for _, pat := range []string{
		"GET /api/v1/subscriptions", "POST /api/v1/subscriptions", "GET /api/v1/subscriptions/{id}",
		"PUT /api/v1/subscriptions/{id}", "DELETE /api/v1/subscriptions/{id}",
		"GET /alerts", "GET /feeds/alerts/{locality}",
	} {
		p.Allow(pat, RolesAdmin...)
		p.AllowOwn(pat, RoleSubscriber)
	}
	return p
}
