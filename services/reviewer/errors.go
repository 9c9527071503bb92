package reviewer

import (
	"encoding/json"
	"errors"
	"math"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/pipeline/index"
	"vigie/pipeline/review"
)

// errBadRequest marks a client error; its message is shown to the client.
var errBadRequest = errors.New("bad request")

// errUnavailable marks a dependency this process was started without.
var errUnavailable = errors.New("not available in this process")

// badRequest wraps a user-facing message as a client error.
func badRequest(msg string) error { return &userError{kind: errBadRequest, msg: msg} }

type userError struct {
	kind error
	msg  string
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

// errorTable maps error kinds to an HTTP status and a user message; the
// one place where errors become responses. The first row that matches wins.
var errorTable = []struct {
	kind   error
	status int
	msg    string // empty: the error's own message
}{
	{errBadRequest, http.StatusBadRequest, ""},
	{errUnavailable, http.StatusServiceUnavailable, ""},
	{index.ErrNotFound, http.StatusNotFound, "not found"},
	{index.ErrInvalidQuery, http.StatusBadRequest, ""},
	{review.ErrConflict, http.StatusConflict, ""},
	{review.ErrForbidden, http.StatusForbidden, ""},
	{review.ErrTransition, http.StatusUnprocessableEntity, ""},
	{review.ErrInvalid, http.StatusBadRequest, ""},
	{review.ErrNotFound, http.StatusNotFound, "not found"},
	{account.ErrRateLimited, http.StatusTooManyRequests, ""},
	{account.ErrTOTPRequired, http.StatusUnauthorized, ""},
	{account.ErrTOTPInvalid, http.StatusBadRequest, ""},
	{account.ErrTOTPNotEnrolling, http.StatusBadRequest, ""},
	{account.ErrInvalidCredentials, http.StatusUnauthorized, "invalid user name or password"},
	{account.ErrWeakPassword, http.StatusBadRequest, ""},
	{account.ErrInvalid, http.StatusBadRequest, ""},
	{account.ErrConflict, http.StatusConflict, ""},
	{account.ErrExists, http.StatusConflict, ""},
	{account.ErrLastAdmin, http.StatusConflict, ""},
	{account.ErrDisabled, http.StatusConflict, ""},
	{account.ErrNotFound, http.StatusNotFound, "not found"},
}

func statusOf(err error) (int, string) {
	for _, row := range errorTable {
		if errors.Is(err, row.kind) {
			if row.msg == "" {
				return row.status, err.Error()
			}
			return row.status, row.msg
		}
	}
	var fe *index.FilterError
	if errors.As(err, &fe) {
		return http.StatusBadRequest, fe.Error()
	}
	return http.StatusInternalServerError, "internal error"
}

// ErrorResponse is the JSON body of every API error.
type ErrorResponse struct {
	Error string `json:"error"`
	// Conflict is set on 409 responses to review actions: the current
	// revision and state, the field-level difference and the events since.
	Conflict *review.ConflictError `json:"conflict,omitempty"`
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", zap.String("path", r.URL.Path), zap.Error(err))
	}
	var rl *account.RateLimitError
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(rl.RetryAfter.Seconds()))))
	}
	resp := ErrorResponse{Error: msg}
	errors.As(err, &resp.Conflict)
	if wantsHTML(r) {
		s.renderErrorConflict(w, r, status, msg, resp.Conflict)
		return
	}
	writeJSON(w, status, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
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
