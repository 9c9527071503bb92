package link

import (
	"errors"
	"strings"
	"testing"
)

func TestCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"already canonical", "https://example.com/a/b?x=1", "https://example.com/a/b?x=1"},
		{"utm dropped", "https://example.com/a?utm_source=tw&utm_medium=social&id=7", "https://example.com/a?id=7"},
		{"utm case-insensitive", "https://example.com/a?UTM_Campaign=x", "https://example.com/a"},
		{"fbclid gclid dropped", "http://example.com/?fbclid=IwAR0&gclid=abc&q=1", "http://example.com/?q=1"},
		{"other trackers dropped", "https://example.com/p?mc_cid=1&mc_eid=2&msclkid=3&igshid=4&yclid=5", "https://example.com/p"},
		{"fragment dropped", "https://example.com/a#section-2", "https://example.com/a"},
		{"host lower-cased", "HTTPS://WWW.Example.COM/Path", "https://www.example.com/Path"},
		{"default http port", "http://example.com:80/a", "http://example.com/a"},
		{"default https port", "https://example.com:443/a", "https://example.com/a"},
		{"non-default port kept", "https://example.com:8443/a", "https://example.com:8443/a"},
		{"http port on https kept", "https://example.com:80/a", "https://example.com:80/a"},
		{"empty path", "https://example.com", "https://example.com/"},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c"},
		{"query sorted", "https://example.com/?b=2&a=1&b=1", "https://example.com/?a=1&b=2&b=1"},
		{"empty query", "https://example.com/a?", "https://example.com/a"},
		{"only trackers", "https://example.com/a?utm_source=x#frag", "https://example.com/a"},
		{"encoding kept", "https://example.com/caf%C3%A9?q=a%20b&r=c+d", "https://example.com/caf%C3%A9?q=a%20b&r=c+d"},
		{"idn host to punycode", "https://Bücher.example/x", "https://xn--bcher-kva.example/x"},
		{"trailing dot host", "https://example.com./a", "https://example.com/a"},
		{"userinfo dropped", "https://user:pw@example.com/a", "https://example.com/a"},
		{"ipv6 host", "http://[2001:DB8::1]:80/", "http://[2001:db8::1]/"},
		{"spaces trimmed", "  https://example.com/a  ", "https://example.com/a"},
		{"trailing slash kept", "https://example.com/a/", "https://example.com/a/"},
		{"empty pairs dropped", "https://example.com/a?&&x=1&", "https://example.com/a?x=1"},
		{"unreserved escapes decoded", "https://example.com/a%2Db%7e/%41?q=%2d%2e", "https://example.com/a-b~/A?q=-."},
		{"escape hex upper-cased", "https://example.com/caf%c3%a9?q=%c3%a9", "https://example.com/caf%C3%A9?q=%C3%A9"},
		{"reserved escapes kept", "https://example.com/a%2Fb?x=%26", "https://example.com/a%2Fb?x=%26"},
		{"encoded tracker key", "https://example.com/a?utm%5Fsource=x&k=v", "https://example.com/a?k=v"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical(tc.in)
			if err != nil {
				t.Fatalf("Canonical(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Canonical(%q) = %q, want %q", tc.in, got, tc.want)
			}
			again, err := Canonical(got)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q -> %q (%v)", got, again, err)
			}
		})
	}
}

func TestCanonicalErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     error
	}{
		{"relative", "/a/b", ErrNotAbsolute},
		{"scheme-relative", "//example.com/a", ErrNotAbsolute},
		{"javascript", "javascript:alert(1)", ErrNotAbsolute},
		{"mailto", "mailto:a@example.com", ErrNotAbsolute},
		{"ftp", "ftp://example.com/a", ErrScheme},
		{"data", "data://text/plain,hi", ErrScheme},
		{"dots host", "http://../", ErrHost},
		{"empty label", "http://a..b/", ErrHost},
		{"odd host chars", "http://a*b.example/", ErrHost},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Canonical(%q) = %q, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
	t.Run("too long", func(t *testing.T) {
		if _, err := Canonical("https://example.com/" + strings.Repeat("a", MaxURLLength)); err == nil {
			t.Fatal("no error for an over-long URL")
		}
	})
	t.Run("bad escape", func(t *testing.T) {
		if _, err := Canonical("https://example.com/%zz"); err == nil {
			t.Fatal("no error for a bad escape")
		}
	})
}

func TestSameArticleTwoSources(t *testing.T) {
	t.Parallel()
	a, err := Canonical("https://www.lemonde.fr/politique/article/2026/11/27/x_123.html?utm_source=rss&utm_medium=feed#xtor=RSS-3208")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Canonical("HTTPS://www.LeMonde.fr:443/politique/article/2026/11/27/x_123.html?fbclid=IwAR3")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("%q != %q", a, b)
	}
}

func TestResolve(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, ref, want string
		wantErr               bool
	}{
		{"relative path", "https://example.com/feeds/rss.xml", "../news/1?utm_source=rss", "https://example.com/news/1", false},
		{"absolute path", "https://example.com/feeds/rss.xml", "/news/2", "https://example.com/news/2", false},
		{"scheme-relative", "https://example.com/feed", "//cdn.example.org/a", "https://cdn.example.org/a", false},
		{"already absolute", "https://example.com/feed", "http://other.example/x#y", "http://other.example/x", false},
		{"absolute without base", "", "https://example.com/x", "https://example.com/x", false},
		{"relative without base", "", "/x", "", true},
		{"javascript", "https://example.com/", "javascript:alert(1)", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.base, tc.ref)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("Resolve(%q, %q) = %q, %v; want %q err=%v", tc.base, tc.ref, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{
		"https://example.com/a?utm_source=x&b=2&a=1#f",
		"HTTP://EXAMPLE.COM:80/a/../b/./c",
		"https://Bücher.example/caf%C3%A9",
		"http://[::1]:8080/?fbclid=1",
		"https://u:p@example.com./?&&",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := Canonical(raw)
		if err != nil {
			return
		}
		again, err := Canonical(c)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q which fails again: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		if strings.Contains(c, "#") {
			t.Fatalf("fragment kept: %q", c)
		}
		if !strings.HasPrefix(c, "http://") && !strings.HasPrefix(c, "https://") {
			t.Fatalf("scheme not http(s): %q", c)
		}
	})
}

func BenchmarkCanonical(b *testing.B) {
	u := "https://www.Example.com:443/politique/article/2026/11/27/x_123.html?utm_source=rss&id=4&utm_medium=feed#xtor=RSS"
	for b.Loop() {
		if _, err := Canonical(u); err != nil {
			b.Fatal(err)
		}
	}
}
