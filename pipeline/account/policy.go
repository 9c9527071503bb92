package account

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"vigie/claims"
)

// RoleAnonymous stands for requests without a principal in a Policy.
const RoleAnonymous = "anonymous"

// Role families of the routes (the roles and their families are defined in
// package claims).
var (
	// RolesPublic: anyone, logged in or not (health, metrics, public verdict pages and feeds).
	RolesPublic = append([]string{RoleAnonymous}, claims.Roles...)
	// RolesLoggedIn: any account (own profile, logout, two-factor enrolment).
	RolesLoggedIn = claims.Roles
	// RolesReview: the newsroom (queue, claims, review actions, verdict drafts).
	RolesReview = claims.RolesReview
	// RolesPublish: who approves, publishes, corrects and retracts verdicts.
	RolesPublish = claims.RolesPublish
	// RolesAdmin: users, tokens, sources, audit export.
	RolesAdmin = claims.RolesAdmin
)

// Access says who may call a route.
type Access struct {
	// Roles may call the route; RoleAnonymous among them makes it public.
	Roles []string
	// Own may call the route on their own resources only: the handler
	// checks ownership (Policy.MustCheckOwner says when).
	Own []string
	// Enrolling opens the route to sessions that must still enrol
	// two-factor login (the enrolment pages, logout).
	Enrolling bool
}

// The accesses of Vigie's route families (docs/api.md names them).
var (
	// AccessPublic: everyone, anonymous included.
	AccessPublic = Access{Roles: RolesPublic}
	// AccessLoggedIn: any account.
	AccessLoggedIn = Access{Roles: RolesLoggedIn}
	// AccessEnrolling: any account, also while its two-factor enrolment is
	// pending.
	AccessEnrolling = Access{Roles: RolesLoggedIn, Enrolling: true}
	// AccessReview: the newsroom.
	AccessReview = Access{Roles: RolesReview}
	// AccessPublish: editors and admins.
	AccessPublish = Access{Roles: RolesPublish}
	// AccessAdmin: admins.
	AccessAdmin = Access{Roles: RolesAdmin}
	// AccessOwn: admins for everything, a subscriber for its own resources.
	AccessOwn = Access{Roles: RolesAdmin, Own: []string{claims.RoleSubscriber}}
	// AccessHandlerChecked lets every request reach a handler that decides
	// itself who may act (no Vigie route needs it since the subscriptions
	// API moved to AccessOwn; kept for services that check a credential of
	// their own).
	AccessHandlerChecked = Access{Roles: RolesPublic}
)

// Route declares one route a service serves: its pattern, who may call it
// and its handler. A service declares its routes where it registers their
// handlers; the policy is built from the declarations (NewPolicy) and a mux
// serves declared routes only (Policy.Mux, Policy.Handle), so that no route
// is served without a declaration and no declaration lacks a handler.
type Route struct {
	// Pattern is "METHOD /path" as http.ServeMux reads it, or "/path" for
	// a route whose handler takes every method (and answers 405 itself).
	Pattern string
	// Access says who may call it.
	Access Access
	// Handler serves it.
	Handler http.Handler
}

// Policy maps the patterns of declared routes ("GET /api/v1/claims", as
// http.ServeMux reads them) to the roles allowed to call them. A route that
// is not in the policy is refused to everyone: a mux built by Mux or Handle
// serves declared routes only.
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

// NewPolicy returns the policy of the declared routes. It panics on a
// malformed pattern, a route without a handler and a pattern declared twice:
// programming errors found at start-up.
func NewPolicy(routes ...Route) *Policy {
	p := &Policy{rules: map[string]*rule{}}
	for _, r := range routes {
		key := normalisePattern(r.Pattern)
		if _, _, ok := splitPattern(key); !ok {
			panic(fmt.Sprintf("account: route %q: want \"METHOD /path\" or \"/path\"", r.Pattern))
		}
		if r.Handler == nil {
			panic(fmt.Sprintf("account: route %q is declared without a handler", r.Pattern))
		}
		if _, dup := p.rules[key]; dup {
			panic(fmt.Sprintf("account: route %q is declared twice", r.Pattern))
		}
		p.rules[key] = &rule{roles: slices.Clone(r.Access.Roles), own: slices.Clone(r.Access.Own), enrolling: r.Access.Enrolling}
	}
	return p
}

