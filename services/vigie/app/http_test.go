package app_test

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigie/pipeline/account"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestServedRoutes sends a request to a route of each service through the
// process's front mux: each is answered by the service that declares it,
// under the policy built from the declarations (a method a route does not
// take is that service's 405, an anonymous call to a protected route a 401
// in JSON, a bad API token a 401 in JSON), and the demo's exception
// (Options.Policy) opens the claims list to anonymous callers.
func TestServedRoutes(t *testing.T) {
	t.Parallel()
	open := func(p *account.Policy) { p.Allow("GET /api/v1/verdicts/{id}", account.RoleAnonymous) }
	cfg := apptest.Config(t, t.TempDir())
	cfg.Intake.SecretFile = filepath.Join(t.TempDir(), "intake.secret")
	if err := os.WriteFile(cfg.Intake.SecretFile, []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := apptest.Start(t, cfg, app.Options{Policy: open})
	tests := []struct {
		name, method, path, token string
		want                      int
		wantJSON                  bool
	}{
		{"metrics", "GET", "/metrics", "", http.StatusOK, false},
		{"health", "GET", "/healthz", "", http.StatusOK, true},
		{"public verdict list", "GET", "/verdicts", "", http.StatusOK, false},
		{"public API, method not taken", "DELETE", "/api/v1/verdicts/public", "", http.StatusMethodNotAllowed, false},
		{"alert feed without its token", "GET", "/feeds/alerts/sub_nope.atom", "", http.StatusNotFound, false},
		{"subscriptions API, anonymous", "GET", "/api/v1/subscriptions/notices", "", http.StatusUnauthorized, true},
		{"intake takes POST only", "GET", "/api/v1/intake", "", http.StatusMethodNotAllowed, true},
		{"claims, anonymous", "GET", "/api/v1/claims", "", http.StatusUnauthorized, true},
		{"claims, bad token", "GET", "/api/v1/claims", "vig_nope", http.StatusUnauthorized, true},
		{"exception made by Options.Policy", "GET", "/api/v1/verdicts/nope", "", http.StatusNotFound, true},
		{"undeclared path", "GET", "/api/v1/settings", "", http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, "http://"+a.HTTPAddr()+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("%s %s: %d, want %d: %s", tt.method, tt.path, resp.StatusCode, tt.want, body)
			}
			mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
			if tt.wantJSON && (mt != "application/json" || !json.Valid(body)) {
				t.Fatalf("%s %s: %s %q, want JSON", tt.method, tt.path, mt, body)
			}
			if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a Bearer challenge")
			}
		})
	}
}
