package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"

	"vigie/pipeline/retry"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultTimeout        = 30 * time.Second
	DefaultMaxBodyBytes   = 10 << 20
	DefaultMaxRedirects   = 5
	DefaultUserAgent      = "Vigie/1.0 (+feed fetcher; fact-checking)"
)

// Config bounds and guards a Client. Zero values take the defaults above.
type Config struct {
	// AllowPrivateNetworks allows loopback, private, link-local, unique-local,
	// CGNAT and metadata destinations. Unspecified, multicast and broadcast
	// addresses stay refused.
	AllowPrivateNetworks bool
	// AllowAddrs lists exact "ip:port" destinations allowed even when private,
	// e.g. the demo's own "127.0.0.1:8080". IPv6 as "[::1]:8080".
	AllowAddrs []string
	// ConnectTimeout bounds DNS resolution plus TCP connect (default 10s).
	ConnectTimeout time.Duration
	// Timeout bounds the whole request including the body (default 30s).
	Timeout time.Duration
	// MaxBodyBytes caps the body after decompression (default 10 MiB).
	MaxBodyBytes int64
	// MaxRedirects caps redirects followed (default 5; negative means none).
	MaxRedirects int
	// UserAgent is sent with every request (default DefaultUserAgent).
	UserAgent string
	// LookupIP resolves a host name; nil uses net.DefaultResolver. Tests
	// inject a resolver that answers private addresses.
	LookupIP func(ctx context.Context, host string) ([]netip.Addr, error)
	// Now is the clock used to turn Retry-After dates into durations; nil
	// uses time.Now.
	Now func() time.Time
}

// Validators are the conditional-GET validators remembered from the
// previous fetch of a URL.
type Validators struct {
	ETag, LastModified string
}

// Response is a successful fetch: a 2xx with its body, or a 304 with
// NotModified set and no body.
type Response struct {
	// Status is the final HTTP status (2xx or 304).
	Status int
	// Body is the decompressed body, at most Config.MaxBodyBytes long.
	Body []byte
	// ContentType is the Content-Type header as sent.
	ContentType string
	// ETag and LastModified are the validators to send next time; on a 304
	// without them, the request's validators are carried over.
	ETag, LastModified string
	// FinalURL is the URL after redirects.
	FinalURL string
	// NotModified is true for a 304: nothing new to publish.
	NotModified bool
	// RetryAfter is the Retry-After header as a duration (zero if absent).
	RetryAfter time.Duration
	// MaxAge is the freshness lifetime from Cache-Control max-age or
	// Expires (zero if absent or no-cache/no-store).
	MaxAge time.Duration
}

// Client fetches URLs within the bounds of its Config. It is safe for
// concurrent use.
type Client struct {
	cfg        Config
	allowAddrs map[netip.AddrPort]bool
	hc         *http.Client
	// netDial replaces the final TCP dial in tests, after the guard has
	// approved the address; nil dials for real.
	netDial func(ctx context.Context, network, address string) (net.Conn, error)
}

// New returns a Client for cfg, with defaults filled in. Entries of
// AllowAddrs that are not "ip:port" are ignored.
func New(cfg Config) *Client {
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = DefaultConnectTimeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.MaxRedirects == 0 {
		cfg.MaxRedirects = DefaultMaxRedirects
	}
	if cfg.MaxRedirects < 0 {
		cfg.MaxRedirects = 0
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = DefaultUserAgent
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.LookupIP == nil {
		cfg.LookupIP = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	c := &Client{cfg: cfg, allowAddrs: map[netip.AddrPort]bool{}}
	for _, a := range cfg.AllowAddrs {
		if ap, err := netip.ParseAddrPort(a); err == nil {
			c.allowAddrs[netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())] = true
		}
	}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would dial for us and bypass the guard
		DialContext:            c.dialContext,
		ForceAttemptHTTP2:      true,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        90 * time.Second,
		TLSHandshakeTimeout:    cfg.ConnectTimeout,
		ResponseHeaderTimeout:  cfg.Timeout,
		ExpectContinueTimeout:  time.Second,
		MaxResponseHeaderBytes: 1 << 20,
	}
	c.hc = &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > cfg.MaxRedirects {
				return fmt.Errorf("%w: more than %d", ErrTooManyRedirects, cfg.MaxRedirects)
			}
			return c.checkURL(req.URL)
		},
	}
	return c
}

// checkURL validates a URL before it is requested (first request and every
// redirect): http or https only, a host, odd IPv4 spellings rewritten to
// dotted decimal and IP literals checked against the guard.
func (c *Client) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: scheme %q not allowed", ErrInvalidURL, u.Scheme)
	}
	host, addr, err := normalizeHost(u.Hostname())
	if err != nil {
		return err
	}
	if addr.IsValid() {
		port := u.Port()
		if port == "" {
			port = "80"
			if u.Scheme == "https" {
				port = "443"
			}
		}
		if err := c.checkAddr(addr, port, u.Hostname()); err != nil {
			return err
		}
		if addr.Is6() {
			host = "[" + host + "]"
		}
	}
	if u.Port() != "" {
		host += ":" + u.Port()
	}
	u.Host = host
	return nil
}

