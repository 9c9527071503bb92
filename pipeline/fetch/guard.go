package fetch

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
)

// ipRange is one refused range and the reason shown to the user.
type ipRange struct {
	prefix netip.Prefix
	reason string
}

// Reasons used in BlockedError.
const (
	reasonLoopback    = "loopback"
	reasonPrivate     = "private"
	reasonLinkLocal   = "link-local"
	reasonUniqueLocal = "unique-local"
	reasonCGNAT       = "shared (CGNAT)"
	reasonUnspecified = "unspecified"
	reasonMetadata    = "cloud metadata"
	reasonMulticast   = "multicast"
	reasonBroadcast   = "broadcast"
	reasonReserved    = "reserved"
)

// alwaysBlocked lists ranges refused even when private networks are allowed:
// nothing legitimate is served from them.
var alwaysBlocked = []ipRange{
	{netip.MustParsePrefix("0.0.0.0/32"), reasonUnspecified},
	{netip.MustParsePrefix("::/128"), reasonUnspecified},
	{netip.MustParsePrefix("255.255.255.255/32"), reasonBroadcast},
	{netip.MustParsePrefix("224.0.0.0/4"), reasonMulticast},
	{netip.MustParsePrefix("ff00::/8"), reasonMulticast},
}

// privateBlocked lists ranges refused unless private networks are allowed.
// Order matters: the first match names the reason, so the metadata
// addresses come before the link-local and unique-local ranges.
var privateBlocked = []ipRange{
	{netip.MustParsePrefix("169.254.169.254/32"), reasonMetadata},
	{netip.MustParsePrefix("fd00:ec2::254/128"), reasonMetadata},
	{netip.MustParsePrefix("100.100.100.200/32"), reasonMetadata}, // Alibaba Cloud
	{netip.MustParsePrefix("0.0.0.0/8"), reasonUnspecified},
	{netip.MustParsePrefix("10.0.0.0/8"), reasonPrivate},
	{netip.MustParsePrefix("100.64.0.0/10"), reasonCGNAT},
	{netip.MustParsePrefix("127.0.0.0/8"), reasonLoopback},
	{netip.MustParsePrefix("169.254.0.0/16"), reasonLinkLocal},
	{netip.MustParsePrefix("172.16.0.0/12"), reasonPrivate},
	{netip.MustParsePrefix("192.0.0.0/24"), reasonReserved},
	{netip.MustParsePrefix("192.0.2.0/24"), reasonReserved},
	{netip.MustParsePrefix("192.88.99.0/24"), reasonReserved},
	{netip.MustParsePrefix("192.168.0.0/16"), reasonPrivate},
	{netip.MustParsePrefix("198.18.0.0/15"), reasonReserved},
	{netip.MustParsePrefix("198.51.100.0/24"), reasonReserved},
	{netip.MustParsePrefix("203.0.113.0/24"), reasonReserved},
	{netip.MustParsePrefix("240.0.0.0/4"), reasonReserved},
	{netip.MustParsePrefix("::1/128"), reasonLoopback},
	{netip.MustParsePrefix("fc00::/7"), reasonUniqueLocal},
	{netip.MustParsePrefix("fe80::/10"), reasonLinkLocal},
	{netip.MustParsePrefix("fec0::/10"), reasonLinkLocal}, // deprecated site-local
	{netip.MustParsePrefix("100::/64"), reasonReserved},   // discard-only
	{netip.MustParsePrefix("2001:db8::/32"), reasonReserved},
	{netip.MustParsePrefix("2001::/32"), reasonReserved}, // Teredo hides an IPv4 client
}

// embeddedIPv4 returns the IPv4 address carried inside an IPv6 address by
// the mapped (::ffff:0:0/96), compatible (::/96), NAT64 (64:ff9b::/96,
// 64:ff9b:1::/48) and 6to4 (2002::/16) forms, so that [::ffff:127.0.0.1] is
// judged as 127.0.0.1.
func embeddedIPv4(a netip.Addr) (netip.Addr, bool) {
	if !a.Is6() {
		return netip.Addr{}, false
	}
	if a.Is4In6() {
		return a.Unmap(), true
	}
	b := a.As16()
	v4 := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{b[i], b[i+1], b[i+2], b[i+3]}) }
	switch {
	case netip.MustParsePrefix("::/96").Contains(a) && a != netip.IPv6Unspecified() && a != netip.IPv6Loopback():
		return v4(12), true
	case netip.MustParsePrefix("64:ff9b::/96").Contains(a), netip.MustParsePrefix("64:ff9b:1::/48").Contains(a):
		return v4(12), true
	case netip.MustParsePrefix("2002::/16").Contains(a):
		return v4(2), true
	}
	return netip.Addr{}, false
}

