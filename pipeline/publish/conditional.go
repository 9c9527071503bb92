package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// ETag returns a strong entity tag for a feed body: a quoted, truncated
// SHA-256 of the bytes, so equal bodies share a tag whatever produced them.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// NotModified reports whether a GET or HEAD request's validators show the
// client already holds the representation with etag, last modified at
// lastModified (RFC 9110 §13.2.2: If-None-Match, when present, decides;
// otherwise If-Modified-Since, at one-second precision).
func NotModified(r *http.Request, etag string, lastModified time.Time) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		return etagListMatches(inm, etag)
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || lastModified.IsZero() {
		return false
	}
	t, err := http.ParseTime(ims)
	if err != nil {
		return false
	}
	return !lastModified.Truncate(time.Second).After(t)
}

// etagListMatches reports whether the If-None-Match list holds etag,
// compared weakly (a W/ prefix is ignored), or is "*".
func etagListMatches(list, etag string) bool {
	want := strings.TrimPrefix(etag, "W/")
	for tag := range strings.SplitSeq(list, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}

// ServeFeed answers r with a feed body of the given content type, with
// ETag, Last-Modified and Cache-Control, or 304 Not Modified when the
// client's validators match.
func ServeFeed(w http.ResponseWriter, r *http.Request, contentType string, body []byte, lastModified time.Time) {
	etag := ETag(body)
	h := w.Header()
	h.Set("ETag", etag)
	if !lastModified.IsZero() {
		h.Set("Last-Modified", lastModified.UTC().Format(http.TimeFormat))
	}
	h.Set("Cache-Control", "public, max-age=300")
	h.Add("Vary", "Accept-Encoding")
	if NotModified(r, etag, lastModified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	http.ServeContent(w, withoutValidators(r), "", time.Time{}, bytes.NewReader(body))
}

// withoutValidators returns r without conditional headers, which
// ServeFeed has already evaluated, so http.ServeContent only handles
// ranges, HEAD and Content-Length.
func withoutValidators(r *http.Request) *http.Request {
	r2 := r.Clone(r.Context())
	for _, k := range []string{"If-None-Match", "If-Modified-Since", "If-Match", "If-Unmodified-Since", "If-Range"} {
		r2.Header.Del(k)
	}
	return r2
}
