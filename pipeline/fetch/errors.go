package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"time"
)

// ErrBodyTooLarge is returned when a response body, counted after
// decompression, exceeds Config.MaxBodyBytes. The body is never truncated
// silently.
var ErrBodyTooLarge = errors.New("response body too large")

// ErrTooManyRedirects is returned when a request follows more than
// Config.MaxRedirects redirects.
var ErrTooManyRedirects = errors.New("too many redirects")

// ErrInvalidURL is returned for URLs that cannot be fetched: a scheme other
// than http or https, a missing host or a malformed IP literal.
var ErrInvalidURL = errors.New("invalid url")

// BlockedError reports a destination refused by the SSRF guard.
type BlockedError struct {
	// Addr is the refused destination: an IP, "ip:port" or the host as written.
	Addr string
	// Reason says why, e.g. "loopback", "private", "cloud metadata".
	Reason string
}

// Error implements error.
func (e *BlockedError) Error() string {
	return fmt.Sprintf("destination %s refused: %s address", e.Addr, e.Reason)
}

// StatusError reports a response whose status is neither 2xx nor 304.
type StatusError struct {
	// Status is the HTTP status code.
	Status int
	// RetryAfter is the server's Retry-After (seconds or HTTP-date), zero if absent.
	RetryAfter time.Duration
}

// Error implements error.
func (e *StatusError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("http status %d (retry after %s)", e.Status, e.RetryAfter)
	}
	return fmt.Sprintf("http status %d", e.Status)
}

// Temporary reports whether the status is worth retrying later (429, 5xx, 408).
func (e *StatusError) Temporary() bool {
	return e.Status == 429 || e.Status == 408 || e.Status >= 500
}

// Error kinds returned by ErrorKind.
const (
	KindBlocked   = "blocked"
	KindTooLarge  = "too_large"
	KindTimeout   = "timeout"
	KindStatus    = "status"
	KindDNS       = "dns"
	KindTLS       = "tls"
	KindRedirects = "redirects"
	KindNetwork   = "network"
	KindInvalid   = "invalid_url"
	KindCanceled  = "canceled"
)

// ErrorKind classifies an error returned by Client.Get into a short stable
// label for metrics and the sources UI: "blocked", "too_large", "timeout",
// "status", "dns", "tls", "redirects", "network", "invalid_url" or
// "canceled". It returns "" for a nil error.
func ErrorKind(err error) string {
	if err == nil {
		return ""
	}
	var be *BlockedError
	var se *StatusError
	var dnsErr *net.DNSError
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var unkAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invErr x509.CertificateInvalidError
	var alertErr tls.AlertError
	var netErr net.Error
	switch {
	case errors.As(err, &be):
		return KindBlocked
	case errors.Is(err, ErrBodyTooLarge):
		return KindTooLarge
	case errors.As(err, &se):
		return KindStatus
	case errors.Is(err, ErrTooManyRedirects):
		return KindRedirects
	case errors.Is(err, ErrInvalidURL):
		return KindInvalid
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case errors.Is(err, context.Canceled):
		return KindCanceled
	case errors.As(err, &dnsErr):
		if dnsErr.IsTimeout {
			return KindTimeout
		}
		return KindDNS
	case errors.As(err, &recErr), errors.As(err, &certErr), errors.As(err, &unkAuth),
		errors.As(err, &hostErr), errors.As(err, &invErr), errors.As(err, &alertErr):
		return KindTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		return KindTimeout
	default:
		return KindNetwork
	}
}
