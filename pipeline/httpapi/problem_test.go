package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"vigie/pipeline/account"
	"vigie/pipeline/disk"
	"vigie/pipeline/index"
	"vigie/pipeline/review"
	"vigie/pipeline/subscription"
)

func TestProblemOf(t *testing.T) {
	t.Parallel()
	conflict := &review.ConflictError{ClaimID: "c1", Seen: 3, Revision: 4}
	fields := []subscription.FieldError{{Field: "name", Message: "is required"}}
	tests := []struct {
		name string
		err  error
		want Problem
	}{
		{"unknown is internal", errors.New("disk on fire"), Problem{Status: 500, Body: ErrorBody{Error: "internal error"}}},
		{"bad request shows its message", Errorf(ErrBadRequest, "limit %q: want 1 to 200", "x"), Problem{Status: 400, Body: ErrorBody{Error: `limit "x": want 1 to 200`}}},
		{"user message with what wraps it", fmt.Errorf("search: %w", Errorf(ErrUnavailable, "not available in this process")), Problem{Status: 503, Body: ErrorBody{Error: "search: not available in this process"}}},
		{"wrapped sentinel shows the whole message", fmt.Errorf("page %q: %w", "x", ErrBadRequest), Problem{Status: 400, Body: ErrorBody{Error: `page "x": bad request`}}},
		{"user message over a fixed one", Errorf(review.ErrNotFound, "verdict not found"), Problem{Status: 404, Body: ErrorBody{Error: "verdict not found"}}},
		{"user message over a fixed one, wrapped", fmt.Errorf("tip not stored: %w", Errorf(disk.ErrLow, "storage nearly full")), Problem{Status: 507, Body: ErrorBody{Error: "tip not stored: storage nearly full"}}},
		{"unknown kind in Errorf is internal", Errorf(errors.New("x"), "secret detail"), Problem{Status: 500, Body: ErrorBody{Error: "internal error"}}},
		{"unauthorized", Errorf(ErrUnauthorized, "invalid webhook signature"), Problem{Status: 401, Body: ErrorBody{Error: "invalid webhook signature"}}},
		{"forbidden", Errorf(ErrForbidden, "not allowed"), Problem{Status: 403, Body: ErrorBody{Error: "not allowed"}}},
		{"method", Errorf(ErrMethodNotAllowed, "method not allowed: use POST"), Problem{Status: 405, Body: ErrorBody{Error: "method not allowed: use POST"}}},
		{"too large", Errorf(ErrTooLarge, "body larger than 10 bytes"), Problem{Status: 413, Body: ErrorBody{Error: "body larger than 10 bytes"}}},
		{"unavailable", Errorf(ErrUnavailable, "not available in this process"), Problem{Status: 503, Body: ErrorBody{Error: "not available in this process"}}},
		{"field at fault", &FieldError{Field: "text", Message: "text is required"}, Problem{Status: 400, Body: ErrorBody{Error: "text is required", Field: "text"}}},
		{"index not found hides the id", fmt.Errorf("claim c9: %w", index.ErrNotFound), Problem{Status: 404, Body: ErrorBody{Error: "not found"}}},
		{"filter error", &index.FilterError{Column: 3, Msg: "unknown field"}, Problem{Status: 400, Body: ErrorBody{Error: "index: filter: column 3: unknown field"}}},
		{"review conflict carries the revision", fmt.Errorf("assign: %w", conflict), Problem{Status: 409, Body: ErrorBody{Error: "assign: " + conflict.Error(), Conflict: conflict}}},
		{"review transition", fmt.Errorf("%w: dismiss from published", review.ErrTransition), Problem{Status: 422, Body: ErrorBody{Error: "transition not allowed: dismiss from published"}}},
		{"review not found", fmt.Errorf("claim c1: %w", review.ErrNotFound), Problem{Status: 404, Body: ErrorBody{Error: "not found"}}},
		{"rate limited", &account.RateLimitError{RetryAfter: 1500 * time.Millisecond, Key: "user"}, Problem{Status: 429, Body: ErrorBody{Error: "too many login attempts: try again in 1 s"}, RetryAfter: 1500 * time.Millisecond}},
		{"bad credentials", fmt.Errorf("login fanny: %w", account.ErrInvalidCredentials), Problem{Status: 401, Body: ErrorBody{Error: "invalid user name or password"}}},
		{"last admin", fmt.Errorf("disable root: %w", account.ErrLastAdmin), Problem{Status: 409, Body: ErrorBody{Error: "disable root: it is the last enabled admin"}}},
		{"invalid subscription lists its fields", &subscription.ValidationError{Fields: fields}, Problem{Status: 400, Body: ErrorBody{Error: "the subscription is not valid", Fields: fields}}},
		{"subscription not found", fmt.Errorf("get sub_x: %w", subscription.ErrNotFound), Problem{Status: 404, Body: ErrorBody{Error: "no such subscription or webhook"}}},
		{"subscription conflict", subscription.ErrConflict, Problem{Status: 409, Body: ErrorBody{Error: "the subscription changed since you read it: read it again"}}},
		{"disk nearly full", fmt.Errorf("store tip: %w", disk.ErrLow), Problem{Status: 507, Body: ErrorBody{Error: "the server's storage is nearly full, retry later"}}},
		{"cancelled", fmt.Errorf("read verdict: %w", context.Canceled), Problem{Status: 503, Body: ErrorBody{Error: "request cancelled or timed out"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ProblemOf(tt.err); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ProblemOf(%v) = %+v, want %+v", tt.err, got, tt.want)
			}
		})
	}
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantBody   string
		wantRetry  string
		wantLogged bool
	}{
		{"client error, not logged", Errorf(ErrBadRequest, "no"), 400, `{"error":"no"}`, "", false},
		{"server error, logged", errors.New("boom"), 500, `{"error":"internal error"}`, "", true},
		{"rate limit sets Retry-After in whole seconds", &account.RateLimitError{RetryAfter: 1100 * time.Millisecond}, 429, `{"error":"too many login attempts: try again in 1 s"}`, "2", false},
		{"conflict body", &review.ConflictError{ClaimID: "c1", Seen: 1, Revision: 2}, 409, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			core, logs := observer.New(zap.ErrorLevel)
			rec := httptest.NewRecorder()
			WriteError(rec, httptest.NewRequest("GET", "/api/v1/x", nil), zap.New(core), tt.err)
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if ct := rec.Header().Get("Content-Type"); ct != ContentTypeJSON {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.wantRetry {
				t.Errorf("Retry-After %q, want %q", got, tt.wantRetry)
			}
			var body map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body["error"] == "" {
				t.Fatalf("body %s: %v", rec.Body, err)
			}
			if tt.wantBody != "" && rec.Body.String() != tt.wantBody+"\n" {
				t.Errorf("body %s, want %s", rec.Body, tt.wantBody)
			}
			if logged := logs.Len() > 0; logged != tt.wantLogged {
				t.Errorf("logged %v, want %v", logged, tt.wantLogged)
			}
			if logs.Len() > 0 && logs.All()[0].ContextMap()["path"] != "/api/v1/x" {
				t.Errorf("log fields %v", logs.All()[0].ContextMap())
			}
		})
	}
	t.Run("nil logger", func(t *testing.T) {
		rec := httptest.NewRecorder()
		if p := WriteError(rec, httptest.NewRequest("GET", "/", nil), nil, errors.New("x")); p.Status != http.StatusInternalServerError {
			t.Errorf("status %d", p.Status)
		}
	})
}

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	WriteJSON(rec, http.StatusAccepted, map[string]string{"id": "<tip>"})
	if rec.Code != http.StatusAccepted || rec.Header().Get("Content-Type") != ContentTypeJSON || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	if got := rec.Body.String(); got != `{"id":"\u003ctip\u003e"}`+"\n" {
		t.Errorf("body %q: want HTML-escaped JSON and a newline", got)
	}
}

func TestDeny(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		reason    string
		wantChall bool
	}{
		{"unauthorised asks for a bearer token", http.StatusUnauthorized, "unknown or revoked api token", true},
		{"forbidden", http.StatusForbidden, "read-only api token", false},
		{"unavailable", http.StatusServiceUnavailable, "authentication unavailable", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Deny(rec, httptest.NewRequest("GET", "/api/v1/claims", nil), tt.status, tt.reason)
			var body ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error != tt.reason || rec.Code != tt.status {
				t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
			}
			if got := rec.Header().Get("WWW-Authenticate") != ""; got != tt.wantChall {
				t.Errorf("WWW-Authenticate set %v, want %v", got, tt.wantChall)
			}
		})
	}
}
