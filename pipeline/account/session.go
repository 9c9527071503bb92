package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"
)

// SessionCookieName is the default name of the session cookie.
const SessionCookieName = "vigie_session"

// touchEvery bounds how often a session's or token's last-use time is written.
const touchEvery = time.Minute

// Session is a browser login. Its secret id is only in the cookie; the
// store keeps its SHA-256 (ID).
type Session struct {
	// ID is the hex SHA-256 of the secret session id: safe to show and to revoke by.
	ID   string `json:"id"`
	User string `json:"user"`
	// Created is the login time; LastSeen the last use (written at most once a minute).
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
	// Expires is the absolute end of the session.
	Expires time.Time `json:"expires"`
	// MustEnrolTOTP: the role needs two-factor login and the user had not
	// enrolled at login; only enrolment routes are open to the session.
	MustEnrolTOTP bool   `json:"must_enrol_totp,omitempty"`
	IP            string `json:"ip,omitempty"`
	UserAgent     string `json:"user_agent,omitempty"`
}

// LoginRequest is a login form.
type LoginRequest struct {
	Name, Password string
	// TOTPCode is needed when the user enrolled two-factor login.
	TOTPCode string
	// IP is the client address (rate limit key); UserAgent is kept with the session.
	IP, UserAgent string
}

// Login checks the rate limit, the password and, when the user enrolled,
// the TOTP code, and opens a session. It returns the secret session id for
// the cookie. Errors: *RateLimitError (ErrRateLimited), ErrInvalidCredentials,
// ErrTOTPRequired (password right, ask for the code and submit again),
// ErrTOTPInvalid.
func (s *Store) Login(ctx context.Context, req LoginRequest) (string, Session, error) {
	if err := s.cfg.Limiter.Attempt(req.Name, req.IP); err != nil {
		s.audit(ctx, Event{Action: ActionLoginFailed, Subject: req.Name, IP: req.IP, Reason: err.Error()})
		return "", Session{}, err
	}
	u, err := s.CheckPassword(ctx, req.Name, req.Password)
	if err != nil {
		s.log.Info("login refused", zap.String("user", req.Name), zap.String("ip", req.IP), zap.Error(err))
		s.audit(ctx, Event{Action: ActionLoginFailed, Subject: req.Name, IP: req.IP, Reason: err.Error()})
		return "", Session{}, err
	}
	mustEnrol := false
	switch {
	case u.TOTPEnabled && req.TOTPCode == "":
		return "", Session{}, fmt.Errorf("log in %q: %w", req.Name, ErrTOTPRequired)
	case u.TOTPEnabled:
		if err := s.VerifyTOTP(ctx, u.Name, req.TOTPCode); err != nil {
			s.log.Info("login refused", zap.String("user", req.Name), zap.String("ip", req.IP), zap.Error(err))
			s.audit(ctx, Event{Action: ActionLoginFailed, Subject: req.Name, IP: req.IP, Reason: err.Error()})
			return "", Session{}, err
		}
	case s.RequireTOTP(u.Role):
		mustEnrol = true
	}
	s.cfg.Limiter.Succeeded(req.Name)
	secret, sess, err := s.CreateSession(ctx, u.Name, mustEnrol, req.IP, req.UserAgent)
	if err != nil {
		return "", Session{}, err
	}
	s.log.Info("login", zap.String("user", u.Name), zap.String("ip", req.IP), zap.Bool("must_enrol_totp", mustEnrol))
	s.audit(ctx, Event{Action: ActionLogin, Subject: u.Name, IP: req.IP})
	return secret, sess, nil
}

// CreateSession opens a session for user without checking credentials
// (Login does); it returns the secret id for the cookie.
func (s *Store) CreateSession(ctx context.Context, user string, mustEnrolTOTP bool, ip, userAgent string) (string, Session, error) {
	now := s.now()
	secret := newSecret()
	sess := Session{ID: hashSecret(secret), User: user, Created: now, LastSeen: now, Expires: now.Add(s.cfg.SessionAbsolute),
		MustEnrolTOTP: mustEnrolTOTP, IP: ip, UserAgent: truncate(userAgent, 256)}
	data, err := json.Marshal(sess)
	if err != nil {
		return "", Session{}, fmt.Errorf("create session: %w", err)
	}
	if _, err := s.sessions.Create(ctx, sess.ID, data); err != nil {
		return "", Session{}, fmt.Errorf("create session: %w", err)
	}
	return secret, sess, nil
}

