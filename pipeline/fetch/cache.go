package fetch

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxRetryAfter caps a server-sent Retry-After so a hostile or buggy server
// cannot park a source forever.
const MaxRetryAfter = 7 * 24 * time.Hour

// ParseRetryAfter parses a Retry-After header value, either delay-seconds or
// an HTTP-date relative to now. It returns zero for an empty, malformed or
// past value, and caps the result at MaxRetryAfter.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > int64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else {
		t, err := http.ParseTime(v)
		if err != nil {
			return 0
		}
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, MaxRetryAfter)
}

// ParseMaxAge returns the freshness lifetime of a response: Cache-Control
// max-age (zero for no-store/no-cache), else Expires minus Date (or now).
// It returns zero when neither is present or usable.
func ParseMaxAge(h http.Header, now time.Time) time.Duration {
	if cc := h.Values("Cache-Control"); len(cc) > 0 {
		maxAge, seen := time.Duration(0), false
		for _, line := range cc {
			for _, dir := range strings.Split(line, ",") {
				name, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
				switch strings.ToLower(strings.TrimSpace(name)) {
				case "no-store", "no-cache":
					return 0
				case "max-age":
					if seen {
						continue
					}
					seen = true
					n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(val), `"`), 10, 64)
					switch {
					case err != nil || n <= 0:
						maxAge = 0
					case n > int64(MaxRetryAfter/time.Second):
						maxAge = MaxRetryAfter
					default:
						maxAge = time.Duration(n) * time.Second
					}
				}
			}
		}
		if seen {
			return maxAge
		}
	}
	if exp := h.Get("Expires"); exp != "" {
		t, err := http.ParseTime(exp)
		if err != nil {
			return 0
		}
		base := now
		if d, err := http.ParseTime(h.Get("Date")); err == nil {
			base = d
		}
		if d := t.Sub(base); d > 0 {
			return min(d, MaxRetryAfter)
		}
	}
	return 0
}
