package reviewer

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/httpapi"
	"vigie/pipeline/retry"
)

// errUnavailable marks a dependency this process was started without.
var errUnavailable = httpapi.Errorf(httpapi.ErrUnavailable, "not available in this process")

// badRequest is a client error whose message is shown to the client.
func badRequest(msg string) error { return httpapi.Errorf(httpapi.ErrBadRequest, "%s", msg) }

// statusOf returns the status and user message of err (httpapi's table).
func statusOf(err error) (int, string) {
	p := httpapi.ProblemOf(err)
	return p.Status, p.Body.Error
}

// writeError answers err as httpapi's table says: JSON for the API, an
// HTML page for a browser.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if !wantsHTML(r) {
		httpapi.WriteError(w, r, s.log, err)
		return
	}
	p := httpapi.ProblemOf(err)
	if p.Status >= 500 {
		s.log.Error("request failed", zap.String("path", r.URL.Path), zap.Error(err))
	}
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", retry.FormatAfter(p.RetryAfter))
	}
	s.renderErrorConflict(w, r, p.Status, p.Body.Error, p.Body.Conflict)
}

// isForm reports whether r carries an HTML form body.
func isForm(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

// wantsHTML reports whether the client is a browser page rather than an
// API client: a form post, or a non-API path asked for with Accept: text/html.
func wantsHTML(r *http.Request) bool {
	if isForm(r) {
		return true
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }
