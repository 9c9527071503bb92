package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestSubscriptionsAPIPolicy is done-when 5 through the served process and
// real API tokens: a read-only token of the subscriber (and of an admin)
// gets 403 on every route of the subscriptions API that changes something;
// a subscriber cannot add a locality it was not granted, nor act on
// another's subscription; the per-owner limit answers a clear error.
func TestSubscriptionsAPIPolicy(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, t.TempDir())
	a := apptest.Start(t, cfg, app.Options{})
	ctx := t.Context()
	base := "http://" + a.HTTPAddr()
	st := a.Accounts()
	for _, u := range []account.NewUser{
		{Name: "porto", Role: claims.RoleSubscriber, Locality: "PT-1312", Password: "a long enough password"},
		{Name: "braga", Role: claims.RoleSubscriber, Locality: "PT-0303", Password: "a long enough password"},
	} {
		if _, err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	token := func(user, scope string) string {
		tok, _, err := st.CreateToken(ctx, user, "test-"+scope, scope)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	porto, portoRO, adminRO, braga := token("porto", account.ScopeFull), token("porto", account.ScopeRead),
		token("admin", account.ScopeRead), token("braga", account.ScopeFull)
	call := func(tok, method, path string, body any) (int, map[string]any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	code, out := call(porto, "POST", "/api/v1/subscriptions", map[string]any{"name": "Porto", "localities": []string{"PT-1312"},
		"feed": map[string]any{"enabled": true}, "webhooks": []map[string]any{{"url": "https://hooks.example.org/porto", "enabled": true}}})
	if code != http.StatusCreated {
		t.Fatalf("the subscriber subscribes to its own locality: %d %v", code, out)
	}
	id := out["subscription"].(map[string]any)["id"].(string)
	var wid string
	for k := range out["webhook_secrets"].(map[string]any) {
		wid = k
	}
	changes := []struct{ method, path string }{
		{"POST", "/api/v1/subscriptions"}, {"PUT", "/api/v1/subscriptions/" + id}, {"DELETE", "/api/v1/subscriptions/" + id},
		{"POST", "/api/v1/subscriptions/" + id + "/feed/token"}, {"DELETE", "/api/v1/subscriptions/" + id + "/feed/token"},
		{"POST", "/api/v1/subscriptions/" + id + "/webhooks"}, {"PATCH", "/api/v1/subscriptions/" + id + "/webhooks/" + wid},
		{"DELETE", "/api/v1/subscriptions/" + id + "/webhooks/" + wid}, {"POST", "/api/v1/subscriptions/" + id + "/webhooks/" + wid + "/secret"},
		{"DELETE", "/api/v1/subscriptions/" + id + "/webhooks/" + wid + "/secret/previous"},
		{"POST", "/api/v1/subscriptions/" + id + "/webhooks/" + wid + "/test"}, {"PUT", "/api/v1/grants/porto"},
	}
	body := map[string]any{"name": "x", "localities": []string{"PT-1312"}, "revision": 1, "url": "https://a.example.org"}
	for _, c := range changes {
		for name, tok := range map[string]string{"the subscriber's read-only token": portoRO, "an admin's read-only token": adminRO} {
			if code, out := call(tok, c.method, c.path, body); code != http.StatusForbidden {
				t.Errorf("%s %s with %s: %d %v, want 403", c.method, c.path, name, code, out)
			}
		}
	}
	if code, _ := call(portoRO, "GET", "/api/v1/subscriptions/"+id, nil); code != http.StatusOK {
		t.Errorf("a read-only token reads: %d", code)
	}
	if code, _ := call(braga, "GET", "/api/v1/subscriptions/"+id, nil); code != http.StatusForbidden {
		t.Errorf("another subscriber reads Porto's subscription: %d, want 403", code)
	}
	code, out = call(porto, "POST", "/api/v1/subscriptions", map[string]any{"name": "Lisboa", "localities": []string{"PT-1106"}})
	if code != http.StatusForbidden || !strings.Contains(out["error"].(string), "PT-1106") {
		t.Errorf("an ungranted locality: %d %v, want 403 naming it", code, out)
	}
	for i := range 9 {
		if code, out := call(porto, "POST", "/api/v1/subscriptions", map[string]any{"name": "P", "localities": []string{"PT-1312"}}); code != http.StatusCreated {
			t.Fatalf("subscription %d: %d %v", i+2, code, out)
		}
	}
	code, out = call(porto, "POST", "/api/v1/subscriptions", map[string]any{"name": "P11", "localities": []string{"PT-1312"}})
	if code != http.StatusConflict || !strings.Contains(out["error"].(string), "already has 10 subscriptions, the most allowed") {
		t.Errorf("the 11th subscription: %d %v, want 409 with a clear message", code, out)
	}
}
