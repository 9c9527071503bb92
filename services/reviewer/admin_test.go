package reviewer

import (
	"net/http"
	"strings"
	"testing"

	"vigie/claims"
	"vigie/pipeline/account"
)

func TestUsersAndTokensAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name, method, path string
		body               any
		want               int
		contains           string
	}{
		{"create", "POST", "/api/v1/users", UserRequest{Name: "marta", Role: claims.RoleSubscriber, Locality: "PT-1312", Password: testPassword}, http.StatusCreated, `"locality":"PT-1312"`},
		{"exists", "POST", "/api/v1/users", UserRequest{Name: "marta", Role: claims.RoleEditor, Password: testPassword}, http.StatusConflict, "exists"},
		{"weak password", "POST", "/api/v1/users", UserRequest{Name: "bob", Role: claims.RoleEditor, Password: "short"}, http.StatusBadRequest, "password"},
		{"bad role", "POST", "/api/v1/users", UserRequest{Name: "bob", Role: "king", Password: testPassword}, http.StatusBadRequest, "role"},
		{"read", "GET", "/api/v1/users/marta", nil, http.StatusOK, `"role":"subscriber"`},
		{"unknown", "GET", "/api/v1/users/nobody", nil, http.StatusNotFound, "not found"},
		{"update", "PUT", "/api/v1/users/marta", UserRequest{Language: "pt"}, http.StatusOK, `"language":"pt"`},
		{"rename refused", "PUT", "/api/v1/users/marta", UserRequest{Name: "other"}, http.StatusBadRequest, "renamed"},
		{"last admin", "POST", "/api/v1/users/u-admin/disable", nil, http.StatusConflict, "last enabled admin"},
		{"list", "GET", "/api/v1/users", nil, http.StatusOK, `"name":"marta"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			st, b := e.do(claims.RoleAdmin, c.method, c.path, c.body)
			if st != c.want || !strings.Contains(string(b), c.contains) {
				t.Fatalf("%d %s, want %d with %q", st, b, c.want, c.contains)
			}
		})
	}
	t.Run("token lifecycle", func(t *testing.T) {
		e.t = t
		st, b := e.do(claims.RoleAdmin, "POST", "/api/v1/tokens", TokenRequest{User: "marta", Name: "feed reader"})
		if st != http.StatusCreated {
			t.Fatalf("create: %d %s", st, b)
		}
		created := decode[struct {
			Token string    `json:"token"`
			Info  TokenView `json:"info"`
		}](t, b)
		if !strings.HasPrefix(created.Token, "vig_") || created.Info.Scope != account.ScopeRead {
			t.Fatalf("created %+v", created)
		}
		e.tokens["marta"] = created.Token
		if st, b := e.do("marta", "GET", "/api/v1/alerts", nil); st != http.StatusOK {
			t.Fatalf("the new token does not work: %d %s", st, b)
		}
		_, b = e.do(claims.RoleAdmin, "GET", "/api/v1/tokens?user=marta", nil)
		if strings.Contains(string(b), created.Token) || strings.Contains(string(b), `"hash"`) || !strings.Contains(string(b), created.Info.ID) {
			t.Fatalf("token list shows a secret or misses the token: %s", b)
		}
		if st, b := e.do(claims.RoleAdmin, "DELETE", "/api/v1/tokens/"+created.Info.ID, nil); st != http.StatusOK {
			t.Fatalf("revoke: %d %s", st, b)
		}
		if st, _ := e.do("marta", "GET", "/api/v1/alerts", nil); st != http.StatusUnauthorized {
			t.Fatalf("a revoked token still works: %d", st)
		}
	})
}

func TestAdminPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser(t)
	b.login("u-admin")
	resp, page := b.req("GET", "/admin", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d", resp.StatusCode)
	}
	must(t, page, `data-user="u-editor"`, `data-token-id="`, `id="audit-export"`)
	for _, tok := range e.tokens {
		if strings.Contains(page, tok) {
			t.Fatal("the admin page shows a token secret")
		}
	}
	eb := e.browser(t)
	eb.login("u-editor")
	if resp, _ := eb.req("GET", "/admin", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("editor on /admin: %d", resp.StatusCode)
	}
}
