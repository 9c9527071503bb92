package account

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"vigie/claims"
)

var everyRole = []string{RoleAnonymous, claims.RoleAdmin, claims.RoleEditor, claims.RoleFactChecker, claims.RoleSubscriber}

// answer299 is a handler whose status says it was reached.
var answer299 = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) })

// familyRoutes declares one route of each access family.
func familyRoutes() []Route {
	return []Route{
		{Pattern: "GET /healthz", Access: AccessPublic, Handler: answer299},
		{Pattern: "GET /api/v1/me", Access: AccessLoggedIn, Handler: answer299},
		{Pattern: "POST /account/2fa/enrol", Access: AccessEnrolling, Handler: answer299},
		{Pattern: "GET /api/v1/claims", Access: AccessReview, Handler: answer299},
		{Pattern: "POST /api/v1/verdicts/{id}/publish", Access: AccessPublish, Handler: answer299},
		{Pattern: "GET /api/v1/users", Access: AccessAdmin, Handler: answer299},
		{Pattern: "GET /api/v1/alerts", Access: AccessOwn, Handler: answer299},
		{Pattern: "GET /api/v1/subscriptions/{id}", Access: AccessHandlerChecked, Handler: answer299},
		{Pattern: "/api/v1/intake", Access: AccessPublic, Handler: answer299},
	}
}

// TestPolicyFamilies checks the roles of each access family, for every
// role and anonymous.
func TestPolicyFamilies(t *testing.T) {
	t.Parallel()
	p := NewPolicy(familyRoutes()...)
	want := map[string][]string{
		"GET /healthz":                       everyRole,
		"GET /api/v1/me":                     claims.Roles,
		"POST /account/2fa/enrol":            claims.Roles,
		"GET /api/v1/claims":                 RolesReview,
		"POST /api/v1/verdicts/{id}/publish": RolesPublish,
		"GET /api/v1/users":                  RolesAdmin,
		"GET /api/v1/alerts":                 {claims.RoleAdmin, claims.RoleSubscriber},
		"GET /api/v1/subscriptions/{id}":     everyRole,
		"/api/v1/intake":                     everyRole,
	}
	if got := p.Routes(); len(got) != len(want) {
		t.Fatalf("Routes = %v", got)
	}
	for route, allowed := range want {
		method, path, _ := splitPattern(route)
		for _, role := range everyRole {
			t.Run(route+"/"+role, func(t *testing.T) {
				want := slices.Contains(allowed, role)
				if got := p.Check(method, path, role); got != want {
					t.Fatalf("Check(%s) = %v, want %v", role, got, want)
				}
				if got := p.Check("", route, role); got != want {
					t.Fatalf("Check with the method in the pattern = %v, want %v", got, want)
				}
			})
		}
	}
}

// TestPolicyRefusalMatchesEnforce serves every route of each family and
// checks that what Refusal predicts is what the enforced handler answers,
// for every role and anonymous.
func TestPolicyRefusalMatchesEnforce(t *testing.T) {
	t.Parallel()
	routes := familyRoutes()
	p := NewPolicy(routes...)
	mux := p.Mux(routes, nil)
	for _, route := range p.Routes() {
		method, path, _ := splitPattern(route)
		if method == "" {
			method = http.MethodPost
		}
		target := strings.NewReplacer("{id}", "x1").Replace(path)
		for _, role := range everyRole {
			t.Run(route+"/"+role, func(t *testing.T) {
				req := httptest.NewRequest(method, target, nil)
				if role != RoleAnonymous {
					req = req.WithContext(WithPrincipal(req.Context(), Principal{User: "u", Role: role}))
				}
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				want := p.Refusal(method, path, role)
				if want == 0 {
					want = 299
				}
				if rec.Code != want {
					t.Fatalf("%s %s as %s: %d, want %d", method, target, role, rec.Code, want)
				}
			})
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	p := NewPolicy(
		Route{Pattern: "GET /api/v1/claims", Access: AccessReview, Handler: answer299},
		Route{Pattern: "GET  /healthz", Access: AccessPublic, Handler: answer299},
		Route{Pattern: "GET /api/v1/subscriptions/{id}", Access: AccessOwn, Handler: answer299},
		Route{Pattern: "/api/v1/intake", Access: AccessPublic, Handler: answer299},
	)
	tests := []struct {
		name, method, pattern, role string
		want, wantOwner             bool
	}{
		{"allowed", "GET", "/api/v1/claims", claims.RoleEditor, true, false},
		{"other role", "GET", "/api/v1/claims", claims.RoleSubscriber, false, false},
		{"anonymous as empty", "GET", "/api/v1/claims", "", false, false},
		{"other method", "POST", "/api/v1/claims", claims.RoleAdmin, false, false},
		{"unknown route", "GET", "/api/v1/nope", claims.RoleAdmin, false, false},
		{"public, blanks normalised", "GET", "/healthz", "", true, false},
		{"public to roles too", "GET", "/healthz", claims.RoleSubscriber, true, false},
		{"own resources", "GET", "/api/v1/subscriptions/{id}", claims.RoleSubscriber, true, true},
		{"admin on all", "GET", "/api/v1/subscriptions/{id}", claims.RoleAdmin, true, false},
		{"unknown role", "GET", "/api/v1/claims", "root", false, false},
		{"every method", "PUT", "/api/v1/intake", "", true, false},
		{"every method, none given", "", "/api/v1/intake", "", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Check(tt.method, tt.pattern, tt.role); got != tt.want {
				t.Fatalf("Check = %v, want %v", got, tt.want)
			}
			if got := p.MustCheckOwner(tt.method, tt.pattern, tt.role); got != tt.wantOwner {
				t.Fatalf("MustCheckOwner = %v, want %v", got, tt.wantOwner)
			}
		})
	}
	if got := p.Roles("GET /api/v1/subscriptions/{id}"); !slices.Equal(got, []string{claims.RoleAdmin, claims.RoleSubscriber}) {
		t.Fatalf("Roles = %v", got)
	}
}

func TestPolicyMux(t *testing.T) {
	t.Parallel()
	routes := []Route{
		{Pattern: "GET /open", Access: AccessPublic, Handler: whoami},
		{Pattern: "POST /edit", Access: AccessReview, Handler: whoami},
		{Pattern: "POST /enrol", Access: AccessEnrolling, Handler: whoami},
	}
	p := NewPolicy(routes...)
	mux := p.Mux(routes, nil)
	tests := []struct {
		name, method, path string
		principal          *Principal
		want               int
	}{
		{"public anonymous", "GET", "/open", nil, 200},
		{"edit anonymous", "POST", "/edit", nil, 401},
		{"edit subscriber", "POST", "/edit", &Principal{User: "s", Role: claims.RoleSubscriber}, 403},
		{"edit factchecker", "POST", "/edit", &Principal{User: "f", Role: claims.RoleFactChecker}, 200},
		{"edit read-only token", "POST", "/edit", &Principal{User: "f", Role: claims.RoleFactChecker, ReadOnly: true}, 403},
		{"edit while enrolling", "POST", "/edit", &Principal{User: "a", Role: claims.RoleAdmin, MustEnrolTOTP: true}, 403},
		{"enrol while enrolling", "POST", "/enrol", &Principal{User: "a", Role: claims.RoleAdmin, MustEnrolTOTP: true}, 200},
		{"route not declared", "GET", "/other", &Principal{User: "a", Role: claims.RoleAdmin}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.principal != nil {
				req = req.WithContext(WithPrincipal(req.Context(), *tt.principal))
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.want, rec.Body.String())
			}
		})
	}
}

