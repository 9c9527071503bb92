package fetch

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"vigie/pipeline/retry"
)

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
					case n > int64(retry.MaxAfter/time.Second):
						maxAge = retry.MaxAfter
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
			return min(d, retry.MaxAfter)
		}
	}
	return 0
}
