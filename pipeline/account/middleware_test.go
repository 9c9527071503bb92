package account

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"vigie/claims"

	"go.uber.org/zap/zaptest"
)

// whoami answers with the principal, to check what the middleware resolved.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	p, ok := FromContext(r.Context())
	if !ok {
		io.WriteString(w, "anonymous")
		return
	}
	_ = json.NewEncoder(w).Encode(p)
})

func TestAuthenticatorAndRequire(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{TOTPRequired: true})
	ctx := testCtx(t)
	mustCreate(t, s, "ad", claims.RoleAdmin) // must enrol two-factor
	mustCreate(t, s, "fc", claims.RoleFactChecker)
	mustCreate(t, s, "sub", claims.RoleSubscriber)
	session := func(user string, mustEnrol bool) string {
		id, _, err := s.CreateSession(ctx, user, mustEnrol, "", "")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	token := func(user, scope string) string {
		tok, _, err := s.CreateToken(ctx, user, "", scope)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	fcSession, subSession, adEnrolling := session("fc", false), session("sub", false), session("ad", true)
	fcFull, fcRead := token("fc", ScopeFull), token("fc", ScopeRead)
	expired := session("fc", false)
	if err := s.RevokeSession(ctx, expired); err != nil {
		t.Fatal(err)
	}

	auth := NewAuthenticator(s, Cookie{Insecure: true}, nil, zaptest.NewLogger(t))
	mux := http.NewServeMux()
	mux.Handle("GET /public", whoami)
	mux.Handle("GET /claims", Require(RolesReview...)(whoami))
	mux.Handle("POST /claims", Require(RolesReview...)(whoami))
	mux.Handle("POST /publish", Require(RolesPublish...)(whoami))
	mux.Handle("POST /2fa/enrol", RequireLogin()(whoami))
	cop, err := CrossOrigin("https://trusted.example")
	if err != nil {
		t.Fatal(err)
	}
	h := cop.Handler(auth.Middleware(mux))

	tests := []struct {
		name        string
		method      string
		path        string
		cookie      string
		bearer      string // full Authorization header
		secFetch    string
		origin      string
		wantStatus  int
		wantBody    string // substring
		wantCleared bool   // the response clears the session cookie
	}{
		{"anonymous public", "GET", "/public", "", "", "", "", 200, "anonymous", false},
		{"anonymous protected", "GET", "/claims", "", "", "", "", 401, "authentication required", false},
		{"session of factchecker", "GET", "/claims", fcSession, "", "", "", 200, `"user":"fc","role":"factchecker"`, false},
		{"session via on public route", "GET", "/public", fcSession, "", "", "", 200, `"via":"session"`, false},
		{"subscriber sees no queue", "GET", "/claims", subSession, "", "", "", 403, "forbidden for role subscriber", false},
		{"factchecker cannot publish", "POST", "/publish", fcSession, "", "", "", 403, "forbidden", false},
		{"revoked session is anonymous", "GET", "/claims", expired, "", "", "", 401, "", true},
		{"malformed cookie is anonymous", "GET", "/public", "garbage", "", "", "", 200, "anonymous", true},
		{"full token posts", "POST", "/claims", "", "Bearer " + fcFull, "", "", 200, `"via":"token"`, false},
		{"read-only token reads", "GET", "/claims", "", "Bearer " + fcRead, "", "", 200, `"read_only":true`, false},
		{"read-only token cannot post", "POST", "/claims", "", "Bearer " + fcRead, "", "", 403, "read-only api token", false},
		{"unknown token", "GET", "/public", "", "Bearer " + TokenPrefix + newSecret(), "", "", 401, "unknown or revoked", false},
		{"malformed token", "GET", "/public", "", "Bearer vig_nope", "", "", 401, "malformed api token", false},
		{"token wins over cookie", "GET", "/claims", subSession, "Bearer " + fcFull, "", "", 200, `"user":"fc"`, false},
		{"basic auth header ignored", "GET", "/public", "", "Basic Zm9vOmJhcg==", "", "", 200, "anonymous", false},
		{"must enrol: protected refused", "GET", "/claims", adEnrolling, "", "", "", 403, "two-factor enrolment required", false},
		{"must enrol: enrolment open", "POST", "/2fa/enrol", adEnrolling, "", "", "", 200, `"must_enrol_totp":true`, false},
		{"enrolment route needs login", "POST", "/2fa/enrol", "", "", "", "", 401, "", false},
		{"cross-site post refused", "POST", "/claims", fcSession, "", "cross-site", "https://evil.example", 403, "", false},
		{"cross-origin post by origin refused", "POST", "/claims", fcSession, "", "", "https://evil.example", 403, "", false},
		{"same-origin post", "POST", "/claims", fcSession, "", "same-origin", "http://example.com", 200, `"user":"fc"`, false},
		{"trusted origin post", "POST", "/claims", fcSession, "", "cross-site", "https://trusted.example", 200, `"user":"fc"`, false},
		{"cross-site get allowed", "GET", "/claims", fcSession, "", "cross-site", "https://evil.example", 200, `"user":"fc"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://example.com"+tt.path, nil)
			if tt.cookie != "" {
				req.AddCookie(&http.Cookie{Name: SessionCookieName, Value: tt.cookie})
			}
			if tt.bearer != "" {
				req.Header.Set("Authorization", tt.bearer)
			}
			if tt.secFetch != "" {
				req.Header.Set("Sec-Fetch-Site", tt.secFetch)
			}
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Fatalf("%s %s: %d %q, want %d with %q", tt.method, tt.path, rec.Code, rec.Body.String(), tt.wantStatus, tt.wantBody)
			}
			if rec.Code == 401 && rec.Header().Get("WWW-Authenticate") == "" {
				t.Fatal("401 without WWW-Authenticate")
			}
			cleared := false
			for _, c := range rec.Result().Cookies() {
				cleared = cleared || (c.Name == SessionCookieName && c.MaxAge < 0)
			}
			if cleared != tt.wantCleared {
				t.Fatalf("cookie cleared = %v, want %v", cleared, tt.wantCleared)
			}
		})
	}
}

func TestCrossOriginBadTrustedOrigin(t *testing.T) {
	t.Parallel()
	if _, err := CrossOrigin("not an origin"); err == nil {
		t.Fatal("accepted a malformed trusted origin")
	}
}

func TestFromContextAnonymous(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest("GET", "/", nil)
	if _, ok := FromContext(req.Context()); ok {
		t.Fatal("principal in a bare context")
	}
	ctx := WithPrincipal(req.Context(), Principal{User: "ana", Role: claims.RoleEditor})
	if p, ok := FromContext(ctx); !ok || p.User != "ana" {
		t.Fatalf("FromContext = %+v %v", p, ok)
	}
}

// TestAuthenticatorStoreDown: when the store cannot be read, a request with
// a credential gets 503, not anonymous access nor a 401 that would log it out.
func TestAuthenticatorStoreDown(t *testing.T) {
	t.Parallel()
	s, b := newStoreBus(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "fc", claims.RoleFactChecker)
	id, _, err := s.CreateSession(ctx, "fc", false, "", "")
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.CreateToken(ctx, "fc", "", ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	b.NC.Close()
	h := NewAuthenticator(s, Cookie{}, nil, zaptest.NewLogger(t)).Middleware(whoami)
	tests := []struct {
		name   string
		cookie string
		bearer string
		want   int
	}{
		{"session", id, "", 503},
		{"token", "", "Bearer " + tok, 503},
		{"no credential", "", "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/", nil)
			if tt.cookie != "" {
				req.AddCookie(&http.Cookie{Name: SessionCookieName, Value: tt.cookie})
			}
			if tt.bearer != "" {
				req.Header.Set("Authorization", tt.bearer)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.want {
				t.Fatalf("status %d, want %d", rec.Code, tt.want)
			}
			for _, c := range rec.Result().Cookies() {
				if c.MaxAge < 0 {
					t.Fatal("the session cookie was cleared on a store failure")
				}
			}
		})
	}
}

// TestTOTPEnrolmentFlow: an admin who must use two-factor login logs in,
// can reach only the enrolment route, enrols, and the same session then
// reaches the protected routes.
func TestTOTPEnrolmentFlow(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{TOTPRequired: true})
	ctx := testCtx(t)
	mustCreate(t, s, "boss", claims.RoleAdmin)
	routes := []Route{
		{Pattern: "GET /admin", Access: AccessAdmin, Handler: whoami},
		{Pattern: "POST /account/2fa/confirm", Access: AccessEnrolling, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pr, _ := FromContext(r.Context())
			if err := s.ConfirmTOTP(r.Context(), pr.User, r.URL.Query().Get("code")); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
			}
		})},
	}
	mux := NewPolicy(routes...).Mux(routes, nil)
	h := NewAuthenticator(s, Cookie{}, nil, zaptest.NewLogger(t)).Middleware(mux)
	id, sess, err := s.Login(ctx, LoginRequest{Name: "boss", Password: goodPassword})
	if err != nil || !sess.MustEnrolTOTP {
		t.Fatalf("login: %+v %v", sess, err)
	}
	do := func(method, target string) int {
		req := httptest.NewRequest(method, target, nil)
		req.AddCookie(&http.Cookie{Name: SessionCookieName, Value: id})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	if got := do("GET", "/admin"); got != 403 {
		t.Fatalf("admin page before enrolment: %d", got)
	}
	en, err := s.EnrolTOTP(ctx, "boss")
	if err != nil {
		t.Fatal(err)
	}
	if got := do("POST", "/account/2fa/confirm?code=000000x"); got != 400 {
		t.Fatalf("confirm with a bad code: %d", got)
	}
	if got := do("POST", "/account/2fa/confirm?code="+codeAt(t, en.Secret, clock.Now())); got != 200 {
		t.Fatalf("confirm: %d", got)
	}
	if got := do("GET", "/admin"); got != 200 {
		t.Fatalf("admin page after enrolment: %d", got)
	}
	// From now on the password alone is not enough.
	if _, _, err := s.Login(ctx, LoginRequest{Name: "boss", Password: goodPassword}); !errors.Is(err, ErrTOTPRequired) {
		t.Fatalf("login without code after enrolment: %v", err)
	}
}
