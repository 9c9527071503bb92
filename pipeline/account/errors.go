package account

import (
	"errors"
	"fmt"
	"time"
)

// Errors returned by the package, compared with errors.Is.
var (
	// ErrNotFound: no such user, session or token.
	ErrNotFound = errors.New("not found")
	// ErrExists: a user of that name already exists.
	ErrExists = errors.New("already exists")
	// ErrConflict: the record changed since it was read (KV revision mismatch).
	ErrConflict = errors.New("changed by someone else since it was read")
	// ErrInvalid: a field is missing or malformed; the wrapping error says which.
	ErrInvalid = errors.New("invalid")
	// ErrWeakPassword: the password is shorter than MinPasswordLength or too long.
	ErrWeakPassword = errors.New("password rejected")
	// ErrInvalidCredentials: unknown user, wrong password or disabled account.
	ErrInvalidCredentials = errors.New("invalid user name or password")
	// ErrDisabled: the account is disabled.
	ErrDisabled = errors.New("account disabled")
	// ErrTOTPRequired: the password was right, a TOTP code is needed.
	ErrTOTPRequired = errors.New("two-factor code required")
	// ErrTOTPInvalid: the TOTP code is wrong, outside the window or already used.
	ErrTOTPInvalid = errors.New("invalid two-factor code")
	// ErrTOTPNotEnrolling: confirm called without a pending enrolment.
	ErrTOTPNotEnrolling = errors.New("no two-factor enrolment in progress")
	// ErrExpired: the session or token has expired or was revoked.
	ErrExpired = errors.New("expired or revoked")
	// ErrMalformedCredential: a token or session cookie is not well formed.
	ErrMalformedCredential = errors.New("malformed credential")
	// ErrLastAdmin: the change would leave no enabled admin.
	ErrLastAdmin = errors.New("it is the last enabled admin")
	// ErrRateLimited: too many login attempts; see RateLimitError.
	ErrRateLimited = errors.New("too many login attempts")
)

// RateLimitError says when a refused login may be tried again.
type RateLimitError struct {
	// RetryAfter is how long to wait, rounded up to the second.
	RetryAfter time.Duration
	// Key says what was limited: "user" or "ip".
	Key string
}

// Error implements error.
func (e *RateLimitError) Error() string {
	return fmt.Sprintf("too many login attempts: try again in %d s", int64(e.RetryAfter/time.Second))
}

// Is makes errors.Is(err, ErrRateLimited) hold.
func (e *RateLimitError) Is(target error) bool { return target == ErrRateLimited }

// PasswordError says why a password was rejected.
type PasswordError struct{ Reason string }

// Error implements error.
func (e *PasswordError) Error() string { return "password rejected: " + e.Reason }

// Is makes errors.Is(err, ErrWeakPassword) hold.
func (e *PasswordError) Is(target error) bool { return target == ErrWeakPassword }