// checkAddr applies the guard to one resolved address.
func (c *Client) checkAddr(addr netip.Addr, port, shown string) error {
	p, err := parsePort(port)
	if err != nil {
		return err
	}
	if c.allowAddrs[netip.AddrPortFrom(addr.Unmap().WithZone(""), p)] {
		return nil
	}
	if r := blockReason(addr, c.cfg.AllowPrivateNetworks); r != "" {
		if shown == "" || shown == addr.String() {
			shown = addr.String()
		} else {
			shown = fmt.Sprintf("%s (%s)", shown, addr)
		}
		return &BlockedError{Addr: shown, Reason: r}
	}
	return nil
}

func parsePort(port string) (uint16, error) {
	ap, err := netip.ParseAddrPort("0.0.0.0:" + port)
	if err != nil {
		return 0, fmt.Errorf("%w: bad port %q", ErrInvalidURL, port)
	}
	return ap.Port(), nil
}

// dialContext resolves the host itself, refuses the host if any answer is
// blocked, and dials the checked IPs in turn; the dialer's Control
// re-checks the socket address as a last line of defence.
func (c *Client) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", address, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.ConnectTimeout)
	defer cancel()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		h, lit, err := normalizeHost(host)
		if err != nil {
			return nil, err
		}
		if lit.IsValid() {
			addrs = []netip.Addr{lit}
		} else {
			addrs, err = c.cfg.LookupIP(ctx, h)
			if err != nil {
				return nil, fmt.Errorf("resolve %s: %w", h, err)
			}
		}
	}
	// A name is refused if any of its addresses is: a host that answers a
	// private address to someone is not one to trust with the others.
	for _, a := range addrs {
		if err := c.checkAddr(a, port, host); err != nil {
			return nil, err
		}
	}
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	d := &net.Dialer{
		Control: func(_, addr string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(addr)
			if err != nil {
				return fmt.Errorf("dial control: %w", err)
			}
			return c.checkAddr(ap.Addr(), fmt.Sprint(ap.Port()), "")
		},
	}
	dial := d.DialContext
	if c.netDial != nil {
		dial = c.netDial
	}
	var lastErr error
	for _, a := range addrs {
		conn, err := dial(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// Get fetches rawURL with a conditional GET built from v. It returns a
// Response for a 2xx or a 304 (NotModified), a *StatusError for any other
// status, a *BlockedError for a refused destination, ErrBodyTooLarge for a
// body over the cap, and other wrapped errors classified by ErrorKind.
func (c *Client) Get(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w: %w", rawURL, ErrInvalidURL, err)
	}
	if err := c.checkURL(u); err != nil {
		return nil, fmt.Errorf("fetch %q: %w", rawURL, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w: %w", rawURL, ErrInvalidURL, err)
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %q: %w", rawURL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	now := c.cfg.Now()
	retryAfter, _ := retry.ParseAfter(resp.Header.Get("Retry-After"), now)
	out := &Response{
		Status:       resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		FinalURL:     resp.Request.URL.String(),
		RetryAfter:   retryAfter,
		MaxAge:       ParseMaxAge(resp.Header, now),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = v.ETag
		}
		if out.LastModified == "" {
			out.LastModified = v.LastModified
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, fmt.Errorf("fetch %q: %w", rawURL, &StatusError{Status: resp.StatusCode, RetryAfter: retryAfter})
	}
	if resp.ContentLength > c.cfg.MaxBodyBytes && !resp.Uncompressed {
		return nil, fmt.Errorf("fetch %q: %w: content-length %d over %d bytes", rawURL, ErrBodyTooLarge, resp.ContentLength, c.cfg.MaxBodyBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %q: read body: %w", rawURL, err)
	}
	if int64(len(body)) > c.cfg.MaxBodyBytes {
		return nil, fmt.Errorf("fetch %q: %w: over %d bytes", rawURL, ErrBodyTooLarge, c.cfg.MaxBodyBytes)
	}
	out.Body = body
	return out, nil
}

// unwrapURLError drops the *url.Error layer, whose message repeats the URL
// already named by the caller's wrapping; the cause stays reachable.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}

// HTTPClient returns the guarded HTTP client: every dial, redirect and DNS
// answer passes the SSRF guard. It sets no overall timeout (so streams can
// last); callers bound their requests with contexts and read limits.
func (c *Client) HTTPClient() *http.Client { return c.hc }
