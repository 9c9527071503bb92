package account

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address a request comes from, for the login rate
// limit: the peer address, or, when the peer is one of trustedProxies, the
// right-most X-Forwarded-For entry that is not itself a trusted proxy
// (entries further left are set by the client and cannot be trusted).
func ClientIP(r *http.Request, trustedProxies []netip.Prefix) string {
	peer := r.RemoteAddr
	if host, _, err := net.SplitHostPort(peer); err == nil {
		peer = host
	}
	if !trusted(peer, trustedProxies) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(hop)
		if err != nil {
			return peer // malformed chain: do not guess
		}
		if !trusted(a.String(), trustedProxies) {
			return a.Unmap().String()
		}
	}
	return peer
}

func trusted(ip string, proxies []netip.Prefix) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
