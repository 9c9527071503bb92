package account

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

var everyRole = []string{RoleAnonymous, RoleAdmin, RoleEditor, RoleFactChecker, RoleSubscriber}

// TestDefaultPolicyFamilies checks every route of the default table against
// the family its path belongs to, for every role and anonymous.
func TestDefaultPolicyFamilies(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	family := func(route string) (string, []string) {
		_, path, _ := strings.Cut(route, " ")
		switch {
		case strings.Contains(path, "subscriptions") || strings.HasPrefix(path, "/alerts") || strings.HasPrefix(path, "/feeds/alerts"):
			return "subscriptions", []string{RoleAdmin, RoleSubscriber}
		case slices.Contains([]string{"/healthz", "/readyz", "/metrics", "/login", "/static/{path...}"}, path),
			strings.HasPrefix(path, "/verdicts"), strings.HasPrefix(path, "/v/"), strings.HasPrefix(path, "/feeds/verdicts"),
			strings.HasPrefix(path, "/api/v1/verdicts/public"):
			return "public", everyRole
		case path == "/logout" || strings.HasPrefix(path, "/account") || path == "/api/v1/me":
			return "logged in", Roles
		case strings.HasSuffix(path, "/approve") || strings.HasSuffix(path, "/publish") || strings.HasSuffix(path, "/correct") || strings.HasSuffix(path, "/retract"):
			return "publish", RolesPublish
		case strings.HasPrefix(path, "/admin") || strings.HasPrefix(path, "/api/v1/sources") || strings.HasPrefix(path, "/api/v1/users") ||
			strings.HasPrefix(path, "/api/v1/tokens") || strings.HasPrefix(path, "/api/v1/settings") || strings.HasPrefix(path, "/api/v1/audit") ||
			strings.HasPrefix(path, "/api/v1/dlq"):
			return "admin", RolesAdmin
		default:
			return "review", RolesReview
		}
	}
	routes := p.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes in the default policy", len(routes))
	}
	for _, route := range routes {
		fam, allowed := family(route)
		method, path, _ := strings.Cut(route, " ")
		for _, role := range everyRole {
			t.Run(route+"/"+role, func(t *testing.T) {
				want := slices.Contains(allowed, role)
				if got := p.Check(method, path, role); got != want {
					t.Fatalf("%s (%s family): Check(%s) = %v, want %v", route, fam, role, got, want)
				}
				if got := p.Check("", route, role); got != want {
					t.Fatalf("Check with the method in the pattern = %v, want %v", got, want)
				}
			})
		}
	}
}

// TestPolicyRefusalMatchesEnforce registers every default route and
// checks that what Refusal predicts is what the wrapped handler answers,
// for every role and anonymous.
func TestPolicyRefusalMatchesEnforce(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	mux := http.NewServeMux()
	for _, route := range p.Routes() {
		p.Handle(mux, route, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(299) }), nil)
	}
	for _, route := range p.Routes() {
		method, path, _ := strings.Cut(route, " ")
		target := strings.NewReplacer("{id}", "x1", "{name}", "ana", "{stage}", "matcher", "{locality}", "FR-75056", "{path...}", "app.css", "{$}", "").Replace(path)
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

func TestSubscribersSeeNoReviewQueue(t *testing.T) {
	t.Parallel()
	p := DefaultPolicy()
	for _, route := range p.Routes() {
		_, path, _ := strings.Cut(route, " ")
		if strings.Contains(path, "claims") || strings.Contains(path, "queue") || path == "/events" || path == "/api/v1/events" || strings.Contains(path, "dashboard") {
			if p.Check("", route, RoleSubscriber) || p.Check("", route, "") {
				t.Errorf("%s open to subscribers or anonymous", route)
			}
		}
	}
}

func TestPolicyCheck(t *testing.T) {
	t.Parallel()
	p := NewPolicy().
		Allow("GET /api/v1/claims", RolesReview...).
		Allow("GET  /healthz", RolesPublic...).
		AllowOwn("GET /api/v1/subscriptions/{id}", RoleSubscriber).
		Allow("GET /api/v1/subscriptions/{id}", RoleAdmin)
	tests := []struct {
		name, method, pattern, role string
		want, wantOwner             bool
	}{
		{"allowed", "GET", "/api/v1/claims", RoleEditor, true, false},
		{"other role", "GET", "/api/v1/claims", RoleSubscriber, false, false},
		{"anonymous as empty", "GET", "/api/v1/claims", "", false, false},
		{"other method", "POST", "/api/v1/claims", RoleAdmin, false, false},
		{"unknown route", "GET", "/api/v1/nope", RoleAdmin, false, false},
		{"public, blanks normalised", "GET", "/healthz", "", true, false},
		{"public to roles too", "GET", "/healthz", RoleSubscriber, true, false},
		{"own resources", "GET", "/api/v1/subscriptions/{id}", RoleSubscriber, true, true},
		{"admin on all", "GET", "/api/v1/subscriptions/{id}", RoleAdmin, true, false},
		{"unknown role", "GET", "/api/v1/claims", "root", false, false},
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
	if got := p.Roles("GET /api/v1/subscriptions/{id}"); !slices.Equal(got, []string{RoleAdmin, RoleSubscriber}) {
		t.Fatalf("Roles = %v", got)
	}
}

func TestPolicyHandle(t *testing.T) {
	t.Parallel()
	p := NewPolicy().
		Allow("GET /open", RolesPublic...).
		Allow("POST /edit", RolesReview...).
		Allow("POST /enrol", RolesLoggedIn...).AllowEnrolling("POST /enrol")
	mux := http.NewServeMux()
	for _, pat := range p.Routes() {
		p.Handle(mux, pat, whoami, nil)
	}
	tests := []struct {
		name, method, path string
		principal          *Principal
		want               int
	}{
		{"public anonymous", "GET", "/open", nil, 200},
		{"edit anonymous", "POST", "/edit", nil, 401},
		{"edit subscriber", "POST", "/edit", &Principal{User: "s", Role: RoleSubscriber}, 403},
		{"edit factchecker", "POST", "/edit", &Principal{User: "f", Role: RoleFactChecker}, 200},
		{"edit read-only token", "POST", "/edit", &Principal{User: "f", Role: RoleFactChecker, ReadOnly: true}, 403},
		{"edit while enrolling", "POST", "/edit", &Principal{User: "a", Role: RoleAdmin, MustEnrolTOTP: true}, 403},
		{"enrol while enrolling", "POST", "/enrol", &Principal{User: "a", Role: RoleAdmin, MustEnrolTOTP: true}, 200},
		{"route not registered", "GET", "/other", &Principal{User: "a", Role: RoleAdmin}, 404},
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
	t.Run("unknown pattern panics at registration", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		p.Handle(http.NewServeMux(), "GET /forgotten", whoami, nil)
	})
	t.Run("pattern without method panics", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		NewPolicy().Allow("/no-method", RoleAdmin)
	})
}
