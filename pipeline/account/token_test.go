package account

import (
	"errors"
	"strings"
	"testing"
	"time"

	"vigie/claims"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	clock := newClock()
	s := newStore(t, clock, Config{})
	ctx := testCtx(t)
	mustCreate(t, s, "ana", claims.RoleEditor)
	mustCreate(t, s, "bob", claims.RoleFactChecker)

	tok, rec, err := s.CreateToken(ctx, "ana", "ci", ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, TokenPrefix) || len(tok) != len(TokenPrefix)+43 || rec.Hash != hashSecret(tok) || rec.ID != rec.Hash[:16] {
		t.Fatalf("token %q record %+v", tok, rec)
	}
	if e, err := s.tokens.Get(ctx, rec.Hash); err != nil || strings.Contains(string(e.Value()), tok[len(TokenPrefix):]) {
		t.Fatalf("token record holds the token or is missing: %v", err)
	}
	ro, _, err := s.CreateToken(ctx, "bob", "", ScopeRead)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("create refusals", func(t *testing.T) {
		for name, call := range map[string]func() error{
			"unknown user": func() error { _, _, err := s.CreateToken(ctx, "ghost", "x", ScopeFull); return err },
			"bad scope":    func() error { _, _, err := s.CreateToken(ctx, "ana", "x", "admin"); return err },
			"long name":    func() error { _, _, err := s.CreateToken(ctx, "ana", strings.Repeat("n", 129), ScopeFull); return err },
		} {
			if err := call(); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})

	tests := []struct {
		name      string
		token     string
		wantErr   error
		wantUser  string
		wantScope string
	}{
		{"full token", tok, nil, "ana", ScopeFull},
		{"surrounding spaces", " " + tok + "\n", nil, "ana", ScopeFull},
		{"read-only token", ro, nil, "bob", ScopeRead},
		{"unknown token", TokenPrefix + newSecret(), ErrNotFound, "", ""},
		{"no prefix", newSecret(), ErrMalformedCredential, "", ""},
		{"truncated", tok[:len(tok)-1], ErrMalformedCredential, "", ""},
		{"empty", "", ErrMalformedCredential, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, u, err := s.LookupToken(ctx, tt.token)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("LookupToken = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (u.Name != tt.wantUser || got.Scope != tt.wantScope) {
				t.Fatalf("token %+v of %q", got, u.Name)
			}
		})
	}

	t.Run("last used written at most once a minute", func(t *testing.T) {
		clock.Advance(2 * time.Minute)
		if _, _, err := s.LookupToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Tokens(ctx, "ana")
		if len(list) != 1 || !list[0].LastUsed.Equal(clock.Now()) {
			t.Fatalf("last used %v, want %v", list[0].LastUsed, clock.Now())
		}
		e1, _ := s.tokens.Get(ctx, rec.Hash)
		clock.Advance(10 * time.Second)
		_, _, _ = s.LookupToken(ctx, tok)
		e2, _ := s.tokens.Get(ctx, rec.Hash)
		if e1.Revision() != e2.Revision() {
			t.Fatal("a lookup within the minute wrote the token record")
		}
	})

	t.Run("list", func(t *testing.T) {
		all, err := s.Tokens(ctx, "")
		if err != nil || len(all) != 2 {
			t.Fatalf("Tokens = %d %v", len(all), err)
		}
		mine, _ := s.Tokens(ctx, "bob")
		if len(mine) != 1 || mine[0].User != "bob" || !strings.HasPrefix(mine[0].Name, "token-") {
			t.Fatalf("bob's tokens %+v", mine)
		}
	})

	t.Run("owner disabled", func(t *testing.T) {
		if err := s.SetDisabled(ctx, "bob", true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.LookupToken(ctx, ro); !errors.Is(err, ErrExpired) {
			t.Fatalf("token of a disabled user: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, "bob", "x", ScopeRead); !errors.Is(err, ErrDisabled) {
			t.Fatalf("token for a disabled user: %v", err)
		}
		if err := s.SetDisabled(ctx, "bob", false); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("revoke", func(t *testing.T) {
		if _, err := s.RevokeToken(ctx, "abc"); !errors.Is(err, ErrInvalid) {
			t.Fatalf("short id: %v", err)
		}
		if _, err := s.RevokeToken(ctx, hashSecret("not a token")); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown id: %v", err)
		}
		got, err := s.RevokeToken(ctx, strings.ToUpper(rec.ID))
		if err != nil || got.Hash != rec.Hash {
			t.Fatalf("RevokeToken = %+v %v", got, err)
		}
		if _, _, err := s.LookupToken(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Fatalf("revoked token still works: %v", err)
		}
		if _, _, err := s.LookupToken(ctx, ro); err != nil {
			t.Fatalf("the other token was revoked too: %v", err)
		}
	})
}

func TestParseBearer(t *testing.T) {
	t.Parallel()
	tok := TokenPrefix + newSecret()
	tests := []struct {
		name, header string
		wantOK       bool
		wantErr      bool
	}{
		{"bearer", "Bearer " + tok, true, false},
		{"lower-case scheme", "bearer " + tok, true, false},
		{"extra spaces", "  Bearer   " + tok + " ", true, false},
		{"basic", "Basic dXNlcjpwYXNz", false, false},
		{"empty", "", false, false},
		{"bearer without token", "Bearer ", true, true},
		{"bearer with junk", "Bearer abc", true, true},
		{"bearer with two tokens", "Bearer " + tok + " " + tok, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := ParseBearer(tt.header)
			if ok != tt.wantOK || (err != nil) != tt.wantErr {
				t.Fatalf("ParseBearer = %q %v %v", got, ok, err)
			}
			if ok && err == nil && got != tok {
				t.Fatalf("token %q", got)
			}
		})
	}
}
