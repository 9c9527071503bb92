package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus"

	"github.com/alexedwards/argon2id"
	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// Config configures a Store. The zero value of every field has a safe default.
type Config struct {
	// Replicas of the buckets (1 embedded, 3 on a cluster).
	Replicas int
	// SessionIdle ends a session not used for this long (default 12 h).
	SessionIdle time.Duration
	// SessionAbsolute ends a session this long after login whatever its use
	// (default 7 days, at most MaxSessionLifetime).
	SessionAbsolute time.Duration
	// TOTPRequired turns on the two-factor requirement for TOTPRoles.
	TOTPRequired bool
	// TOTPRoles are the roles that need two-factor login when TOTPRequired
	// is set (default admin and editor).
	TOTPRoles []string
	// Issuer is shown by authenticator apps (default "Vigie").
	Issuer string
	// PasswordParams are the argon2id parameters (default PasswordParams()).
	PasswordParams *argon2id.Params
	// Now is the clock (default time.Now); tests inject a fake one.
	Now func() time.Time
	// Limiter limits login attempts (default NewLimiter(DefaultLimits(), Now)).
	Limiter *Limiter
	// Audit, when set, receives every account change and login once it
	// happened (synchronously: it must be quick, e.g. an async publish).
	Audit func(ctx context.Context, e Event)
}

func (c Config) withDefaults() Config {
	if c.SessionIdle <= 0 {
		c.SessionIdle = 12 * time.Hour
	}
	if c.SessionAbsolute <= 0 {
		c.SessionAbsolute = 7 * 24 * time.Hour
	}
	if c.SessionAbsolute > MaxSessionLifetime {
		c.SessionAbsolute = MaxSessionLifetime
	}
	if c.SessionIdle > c.SessionAbsolute {
		c.SessionIdle = c.SessionAbsolute
	}
	if c.TOTPRoles == nil {
		c.TOTPRoles = []string{claims.RoleAdmin, claims.RoleEditor}
	}
	if c.Issuer == "" {
		c.Issuer = "Vigie"
	}
	if c.PasswordParams == nil {
		c.PasswordParams = PasswordParams()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Limiter == nil {
		c.Limiter = NewLimiter(DefaultLimits(), c.Now)
	}
	return c
}

// Store keeps users, sessions and API tokens in JetStream KV buckets.
// It is safe for concurrent use.
type Store struct {
	cfg      Config
	users    jetstream.KeyValue
	sessions jetstream.KeyValue
	tokens   jetstream.KeyValue
	log      *zap.Logger
	dummy    string // hash compared against for unknown users, to even out timing
}

// Open opens the account buckets, creating those that do not exist with
// their declarations in the bus topology (bus.Topology.AccountBuckets, with
// cfg.Replicas); an existing bucket is used as it is (bus.Bus.Apply declares
// it with the process's topology), so that processes with different settings
// never fight over it.
func Open(ctx context.Context, js jetstream.JetStream, cfg Config, log *zap.Logger) (*Store, error) {
	cfg = cfg.withDefaults()
	if log == nil {
		log = zap.NewNop()
	}
	s := &Store{cfg: cfg, log: log}
	for _, kc := range (bus.Topology{Replicas: cfg.Replicas}).AccountBuckets() {
		kv, err := js.KeyValue(ctx, kc.Bucket)
		if errors.Is(err, jetstream.ErrBucketNotFound) {
			kv, err = js.CreateKeyValue(ctx, kc)
			if errors.Is(err, jetstream.ErrBucketExists) { // created meanwhile by another process
				kv, err = js.KeyValue(ctx, kc.Bucket)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("open bucket %s: %w", kc.Bucket, err)
		}
		switch kc.Bucket {
		case bus.BucketUsers:
			s.users = kv
		case bus.BucketSessions:
			s.sessions = kv
		case bus.BucketTokens:
			s.tokens = kv
		}
	}
	dummy, err := argon2id.CreateHash("vigie-dummy-password-for-timing", cfg.PasswordParams)
	if err != nil {
		return nil, fmt.Errorf("open account store: %w", err)
	}
	s.dummy = dummy
	return s, nil
}

// RequireTOTP reports whether users of role must log in with a TOTP code.
func (s *Store) RequireTOTP(role string) bool { return s.cfg.RequireTOTP(role) }

// RequireTOTP reports whether users of role must log in with a TOTP code
// under this configuration.
func (c Config) RequireTOTP(role string) bool {
	if !c.TOTPRequired {
		return false
	}
	roles := c.TOTPRoles
	if roles == nil {
		roles = []string{claims.RoleAdmin, claims.RoleEditor}
	}
	for _, r := range roles {
		if r == role {
			return true
		}
	}
	return false
}

// Limiter returns the login rate limiter.
func (s *Store) Limiter() *Limiter { return s.cfg.Limiter }

func (s *Store) now() time.Time { return s.cfg.Now().UTC() }
