package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"vigie/claims"

	"github.com/alexedwards/argon2id"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

var (
	namePattern     = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)
	localityPattern = regexp.MustCompile(`^[A-Z]{2}-[0-9A-Z]{1,12}$`)
)

// User is an account as callers see it: no password hash, no TOTP secret.
type User struct {
	// Name is the login name, a slug: [a-z][a-z0-9_-]{0,63}.
	Name string `json:"name"`
	// Role is one of Roles.
	Role string `json:"role"`
	// Locality is the municipality of a subscriber (e.g. FR-75056); optional for other roles.
	Locality string `json:"locality,omitempty"`
	// Language is the preferred UI language as a BCP 47 tag (e.g. fr, pt-BR); empty: from the browser.
	Language string `json:"language,omitempty"`
	// Disabled accounts cannot log in; their sessions and tokens stop working.
	Disabled bool `json:"disabled"`
	// TOTPEnabled is set once two-factor enrolment was confirmed.
	TOTPEnabled bool `json:"totp_enabled"`
	// MustChangePassword marks a one-time password (EnsureAdmin); SetPassword clears it.
	MustChangePassword bool `json:"must_change_password,omitempty"`
	// Created and Updated are UTC times.
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
	// Revision is the KV revision the user was read at; UpdateUser refuses a stale one.
	Revision uint64 `json:"-"`
}

// userRecord is what the users bucket stores.
type userRecord struct {
	User
	PasswordHash string `json:"password_hash"`
	// TOTPSecret is the confirmed base32 secret; TOTPPending is one being enrolled.
	TOTPSecret  string `json:"totp_secret,omitempty"`
	TOTPPending string `json:"totp_pending,omitempty"`
	// TOTPLastStep is the last accepted time step: codes of it and earlier steps are refused (replay).
	TOTPLastStep int64 `json:"totp_last_step,omitempty"`
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Name, Role, Locality, Language string
	// Password in clear; hashed with argon2id before it is stored.
	Password string
}

// ValidateName says why name is not a valid user name, or nil.
func ValidateName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("user name %q: %w: want a lower-case letter then up to 63 of a-z, 0-9, '_' or '-'", name, ErrInvalid)
	}
	return nil
}

// ValidateRole says why role is not a valid role, or nil.
func ValidateRole(role string) error {
	if !slices.Contains(claims.Roles, role) {
		return fmt.Errorf("role %q: %w: want one of %s", role, ErrInvalid, strings.Join(claims.Roles, ", "))
	}
	return nil
}

// ValidateLocality says why code is not a locality code like FR-75056, or nil.
func ValidateLocality(code string) error {
	if !localityPattern.MatchString(code) {
		return fmt.Errorf("locality %q: %w: want ISO 3166-1 alpha-2, '-', the national code (e.g. FR-75056)", code, ErrInvalid)
	}
	return nil
}

// validate checks the fields of u that callers may set.
func (u *User) validate() error {
	if err := ValidateName(u.Name); err != nil {
		return err
	}
	if err := ValidateRole(u.Role); err != nil {
		return err
	}
	if u.Role == claims.RoleSubscriber && u.Locality == "" {
		return fmt.Errorf("user %q: %w: a subscriber needs a locality (--locality CODE, e.g. FR-75056)", u.Name, ErrInvalid)
	}
	if u.Locality != "" {
		if err := ValidateLocality(u.Locality); err != nil {
			return err
		}
	}
	if u.Language != "" {
		tag, err := claims.ParseLanguage(u.Language)
		if err != nil {
			return fmt.Errorf("language %q: %w: want a BCP 47 tag such as fr or pt-BR", u.Language, ErrInvalid)
		}
		u.Language = tag.String()
	}
	return nil
}

// CreateUser validates nu, hashes its password and stores the user; ErrExists when the name is taken.
func (s *Store) CreateUser(ctx context.Context, nu NewUser) (User, error) {
	return s.createWith(ctx, nu, false)
}