// blockReason returns why addr must be refused, or "" if it may be dialled.
// allowPrivate lifts the private ranges but never the always-blocked ones.
func blockReason(addr netip.Addr, allowPrivate bool) string {
	addr = addr.WithZone("")
	if v4, ok := embeddedIPv4(addr); ok {
		if r := blockReason(v4, allowPrivate); r != "" {
			return r
		}
		if addr.Is4In6() {
			return ""
		}
	}
	for _, r := range alwaysBlocked {
		if r.prefix.Contains(addr) {
			return r.reason
		}
	}
	if allowPrivate {
		return ""
	}
	for _, r := range privateBlocked {
		if r.prefix.Contains(addr) {
			return r.reason
		}
	}
	return ""
}

// parseLegacyIPv4 parses host the way the WHATWG URL standard (and
// inet_aton) does: one to four dot-separated parts, each decimal, octal with
// a leading 0 or hex with 0x, the last part filling the remaining bytes. It
// reports isNumeric=true when the host's last label is a number, in which
// case the host is an IPv4 address and any parse failure is an error
// (browsers refuse such hosts too, so must we: a resolver could accept them).
func parseLegacyIPv4(host string) (addr netip.Addr, isNumeric bool, err error) {
	parts := strings.Split(host, ".")
	if len(parts) > 1 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	if len(parts) == 0 {
		return netip.Addr{}, false, nil
	}
	if _, ok := parseIPv4Number(parts[len(parts)-1]); !ok && !isDigits(parts[len(parts)-1]) {
		return netip.Addr{}, false, nil
	}
	if len(parts) > 4 {
		return netip.Addr{}, true, fmt.Errorf("%w: ipv4 host %q has more than four parts", ErrInvalidURL, host)
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return netip.Addr{}, true, fmt.Errorf("%w: bad ipv4 part %q in host %q", ErrInvalidURL, p, host)
		}
		nums[i] = n
	}
	for _, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, true, fmt.Errorf("%w: ipv4 part out of range in host %q", ErrInvalidURL, host)
		}
	}
	last := nums[len(nums)-1]
	if last >= uint64(math.Pow(256, float64(5-len(nums)))) {
		return netip.Addr{}, true, fmt.Errorf("%w: ipv4 part out of range in host %q", ErrInvalidURL, host)
	}
	v := last
	for i, n := range nums[:len(nums)-1] {
		v += n << (8 * (3 - i))
	}
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true, nil
}

// parseIPv4Number parses one part of a legacy IPv4 address.
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		base, s = 16, s[2:]
		if s == "" {
			return 0, true
		}
	case len(s) >= 2 && s[0] == '0':
		base, s = 8, s[1:]
	}
	n, err := strconv.ParseUint(s, base, 64)
	if err != nil || n > math.MaxUint32 {
		return 0, false
	}
	return n, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// normalizeHost turns the host of a URL into the form to dial: IPv6
// literals without brackets, odd IPv4 spellings (2130706433, 0177.0.0.1,
// 0x7f000001, 127.1) into dotted decimal. The returned address is valid
// when the host is an IP literal.
func normalizeHost(host string) (string, netip.Addr, error) {
	if host == "" {
		return "", netip.Addr{}, fmt.Errorf("%w: empty host", ErrInvalidURL)
	}
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	bracketed := strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]")
	if bracketed {
		h = h[1 : len(h)-1]
	}
	if bracketed || strings.Contains(h, ":") {
		a, err := netip.ParseAddr(h)
		if err != nil {
			return "", netip.Addr{}, fmt.Errorf("%w: bad ipv6 literal %q", ErrInvalidURL, host)
		}
		return a.String(), a, nil
	}
	a, numeric, err := parseLegacyIPv4(h)
	if err != nil {
		return "", netip.Addr{}, err
	}
	if numeric {
		return a.String(), a, nil
	}
	return h, netip.Addr{}, nil
}

// BlockReason returns why a destination address must be refused ("loopback",
// "private", "cloud metadata", …), or "" when it may be dialled.
// allowPrivate lifts the private ranges, never the always-blocked ones
// (unspecified, multicast, broadcast). Other clients that connect to
// addresses users give (webhooks) use it at dial time too.
func BlockReason(addr netip.Addr, allowPrivate bool) string { return blockReason(addr, allowPrivate) }
