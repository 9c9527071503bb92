package alerter

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// refused lists the destinations webhooks may not reach unless private
// networks are allowed. (pipeline/fetch has the complete guard, unexported;
// this is the subset a POST-only client needs.)
var refused = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("224.0.0.0/3"), netip.MustParsePrefix("::/128"), netip.MustParsePrefix("::1/128"),
	netip.MustParsePrefix("fc00::/7"), netip.MustParsePrefix("fe80::/10"), netip.MustParsePrefix("ff00::/8"),
	netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("2002::/16"), netip.MustParsePrefix("2001::/32"),
	netip.MustParsePrefix("fec0::/10"), netip.MustParsePrefix("100::/64"),
}

// alwaysRefused holds what nothing legitimate is served from.
var alwaysRefused = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/32"), netip.MustParsePrefix("::/128"), netip.MustParsePrefix("255.255.255.255/32"),
	netip.MustParsePrefix("224.0.0.0/4"), netip.MustParsePrefix("ff00::/8"),
}

// destinationAllowed reports whether a webhook may connect to ap.
func destinationAllowed(ap netip.AddrPort, allowPrivate bool, allow map[netip.AddrPort]bool) bool {
	a := ap.Addr().WithZone("").Unmap()
	if allow[netip.AddrPortFrom(a, ap.Port())] {
		return true
	}
	for _, p := range alwaysRefused {
		if p.Contains(a) {
			return false
		}
	}
	if allowPrivate {
		return true
	}
	for _, p := range refused {
		if p.Contains(a) {
			return false
		}
	}
	return true
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