// Session resolves a secret session id to its session and current user.
// ErrMalformedCredential, ErrNotFound or ErrExpired (idle, absolute, user
// disabled) mean: not logged in.
func (s *Store) Session(ctx context.Context, secret string) (Session, User, error) {
	if _, err := ParseSessionID(secret); err != nil {
		return Session{}, User{}, err
	}
	id := hashSecret(secret)
	e, err := s.sessions.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Session{}, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("read session: %w", err)
	}
	var sess Session
	if err := json.Unmarshal(e.Value(), &sess); err != nil {
		return Session{}, User{}, fmt.Errorf("decode session: %w", err)
	}
	now := s.now()
	if !now.Before(sess.Expires) || !now.Before(sess.LastSeen.Add(s.cfg.SessionIdle)) {
		_ = s.sessions.Purge(ctx, id)
		return Session{}, User{}, fmt.Errorf("session: %w", ErrExpired)
	}
	rec, err := s.getRecord(ctx, sess.User)
	if errors.Is(err, ErrNotFound) {
		return Session{}, User{}, fmt.Errorf("session of %q: %w", sess.User, ErrExpired)
	}
	if err != nil {
		return Session{}, User{}, err
	}
	if rec.Disabled {
		return Session{}, User{}, fmt.Errorf("session of %q: %w: %w", sess.User, ErrExpired, ErrDisabled)
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		sess.LastSeen = now
		if data, err := json.Marshal(sess); err == nil {
			// By revision: a concurrent revocation (delete) wins over the touch.
			if _, err := s.sessions.Update(ctx, id, data, e.Revision()); err != nil && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
				s.log.Warn("session touch failed", zap.String("user", sess.User), zap.Error(err))
			}
		}
	}
	if rec.TOTPEnabled {
		sess.MustEnrolTOTP = false
	}
	return sess, rec.User, nil
}

// RevokeSession ends the session whose secret id is secret (logout).
func (s *Store) RevokeSession(ctx context.Context, secret string) error {
	if _, err := ParseSessionID(secret); err != nil {
		return err
	}
	id := hashSecret(secret)
	e, err := s.sessions.Get(ctx, id)
	if err := s.RevokeSessionID(ctx, id); err != nil {
		return err
	}
	if err == nil {
		var sess Session
		if json.Unmarshal(e.Value(), &sess) == nil {
			s.audit(ctx, Event{Action: ActionLogout, Subject: sess.User})
		}
	}
	return nil
}

// RevokeSessionID ends the session with this ID (the hash, as listed by Sessions).
func (s *Store) RevokeSessionID(ctx context.Context, id string) error {
	if err := s.sessions.Purge(ctx, id); err != nil {
		return fmt.Errorf("revoke session: %w", err)
	}
	return nil
}

// Sessions lists the live sessions of user (all users when user is ""), newest first.
func (s *Store) Sessions(ctx context.Context, user string) ([]Session, error) {
	keys, err := s.keys(ctx, s.sessions)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	var out []Session
	for _, k := range keys {
		e, err := s.sessions.Get(ctx, k)
		if err != nil {
			continue // expired or revoked meanwhile
		}
		var sess Session
		if json.Unmarshal(e.Value(), &sess) != nil {
			continue
		}
		if user == "" || sess.User == user {
			out = append(out, sess)
		}
	}
	slices.SortFunc(out, func(a, b Session) int { return b.Created.Compare(a.Created) })
	return out, nil
}

// PurgeExpiredSessions deletes sessions past their idle or absolute expiry
// and returns how many. Lookups refuse them anyway; this only frees space
// when the sessions bucket has no TTL. Run it now and then (e.g. hourly).
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int, error) {
	list, err := s.Sessions(ctx, "")
	if err != nil {
		return 0, err
	}
	now, n := s.now(), 0
	for _, sess := range list {
		if now.Before(sess.Expires) && now.Before(sess.LastSeen.Add(s.cfg.SessionIdle)) {
			continue
		}
		if err := s.RevokeSessionID(ctx, sess.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// RevokeUserSessions ends every session of user and returns how many.
func (s *Store) RevokeUserSessions(ctx context.Context, user string) (int, error) {
	list, err := s.Sessions(ctx, user)
	if err != nil {
		return 0, err
	}
	for _, sess := range list {
		if err := s.RevokeSessionID(ctx, sess.ID); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

// Cookie writes and clears the session cookie: HttpOnly, SameSite=Lax,
// Path=/, and Secure unless Insecure is set (plain-http localhost only).
type Cookie struct {
	// Name of the cookie (default SessionCookieName).
	Name string
	// Insecure drops the Secure attribute, for http://localhost.
	Insecure bool
}

func (c Cookie) name() string {
	if c.Name == "" {
		return SessionCookieName
	}
	return c.Name
}

// Set writes the session cookie for secret, expiring with the session.
func (c Cookie) Set(w http.ResponseWriter, secret string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: c.name(), Value: secret, Path: "/", Expires: expires.UTC(),
		Secure: !c.Insecure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// Clear removes the session cookie.
func (c Cookie) Clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.name(), Value: "", Path: "/", MaxAge: -1,
		Secure: !c.Insecure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// Read returns the session id of the request's cookie; ok is false when
// there is no cookie, err set when it is malformed.
func (c Cookie) Read(r *http.Request) (secret string, ok bool, err error) {
	ck, err := r.Cookie(c.name())
	if err != nil {
		return "", false, nil
	}
	secret, err = ParseSessionID(ck.Value)
	return secret, true, err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
