package account

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// Token scopes.
const (
	// ScopeRead allows safe methods only (GET, HEAD, OPTIONS), within the owner's role.
	ScopeRead = "read"
	// ScopeFull acts with the owner's full role.
	ScopeFull = "full"
)

// tokenIDLen is the number of hex digits of the hash that name a token in lists.
const tokenIDLen = 16

// Token is an API token as stored: never the token itself, only its SHA-256.
type Token struct {
	// ID is the first 16 hex digits of the hash: what lists show and revoke takes.
	ID string `json:"id"`
	// Hash is the hex SHA-256 of the token (the KV key).
	Hash  string `json:"hash"`
	Name  string `json:"name"`
	User  string `json:"user"`
	Scope string `json:"scope"`
	// Created and LastUsed (written at most once a minute) are UTC times.
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

// CreateToken makes an API token for user, who must exist and be enabled.
// The token (TokenPrefix + 256 random bits) is returned once and never stored.
func (s *Store) CreateToken(ctx context.Context, user, name, scope string) (string, Token, error) {
	if scope != ScopeRead && scope != ScopeFull {
		return "", Token{}, fmt.Errorf("create token: scope %q: %w: want %s or %s", scope, ErrInvalid, ScopeRead, ScopeFull)
	}
	if len(name) > 128 {
		return "", Token{}, fmt.Errorf("create token: name: %w: longer than 128 bytes", ErrInvalid)
	}
	u, err := s.User(ctx, user)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	if u.Disabled {
		return "", Token{}, fmt.Errorf("create token for %q: %w", user, ErrDisabled)
	}
	secret := TokenPrefix + newSecret()
	h := hashSecret(secret)
	if name == "" {
		name = "token-" + h[:8]
	}
	t := Token{ID: h[:tokenIDLen], Hash: h, Name: name, User: user, Scope: scope, Created: s.now()}
	data, err := json.Marshal(t)
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	if _, err := s.tokens.Create(ctx, h, data); err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	s.log.Info("api token created", zap.String("user", user), zap.String("token_id", t.ID), zap.String("scope", scope))
	s.audit(ctx, Event{Action: ActionTokenCreate, Subject: user, TokenID: t.ID})
	return secret, t, nil
}

// LookupToken resolves an API token to its record and owner. The record is
// found by the token's SHA-256 (so lookup time does not depend on how much
// of a guess is right) and the stored hash is compared in constant time.
// ErrMalformedCredential, ErrNotFound or ErrExpired (owner disabled or gone)
// mean: not authenticated.
func (s *Store) LookupToken(ctx context.Context, token string) (Token, User, error) {
	token, err := ParseToken(token)
	if err != nil {
		return Token{}, User{}, err
	}
	h := hashSecret(token)
	e, err := s.tokens.Get(ctx, h)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Token{}, User{}, fmt.Errorf("api token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, User{}, fmt.Errorf("read api token: %w", err)
	}
	var t Token
	if err := json.Unmarshal(e.Value(), &t); err != nil {
		return Token{}, User{}, fmt.Errorf("decode api token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(h)) != 1 {
		return Token{}, User{}, fmt.Errorf("api token: %w", ErrNotFound)
	}
	rec, err := s.getRecord(ctx, t.User)
	if errors.Is(err, ErrNotFound) {
		return Token{}, User{}, fmt.Errorf("api token of %q: %w", t.User, ErrExpired)
	}
	if err != nil {
		return Token{}, User{}, err
	}
	if rec.Disabled {
		return Token{}, User{}, fmt.Errorf("api token of %q: %w: %w", t.User, ErrExpired, ErrDisabled)
	}
	now := s.now()
	if now.Sub(t.LastUsed) >= touchEvery {
		t.LastUsed = now
		if data, err := json.Marshal(t); err == nil {
			if _, err := s.tokens.Update(ctx, h, data, e.Revision()); err != nil && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
				s.log.Warn("api token touch failed", zap.String("token_id", t.ID), zap.Error(err))
			}
		}
	}
	return t, rec.User, nil
}

// Tokens lists the API tokens of user (everyone's when user is ""), oldest first.
func (s *Store) Tokens(ctx context.Context, user string) ([]Token, error) {
	keys, err := s.keys(ctx, s.tokens)
	if err != nil {
		return nil, fmt.Errorf("list api tokens: %w", err)
	}
	var out []Token
	for _, k := range keys {
		e, err := s.tokens.Get(ctx, k)
		if err != nil {
			continue // revoked meanwhile
		}
		var t Token
		if json.Unmarshal(e.Value(), &t) != nil {
			continue
		}
		if user == "" || t.User == user {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b Token) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// RevokeToken deletes the token whose ID (or full hash, or any unambiguous
// hex prefix of at least 8 digits) is id.
func (s *Store) RevokeToken(ctx context.Context, id string) (Token, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if len(id) < 8 {
		return Token{}, fmt.Errorf("revoke api token %q: %w: give at least 8 hex digits of its id", id, ErrInvalid)
	}
	list, err := s.Tokens(ctx, "")
	if err != nil {
		return Token{}, err
	}
	var hit []Token
	for _, t := range list {
		if strings.HasPrefix(t.Hash, id) {
			hit = append(hit, t)
		}
	}
	switch len(hit) {
	case 0:
		return Token{}, fmt.Errorf("revoke api token %q: %w", id, ErrNotFound)
	case 1:
	default:
		return Token{}, fmt.Errorf("revoke api token %q: %w: %d tokens match, give more digits", id, ErrInvalid, len(hit))
	}
	if err := s.tokens.Purge(ctx, hit[0].Hash); err != nil {
		return Token{}, fmt.Errorf("revoke api token %q: %w", id, err)
	}
	s.log.Info("api token revoked", zap.String("user", hit[0].User), zap.String("token_id", hit[0].ID))
	s.audit(ctx, Event{Action: ActionTokenRevoke, Subject: hit[0].User, TokenID: hit[0].ID})
	return hit[0], nil
}
