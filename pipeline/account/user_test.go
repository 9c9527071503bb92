package account

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"vigie/claims"
)

func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "taken", claims.RoleEditor)
	tests := []struct {
		name    string
		nu      NewUser
		wantErr error
		wantMsg string
	}{
		{"ok editor", NewUser{Name: "ana", Role: claims.RoleEditor, Password: goodPassword}, nil, ""},
		{"ok subscriber", NewUser{Name: "paris", Role: claims.RoleSubscriber, Locality: "FR-75056", Language: "fr", Password: goodPassword}, nil, ""},
		{"ok language normalised", NewUser{Name: "bia", Role: claims.RoleFactChecker, Language: "pt-br", Password: goodPassword}, nil, ""},
		{"exactly 12 runes", NewUser{Name: "min", Role: claims.RoleEditor, Password: "ééééééééééé1"}, nil, ""},
		{"upper-case name", NewUser{Name: "Ana", Role: claims.RoleEditor, Password: goodPassword}, ErrInvalid, "user name"},
		{"name with dot", NewUser{Name: "a.b", Role: claims.RoleEditor, Password: goodPassword}, ErrInvalid, "user name"},
		{"empty name", NewUser{Name: "", Role: claims.RoleEditor, Password: goodPassword}, ErrInvalid, "user name"},
		{"name too long", NewUser{Name: "a" + strings.Repeat("b", 64), Role: claims.RoleEditor, Password: goodPassword}, ErrInvalid, "user name"},
		{"unknown role", NewUser{Name: "bob", Role: "root", Password: goodPassword}, ErrInvalid, "want one of admin, editor"},
		{"subscriber without locality", NewUser{Name: "sub", Role: claims.RoleSubscriber, Password: goodPassword}, ErrInvalid, "needs a locality"},
		{"bad locality", NewUser{Name: "sub", Role: claims.RoleSubscriber, Locality: "paris", Password: goodPassword}, ErrInvalid, "locality \"paris\""},
		{"bad language", NewUser{Name: "lang", Role: claims.RoleEditor, Language: "not a tag!", Password: goodPassword}, ErrInvalid, "BCP 47"},
		{"short password", NewUser{Name: "short", Role: claims.RoleEditor, Password: "elevenchars"}, ErrWeakPassword, "it has 11 characters, at least 12"},
		{"long password", NewUser{Name: "long", Role: claims.RoleEditor, Password: strings.Repeat("x", MaxPasswordLength+1)}, ErrWeakPassword, "at most 1024"},
		{"invalid utf-8 password", NewUser{Name: "utf", Role: claims.RoleEditor, Password: "abcdefghijkl\xff"}, ErrWeakPassword, "UTF-8"},
		{"duplicate", NewUser{Name: "taken", Role: claims.RoleEditor, Password: goodPassword}, ErrExists, "already exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.CreateUser(ctx, tt.nu)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CreateUser: %v", err)
				}
				got, err := s.User(ctx, tt.nu.Name)
				if err != nil {
					t.Fatal(err)
				}
				if got.Role != tt.nu.Role || got.Revision == 0 || got.Created.IsZero() || got != u {
					t.Fatalf("stored %+v, returned %+v", got, u)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v, want %v containing %q", err, tt.wantErr, tt.wantMsg)
			}
		})
	}
	t.Run("language stored canonical", func(t *testing.T) {
		u, err := s.User(ctx, "bia")
		if err != nil || u.Language != "pt-BR" {
			t.Fatalf("language %q, %v", u.Language, err)
		}
	})
}

func TestUserNeverExposesSecrets(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleAdmin)
	if _, err := s.EnrolTOTP(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	users, err := s.Users(ctx)
	if err != nil || len(users) != 1 {
		t.Fatalf("Users: %v %v", users, err)
	}
	e, err := s.users.Get(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	stored := string(e.Value())
	if !strings.Contains(stored, "$argon2id$v=19$") || strings.Contains(stored, goodPassword) {
		t.Fatalf("stored record does not hold an argon2id hash only: %s", stored)
	}
}

func TestUpdateUserRevision(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleFactChecker)
	first, _ := s.User(ctx, "ana")
	second, _ := s.User(ctx, "ana")

	first.Role = claims.RoleEditor
	updated, err := s.UpdateUser(ctx, first)
	if err != nil {
		t.Fatalf("first update: %v", err)
	}
	second.Language = "fr"
	if _, err := s.UpdateUser(ctx, second); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale update: err = %v, want ErrConflict", err)
	}
	got, _ := s.User(ctx, "ana")
	if got.Role != claims.RoleEditor || got.Language != "" || got.Revision != updated.Revision {
		t.Fatalf("after refused update: %+v", got)
	}
	got.Language = "fr"
	if _, err := s.UpdateUser(ctx, got); err != nil {
		t.Fatalf("update after re-read: %v", err)
	}
	t.Run("invalid update refused", func(t *testing.T) {
		u, _ := s.User(ctx, "ana")
		u.Role = claims.RoleSubscriber // without locality
		if _, err := s.UpdateUser(ctx, u); !errors.Is(err, ErrInvalid) {
			t.Fatalf("err = %v, want ErrInvalid", err)
		}
	})
}

