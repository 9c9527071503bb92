package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.WriteHeader(http.StatusOK)
		case "/readyz":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/moved":
			http.Redirect(w, r, "/healthz", http.StatusFound)
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "healthy", args: []string{srv.URL + "/healthz"}},
		{name: "unavailable", args: []string{srv.URL + "/readyz"}, wantErr: "status 503"},
		{name: "not found", args: []string{srv.URL + "/nope"}, wantErr: "status 404"},
		{name: "redirect is not followed", args: []string{srv.URL + "/moved"}, wantErr: "status 302"},
		{name: "not http", args: []string{"ftp://127.0.0.1/healthz"}, wantErr: "want an http or https URL"},
		{name: "no host", args: []string{"http:///healthz"}, wantErr: "want an http or https URL"},
		{name: "too many arguments", args: []string{"a", "b"}, wantErr: "usage"},
		{name: "connection refused", args: []string{closedURL(t) + "/healthz"}, wantErr: "probe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, http.DefaultTransport)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("run(%q) = %v, want nil", tt.args, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("run(%q) = %v, want an error containing %q", tt.args, err, tt.wantErr)
			}
		})
	}

	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		err := probe(context.Background(), srv.URL+"/slow", 100*time.Millisecond, http.DefaultTransport)
		if err == nil {
			t.Fatal("probe of a slow endpoint succeeded, want a deadline error")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("probe took %v, want it bounded by its timeout", d)
		}
	})
}

// closedURL returns the URL of a server that has stopped listening.
func closedURL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}