// TestPolicyAllow checks the explicit exception a serving process may make
// to a declared route (the demo's anonymous claims list).
func TestPolicyAllow(t *testing.T) {
	t.Parallel()
	routes := []Route{{Pattern: "GET /api/v1/claims", Access: AccessReview, Handler: answer299}}
	p := NewPolicy(routes...).Allow("GET /api/v1/claims", RoleAnonymous)
	rec := httptest.NewRecorder()
	p.Mux(routes, nil).ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/claims", nil))
	if rec.Code != 299 || !p.Check("GET", "/api/v1/claims", "") {
		t.Fatalf("anonymous after Allow: %d", rec.Code)
	}
	if !p.Declared("GET  /api/v1/claims") || p.Declared("GET /api/v1/search") {
		t.Fatal("Declared does not tell declared routes from others")
	}
}

// TestPolicyRefusesUndeclared checks that no route is served without a
// declaration and no declaration exists without a handler: each is a panic
// at start-up.
func TestPolicyRefusesUndeclared(t *testing.T) {
	t.Parallel()
	declared := Route{Pattern: "GET /open", Access: AccessPublic, Handler: answer299}
	tests := []struct {
		name string
		do   func()
	}{
		{"route without a handler", func() { NewPolicy(Route{Pattern: "GET /x", Access: AccessPublic}) }},
		{"route declared twice", func() { NewPolicy(declared, declared) }},
		{"malformed pattern", func() { NewPolicy(Route{Pattern: "get /x", Access: AccessPublic, Handler: answer299}) }},
		{"pattern without path", func() { NewPolicy(Route{Pattern: "GET", Access: AccessPublic, Handler: answer299}) }},
		{"serving an undeclared route", func() {
			NewPolicy(declared).Mux([]Route{{Pattern: "GET /forgotten", Access: AccessPublic, Handler: answer299}}, nil)
		}},
		{"allowing an undeclared route", func() { NewPolicy(declared).Allow("GET /forgotten", claims.RoleAdmin) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			tt.do()
		})
	}
}

// TestMount checks that a service's handler mounted by its routes' paths
// answers every method itself: 405 for a method its routes do not take.
func TestMount(t *testing.T) {
	t.Parallel()
	routes := []Route{
		{Pattern: "GET /things", Access: AccessPublic, Handler: answer299},
		{Pattern: "POST /things", Access: AccessPublic, Handler: answer299},
		{Pattern: "GET /things/{id}", Access: AccessPublic, Handler: answer299},
	}
	top := http.NewServeMux()
	Mount(top, NewPolicy(routes...).Mux(routes, nil), routes...)
	top.Handle("/", http.NotFoundHandler())
	tests := []struct {
		method, path string
		want         int
	}{
		{"GET", "/things", 299},
		{"POST", "/things", 299},
		{"GET", "/things/t1", 299},
		{"DELETE", "/things/t1", http.StatusMethodNotAllowed},
		{"GET", "/other", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			top.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
		})
	}
}
