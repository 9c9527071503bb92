package account

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vigie/claims"
)

func TestLogin(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{TOTPRequired: true})
	ctx := testCtx(t)
	secret := enrolled(t, s, clock, "ed", claims.RoleEditor)
	mustCreate(t, s, "admin2", claims.RoleAdmin) // 2FA required, not enrolled
	mustCreate(t, s, "fc", claims.RoleFactChecker)
	tests := []struct {
		name          string
		req           LoginRequest
		wantErr       error
		wantMustEnrol bool
	}{
		{"factchecker, password only", LoginRequest{Name: "fc", Password: goodPassword}, nil, false},
		{"wrong password", LoginRequest{Name: "fc", Password: "wrong password!"}, ErrInvalidCredentials, false},
		{"unknown user", LoginRequest{Name: "zed", Password: goodPassword}, ErrInvalidCredentials, false},
		{"enrolled editor without code", LoginRequest{Name: "ed", Password: goodPassword}, ErrTOTPRequired, false},
		{"enrolled editor, wrong code", LoginRequest{Name: "ed", Password: goodPassword, TOTPCode: "999999x"}, ErrTOTPInvalid, false},
		{"enrolled editor, code", LoginRequest{Name: "ed", Password: goodPassword, TOTPCode: "now"}, nil, false},
		{"enrolled editor, same code again", LoginRequest{Name: "ed", Password: goodPassword, TOTPCode: "now"}, ErrTOTPInvalid, false},
		{"admin not enrolled must enrol", LoginRequest{Name: "admin2", Password: goodPassword}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.TOTPCode == "now" {
				tt.req.TOTPCode = codeAt(t, secret, clock.Now())
			}
			id, sess, err := s.Login(ctx, tt.req)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Login = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if id != "" {
					t.Fatal("a refused login returned a session id")
				}
				return
			}
			if sess.MustEnrolTOTP != tt.wantMustEnrol {
				t.Fatalf("MustEnrolTOTP = %v", sess.MustEnrolTOTP)
			}
			got, u, err := s.Session(ctx, id)
			if err != nil || u.Name != tt.req.Name || got.ID != sess.ID || got.ID != hashSecret(id) {
				t.Fatalf("Session = %+v %+v %v", got, u, err)
			}
			if _, err := s.sessions.Get(ctx, id); err == nil {
				t.Fatal("the session is stored under its clear id")
			}
		})
	}
}

func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	clock := newClock()
	lim := NewLimiter(Limits{UserBurst: 3, UserEvery: 20 * time.Second, IPBurst: 100, IPEvery: time.Second}, clock.Now)
	s := newStore(t, clock, Config{Limiter: lim})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	for i := range 3 {
		if _, _, err := s.Login(ctx, LoginRequest{Name: "ana", Password: "guess number " + string(rune('a'+i)), IP: "192.0.2.1"}); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	_, _, err := s.Login(ctx, LoginRequest{Name: "ana", Password: goodPassword, IP: "192.0.2.1"})
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, ErrRateLimited) || rl.RetryAfter != 20*time.Second || err.Error() != "too many login attempts: try again in 20 s" {
		t.Fatalf("fourth attempt: %v", err)
	}
	clock.Advance(20 * time.Second)
	if _, _, err := s.Login(ctx, LoginRequest{Name: "ana", Password: goodPassword, IP: "192.0.2.1"}); err != nil {
		t.Fatalf("after waiting: %v", err)
	}
	// Success refilled the user's bucket.
	for i := range 3 {
		if _, _, err := s.Login(ctx, LoginRequest{Name: "ana", Password: goodPassword, IP: "192.0.2.1"}); err != nil {
			t.Fatalf("login %d after success: %v", i, err)
		}
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{SessionIdle: time.Hour, SessionAbsolute: 3 * time.Hour})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	tests := []struct {
		name    string
		steps   []time.Duration // uses of the session after each wait
		wantErr error
	}{
		{"used within idle", []time.Duration{30 * time.Minute}, nil},
		{"idle exceeded", []time.Duration{time.Hour}, ErrExpired},
		{"kept alive up to the absolute limit", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 29 * time.Minute}, nil},
		{"absolute limit despite use", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 30 * time.Minute}, ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, _, err := s.CreateSession(ctx, "ana", false, "", "")
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range tt.steps {
				clock.Advance(d)
				_, _, err = s.Session(ctx, id)
				if i < len(tt.steps)-1 && err != nil {
					t.Fatalf("use %d: %v", i, err)
				}
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("last use: %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if _, _, err := s.Session(ctx, id); !errors.Is(err, ErrNotFound) {
					t.Fatalf("expired session not deleted: %v", err)
				}
			}
		})
	}
}

