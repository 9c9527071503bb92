package account

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"

	"vigie/claims"

	"go.uber.org/zap"
)

// AdminName is the user EnsureAdmin creates.
const AdminName = "admin"

// passwordAlphabet leaves out look-alikes (0/O, 1/l/I) for printed passwords.
const passwordAlphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// NewPassword returns a random 24-character password (about 140 bits).
func NewPassword() string {
	return randomFrom(passwordAlphabet, 24)
}

func randomFrom(alphabet string, n int) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet) // reject bytes that would bias the draw
	for i := 0; i < n; {
		_, _ = rand.Read(buf)
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}

// EnsureAdmin makes sure an enabled admin exists. When none does, it creates
// the user "admin" with a random one-time password (marked MustChangePassword)
// and returns it for the operator to read; if a user "admin" exists but is
// disabled or demoted, it is restored as an enabled admin with a new
// password. created is false, and password empty, when an admin existed.
func (s *Store) EnsureAdmin(ctx context.Context) (password string, created bool, err error) {
	for range 3 {
		users, err := s.Users(ctx)
		if err != nil {
			return "", false, fmt.Errorf("ensure admin: %w", err)
		}
		for _, u := range users {
			if u.Role == claims.RoleAdmin && !u.Disabled {
				return "", false, nil
			}
		}
		password = NewPassword()
		_, err = s.createWith(ctx, NewUser{Name: AdminName, Role: claims.RoleAdmin, Password: password}, true)
		if err == nil {
			s.log.Warn("no admin existed: created user admin with a one-time password")
			return password, true, nil
		}
		if !errors.Is(err, ErrExists) {
			return "", false, fmt.Errorf("ensure admin: %w", err)
		}
		// "admin" exists but is no enabled admin (or another process just
		// created it: the loop re-checks).
		hash, err := HashPassword(password, s.cfg.PasswordParams)
		if err != nil {
			return "", false, fmt.Errorf("ensure admin: %w", err)
		}
		restored := false
		_, err = s.modify(ctx, AdminName, func(r *userRecord) error {
			restored = false
			if r.Role == claims.RoleAdmin && !r.Disabled {
				return nil // someone else made it an admin meanwhile
			}
			r.Role, r.Disabled, r.PasswordHash, r.MustChangePassword = claims.RoleAdmin, false, hash, true
			restored = true
			return nil
		})
		if err != nil {
			return "", false, fmt.Errorf("ensure admin: %w", err)
		}
		if restored {
			if _, err := s.RevokeUserSessions(ctx, AdminName); err != nil {
				return "", false, fmt.Errorf("ensure admin: %w", err)
			}
			s.log.Warn("no admin existed: restored user admin with a one-time password")
			return password, true, nil
		}
	}
	return "", false, nil
}

// DemoUser is a demonstration account with its clear password.
type DemoUser struct {
	Name, Role, Locality, Password string
}

// Demo is what DemoUsers made: one user per role, and a read-only API
// token of the fact-checker (enough for GET /api/v1/claims).
type Demo struct {
	Users []DemoUser
	// Token is the read-only API token; TokenUser its owner.
	Token, TokenUser string
}

// DemoUsers creates (or resets the password of) demo-admin, demo-editor,
// demo-factchecker and demo-subscriber (locality PT-1312, Porto), and a new
// read-only API token named "demo" for demo-factchecker, revoking earlier
// ones of that name. For trying Vigie out only: never on a real install.
func (s *Store) DemoUsers(ctx context.Context) (Demo, error) {
	var d Demo
	for _, role := range claims.Roles {
		du := DemoUser{Name: "demo-" + role, Role: role, Password: NewPassword()}
		if role == claims.RoleSubscriber {
			du.Locality = "PT-1312" // Porto: the demo's feeds, gazetteer and subscription are Portuguese
		}
		_, err := s.CreateUser(ctx, NewUser{Name: du.Name, Role: du.Role, Locality: du.Locality, Password: du.Password})
		if errors.Is(err, ErrExists) {
			err = s.SetPassword(ctx, du.Name, du.Password)
			if err == nil {
				err = s.SetDisabled(ctx, du.Name, false)
			}
		}
		if err != nil {
			return Demo{}, fmt.Errorf("demo users: %w", err)
		}
		d.Users = append(d.Users, du)
	}
	d.TokenUser = "demo-" + claims.RoleFactChecker
	old, err := s.Tokens(ctx, d.TokenUser)
	if err != nil {
		return Demo{}, fmt.Errorf("demo users: %w", err)
	}
	for _, t := range old {
		if t.Name == "demo" {
			if _, err := s.RevokeToken(ctx, t.Hash); err != nil {
				return Demo{}, fmt.Errorf("demo users: %w", err)
			}
		}
	}
	d.Token, _, err = s.CreateToken(ctx, d.TokenUser, "demo", ScopeRead)
	if err != nil {
		return Demo{}, fmt.Errorf("demo users: %w", err)
	}
	s.log.Info("demo users ready", zap.Int("users", len(d.Users)))
	return d, nil
}