func (s *Store) createWith(ctx context.Context, nu NewUser, mustChange bool) (User, error) {
	now := s.now()
	rec := userRecord{User: User{Name: nu.Name, Role: nu.Role, Locality: nu.Locality, Language: nu.Language, Created: now, Updated: now, MustChangePassword: mustChange}}
	if err := rec.validate(); err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	hash, err := HashPassword(nu.Password, s.cfg.PasswordParams)
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", nu.Name, err)
	}
	rec.PasswordHash = hash
	data, err := json.Marshal(rec)
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", nu.Name, err)
	}
	rev, err := s.users.Create(ctx, nu.Name, data)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return User{}, fmt.Errorf("create user %q: %w", nu.Name, ErrExists)
	}
	if err != nil {
		return User{}, fmt.Errorf("create user %q: %w", nu.Name, err)
	}
	rec.Revision = rev
	s.log.Info("user created", zap.String("user", nu.Name), zap.String("role", nu.Role))
	after := rec.User
	s.audit(ctx, Event{Action: ActionUserCreate, Subject: nu.Name, After: &after})
	return rec.User, nil
}

// getRecord reads a user record with its revision.
func (s *Store) getRecord(ctx context.Context, name string) (userRecord, error) {
	if ValidateName(name) != nil {
		return userRecord{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	e, err := s.users.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return userRecord{}, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return userRecord{}, fmt.Errorf("read user %q: %w", name, err)
	}
	var rec userRecord
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return userRecord{}, fmt.Errorf("decode user %q: %w", name, err)
	}
	rec.Revision = e.Revision()
	return rec, nil
}

// putRecord writes rec if the stored revision is still rec.Revision.
func (s *Store) putRecord(ctx context.Context, rec *userRecord) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode user %q: %w", rec.Name, err)
	}
	rev, err := s.users.Update(ctx, rec.Name, data, rec.Revision)
	if errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return fmt.Errorf("update user %q: %w", rec.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("update user %q: %w", rec.Name, err)
	}
	rec.Revision = rev
	return nil
}

// modify applies fn to the current record and writes it by revision,
// re-reading and retrying when someone else wrote in between. fn must be
// safe to run more than once.
func (s *Store) modify(ctx context.Context, name string, fn func(*userRecord) error) (userRecord, error) {
	var lastErr error
	for range 8 {
		rec, err := s.getRecord(ctx, name)
		if err != nil {
			return userRecord{}, err
		}
		if err := fn(&rec); err != nil {
			return userRecord{}, err
		}
		rec.Updated = s.now()
		err = s.putRecord(ctx, &rec)
		if err == nil {
			return rec, nil
		}
		if !errors.Is(err, ErrConflict) {
			return userRecord{}, err
		}
		lastErr = err
	}
	return userRecord{}, lastErr
}

// User returns the user called name; ErrNotFound when there is none.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	rec, err := s.getRecord(ctx, name)
	if err != nil {
		return User{}, err
	}
	return rec.User, nil
}

// Users returns every user, sorted by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	names, err := s.keys(ctx, s.users)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	out := make([]User, 0, len(names))
	for _, n := range names {
		rec, err := s.getRecord(ctx, n)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, rec.User)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *Store) keys(ctx context.Context, kv jetstream.KeyValue) ([]string, error) {
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, err
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	return keys, nil
}

// UpdateUser writes the role, locality, language and disabled flag of u,
// provided the stored user is still at u.Revision (ErrConflict otherwise:
// read it again and show the difference). Disabling a user, or changing
// its role, ends its sessions. The last enabled admin cannot be demoted or
// disabled (ErrLastAdmin).
func (s *Store) UpdateUser(ctx context.Context, u User) (User, error) {
	if err := u.validate(); err != nil {
		return User{}, fmt.Errorf("update user: %w", err)
	}
	rec, err := s.getRecord(ctx, u.Name)
	if err != nil {
		return User{}, err
	}
	if rec.Revision != u.Revision {
		return User{}, fmt.Errorf("update user %q: %w", u.Name, ErrConflict)
	}
	if isActiveAdmin(rec.User) && !isActiveAdmin(u) {
		if err := s.checkOtherAdmin(ctx, u.Name); err != nil {
			return User{}, err
		}
	}
	endSessions := (u.Disabled && !rec.Disabled) || u.Role != rec.Role
	before := rec.User
	rec.Role, rec.Locality, rec.Language, rec.Disabled = u.Role, u.Locality, u.Language, u.Disabled
	rec.Updated = s.now()
	if err := s.putRecord(ctx, &rec); err != nil {
		return User{}, err
	}
	after := rec.User
	s.audit(ctx, Event{Action: ActionUserUpdate, Subject: u.Name, Before: &before, After: &after})
	if endSessions {
		if _, err := s.RevokeUserSessions(ctx, u.Name); err != nil {
			return rec.User, err
		}
	}
	return rec.User, nil
}