func TestSessionRevocation(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	mustCreate(t, s, "bob", claims.RoleEditor)
	open := func(user string) string {
		id, _, err := s.CreateSession(ctx, user, false, "203.0.113.9", "test")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	tests := []struct {
		name    string
		revoke  func(id string) error
		wantErr error
	}{
		{"logout", func(id string) error { return s.RevokeSession(ctx, id) }, ErrNotFound},
		{"by listed id", func(id string) error { return s.RevokeSessionID(ctx, hashSecret(id)) }, ErrNotFound},
		{"password change", func(string) error { return s.SetPassword(ctx, "ana", "a brand new password") }, ErrNotFound},
		{"user disabled", func(string) error { return s.SetDisabled(ctx, "ana", true) }, ErrNotFound},
		{"role change", func(string) error {
			u, _ := s.User(ctx, "ana")
			u.Role = claims.RoleFactChecker
			_, err := s.UpdateUser(ctx, u)
			return err
		}, ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.SetDisabled(ctx, "ana", false); err != nil {
				t.Fatal(err)
			}
			id, other := open("ana"), open("bob")
			if _, _, err := s.Session(ctx, id); err != nil {
				t.Fatal(err)
			}
			if err := tt.revoke(id); err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.Session(ctx, id); !errors.Is(err, tt.wantErr) {
				t.Fatalf("after revocation: %v, want %v", err, tt.wantErr)
			}
			if _, _, err := s.Session(ctx, other); err != nil {
				t.Fatalf("another user's session was ended: %v", err)
			}
		})
	}
	t.Run("disabled after login, session not yet revoked", func(t *testing.T) {
		u, _ := s.User(ctx, "bob")
		id := open("bob")
		// Write the disabled flag straight into the record, as another
		// process would before it revokes the sessions.
		rec, _ := s.getRecord(ctx, u.Name)
		rec.Disabled = true
		if err := s.putRecord(ctx, &rec); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Session(ctx, id); !errors.Is(err, ErrDisabled) {
			t.Fatalf("session of a disabled user: %v", err)
		}
	})
	t.Run("malformed ids", func(t *testing.T) {
		for _, id := range []string{"", "short", strings.Repeat("A", 42) + "=", strings.Repeat("A", 43) + "B"} {
			if _, _, err := s.Session(ctx, id); !errors.Is(err, ErrMalformedCredential) {
				t.Errorf("Session(%q) = %v", id, err)
			}
		}
	})
}

func TestCookie(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cookie     Cookie
		wantSecure bool
		wantName   string
	}{
		{"default", Cookie{}, true, SessionCookieName},
		{"plain-http localhost", Cookie{Insecure: true}, false, SessionCookieName},
		{"custom name", Cookie{Name: "__Host-vigie"}, true, "__Host-vigie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := newSecret()
			exp := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			rec := httptest.NewRecorder()
			tt.cookie.Set(rec, id, exp)
			cs := rec.Result().Cookies()
			if len(cs) != 1 {
				t.Fatalf("%d cookies", len(cs))
			}
			c := cs[0]
			if c.Name != tt.wantName || c.Value != id || c.Path != "/" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tt.wantSecure || !c.Expires.Equal(exp) {
				t.Fatalf("cookie %+v", c)
			}
			req := httptest.NewRequest("GET", "/", nil)
			req.AddCookie(c)
			got, ok, err := tt.cookie.Read(req)
			if !ok || err != nil || got != id {
				t.Fatalf("Read = %q %v %v", got, ok, err)
			}
			rec = httptest.NewRecorder()
			tt.cookie.Clear(rec)
			if cl := rec.Result().Cookies(); len(cl) != 1 || cl[0].MaxAge >= 0 || cl[0].Value != "" || cl[0].Name != tt.wantName {
				t.Fatalf("clear cookie %+v", cl)
			}
		})
	}
	t.Run("absent and malformed", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/", nil)
		if _, ok, _ := (Cookie{}).Read(req); ok {
			t.Fatal("absent cookie read as present")
		}
		req.AddCookie(&http.Cookie{Name: SessionCookieName, Value: "nope"})
		if _, ok, err := (Cookie{}).Read(req); !ok || !errors.Is(err, ErrMalformedCredential) {
			t.Fatalf("malformed cookie: %v %v", ok, err)
		}
	})
}
