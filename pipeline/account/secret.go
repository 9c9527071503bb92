package account

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// secretBytes is the entropy of session ids and API tokens: 256 bits.
const secretBytes = 32

// secretLen is the length of a secret encoded as unpadded base64url.
var secretLen = base64.RawURLEncoding.EncodedLen(secretBytes)

// TokenPrefix starts every API token, so that secret scanners and people recognise one.
const TokenPrefix = "vig_"

// newSecret returns 256 random bits as unpadded base64url.
func newSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is the key under which a secret's record is stored: hex SHA-256.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// checkSecret says whether s has the shape of a secret made by newSecret.
func checkSecret(s string) error {
	if len(s) != secretLen {
		return fmt.Errorf("%w: length %d, want %d", ErrMalformedCredential, len(s), secretLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("%w: byte %d is not base64url", ErrMalformedCredential, i)
		}
	}
	// The last character carries 2 padding bits that must be zero for the
	// encoding to be canonical (one secret, one spelling).
	if _, err := base64.RawURLEncoding.Strict().DecodeString(s); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformedCredential, err)
	}
	return nil
}

// ParseToken checks that s is an API token (TokenPrefix and 43 base64url
// characters) and returns it unchanged; surrounding spaces are removed.
func ParseToken(s string) (string, error) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(s, TokenPrefix)
	if !ok {
		return "", fmt.Errorf("parse api token: %w: missing %q prefix", ErrMalformedCredential, TokenPrefix)
	}
	if err := checkSecret(rest); err != nil {
		return "", fmt.Errorf("parse api token: %w", err)
	}
	return s, nil
}

// ParseSessionID checks that s is a session id as stored in the session cookie.
func ParseSessionID(s string) (string, error) {
	if err := checkSecret(s); err != nil {
		return "", fmt.Errorf("parse session id: %w", err)
	}
	return s, nil
}

// ParseBearer extracts the token from an Authorization header value
// ("Bearer vig_…", scheme case-insensitive). ok is false when the header is
// not a Bearer one; err is set when it is but the token is malformed.
func ParseBearer(header string) (token string, ok bool, err error) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(header), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return "", false, nil
	}
	t, err := ParseToken(rest)
	return t, true, err
}