// Allow lets roles call the declared route pattern too, beyond its
// declaration; RoleAnonymous makes it public. It is for deliberate
// exceptions made by the serving process (the demo's anonymous claims list),
// and panics when pattern is not declared. It must come before the routes
// are registered (Mux, Handle).
func (p *Policy) Allow(pattern string, roles ...string) *Policy {
	r, ok := p.rules[normalisePattern(pattern)]
	if !ok {
		panic(fmt.Sprintf("account: allow %q: no such route is declared", pattern))
	}
	for _, role := range roles {
		if !slices.Contains(r.roles, role) {
			r.roles = append(r.roles, role)
		}
	}
	return p
}

// Declared reports whether pattern is the pattern of a declared route (for
// an exception that applies only where the route is served).
func (p *Policy) Declared(pattern string) bool {
	_, ok := p.rules[normalisePattern(pattern)]
	return ok
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
	if m, _, ok := splitPattern(key); ok && m == "" && method != "" {
		if r, ok := p.rules[method+" "+key]; ok {
			return r, true
		}
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

// Enforce wraps the handler of route r with the check of its pattern: 401
// anonymous, 403 wrong role (and the other refusals of Require), written by
// deny (nil: PlainDeny). It panics when r is not in the policy, which is a
// programming error found at start-up.
func (p *Policy) Enforce(r Route, deny DenyFunc) http.Handler {
	ru, ok := p.rules[normalisePattern(r.Pattern)]
	if !ok {
		panic(fmt.Sprintf("account: route %q is not in the authorisation policy", r.Pattern))
	}
	if r.Handler == nil {
		panic(fmt.Sprintf("account: route %q has no handler", r.Pattern))
	}
	if deny == nil {
		deny = PlainDeny
	}
	if slices.Contains(ru.roles, RoleAnonymous) {
		return r.Handler
	}
	roles := slices.Concat(ru.roles, ru.own)
	enrolling := ru.enrolling
	h := r.Handler
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if status, reason := decide(req, roles, enrolling); status != 0 {
			deny(w, req, status, reason)
			return
		}
		h.ServeHTTP(w, req)
	})
}

// Handle registers route r on mux under its pattern, enforced by the policy.
func (p *Policy) Handle(mux *http.ServeMux, r Route, deny DenyFunc) {
	mux.Handle(r.Pattern, p.Enforce(r, deny))
}

// Mux returns a mux that serves routes, each enforced by the policy with
// refusals written by deny (nil: PlainDeny), and nothing else.
func (p *Policy) Mux(routes []Route, deny DenyFunc) *http.ServeMux {
	mux := http.NewServeMux()
	for _, r := range routes {
		p.Handle(mux, r, deny)
	}
	return mux
}

// Mount registers h, a handler serving routes (a Mux of them, wrapped or
// not), on mux under the path of each route, whatever the method: h answers
// a method its routes do not take (405). A serving process mounts each
// service's handler this way, by the service's own declarations.
func Mount(mux *http.ServeMux, h http.Handler, routes ...Route) {
	seen := map[string]bool{}
	for _, r := range routes {
		_, path, ok := splitPattern(normalisePattern(r.Pattern))
		if !ok {
			panic(fmt.Sprintf("account: mount %q: want \"METHOD /path\" or \"/path\"", r.Pattern))
		}
		if !seen[path] {
			seen[path] = true
			mux.Handle(path, h)
		}
	}
}

// normalisePattern collapses the blanks between method and path.
func normalisePattern(pattern string) string {
	return strings.Join(strings.Fields(pattern), " ")
}

// splitPattern splits "METHOD /path", or "/path" for every method (method
// ""); the host form "METHOD host/path" is not used.
func splitPattern(pattern string) (method, path string, ok bool) {
	if strings.HasPrefix(pattern, "/") && !strings.Contains(pattern, " ") {
		return "", pattern, true
	}
	method, path, ok = strings.Cut(pattern, " ")
	if !ok || method == "" || !strings.HasPrefix(path, "/") || strings.ToUpper(method) != method {
		return "", "", false
	}
	return method, path, true
}
