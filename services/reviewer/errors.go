package reviewer

import (
	"encoding/json"
	"errors"
	"net/http"

	"go.uber.org/zap"

	"vigie/pipeline/index"
)

// errBadRequest marks a client error; its message is shown to the client.
var errBadRequest = errors.New("bad request")

// badRequest wraps a user-facing message as a client error.
func badRequest(msg string) error { return &userError{kind: errBadRequest, msg: msg} }

type userError struct {
	kind error
	msg  string
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.kind }

// errorTable maps error kinds to an HTTP status and a user message; the
// one place where errors become responses.
var errorTable = []struct {
	kind   error
	status int
	msg    string // empty: the error's own message
}{
	{errBadRequest, http.StatusBadRequest, ""},
	{index.ErrNotFound, http.StatusNotFound, "not found"},
	{index.ErrInvalidQuery, http.StatusBadRequest, ""},
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

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := statusOf(err)
	if status >= 500 {
		s.log.Error("request failed", zap.String("path", r.URL.Path), zap.Error(err))
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}