// TestConcurrentModifyLosesNothing runs changes of different fields at
// once: each retries on revision conflicts, so all of them land.
func TestConcurrentModifyLosesNothing(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	wg.Go(func() { errs <- s.SetDisabled(ctx, "ana", true) })
	wg.Go(func() { errs <- s.SetPassword(ctx, "ana", "another long password") })
	wg.Go(func() { _, err := s.EnrolTOTP(ctx, "ana"); errs <- err })
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rec, err := s.getRecord(ctx, "ana")
	if err != nil {
		t.Fatal(err)
	}
	ok, _ := VerifyPassword("another long password", rec.PasswordHash)
	if !rec.Disabled || !ok || rec.TOTPPending == "" {
		t.Fatalf("lost update: disabled=%v new password=%v pending totp=%v", rec.Disabled, ok, rec.TOTPPending != "")
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	mustCreate(t, s, "off", claims.RoleEditor)
	if err := s.SetDisabled(ctx, "off", true); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, password string
		wantErr              error
	}{
		{"right", "ana", goodPassword, nil},
		{"wrong", "ana", goodPassword + "!", ErrInvalidCredentials},
		{"unknown user", "nobody", goodPassword, ErrInvalidCredentials},
		{"invalid name", "../x", goodPassword, ErrInvalidCredentials},
		{"disabled", "off", goodPassword, ErrDisabled},
		{"empty", "ana", "", ErrInvalidCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := s.CheckPassword(ctx, tt.user, tt.password)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && u.Name != tt.user {
				t.Fatalf("user %q", u.Name)
			}
			if tt.wantErr != nil && !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("err = %v does not say invalid credentials", err)
			}
		})
	}
}

func TestSetPasswordPolicy(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	if err := s.SetPassword(ctx, "ana", "short"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("err = %v", err)
	}
	if err := s.SetPassword(ctx, "ghost", goodPassword); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown user: err = %v", err)
	}
}

func TestPasswordRehashedWhenParamsChange(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s, b := newStoreBus(t, clock, Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	stronger := *cheapParams
	stronger.Iterations = 2
	s2, err := Open(ctx, b.JS, Config{PasswordParams: &stronger, Now: clock.Now}, nil)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s2.getRecord(ctx, "ana")
	if !needsRehash(before.PasswordHash, &stronger) {
		t.Fatal("old hash not seen as outdated")
	}
	if _, err := s2.CheckPassword(ctx, "ana", goodPassword); err != nil {
		t.Fatal(err)
	}
	after, _ := s2.getRecord(ctx, "ana")
	if after.PasswordHash == before.PasswordHash || needsRehash(after.PasswordHash, &stronger) {
		t.Fatalf("not rehashed: %s", after.PasswordHash)
	}
	if _, err := s2.CheckPassword(ctx, "ana", goodPassword); err != nil {
		t.Fatalf("rehashed password refused: %v", err)
	}
	again, _ := s2.getRecord(ctx, "ana")
	if again.Revision != after.Revision {
		t.Fatal("a current hash was rewritten")
	}
}

func TestCreateUserRace(t *testing.T) {
	t.Parallel()
	s := newStore(t, newClock(), Config{})
	ctx := testCtx(t)
	var wg sync.WaitGroup
	results := make(chan error, 6)
	for range 6 {
		wg.Go(func() {
			_, err := s.CreateUser(ctx, NewUser{Name: "same", Role: claims.RoleEditor, Password: goodPassword})
			results <- err
		})
	}
	wg.Wait()
	close(results)
	created, exists := 0, 0
	for err := range results {
		switch {
		case err == nil:
			created++
		case errors.Is(err, ErrExists):
			exists++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if created != 1 || exists != 5 {
		t.Fatalf("created %d, refused %d; want 1 and 5", created, exists)
	}
}
