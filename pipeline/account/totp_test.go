package account

import (
	"errors"
	"net/url"
	"sync"
	"testing"
	"time"

	"vigie/claims"

	"github.com/pquerna/otp/totp"
)

func codeAt(t testing.TB, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totpOpts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolled creates a user with confirmed TOTP and returns its secret.
func enrolled(t testing.TB, s *Store, clock *fakeClock, name, role string) string {
	t.Helper()
	ctx := testCtx(t)
	mustCreate(t, s, name, role)
	en, err := s.EnrolTOTP(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmTOTP(ctx, name, codeAt(t, en.Secret, clock.Now())); err != nil {
		t.Fatal(err)
	}
	clock.Advance(totpPeriod * time.Second) // the confirming code is spent
	return en.Secret
}

func TestTOTPEnrolment(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)

	if err := s.ConfirmTOTP(ctx, "ana", "123456"); !errors.Is(err, ErrTOTPNotEnrolling) {
		t.Fatalf("confirm before enrol: %v", err)
	}
	en, err := s.EnrolTOTP(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(en.URL)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != en.Secret || u.Query().Get("issuer") != "Vigie" {
		t.Fatalf("otpauth url %q: %v", en.URL, err)
	}
	if err := s.ConfirmTOTP(ctx, "ana", codeAt(t, en.Secret, clock.Now().Add(-5*time.Minute))); !errors.Is(err, ErrTOTPInvalid) {
		t.Fatalf("confirm with an old code: %v", err)
	}
	if got, _ := s.User(ctx, "ana"); got.TOTPEnabled {
		t.Fatal("enabled before confirmation")
	}
	if err := s.ConfirmTOTP(ctx, "ana", codeAt(t, en.Secret, clock.Now())); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	if got, _ := s.User(ctx, "ana"); !got.TOTPEnabled {
		t.Fatal("not enabled after confirmation")
	}
	if err := s.VerifyTOTP(ctx, "ana", codeAt(t, en.Secret, clock.Now())); !errors.Is(err, ErrTOTPInvalid) {
		t.Fatalf("the confirming code was accepted again: %v", err)
	}
	t.Run("re-enrolment keeps the old secret until confirmed", func(t *testing.T) {
		if _, err := s.EnrolTOTP(ctx, "ana"); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Minute)
		if err := s.VerifyTOTP(ctx, "ana", codeAt(t, en.Secret, clock.Now())); err != nil {
			t.Fatalf("old secret refused during re-enrolment: %v", err)
		}
	})
	t.Run("reset", func(t *testing.T) {
		if err := s.ResetTOTP(ctx, "ana"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.User(ctx, "ana"); got.TOTPEnabled {
			t.Fatal("still enabled after reset")
		}
	})
}

func TestVerifyTOTPWindowAndReplay(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{})
	ctx := testCtx(t)
	secret := enrolled(t, s, clock, "ana", claims.RoleEditor)
	step := totpPeriod * time.Second
	tests := []struct {
		name    string
		advance time.Duration // clock moves before the code is made
		offset  time.Duration // the code's time relative to the clock
		code    string        // used instead when set
		wantErr error
	}{
		{"current step", step, 0, "", nil},
		{"same code again (replay)", 0, 0, "", ErrTOTPInvalid},
		{"one step late", 3 * step, -step, "", nil},
		{"one step early", 3 * step, step, "", nil},
		{"an earlier step after a later one was used", 0, 0, "", ErrTOTPInvalid},
		{"two steps late", 3 * step, -2 * step, "", ErrTOTPInvalid},
		{"two steps early", 0, 2 * step, "", ErrTOTPInvalid},
		{"wrong code", 0, 0, "000000", ErrTOTPInvalid},
		{"not digits", 0, 0, "12345a", ErrTOTPInvalid},
		{"too short", 0, 0, "12345", ErrTOTPInvalid},
		{"spaces are ignored", 3 * step, 0, "spaced", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock.Advance(tt.advance)
			code := tt.code
			switch code {
			case "":
				code = codeAt(t, secret, clock.Now().Add(tt.offset))
			case "spaced":
				c := codeAt(t, secret, clock.Now())
				code = " " + c[:3] + " " + c[3:] + " "
			case "000000":
				if codeAt(t, secret, clock.Now()) == code {
					clock.Advance(step) // vanishingly rare: the real code is 000000
				}
			}
			if err := s.VerifyTOTP(ctx, "ana", code); !errors.Is(err, tt.wantErr) {
				t.Fatalf("VerifyTOTP(%q) = %v, want %v", code, err, tt.wantErr)
			}
		})
	}
}

// TestTOTPConcurrentReplay: the same code sent by many logins at once is
// accepted once (the accepted step is written by KV revision).
func TestTOTPConcurrentReplay(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{})
	ctx := testCtx(t)
	secret := enrolled(t, s, clock, "ana", claims.RoleAdmin)
	clock.Advance(time.Minute)
	code := codeAt(t, secret, clock.Now())
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted, refused := 0, 0
	for range 8 {
		wg.Go(func() {
			err := s.VerifyTOTP(ctx, "ana", code)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				accepted++
			case errors.Is(err, ErrTOTPInvalid):
				refused++
			default:
				t.Errorf("unexpected error: %v", err)
			}
		})
	}
	wg.Wait()
	if accepted != 1 || refused != 7 {
		t.Fatalf("accepted %d, refused %d; want 1 and 7", accepted, refused)
	}
}

func TestRequireTOTPPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
		want map[string]bool
	}{
		{"off", Config{}, map[string]bool{claims.RoleAdmin: false, claims.RoleEditor: false, claims.RoleFactChecker: false, claims.RoleSubscriber: false}},
		{"on, default roles", Config{TOTPRequired: true}, map[string]bool{claims.RoleAdmin: true, claims.RoleEditor: true, claims.RoleFactChecker: false, claims.RoleSubscriber: false}},
		{"on, custom roles", Config{TOTPRequired: true, TOTPRoles: []string{claims.RoleFactChecker}}, map[string]bool{claims.RoleAdmin: false, claims.RoleEditor: false, claims.RoleFactChecker: true, claims.RoleSubscriber: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for role, want := range tt.want {
				if got := tt.cfg.RequireTOTP(role); got != want {
					t.Errorf("RequireTOTP(%s) = %v, want %v", role, got, want)
				}
			}
		})
	}
}
