// Package fetch is the bounded, SSRF-safe HTTP fetcher the ingester uses to
// poll feeds and other remote sources.
//
// Every request is bounded: a connect timeout, a whole-request timeout, at
// most MaxRedirects redirects and a body cap counted after decompression that
// fails with ErrBodyTooLarge instead of truncating. Destinations are checked
// at dial time, after DNS resolution and on every redirect, so loopback,
// private, link-local, unique-local, CGNAT, unspecified, multicast and cloud
// metadata addresses are refused unless the Config allows them; odd IPv4
// spellings (decimal, octal, hex, short forms) are normalised and checked in
// URL validation, and IPv4-mapped or embedded IPv6 addresses are checked by
// their IPv4 part.
//
// The package also offers conditional GET (Validators), Cache-Control max-age
// parsing, a per-host concurrency limiter (HostLimiter) and the delay before
// the next poll (NextPoll). Retry-After and the backoff after failures come
// from pipeline/retry.
package fetch
