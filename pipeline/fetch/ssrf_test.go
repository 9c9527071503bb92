package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// fakeDNS answers names from a table, as a hostile or misconfigured DNS
// server could.
func fakeDNS(table map[string][]string) func(ctx context.Context, host string) ([]netip.Addr, error) {
	return func(_ context.Context, host string) ([]netip.Addr, error) {
		ips, ok := table[host]
		if !ok {
			return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
		out := make([]netip.Addr, len(ips))
		for i, s := range ips {
			out[i] = netip.MustParseAddr(s)
		}
		return out, nil
	}
}

// toServer returns a dial function that connects wherever the guard let the
// client go to the local test server instead, so that "allowed" cases are
// proven end to end without sending a packet off the loopback interface.
func toServer(srv *httptest.Server, dialled *[]string) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		*dialled = append(*dialled, address)
		var d net.Dialer
		return d.DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}
}

func TestSSRF(t *testing.T) {
	t.Parallel()
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if to := r.URL.Query().Get("redirect"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		hits++
		fmt.Fprint(w, "<rss/>")
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	dns := fakeDNS(map[string][]string{
		"public.test":    {"93.184.216.34"},
		"localhost.test": {"127.0.0.1", "::1"},
		"intranet.test":  {"10.1.2.3"},
		"rebind.test":    {"93.184.216.34", "192.168.0.10"},
		"metadata.test":  {"169.254.169.254"},
		"mapped.test":    {"::ffff:127.0.0.1"},
	})
	local := fmt.Sprintf("127.0.0.1:%d", port)

	tests := []struct {
		name string
		url  string
		// reason is the BlockedError reason by default ("" = allowed by default).
		reason string
		// alwaysBlocked cases stay refused even with AllowPrivateNetworks.
		alwaysBlocked bool
		// allowAddr is true when AllowAddrs{127.0.0.1:port} alone permits it.
		allowAddr bool
	}{
		{name: "public name", url: "http://public.test:%d/", reason: ""},
		{name: "loopback literal", url: "http://127.0.0.1:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "name resolving to loopback", url: "http://localhost.test:%d/", reason: reasonLoopback},
		{name: "name resolving to private", url: "http://intranet.test:%d/", reason: reasonPrivate},
		{name: "name with one private answer among public", url: "http://rebind.test:%d/", reason: reasonPrivate},
		{name: "name resolving to metadata", url: "http://metadata.test:%d/", reason: reasonMetadata},
		{name: "name resolving to mapped loopback", url: "http://mapped.test:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "redirect to 127.0.0.1", url: "http://public.test:%d/?redirect=http://127.0.0.1:" + fmt.Sprint(port) + "/feed", reason: reasonLoopback, allowAddr: true},
		{name: "redirect to metadata", url: "http://public.test:%d/?redirect=http://169.254.169.254/latest/meta-data/", reason: reasonMetadata},
		{name: "redirect to hex loopback", url: "http://public.test:%d/?redirect=http://0x7f000001:" + fmt.Sprint(port) + "/", reason: reasonLoopback, allowAddr: true},
		{name: "ipv4-mapped ipv6 loopback", url: "http://[::ffff:127.0.0.1]:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "ipv4-mapped ipv6 in hex", url: "http://[::ffff:7f00:1]:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "nat64 loopback", url: "http://[64:ff9b::7f00:1]:%d/", reason: reasonLoopback},
		{name: "hex 0x7f000001", url: "http://0x7f000001:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "decimal 2130706433", url: "http://2130706433:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "octal 0177.0.0.1", url: "http://0177.0.0.1:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "short 127.1", url: "http://127.1:%d/", reason: reasonLoopback, allowAddr: true},
		{name: "metadata 169.254.169.254", url: "http://169.254.169.254:%d/latest/meta-data/", reason: reasonMetadata},
		{name: "ipv6 loopback", url: "http://[::1]:%d/", reason: reasonLoopback},
		{name: "rfc1918 10/8", url: "http://10.0.0.1:%d/", reason: reasonPrivate},
		{name: "rfc1918 172.16/12", url: "http://172.31.255.1:%d/", reason: reasonPrivate},
		{name: "rfc1918 192.168/16", url: "http://192.168.1.1:%d/", reason: reasonPrivate},
		{name: "cgnat 100.64/10", url: "http://100.64.0.1:%d/", reason: reasonCGNAT},
		{name: "link-local 169.254/16", url: "http://169.254.1.1:%d/", reason: reasonLinkLocal},
		{name: "unique-local fc00::/7", url: "http://[fd12:3456::1]:%d/", reason: reasonUniqueLocal},
		{name: "ipv6 link-local", url: "http://[fe80::1]:%d/", reason: reasonLinkLocal},
		{name: "this network 0.1.2.3", url: "http://0.1.2.3:%d/", reason: reasonUnspecified},
		{name: "unspecified 0.0.0.0", url: "http://0.0.0.0:%d/", reason: reasonUnspecified, alwaysBlocked: true},
		{name: "unspecified ::", url: "http://[::]:%d/", reason: reasonUnspecified, alwaysBlocked: true},
		{name: "decimal 0", url: "http://0:%d/", reason: reasonUnspecified, alwaysBlocked: true},
		{name: "multicast", url: "http://224.0.0.1:%d/", reason: reasonMulticast, alwaysBlocked: true},
		{name: "broadcast", url: "http://255.255.255.255:%d/", reason: reasonBroadcast, alwaysBlocked: true},
	}
	configs := []struct {
		name string
		cfg  Config
		// allowed decides, for one case, whether this config must let it through.
		allowed func(reason string, always, allowAddr bool) bool
	}{
		{"default", Config{}, func(reason string, _, _ bool) bool { return reason == "" }},
		{"allow_private_networks", Config{AllowPrivateNetworks: true}, func(_ string, always, _ bool) bool { return !always }},
		{"allow_addrs", Config{AllowAddrs: []string{local}}, func(reason string, _, allowAddr bool) bool { return reason == "" || allowAddr }},
	}
	for _, cf := range configs {
		for _, tc := range tests {
			t.Run(cf.name+"/"+tc.name, func(t *testing.T) {
				cfg := cf.cfg
				cfg.LookupIP = dns
				c := New(cfg)
				var dialled []string
				c.netDial = toServer(srv, &dialled)
				before := hits
				resp, err := c.Get(context.Background(), fmt.Sprintf(tc.url, port), Validators{})
				if cf.allowed(tc.reason, tc.alwaysBlocked, tc.allowAddr) {
					if err != nil {
						t.Fatalf("Get: %v, want allowed", err)
					}
					if resp.Status != 200 || string(resp.Body) != "<rss/>" || hits != before+1 {
						t.Fatalf("got status %d body %q hits %d, want the server's feed", resp.Status, resp.Body, hits-before)
					}
					return
				}
				var be *BlockedError
				if !errors.As(err, &be) {
					t.Fatalf("Get err = %v, want *BlockedError", err)
				}
				if be.Reason != tc.reason {
					t.Errorf("reason = %q, want %q (%v)", be.Reason, tc.reason, err)
				}
				if got := ErrorKind(err); got != KindBlocked {
					t.Errorf("ErrorKind = %q, want blocked", got)
				}
				if hits != before && !strings.Contains(tc.url, "redirect") {
					t.Errorf("server was reached %d times", hits-before)
				}
				for _, a := range dialled {
					if strings.Contains(tc.url, "redirect") && strings.HasPrefix(a, "93.184.216.34:") {
						continue // the first hop is public and allowed
					}
					t.Errorf("dialled %s although the destination is refused", a)
				}
			})
		}
	}
}

func TestAllowAddrsIsExact(t *testing.T) {
	t.Parallel()
	c := New(Config{AllowAddrs: []string{"127.0.0.1:8080", "[::1]:9090", "not-an-addr"}})
	tests := []struct {
		name, addr, port string
		ok               bool
	}{
		{"listed", "127.0.0.1", "8080", true},
		{"other port", "127.0.0.1", "8081", false},
		{"other loopback", "127.0.0.2", "8080", false},
		{"listed v6", "::1", "9090", true},
		{"mapped form of listed", "::ffff:127.0.0.1", "8080", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := c.checkAddr(netip.MustParseAddr(tc.addr), tc.port, "")
			if (err == nil) != tc.ok {
				t.Errorf("checkAddr(%s, %s) = %v, want ok=%v", tc.addr, tc.port, err, tc.ok)
			}
		})
	}
}

func TestDialControlRefusesBlockedSocket(t *testing.T) {
	t.Parallel()
	// The dialer's Control is the last check: even if resolution were
	// bypassed, connecting to a refused socket address fails.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	c := New(Config{})
	_, err := c.dialContext(context.Background(), "tcp", srv.Listener.Addr().String())
	var be *BlockedError
	if !errors.As(err, &be) {
		t.Fatalf("dialContext = %v, want *BlockedError", err)
	}
}

func TestNormalizeHost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		isIP     bool
		wantErr  bool
	}{
		{in: "example.com", want: "example.com"},
		{in: "Example.COM.", want: "example.com"},
		{in: "127.0.0.1", want: "127.0.0.1", isIP: true},
		{in: "2130706433", want: "127.0.0.1", isIP: true},
		{in: "0x7f000001", want: "127.0.0.1", isIP: true},
		{in: "0X7F.0.0.1", want: "127.0.0.1", isIP: true},
		{in: "0177.0.0.1", want: "127.0.0.1", isIP: true},
		{in: "0177.0000.0000.0001", want: "127.0.0.1", isIP: true},
		{in: "127.1", want: "127.0.0.1", isIP: true},
		{in: "127.0.1", want: "127.0.0.1", isIP: true},
		{in: "10.0x10.1", want: "10.16.0.1", isIP: true},
		{in: "017700000001", want: "127.0.0.1", isIP: true},
		{in: "0", want: "0.0.0.0", isIP: true},
		{in: "[::ffff:127.0.0.1]", want: "::ffff:127.0.0.1", isIP: true},
		{in: "1.2.3.4.5", wantErr: true},
		{in: "256.1.1.1", wantErr: true},
		{in: "1.2.3.256", wantErr: true},
		{in: "4294967296", wantErr: true},
		{in: "09.1.1.1", wantErr: true},
		{in: "1.2.3.0x", want: "1.2.3.0", isIP: true},
		{in: "[not-ipv6]", wantErr: true},
		{in: "a1.example", want: "a1.example"},
		{in: "1.example", want: "1.example"},
		{in: "", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, addr, err := normalizeHost(tc.in)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalidURL) {
					t.Fatalf("normalizeHost(%q) = %q, %v; want ErrInvalidURL", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want || addr.IsValid() != tc.isIP {
				t.Fatalf("normalizeHost(%q) = %q, %v, %v; want %q ip=%v", tc.in, got, addr, err, tc.want, tc.isIP)
			}
		})
	}
}

func TestBlockReasonEmbedded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr, want string
	}{
		{"8.8.8.8", ""},
		{"2606:4700::1111", ""},
		{"::ffff:8.8.8.8", ""},
		{"::ffff:10.0.0.1", reasonPrivate},
		{"::127.0.0.1", reasonLoopback},
		{"64:ff9b::a00:1", reasonPrivate},
		{"64:ff9b::808:808", ""},
		{"2002:7f00:1::", reasonLoopback},
		{"2002:808:808::1", ""},
		{"fd00:ec2::254", reasonMetadata},
		{"100.100.100.200", reasonMetadata},
		{"fe80::1%eth0", reasonLinkLocal},
		{"ff02::1", reasonMulticast},
		{"198.18.0.1", reasonReserved},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			if got := blockReason(netip.MustParseAddr(tc.addr), false); got != tc.want {
				t.Errorf("blockReason(%s) = %q, want %q", tc.addr, got, tc.want)
			}
		})
	}
}

func TestSchemes(t *testing.T) {
	t.Parallel()
	c := New(Config{})
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/", "gopher://127.0.0.1:70/", "javascript:alert(1)", "//example.com/", "http:///nohost"} {
		t.Run(u, func(t *testing.T) {
			_, err := c.Get(context.Background(), u, Validators{})
			if ErrorKind(err) != KindInvalid {
				t.Fatalf("Get(%q) = %v (kind %q), want invalid_url", u, err, ErrorKind(err))
			}
		})
	}
}

func BenchmarkBlockReason(b *testing.B) {
	addrs := []netip.Addr{netip.MustParseAddr("93.184.216.34"), netip.MustParseAddr("::ffff:10.0.0.1"), netip.MustParseAddr("2606:4700::1111")}
	for b.Loop() {
		for _, a := range addrs {
			_ = blockReason(a, false)
		}
	}
}
