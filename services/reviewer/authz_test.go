package reviewer

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vigie/claims"
	"vigie/pipeline/account"
)

// TestRouteFamilies checks the declaration of every route the reviewer
// serves against the family its path belongs to (docs/api.md), for every
// role and anonymous.
func TestRouteFamilies(t *testing.T) {
	t.Parallel()
	srv := New(Deps{Index: openIndex(t)}, zaptestLogger(t))
	p := account.NewPolicy(srv.Routes()...)
	family := func(route string) (string, []string) {
		_, path, _ := strings.Cut(route, " ")
		switch {
		case path == "/alerts" || path == "/api/v1/alerts" || strings.HasPrefix(path, "/alerts/subscriptions/"):
			return "own", []string{claims.RoleAdmin, claims.RoleSubscriber}
		case path == "/alerts/{id}": // opened by its link's signature or the subscriber's session
			return "public", roles
		case slices.Contains([]string{"/healthz", "/readyz", "/login", "/static/{path...}"}, path):
			return "public", roles
		case path == "/logout" || strings.HasPrefix(path, "/account") || path == "/api/v1/me":
			return "logged in", claims.Roles
		case strings.HasSuffix(path, "/approve") || strings.HasSuffix(path, "/publish") || strings.HasSuffix(path, "/correct") ||
			strings.HasSuffix(path, "/retract") || strings.HasSuffix(path, "/tipster/erase"):
			return "publish", account.RolesPublish
		case strings.HasPrefix(path, "/admin") || strings.HasPrefix(path, "/api/v1/sources") || strings.HasPrefix(path, "/api/v1/users") ||
			strings.HasPrefix(path, "/api/v1/tokens") || strings.HasPrefix(path, "/api/v1/audit") || strings.HasPrefix(path, "/api/v1/matcher"):
			return "admin", account.RolesAdmin
		default:
			return "review", account.RolesReview
		}
	}
	routes := p.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes declared", len(routes))
	}
	for _, route := range routes {
		fam, allowed := family(route)
		method, path, _ := strings.Cut(route, " ")
		for _, role := range roles {
			t.Run(route+"/"+role, func(t *testing.T) {
				want := slices.Contains(allowed, role)
				if got := p.Check(method, path, role); got != want {
					t.Fatalf("%s (%s family): Check(%s) = %v, want %v", route, fam, role, got, want)
				}
			})
		}
	}
}

// TestSubscribersSeeNoReviewQueue checks that no route of the queue, the
// claims or the dashboard is open to a subscriber or to anonymous callers.
func TestSubscribersSeeNoReviewQueue(t *testing.T) {
	t.Parallel()
	srv := New(Deps{Index: openIndex(t)}, zaptestLogger(t))
	p := account.NewPolicy(srv.Routes()...)
	for _, route := range p.Routes() {
		_, path, _ := strings.Cut(route, " ")
		if strings.Contains(path, "claims") || strings.Contains(path, "queue") || path == "/events" || path == "/api/v1/events" || strings.Contains(path, "dashboard") {
			if p.Check("", route, claims.RoleSubscriber) || p.Check("", route, "") {
				t.Errorf("%s open to subscribers or anonymous", route)
			}
		}
	}
}

// matrixCase builds, for one route and role, a request that the handler
// accepts when the policy lets the role through.
type matrixCase func(e *env, role string) (method, path string, body any, form url.Values)

func pathOf(pattern string) (string, string) {
	m, p, _ := strings.Cut(pattern, " ")
	return m, p
}

