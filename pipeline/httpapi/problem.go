package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/pipeline/disk"
	"vigie/pipeline/index"
	"vigie/pipeline/retry"
	"vigie/pipeline/review"
	"vigie/pipeline/subscription"
)

// Kinds of error a handler raises itself (with Errorf), beside the domain
// errors the table knows.
var (
	// ErrBadRequest: the request is malformed (400).
	ErrBadRequest = errors.New("bad request")
	// ErrUnauthorized: no or bad credential (401).
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the caller may not do this (403).
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound: nothing there (404).
	ErrNotFound = errors.New("not found")
	// ErrMethodNotAllowed: the route takes another method (405).
	ErrMethodNotAllowed = errors.New("method not allowed")
	// ErrTooLarge: the request body is over its limit (413).
	ErrTooLarge = errors.New("request too large")
	// ErrUnavailable: a dependency is down or absent from this process (503).
	ErrUnavailable = errors.New("unavailable")
)

// Errorf returns an error of kind (one of the kinds above or a domain error
// of the table) whose message is meant for the user who made the request:
// the response shows it (with what wraps it) even where the table has a
// fixed message for kind. Wrapped errors (%w) are kept for errors.Is and
// errors.As.
func Errorf(kind error, format string, args ...any) error {
	return &userError{kind: kind, err: fmt.Errorf(format, args...)}
}

type userError struct {
	kind error
	err  error
}

func (e *userError) Error() string   { return e.err.Error() }
func (e *userError) Unwrap() []error { return []error{e.kind, e.err} }
func (e *userError) forUser()        {}

// forUser marks the errors whose message is meant for the user.
type forUser interface{ forUser() }

// FieldError is a bad request naming the one field (or header) at fault.
type FieldError struct {
	// Field is the JSON field or header at fault; empty when the body as a
	// whole is wrong.
	Field string
	// Message says what is wrong, for the user.
	Message string
}

// Error returns the message.
func (e *FieldError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrBadRequest) true.
func (e *FieldError) Is(target error) bool { return target == ErrBadRequest }

func (e *FieldError) forUser() {}

// ErrorBody is the JSON body of every error response: {"error": message},
// plus what the error carries.
type ErrorBody struct {
	// Error is the message for the user.
	Error string `json:"error"`
	// Field names the one field at fault (a FieldError).
	Field string `json:"field,omitempty"`
	// Fields lists every invalid field of a subscription.
	Fields []subscription.FieldError `json:"fields,omitempty"`
	// Conflict is set on 409 answers to review actions: the current
	// revision and state, the field-level difference and the events since.
	Conflict *review.ConflictError `json:"conflict,omitempty"`
}

// Problem is an error as a response shows it.
type Problem struct {
	// Status is the HTTP status.
	Status int
	// Body is the JSON body.
	Body ErrorBody
	// RetryAfter, when positive, goes in the Retry-After header.
	RetryAfter time.Duration
}

// row is one line of the table: errors of kind answer status with msg
// ("" for the error's own message, meant for the user).
type row struct {
	kind   error
	status int
	msg    string
}

// table maps error kinds to a status and the message a user sees; the one
// place where errors become responses. The first row that matches wins.
var table = []row{
	// Kinds a handler raises itself.
	{ErrBadRequest, http.StatusBadRequest, ""},
	{ErrUnauthorized, http.StatusUnauthorized, ""},
	{ErrForbidden, http.StatusForbidden, ""},
	{ErrNotFound, http.StatusNotFound, ""},
	{ErrMethodNotAllowed, http.StatusMethodNotAllowed, ""},
	{ErrTooLarge, http.StatusRequestEntityTooLarge, ""},
	{ErrUnavailable, http.StatusServiceUnavailable, ""},
	// The search index.
	{index.ErrNotFound, http.StatusNotFound, "not found"},
	{index.ErrInvalidQuery, http.StatusBadRequest, ""},
	// Review actions.
	{review.ErrConflict, http.StatusConflict, ""},
	{review.ErrForbidden, http.StatusForbidden, ""},
	{review.ErrTransition, http.StatusUnprocessableEntity, ""},
	{review.ErrInvalid, http.StatusBadRequest, ""},
	{review.ErrNotFound, http.StatusNotFound, "not found"},
	// Accounts.
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
	// Subscriptions.
	{subscription.ErrInvalid, http.StatusBadRequest, "the subscription is not valid"},
	{subscription.ErrNotFound, http.StatusNotFound, "no such subscription or webhook"},
	{subscription.ErrConflict, http.StatusConflict, "the subscription changed since you read it: read it again"},
	{subscription.ErrExists, http.StatusConflict, "a subscription with this id exists"},
	{subscription.ErrNotGranted, http.StatusForbidden, ""},
	{subscription.ErrLimit, http.StatusConflict, ""},
	// The data folder and the request's own end.
	{disk.ErrLow, http.StatusInsufficientStorage, "the server's storage is nearly full, retry later"},
	{context.Canceled, http.StatusServiceUnavailable, "request cancelled or timed out"},
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "request cancelled or timed out"},
}

// ProblemOf returns the response err calls for, by the table. An error of
// no kind in the table is a 500 "internal error"; an error made by Errorf
// (or a FieldError), even wrapped, shows its own message.
func ProblemOf(err error) Problem {
	p := Problem{Status: http.StatusInternalServerError, Body: ErrorBody{Error: "internal error"}}
	for _, r := range table {
		if errors.Is(err, r.kind) {
			p.Status, p.Body.Error = r.status, r.msg
			if r.msg == "" {
				p.Body.Error = err.Error()
			}
			break
		}
	}
	if fe := (*index.FilterError)(nil); p.Status == http.StatusInternalServerError && errors.As(err, &fe) {
		p.Status, p.Body.Error = http.StatusBadRequest, fe.Error()
	}
	if fu := forUser(nil); p.Status != http.StatusInternalServerError && errors.As(err, &fu) {
		p.Body.Error = err.Error()
	}
	if fe := (*FieldError)(nil); errors.As(err, &fe) {
		p.Body.Field = fe.Field
	}
	if ve := (*subscription.ValidationError)(nil); errors.As(err, &ve) {
		p.Body.Fields = ve.Fields
	}
	errors.As(err, &p.Body.Conflict)
	if rl := (*account.RateLimitError)(nil); errors.As(err, &rl) {
		p.RetryAfter = rl.RetryAfter
	}
	return p
}

// WriteProblem answers with p: its Retry-After, status and JSON body.
func WriteProblem(w http.ResponseWriter, p Problem) {
	if p.RetryAfter > 0 {
		w.Header().Set("Retry-After", retry.FormatAfter(p.RetryAfter))
	}
	WriteJSON(w, p.Status, p.Body)
}

// WriteError answers with the response err calls for (ProblemOf) and logs
// the errors that are the server's fault (5xx) with the request's path. It
// returns the problem written.
func WriteError(w http.ResponseWriter, r *http.Request, log *zap.Logger, err error) Problem {
	p := ProblemOf(err)
	if p.Status >= 500 && log != nil {
		log.Error("request failed", zap.String("path", r.URL.Path), zap.Int("status", p.Status), zap.Error(err))
	}
	WriteProblem(w, p)
	return p
}
