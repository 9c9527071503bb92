package retry

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"empty", "", 0, false},
		{"blank", "   ", 0, false},
		{"seconds", "120", 2 * time.Minute, true},
		{"spaces", " 5 ", 5 * time.Second, true},
		{"zero", "0", 0, true},
		{"leading zeros", "007", 7 * time.Second, true},
		{"negative", "-5", 0, false},
		{"plus sign", "+5", 0, false},
		{"fraction", "1.5", 0, false},
		{"http-date", "Fri, 27 Nov 2026 09:10:00 GMT", 10 * time.Minute, true},
		{"rfc850 date", "Friday, 27-Nov-26 09:01:00 GMT", time.Minute, true},
		{"asctime date", "Fri Nov 27 09:00:30 2026", 30 * time.Second, true},
		{"past date", "Fri, 27 Nov 2026 08:00:00 GMT", 0, true},
		{"garbage", "soon", 0, false},
		{"huge seconds capped", "99999999999", MaxAfter, true},
		{"seconds beyond int64 capped", "99999999999999999999999999", MaxAfter, true},
		{"far date capped", "Fri, 27 Nov 2099 09:00:00 GMT", MaxAfter, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseAfter(tt.in, now)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseAfter(%q) = %v, %v, want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestFormatAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"whole seconds", 30 * time.Second, "30"},
		{"rounded up", 1500 * time.Millisecond, "2"},
		{"a nanosecond over", time.Second + 1, "2"},
		{"below a second is one", time.Millisecond, "1"},
		{"zero is one", 0, "1"},
		{"negative is one", -time.Minute, "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatAfter(tt.d); got != tt.want {
				t.Errorf("FormatAfter(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

// FuzzParseAfter checks that any header value parses to a delay in
// [0, MaxAfter], that a rejected value gives zero, and that what FormatAfter
// writes parses back to at least the delay written.
func FuzzParseAfter(f *testing.F) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, s := range []string{"", "0", "120", " 5 ", "-5", "+5", "1e3", "99999999999999999999",
		"Fri, 27 Nov 2026 09:10:00 GMT", "Friday, 27-Nov-26 09:01:00 GMT", "Fri Nov 27 09:00:30 2026", "soon"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := ParseAfter(v, now)
		if d < 0 || d > MaxAfter {
			t.Fatalf("ParseAfter(%q) = %v outside [0, %v]", v, d, MaxAfter)
		}
		if !ok && d != 0 {
			t.Fatalf("ParseAfter(%q) = %v but not ok", v, d)
		}
		if _, err := http.ParseTime(strings.TrimSpace(v)); err == nil && !ok {
			t.Fatalf("ParseAfter(%q) refused an HTTP date", v)
		}
		if !ok {
			return
		}
		back, ok := ParseAfter(FormatAfter(d), now)
		if !ok || back < d {
			t.Fatalf("FormatAfter(%v) = %q parses back to %v, %v", d, FormatAfter(d), back, ok)
		}
	})
}
