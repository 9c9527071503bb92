package link

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"golang.org/x/net/idna"
)

// ErrNotAbsolute is returned by Canonical for a URL without scheme or host.
var ErrNotAbsolute = errors.New("url is not absolute")

// ErrScheme is returned by Canonical for a scheme other than http or https.
var ErrScheme = errors.New("url scheme not supported")

// ErrHost is returned by Canonical for a host that is not a valid DNS name
// or IP literal.
var ErrHost = errors.New("url host invalid")

// MaxURLLength bounds the URLs Canonical accepts.
const MaxURLLength = 8 << 10

// trackingParams are query parameters that identify a campaign or a click,
// never the resource. Keys are compared lower-cased.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "gclsrc": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "igshid": true,
	"mc_cid": true, "mc_eid": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true,
}

// isTracking reports whether a (decoded) query key is a tracking parameter.
func isTracking(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "utm_") || trackingParams[k]
}

var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false))

// Canonical returns the canonical form of an absolute http(s) URL: tracking
// parameters (utm_*, fbclid, gclid, …) and fragment dropped, scheme and host
// lower-cased, host in ASCII, default port and user info removed, dot
// segments resolved, an empty path written "/", remaining query parameters
// sorted by name (values of one name keep their order, their encoding is
// kept). Relative URLs are refused with ErrNotAbsolute: resolve them first
// with Resolve.
func Canonical(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if len(raw) > MaxURLLength {
		return "", fmt.Errorf("canonical url: longer than %d bytes", MaxURLLength)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("canonical url: %w", err)
	}
	if u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("canonical url %q: %w", raw, ErrNotAbsolute)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("canonical url %q: %w: %s", raw, ErrScheme, u.Scheme)
	}
	host, err := canonicalHost(u.Hostname())
	if err != nil {
		return "", fmt.Errorf("canonical url %q: %w", raw, err)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	out := url.URL{Scheme: u.Scheme, Host: host}
	// Resolve dot segments per RFC 3986 and keep the original escaping.
	ref := &url.URL{Path: u.Path, RawPath: u.RawPath}
	if ref.Path == "" {
		ref.Path = "/"
	}
	resolved := (&url.URL{Scheme: out.Scheme, Host: out.Host, Path: "/"}).ResolveReference(ref)
	out.Path, out.RawPath = resolved.Path, resolved.RawPath
	out.RawPath = normalizePercent(out.EscapedPath())
	if p, err := url.PathUnescape(out.RawPath); err == nil {
		out.Path = p
	}
	// A space is legal in what url.Parse accepts but not in a URL: escaped,
	// so that a trailing one survives the next TrimSpace (idempotence).
	out.RawQuery = canonicalQuery(strings.ReplaceAll(normalizePercent(u.RawQuery), " ", "%20"))
	return out.String(), nil
}

// canonicalHost lower-cases a host and converts it to ASCII; IP literals
// are written in their standard form.
func canonicalHost(h string) (string, error) {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" {
		return "", ErrNotAbsolute
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.String(), nil
	}
	a, err := idnaProfile.ToASCII(h)
	if err != nil {
		// Hosts with underscores and the like are real: keep an ASCII host
		// that the profile refuses, lower-cased, if its characters are sane.
		a = h
	}
	if !validHostName(a) {
		return "", fmt.Errorf("%w: %q", ErrHost, h)
	}
	return a, nil
}

// validHostName reports whether h is dot-separated non-empty labels of
// ASCII letters, digits, '-' and '_'.
func validHostName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// normalizePercent applies RFC 3986 §6.2.2 normalisation to an escaped
// path or query: percent-encoded unreserved characters (letters, digits,
// '-', '.', '_', '~') are decoded and the hex digits of the other escapes
// upper-cased.
func normalizePercent(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			b.WriteByte(s[i])
			continue
		}
		c := unhex(s[i+1])<<4 | unhex(s[i+2])
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteString(strings.ToUpper(s[i+1 : i+3]))
		}
		i += 2
	}
	return b.String()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

// canonicalQuery filters tracking parameters from a raw query and sorts the
// rest by decoded name, keeping each pair's original encoding.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ key, raw string }
	var pairs []pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		dk, err := url.QueryUnescape(k)
		if err != nil {
			dk = k
		}
		if isTracking(dk) {
			continue
		}
		pairs = append(pairs, pair{dk, part})
	}
	slices.SortStableFunc(pairs, func(a, b pair) int { return strings.Compare(a.key, b.key) })
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// Resolve resolves ref against base (e.g. an item link against its feed
// URL) and returns the canonical form of the result.
func Resolve(base, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("resolve url %q: %w", ref, err)
	}
	if !r.IsAbs() || r.Host == "" {
		b, err := url.Parse(strings.TrimSpace(base))
		if err != nil {
			return "", fmt.Errorf("resolve url %q against %q: %w", ref, base, err)
		}
		if !b.IsAbs() {
			return "", fmt.Errorf("resolve url %q against %q: %w", ref, base, ErrNotAbsolute)
		}
		r = b.ResolveReference(r)
	}
	return Canonical(r.String())
}
