package alerter

import (
	"fmt"

	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"vigie/pipeline/fetch"
)

// destinationAllowed reports whether a webhook may connect to ap: the
// same guard as the feed fetcher (pipeline/fetch), plus exact allowed
// "ip:port" destinations for tests and local receivers.
func destinationAllowed(ap netip.AddrPort, allowPrivate bool, allow map[netip.AddrPort]bool) bool {
	a := ap.Addr().WithZone("").Unmap()
	if allow[netip.AddrPortFrom(a, ap.Port())] {
		return true
	}
	return fetch.BlockReason(a, allowPrivate) == ""
}

// guardedClient returns the webhook client: no proxy, no redirects, and a
// dialer whose Control refuses private destinations at connect time (after
// DNS resolution, so a name resolving to 127.0.0.1 is refused too).
func guardedClient(allowPrivate bool, allowAddrs []string) *http.Client {
	allow := map[netip.AddrPort]bool{}
	for _, s := range allowAddrs {
		if ap, err := netip.ParseAddrPort(s); err == nil {
			allow[netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())] = true
		}
	}
	d := &net.Dialer{
		Timeout: 10 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("webhook destination %s: %w", address, err)
			}
			if !destinationAllowed(ap, allowPrivate, allow) {
				return fmt.Errorf("webhook destination %s refused: private or reserved address", address)
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{Proxy: nil, DialContext: d.DialContext, ForceAttemptHTTP2: true,
			MaxIdleConns: 50, MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second, MaxResponseHeaderBytes: 64 << 10},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
