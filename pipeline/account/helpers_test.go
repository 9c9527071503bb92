package account

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/argon2id"
	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
)

// fakeClock is an injected clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// cheapParams keeps argon2id fast in tests; the production parameters are
// measured by BenchmarkVerifyPassword.
var cheapParams = &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

const goodPassword = "correct horse battery"

// newStore opens a Store on a fresh in-process nats-server.
func newStore(t testing.TB, clock *fakeClock, cfg Config) *Store {
	t.Helper()
	s, _ := newStoreBus(t, clock, cfg)
	return s
}

// newStoreBus is newStore that also returns the bus, for tests that break the connection.
func newStoreBus(t testing.TB, clock *fakeClock, cfg Config) (*Store, *bus.Bus) {
	t.Helper()
	srv := bustest.Server(t)
	b := bustest.Bus(t, srv, bus.DefaultTopology())
	if cfg.PasswordParams == nil {
		cfg.PasswordParams = cheapParams
	}
	if clock != nil && cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewLimiter(Limits{UserBurst: 1000, UserEvery: time.Second, IPBurst: 1000, IPEvery: time.Second}, cfg.Now)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Open(ctx, b.JS, cfg, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return s, b
}

func mustCreate(t testing.TB, s *Store, name, role string) User {
	t.Helper()
	nu := NewUser{Name: name, Role: role, Password: goodPassword}
	if role == claims.RoleSubscriber {
		nu.Locality = "FR-75056"
	}
	u, err := s.CreateUser(context.Background(), nu)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}
