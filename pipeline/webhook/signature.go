package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Header names defined by the Standard Webhooks specification.
const (
	HeaderID        = "webhook-id"
	HeaderTimestamp = "webhook-timestamp"
	HeaderSignature = "webhook-signature"
)

// SecretPrefix marks a serialised symmetric secret.
const SecretPrefix = "whsec_"

// DefaultTolerance is how far a webhook-timestamp may be from the
// verifier's clock, in either direction.
const DefaultTolerance = 5 * time.Minute

// Secret sizes allowed by the specification for symmetric keys.
const (
	MinSecretBytes = 24
	MaxSecretBytes = 64
)

// Errors returned by ParseSecret, Signer and Verifier; compare with errors.Is.
var (
	ErrInvalidSecret      = errors.New("invalid webhook secret")
	ErrInvalidMessageID   = errors.New("invalid webhook id")
	ErrMissingHeader      = errors.New("missing webhook header")
	ErrInvalidTimestamp   = errors.New("invalid webhook timestamp")
	ErrTimestampTooOld    = errors.New("webhook timestamp too old")
	ErrTimestampTooNew    = errors.New("webhook timestamp too new")
	ErrSignatureMismatch  = errors.New("no matching webhook signature")
	ErrNoSignatureVersion = errors.New("no v1 webhook signature")
)

// NewSecret returns a fresh random secret of 32 bytes, serialised as
// "whsec_<base64>".
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new webhook secret: %w", err)
	}
	return SecretPrefix + base64.StdEncoding.EncodeToString(b), nil
}

// ParseSecret decodes a serialised secret ("whsec_<base64>"; the prefix is
// optional, as in the reference libraries) into the HMAC key, which must be
// 24 to 64 bytes long as the specification requires.
func ParseSecret(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, SecretPrefix))
	if err != nil {
		return nil, fmt.Errorf("parse webhook secret: %w: %w", ErrInvalidSecret, err)
	}
	if len(b) < MinSecretBytes || len(b) > MaxSecretBytes {
		return nil, fmt.Errorf("parse webhook secret: %w: %d bytes, want %d to %d", ErrInvalidSecret, len(b), MinSecretBytes, MaxSecretBytes)
	}
	return b, nil
}

// validID reports whether id can be signed: not empty, no '.', no space, no
// control character (the signed content is "id.timestamp.body").
func validID(id string) bool {
	if id == "" || len(id) > 256 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c == '.' || c <= ' ' || c == 0x7f {
			return false
		}
	}
	return true
}

// sign returns the base64 HMAC-SHA256 of "id.timestamp.body" under key.
func sign(key []byte, id string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	m.Write([]byte{'.'})
	m.Write(strconv.AppendInt(nil, ts, 10))
	m.Write([]byte{'.'})
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// Signer signs webhooks with one or more keys. With several keys (a secret
// rotation) the signature header lists one signature per key, the first key
// first.
type Signer struct {
	keys [][]byte
}

// NewSigner returns a Signer for the given serialised secrets; at least one
// is required.
func NewSigner(secrets ...string) (*Signer, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("new webhook signer: %w: none given", ErrInvalidSecret)
	}
	s := &Signer{}
	for _, sec := range secrets {
		k, err := ParseSecret(sec)
		if err != nil {
			return nil, fmt.Errorf("new webhook signer: %w", err)
		}
		s.keys = append(s.keys, k)
	}
	return s, nil
}

// Sign returns the webhook-signature header value for the message id,
// timestamp and exact body bytes.
func (s *Signer) Sign(id string, ts time.Time, body []byte) (string, error) {
	if !validID(id) {
		return "", fmt.Errorf("sign webhook %q: %w", id, ErrInvalidMessageID)
	}
	unix := ts.Unix()
	var b strings.Builder
	for i, k := range s.keys {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("v1,")
		b.WriteString(sign(k, id, unix, body))
	}
	return b.String(), nil
}

// SetHeaders signs body and sets the three webhook headers on h.
func (s *Signer) SetHeaders(h http.Header, id string, ts time.Time, body []byte) error {
	sig, err := s.Sign(id, ts, body)
	if err != nil {
		return err
	}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return nil
}

// Verifier checks received webhooks against one or more keys (several
// during a rotation): a webhook is authentic when any v1 signature in its
// header matches any key.
type Verifier struct {
	keys [][]byte
	// Tolerance is how far the timestamp may be from now; zero means
	// DefaultTolerance.
	Tolerance time.Duration
}

// NewVerifier returns a Verifier for the given serialised secrets; at least
// one is required.
func NewVerifier(secrets ...string) (*Verifier, error) {
	s, err := NewSigner(secrets...)
	if err != nil {
		return nil, fmt.Errorf("new webhook verifier: %w", err)
	}
	return &Verifier{keys: s.keys}, nil
}

// Verify checks the headers of a received webhook against its exact body
// bytes, with now as the current time.
func (v *Verifier) Verify(h http.Header, body []byte, now time.Time) error {
	id, ts, sig := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	for name, val := range map[string]string{HeaderID: id, HeaderTimestamp: ts, HeaderSignature: sig} {
		if val == "" {
			return fmt.Errorf("verify webhook: %w: %s", ErrMissingHeader, name)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("verify webhook %q: %w: %q", id, ErrInvalidTimestamp, ts)
	}
	tol := v.Tolerance
	if tol <= 0 {
		tol = DefaultTolerance
	}
	// Compare in seconds to avoid overflow with absurd timestamps.
	nowUnix := now.Unix()
	switch {
	case unix < nowUnix-int64(tol/time.Second):
		return fmt.Errorf("verify webhook %q: %w", id, ErrTimestampTooOld)
	case unix > nowUnix+int64(tol/time.Second):
		return fmt.Errorf("verify webhook %q: %w", id, ErrTimestampTooNew)
	}
	return v.VerifySignature(id, unix, body, sig)
}

// VerifySignature checks a webhook-signature header value for the message
// id, unix timestamp and body, without any timestamp tolerance check.
func (v *Verifier) VerifySignature(id string, unix int64, body []byte, header string) error {
	if !validID(id) {
		return fmt.Errorf("verify webhook %q: %w", id, ErrInvalidMessageID)
	}
	expected := make([]string, len(v.keys))
	for i, k := range v.keys {
		expected[i] = sign(k, id, unix, body)
	}
	sawV1 := false
	for entry := range strings.FieldsSeq(header) {
		version, value, ok := strings.Cut(entry, ",")
		if !ok || version != "v1" {
			continue
		}
		sawV1 = true
		for _, e := range expected {
			if hmac.Equal([]byte(value), []byte(e)) {
				return nil
			}
		}
	}
	if !sawV1 {
		return fmt.Errorf("verify webhook %q: %w", id, ErrNoSignatureVersion)
	}
	return fmt.Errorf("verify webhook %q: %w", id, ErrSignatureMismatch)
}
