package account

import (
	"fmt"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"
)

// Password length limits, in characters (runes).
const (
	MinPasswordLength = 12
	// MaxPasswordLength bounds the work one login attempt can cause.
	MaxPasswordLength = 1024
)

// PasswordParams returns the argon2id parameters Vigie hashes passwords
// with: OWASP's recommended m=19 MiB, t=2, p=1, 16-byte salt, 32-byte key.
func PasswordParams() *argon2id.Params {
	return &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// CheckPasswordPolicy says why password is not acceptable, or nil.
func CheckPasswordPolicy(password string) error {
	if !utf8.ValidString(password) {
		return &PasswordError{Reason: "not valid UTF-8"}
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return &PasswordError{Reason: fmt.Sprintf("it has %d characters, at least %d are needed", n, MinPasswordLength)}
	}
	if n > MaxPasswordLength {
		return &PasswordError{Reason: fmt.Sprintf("it has %d characters, at most %d are allowed", n, MaxPasswordLength)}
	}
	return nil
}

// HashPassword checks the policy and returns the argon2id hash of password
// in the PHC string format.
func HashPassword(password string, params *argon2id.Params) (string, error) {
	if err := CheckPasswordPolicy(password); err != nil {
		return "", err
	}
	if params == nil {
		params = PasswordParams()
	}
	h, err := argon2id.CreateHash(password, params)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// VerifyPassword reports whether password matches hash (constant time).
func VerifyPassword(password, hash string) (bool, error) {
	if len(password) > 4*MaxPasswordLength {
		return false, nil
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	if err != nil {
		return false, fmt.Errorf("verify password: %w", err)
	}
	return ok, nil
}