// SetDisabled disables or enables a user; disabling ends its sessions.
// The last enabled admin cannot be disabled (ErrLastAdmin).
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	if disabled {
		u, err := s.User(ctx, name)
		if err != nil {
			return err
		}
		if isActiveAdmin(u) {
			if err := s.checkOtherAdmin(ctx, name); err != nil {
				return err
			}
		}
	}
	if _, err := s.modify(ctx, name, func(r *userRecord) error { r.Disabled = disabled; return nil }); err != nil {
		return err
	}
	if disabled {
		if _, err := s.RevokeUserSessions(ctx, name); err != nil {
			return err
		}
	}
	s.log.Info("user disabled flag set", zap.String("user", name), zap.Bool("disabled", disabled))
	action := ActionUserEnable
	if disabled {
		action = ActionUserDisable
	}
	s.audit(ctx, Event{Action: action, Subject: name})
	return nil
}

func isActiveAdmin(u User) bool { return u.Role == claims.RoleAdmin && !u.Disabled }

// checkOtherAdmin returns ErrLastAdmin unless an enabled admin other than name exists.
func (s *Store) checkOtherAdmin(ctx context.Context, name string) error {
	users, err := s.Users(ctx)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.Name != name && isActiveAdmin(o) {
			return nil
		}
	}
	return fmt.Errorf("change user %q: %w", name, ErrLastAdmin)
}

// SetPassword replaces a user's password and ends its sessions.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	hash, err := HashPassword(password, s.cfg.PasswordParams)
	if err != nil {
		return fmt.Errorf("set password of %q: %w", name, err)
	}
	if _, err := s.modify(ctx, name, func(r *userRecord) error { r.PasswordHash, r.MustChangePassword = hash, false; return nil }); err != nil {
		return err
	}
	if _, err := s.RevokeUserSessions(ctx, name); err != nil {
		return err
	}
	s.log.Info("user password changed", zap.String("user", name))
	s.audit(ctx, Event{Action: ActionUserPassword, Subject: name})
	return nil
}

// CheckPassword verifies name's password. Unknown users, wrong passwords
// and disabled accounts all give ErrInvalidCredentials (a disabled account
// wraps ErrDisabled too, once the password was right), and take about the
// same time.
func (s *Store) CheckPassword(ctx context.Context, name, password string) (User, error) {
	rec, err := s.getRecord(ctx, name)
	if errors.Is(err, ErrNotFound) {
		_, _ = VerifyPassword(password, s.dummy)
		return User{}, fmt.Errorf("log in %q: %w", name, ErrInvalidCredentials)
	}
	if err != nil {
		return User{}, err
	}
	ok, err := VerifyPassword(password, rec.PasswordHash)
	if err != nil {
		return User{}, fmt.Errorf("log in %q: %w", name, err)
	}
	if !ok {
		return User{}, fmt.Errorf("log in %q: %w", name, ErrInvalidCredentials)
	}
	if rec.Disabled {
		return User{}, fmt.Errorf("log in %q: %w: %w", name, ErrInvalidCredentials, ErrDisabled)
	}
	if needsRehash(rec.PasswordHash, s.cfg.PasswordParams) {
		s.rehash(ctx, rec, password)
	}
	return rec.User, nil
}

// needsRehash reports whether hash was made with other parameters than params.
func needsRehash(hash string, params *argon2id.Params) bool {
	p, salt, key, err := argon2id.DecodeHash(hash)
	if err != nil {
		return false
	}
	return p.Memory != params.Memory || p.Iterations != params.Iterations || p.Parallelism != params.Parallelism ||
		uint32(len(salt)) != params.SaltLength || uint32(len(key)) != params.KeyLength
}

// rehash stores a hash of password with the current parameters, unless the
// hash changed meanwhile; failures are logged, the login goes on.
func (s *Store) rehash(ctx context.Context, rec userRecord, password string) {
	hash, err := argon2id.CreateHash(password, s.cfg.PasswordParams)
	if err == nil {
		rec.PasswordHash = hash
		err = s.putRecord(ctx, &rec)
	}
	if err != nil {
		s.log.Warn("password rehash failed", zap.String("user", rec.Name), zap.Error(err))
		return
	}
	s.log.Info("password rehashed with current parameters", zap.String("user", rec.Name))
}
