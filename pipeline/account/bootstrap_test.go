package account

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/claims"

	"go.uber.org/zap/zaptest"
)

func TestEnsureAdmin(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)

	pw, created, err := s.EnsureAdmin(ctx)
	if err != nil || !created || len(pw) != 24 {
		t.Fatalf("first start: %q %v %v", pw, created, err)
	}
	u, err := s.CheckPassword(ctx, AdminName, pw)
	if err != nil || u.Role != claims.RoleAdmin || !u.MustChangePassword {
		t.Fatalf("admin %+v: %v", u, err)
	}
	t.Run("second start creates nothing", func(t *testing.T) {
		pw2, created, err := s.EnsureAdmin(ctx)
		if err != nil || created || pw2 != "" {
			t.Fatalf("%q %v %v", pw2, created, err)
		}
	})
	t.Run("another enabled admin suffices", func(t *testing.T) {
		mustCreate(t, s, "boss", claims.RoleAdmin)
		if err := s.SetDisabled(ctx, AdminName, true); err != nil {
			t.Fatal(err)
		}
		if _, created, err := s.EnsureAdmin(ctx); err != nil || created {
			t.Fatalf("%v %v", created, err)
		}
	})
	t.Run("the last admin cannot be disabled or demoted", func(t *testing.T) {
		if err := s.SetDisabled(ctx, "boss", true); !errors.Is(err, ErrLastAdmin) {
			t.Fatalf("disable: %v", err)
		}
		u, _ := s.User(ctx, "boss")
		u.Role = claims.RoleEditor
		if _, err := s.UpdateUser(ctx, u); !errors.Is(err, ErrLastAdmin) {
			t.Fatalf("demote: %v", err)
		}
	})
	t.Run("no enabled admin: admin restored", func(t *testing.T) {
		// Only a raw write (another tool, an old version) gets here.
		rec, _ := s.getRecord(ctx, "boss")
		rec.Disabled = true
		if err := s.putRecord(ctx, &rec); err != nil {
			t.Fatal(err)
		}
		pw3, created, err := s.EnsureAdmin(ctx)
		if err != nil || !created || pw3 == pw {
			t.Fatalf("%q %v %v", pw3, created, err)
		}
		if _, err := s.CheckPassword(ctx, AdminName, pw3); err != nil {
			t.Fatalf("restored admin cannot log in: %v", err)
		}
		if _, err := s.CheckPassword(ctx, AdminName, pw); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("old one-time password still works: %v", err)
		}
	})
	t.Run("password change clears the one-time mark", func(t *testing.T) {
		if err := s.SetPassword(ctx, AdminName, "my own long password"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, AdminName); u.MustChangePassword {
			t.Fatal("still marked")
		}
	})
}

func TestNewPassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		p := NewPassword()
		if len(p) != 24 || strings.ContainsAny(p, "0O1lI") || CheckPasswordPolicy(p) != nil || seen[p] {
			t.Fatalf("bad or repeated password %q", p)
		}
		seen[p] = true
	}
}

func TestDemoUsers(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	var first Demo
	for round := range 2 { // a second --demo start resets the passwords and the token
		d, err := s.DemoUsers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Users) != len(claims.Roles) {
			t.Fatalf("%d demo users", len(d.Users))
		}
		for i, du := range d.Users {
			u, err := s.CheckPassword(ctx, du.Name, du.Password)
			if err != nil || u.Role != claims.Roles[i] || u.Role != du.Role {
				t.Fatalf("round %d, %s: %+v %v", round, du.Name, u, err)
			}
			if u.Role == claims.RoleSubscriber && u.Locality != "PT-1312" {
				t.Fatalf("subscriber locality %q", u.Locality)
			}
		}
		tok, u, err := s.LookupToken(ctx, d.Token)
		if err != nil || tok.Scope != ScopeRead || u.Name != d.TokenUser {
			t.Fatalf("demo token %+v of %q: %v", tok, u.Name, err)
		}
		if round == 0 {
			first = d
			continue
		}
		if _, _, err := s.LookupToken(ctx, first.Token); !errors.Is(err, ErrNotFound) {
			t.Fatalf("first demo token still valid: %v", err)
		}
		if list, _ := s.Tokens(ctx, d.TokenUser); len(list) != 1 {
			t.Fatalf("%d demo tokens", len(list))
		}
	}

	// The README's quick start: the demo token reads the claims list and
	// cannot change anything.
	d, _ := s.DemoUsers(ctx)
	routes := []Route{
		{Pattern: "GET /api/v1/claims", Access: AccessReview, Handler: whoami},
		{Pattern: "POST /api/v1/claims/{id}/status", Access: AccessReview, Handler: whoami},
	}
	mux := NewPolicy(routes...).Mux(routes, nil)
	h := NewAuthenticator(s, Cookie{}, nil, zaptest.NewLogger(t)).Middleware(mux)
	for _, tc := range []struct {
		method, path string
		want         int
	}{{"GET", "/api/v1/claims", 200}, {"POST", "/api/v1/claims/c1/status", 403}} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Header.Set("Authorization", "Bearer "+d.Token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Fatalf("%s %s with the demo token: %d, want %d", tc.method, tc.path, rec.Code, tc.want)
		}
	}
}