// matrixRequests returns the request of every served route.
func matrixRequests() map[string]matrixCase {
	simple := func(pattern string) matrixCase {
		return func(*env, string) (string, string, any, url.Values) {
			m, p := pathOf(pattern)
			return m, strings.TrimSuffix(p, "{$}"), nil, nil
		}
	}
	withID := func(pattern string, prepare func(*env) string, body func(e *env, id string) any) matrixCase {
		return func(e *env, _ string) (string, string, any, url.Values) {
			id := prepare(e)
			m, p := pathOf(pattern)
			var b any
			if body != nil {
				b = body(e, id)
			}
			return m, strings.Replace(p, "{id}", id, 1), b, nil
		}
	}
	fresh := func(e *env) string { return e.claim() }
	rev := func(e *env, id string) uint64 { _, r := e.state(id); return r }
	return map[string]matrixCase{
		"GET /healthz": simple("GET /healthz"), "GET /readyz": simple("GET /readyz"),
		"GET /static/{path...}": func(*env, string) (string, string, any, url.Values) { return "GET", "/static/app.css", nil, nil },
		"GET /login":            simple("GET /login"),
		"POST /login": func(*env, string) (string, string, any, url.Values) {
			return "POST", "/login", nil, url.Values{"name": {"u-factchecker"}, "password": {testPassword}}
		},
		"POST /logout": simple("POST /logout"), "GET /account": simple("GET /account"),
		"POST /account/language": func(*env, string) (string, string, any, url.Values) {
			return "POST", "/account/language", nil, url.Values{"language": {"fr"}}
		},
		"POST /account/password": func(*env, string) (string, string, any, url.Values) {
			return "POST", "/account/password", nil, url.Values{"current": {testPassword}, "password": {testPassword}}
		},
		"GET /account/2fa": simple("GET /account/2fa"), "POST /account/2fa/enrol": simple("POST /account/2fa/enrol"),
		"POST /account/2fa/confirm": func(e *env, role string) (string, string, any, url.Values) {
			code := "000000"
			if role != account.RoleAnonymous {
				en, err := e.store.EnrolTOTP(context.Background(), "u-"+role)
				if err != nil {
					e.t.Fatal(err)
				}
				if code, err = totp.GenerateCode(en.Secret, time.Now()); err != nil {
					e.t.Fatal(err)
				}
			}
			return "POST", "/account/2fa/confirm", nil, url.Values{"code": {code}}
		},
		"GET /api/v1/me": simple("GET /api/v1/me"),
		"GET /{$}":       simple("GET /{$}"), "GET /queue": simple("GET /queue"),
		"GET /claims/{id}":                withID("GET /claims/{id}", fresh, nil),
		"GET /claims/{id}/verdict":        withID("GET /claims/{id}/verdict", fresh, nil),
		"GET /events":                     simple("GET /events"),
		"GET /api/v1/events":              simple("GET /api/v1/events"),
		"GET /api/v1/claims":              simple("GET /api/v1/claims"),
		"GET /api/v1/search":              simple("GET /api/v1/search"),
		"GET /api/v1/claims/{id}":         withID("GET /api/v1/claims/{id}", fresh, nil),
		"GET /api/v1/claims/{id}/history": withID("GET /api/v1/claims/{id}/history", fresh, nil),
		"POST /api/v1/claims/{id}/assign": withID("POST /api/v1/claims/{id}/assign", fresh, func(*env, string) any {
			return ActionRequest{Assignee: "u-factchecker"}
		}),
		"POST /api/v1/claims/{id}/status": withID("POST /api/v1/claims/{id}/status", fresh, func(*env, string) any {
			return ActionRequest{Status: "triage"}
		}),
		"POST /api/v1/claims/{id}/notes": withID("POST /api/v1/claims/{id}/notes", fresh, func(*env, string) any {
			return ActionRequest{Note: "called the town hall"}
		}),
		"POST /api/v1/claims/{id}/matches/{factcheck_id}/judgement": func(e *env, _ string) (string, string, any, url.Values) {
			id := e.claim(withMatch("fc-1", claims.RatingFalse))
			return "POST", "/api/v1/claims/" + id + "/matches/fc-1/judgement", ActionRequest{Judgement: "rejected"}, nil
		},
		"POST /api/v1/claims/{id}/rematch": withID("POST /api/v1/claims/{id}/rematch", fresh, nil),
		"POST /api/v1/claims/{id}/merge": withID("POST /api/v1/claims/{id}/merge", fresh, func(e *env, _ string) any {
			return ActionRequest{Duplicates: []SeenClaim{{ClaimID: e.claim()}}}
		}),
		"POST /api/v1/claims/{id}/appearance": withID("POST /api/v1/claims/{id}/appearance", fresh, func(e *env, _ string) any {
			return ActionRequest{VerdictID: e.published()}
		}),
		"POST /api/v1/claims/{id}/tipster/erase": withID("POST /api/v1/claims/{id}/tipster/erase", func(e *env) string {
			ref := "0123456789abcdef0123456789abcdef"
			e.reps.mu.Lock()
			e.reps.ids[ref] = "Jane Tipster, +33 6 00 00 00 00"
			e.reps.mu.Unlock()
			id := e.claim()
			e.setField(id, "reporter_ref", ref)
			return id
		}, nil),
		"GET /api/v1/verdicts":      simple("GET /api/v1/verdicts"),
		"GET /api/v1/verdicts/{id}": withID("GET /api/v1/verdicts/{id}", (*env).drafted, nil),
		"POST /api/v1/claims/{id}/verdict": withID("POST /api/v1/claims/{id}/verdict", fresh, func(*env, string) any {
			v := completeVerdict()
			return ActionRequest{Verdict: &v}
		}),
		"PUT /api/v1/verdicts/{id}/draft": withID("PUT /api/v1/verdicts/{id}/draft", (*env).drafted, func(e *env, id string) any {
			v := completeVerdict()
			v.Summary = "Rewritten."
			return ActionRequest{Revision: rev(e, id), Verdict: &v}
		}),
		"POST /api/v1/verdicts/{id}/submit": withID("POST /api/v1/verdicts/{id}/submit", (*env).drafted, func(e *env, id string) any {
			return ActionRequest{Revision: rev(e, id)}
		}),
		"POST /api/v1/verdicts/{id}/approve": withID("POST /api/v1/verdicts/{id}/approve", (*env).submitted, func(e *env, id string) any {
			return ActionRequest{Revision: rev(e, id)}
		}),
		"POST /api/v1/verdicts/{id}/publish": withID("POST /api/v1/verdicts/{id}/publish", (*env).submitted, func(e *env, id string) any {
			return ActionRequest{Revision: rev(e, id)}
		}),
		"POST /api/v1/verdicts/{id}/correct": withID("POST /api/v1/verdicts/{id}/correct", (*env).published, func(e *env, id string) any {
			v := completeVerdict()
			v.Summary = "It grew by 4.2 percent."
			return ActionRequest{Revision: rev(e, id), Verdict: &v, Note: "Corrected the figure."}
		}),
		"POST /api/v1/verdicts/{id}/retract": withID("POST /api/v1/verdicts/{id}/retract", (*env).published, func(e *env, id string) any {
			return ActionRequest{Revision: rev(e, id), Note: "The source was withdrawn."}
		}),
		"GET /dashboard": simple("GET /dashboard"), "GET /api/v1/dashboard": simple("GET /api/v1/dashboard"),
		"GET /admin": simple("GET /admin"), "GET /api/v1/audit": simple("GET /api/v1/audit"),
		"GET /alerts": simple("GET /alerts"), "GET /api/v1/alerts": simple("GET /api/v1/alerts"),
		"GET /alerts/{id}": func(*env, string) (string, string, any, url.Values) {
			return "GET", "/alerts/al1?sub=sub_u-subscriber&sig=ok", nil, nil
		},
		"POST /alerts/subscriptions/{sub}": func(_ *env, role string) (string, string, any, url.Values) {
			return "POST", "/alerts/subscriptions/sub_u-subscriber", nil, url.Values{"action": {"settings"}, "kind": {"verdict"}}
		},
		"GET /api/v1/sources":       simple("GET /api/v1/sources"),
		"GET /api/v1/matcher/model": simple("GET /api/v1/matcher/model"),
		"POST /api/v1/matcher/model": func(e *env, _ string) (string, string, any, url.Values) {
			return "POST", "/api/v1/matcher/model", ModelRequest{Use: "shipped"}, nil
		},
		"GET /api/v1/users": simple("GET /api/v1/users"),
		"POST /api/v1/users": func(e *env, _ string) (string, string, any, url.Values) {
			return "POST", "/api/v1/users", UserRequest{Name: e.fresh("user"), Role: claims.RoleFactChecker, Password: testPassword}, nil
		},
		"GET /api/v1/users/{name}": func(*env, string) (string, string, any, url.Values) {
			return "GET", "/api/v1/users/u-editor", nil, nil
		},
		"PUT /api/v1/users/{name}": func(*env, string) (string, string, any, url.Values) {
			return "PUT", "/api/v1/users/u-factchecker", UserRequest{Language: "pt"}, nil
		},
		"POST /api/v1/users/{name}/disable": func(e *env, _ string) (string, string, any, url.Values) {
			return "POST", "/api/v1/users/" + e.user(claims.RoleFactChecker) + "/disable", nil, nil
		},
		"POST /api/v1/users/{name}/2fa/reset": func(*env, string) (string, string, any, url.Values) {
			return "POST", "/api/v1/users/u-editor/2fa/reset", nil, nil
		},
		"GET /api/v1/tokens": simple("GET /api/v1/tokens"),
		"POST /api/v1/tokens": func(*env, string) (string, string, any, url.Values) {
			return "POST", "/api/v1/tokens", TokenRequest{User: "u-editor", Name: "ci"}, nil
		},
		"DELETE /api/v1/tokens/{id}": func(e *env, _ string) (string, string, any, url.Values) {
			_, tok, err := e.store.CreateToken(context.Background(), "u-editor", e.fresh("tok"), account.ScopeRead)
			if err != nil {
				e.t.Fatal(err)
			}
			return "DELETE", "/api/v1/tokens/" + tok.ID, nil, nil
		},
	}
}

