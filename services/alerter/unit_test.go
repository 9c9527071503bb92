package alerter

import (
	"bytes"
	"encoding/xml"
	"net/netip"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"vigie/pipeline/publish"
)

func TestAlertIDDeterministic(t *testing.T) {
	t.Parallel()
	a := AlertID("flagged", "sub_a", "cl_3", "123")
	if a != AlertID("flagged", "sub_a", "cl_3", "123") {
		t.Fatal("same parts, different ids")
	}
	for _, other := range []string{AlertID("flagged", "sub_b", "cl_3", "123"), AlertID("flagged", "sub_a", "cl_3", "124"),
		AlertID("trending", "sub_a", "cl_3", "123"), AlertID("flagged", "sub_a", "cl_31", "23")} {
		if other == a {
			t.Errorf("different parts give the same id %s", a)
		}
	}
	if !strings.HasPrefix(a, "alrt_") || len(a) != 31 || strings.ContainsAny(a, ".= ") {
		t.Errorf("id %q is not a valid webhook-id, KV key part and subject-safe token", a)
	}
}

func TestWindowIndex(t *testing.T) {
	t.Parallel()
	w := time.Hour
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	if windowIndex(t0, w) != windowIndex(t0.Add(59*time.Minute), w) {
		t.Error("same hour, different windows")
	}
	if windowIndex(t0, w) == windowIndex(t0.Add(time.Hour), w) {
		t.Error("next hour, same window")
	}
}

func TestDestinationAllowed(t *testing.T) {
	t.Parallel()
	allow := map[netip.AddrPort]bool{netip.MustParseAddrPort("127.0.0.1:8080"): true}
	tests := []struct {
		addr         string
		allowPrivate bool
		want         bool
	}{
		{"93.184.216.34:443", false, true},
		{"[2606:2800:220:1::]:443", false, true},
		{"127.0.0.1:80", false, false},
		{"127.0.0.1:8080", false, true}, // explicitly allowed
		{"[::ffff:127.0.0.1]:8080", false, true},
		{"[::ffff:127.0.0.1]:80", false, false},
		{"10.1.2.3:443", false, false},
		{"192.168.1.1:443", false, false},
		{"169.254.169.254:80", false, false},
		{"100.64.0.1:443", false, false},
		{"[::1]:443", false, false},
		{"[fd00::1]:443", false, false},
		{"[fe80::1]:443", false, false},
		{"10.1.2.3:443", true, true},
		{"0.0.0.0:443", true, false},
		{"224.0.0.1:443", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if got := destinationAllowed(netip.MustParseAddrPort(tt.addr), tt.allowPrivate, allow); got != tt.want {
				t.Errorf("destinationAllowed(%s, private=%v) = %v, want %v", tt.addr, tt.allowPrivate, got, tt.want)
			}
		})
	}
}

// FuzzFeedEntry: whatever text an alert carries (it comes from untrusted
// items), its feed entry is written as well-formed XML and the one-line
// title stays one line of bounded length.
func FuzzFeedEntry(f *testing.F) {
	f.Add("L'eau du robinet <à> Paris & \"autres\"", "texte\nsur deux lignes", "fr")
	f.Add("\x00\ufffe\U0001F600", "]]>", "pt-BR")
	f.Fuzz(func(t *testing.T, title, text, lang string) {
		one := oneLine(title, 200)
		if strings.ContainsAny(one, "\n\r") || utf8.RuneCountInString(one) > 200 {
			t.Fatalf("oneLine(%q) = %q", title, one)
		}
		r := Record{Language: lang}
		r.ID, r.Title, r.Text, r.URL, r.Locality, r.Rating = "alrt_x", "[Unconfirmed] "+one, text,
			"https://verif.example.org/claims/c", "FR-75056", "false"
		r.Created = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
		feed := publish.Feed{Title: "t", SelfURL: "https://verif.example.org/f", HomeURL: "https://verif.example.org/",
			Author: publish.Party{Name: "Vigie"}, Entries: []publish.Entry{entry(r, "en")}}
		var buf bytes.Buffer
		if err := publish.WriteAtom(&buf, feed); err != nil {
			return // refused with an error, not written broken
		}
		dec := xml.NewDecoder(&buf)
		for {
			if _, err := dec.Token(); err != nil {
				if err.Error() == "EOF" {
					return
				}
				t.Fatalf("atom not well-formed: %v", err)
			}
		}
	})
}
