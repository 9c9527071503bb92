package retry

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxAfter caps a server-sent Retry-After so that a hostile or buggy server
// cannot park a client forever.
const MaxAfter = 7 * 24 * time.Hour

// ParseAfter parses a Retry-After header value (RFC 9110, section 10.2.3):
// delay-seconds (digits only) or an HTTP-date, relative to now. ok reports
// whether v held either form; the delay is then in [0, MaxAfter], a date in
// the past giving 0. Surrounding spaces are ignored; an empty, negative or
// malformed value gives (0, false).
func ParseAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if isDigits(v) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n > int64(MaxAfter/time.Second) {
			return MaxAfter, true // only digits: too many to fit, so over the cap
		}
		return time.Duration(n) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), MaxAfter), true
}

// FormatAfter writes d as a Retry-After value: whole seconds, rounded up so
// that a client never comes back early, and at least 1.
func FormatAfter(d time.Duration) string {
	s := d / time.Second
	if d%time.Second > 0 {
		s++
	}
	return strconv.FormatInt(int64(max(s, 1)), 10)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
