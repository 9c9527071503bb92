package fetch

import (
	"net"
	"net/http"
	"testing"
	"time"
)

var dnsErr = net.DNSError{Err: "no such host", Name: "x.test", IsNotFound: true}

func TestParseMaxAge(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", http.Header{}, 0},
		{"max-age", http.Header{"Cache-Control": {"public, max-age=300"}}, 5 * time.Minute},
		{"quoted", http.Header{"Cache-Control": {`max-age="60"`}}, time.Minute},
		{"no-cache wins", http.Header{"Cache-Control": {"max-age=300, no-cache"}}, 0},
		{"no-store", http.Header{"Cache-Control": {"no-store"}}, 0},
		{"two headers", http.Header{"Cache-Control": {"public", "max-age=30"}}, 30 * time.Second},
		{"bad", http.Header{"Cache-Control": {"max-age=abc"}}, 0},
		{"expires with date", http.Header{"Expires": {"Fri, 27 Nov 2026 10:00:00 GMT"}, "Date": {"Fri, 27 Nov 2026 09:30:00 GMT"}}, 30 * time.Minute},
		{"expires without date", http.Header{"Expires": {"Fri, 27 Nov 2026 10:00:00 GMT"}}, time.Hour},
		{"expires past", http.Header{"Expires": {"0"}}, 0},
		{"max-age beats expires", http.Header{"Cache-Control": {"max-age=10"}, "Expires": {"Fri, 27 Nov 2026 10:00:00 GMT"}}, 10 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ParseMaxAge(tc.h, now); got != tc.want {
				t.Errorf("ParseMaxAge = %v, want %v", got, tc.want)
			}
		})
	}
}
