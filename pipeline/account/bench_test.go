package account

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vigie/claims"
)

// BenchmarkLookupToken resolves an API token to its owner: two KV reads on
// an in-process JetStream server (the cost of each API request's auth).
func BenchmarkLookupToken(b *testing.B) {
	s := newStore(b, newClock(), Config{})
	ctx := context.Background()
	mustCreate(b, s, "ana", claims.RoleEditor)
	for i := range 100 {
		if _, _, err := s.CreateToken(ctx, "ana", fmt.Sprintf("t%d", i), ScopeRead); err != nil {
			b.Fatal(err)
		}
	}
	tok, _, err := s.CreateToken(ctx, "ana", "bench", ScopeFull)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := s.LookupToken(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionLookup resolves a session cookie (touch throttled to once a minute).
func BenchmarkSessionLookup(b *testing.B) {
	s := newStore(b, newClock(), Config{})
	ctx := context.Background()
	mustCreate(b, s, "ana", claims.RoleEditor)
	id, _, err := s.CreateSession(ctx, "ana", false, "", "")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := s.Session(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPassword is one password check with the production
// argon2id parameters (PasswordParams): the cost of a login.
func BenchmarkVerifyPassword(b *testing.B) {
	hash, err := HashPassword(goodPassword, PasswordParams())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ok, err := VerifyPassword(goodPassword, hash)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkLimiterAttempt is the rate limit check of a login.
func BenchmarkLimiterAttempt(b *testing.B) {
	clock := newClock()
	l := NewLimiter(DefaultLimits(), clock.Now)
	i := 0
	for b.Loop() {
		i++
		_ = l.Attempt(fmt.Sprintf("user%d", i%1000), fmt.Sprintf("192.0.2.%d", i%250))
		if i%1000 == 0 {
			clock.Advance(time.Second)
		}
	}
}

// BenchmarkPolicyCheck is the authorisation check of one request.
func BenchmarkPolicyCheck(b *testing.B) {
	var routes []Route
	for _, fam := range []Access{AccessPublic, AccessLoggedIn, AccessReview, AccessPublish, AccessAdmin, AccessOwn} {
		for i := range 10 {
			routes = append(routes, Route{Pattern: fmt.Sprintf("POST /api/v1/%d/%d/{id}", len(fam.Roles), i), Access: fam, Handler: whoami})
		}
	}
	routes = append(routes, Route{Pattern: "POST /api/v1/claims/{id}/assign", Access: AccessReview, Handler: whoami})
	p := NewPolicy(routes...)
	for b.Loop() {
		if !p.Check("POST", "/api/v1/claims/{id}/assign", claims.RoleFactChecker) {
			b.Fatal("refused")
		}
	}
}