// TestAuthorisationMatrix sends every served route as every role (and
// anonymously) through the serving middleware with API tokens: the policy's
// refusal (401 anonymous, 403 another role) or a 2xx/3xx answer when the
// role is let in.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	reqs := matrixRequests()
	for _, route := range e.srv.Routes() {
		pattern := route.Pattern
		build, ok := reqs[pattern]
		if !ok {
			t.Errorf("no matrix request for route %q", pattern)
			continue
		}
		for _, role := range roles {
			t.Run(pattern+"/"+role, func(t *testing.T) {
				e.t = t
				method, path, body, form := build(e, role)
				want := e.policy.Refusal(method, pattern, role)
				status, resp := e.send(role, method, path, body, form)
				switch {
				case want != 0 && status != want:
					t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, role, status, want, resp)
				case want == 0 && (status < 200 || status >= 400):
					t.Fatalf("%s %s as %s: %d, want 2xx or 3xx: %s", method, path, role, status, resp)
				}
			})
		}
	}
}

// TestReadOnlyTokenCannotAct checks that a read-scoped token of a role
// that may act is refused on every unsafe route.
func TestReadOnlyTokenCannotAct(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tok, _, err := e.store.CreateToken(context.Background(), "u-admin", "ro", account.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	e.tokens["admin-ro"] = tok
	reqs := matrixRequests()
	for _, route := range e.srv.Routes() {
		pattern := route.Pattern
		method, _ := pathOf(pattern)
		if method == http.MethodGet || pattern == "POST /login" {
			continue
		}
		t.Run(pattern, func(t *testing.T) {
			e.t = t
			m, path, body, form := reqs[pattern](e, claims.RoleAdmin)
			if status, resp := e.send("admin-ro", m, path, body, form); status != http.StatusForbidden {
				t.Fatalf("%s %s with a read-only token: %d, want 403: %s", m, path, status, resp)
			}
		})
	}
}
