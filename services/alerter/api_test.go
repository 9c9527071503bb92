package alerter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/subscription"
)

// testPrincipal stands in for the authenticator: "admin" is an admin, "ro:"
// and a name a read-only token of that user, "editor" an editor, "" no
// one, any other name a subscriber of that name.
func testPrincipal(who string) (account.Principal, bool) {
	p := account.Principal{User: who, Role: claims.RoleSubscriber, Via: account.ViaSession}
	if name, ok := strings.CutPrefix(who, "ro:"); ok {
		p = account.Principal{User: name, Role: claims.RoleSubscriber, Via: account.ViaToken, ReadOnly: true}
		who = name
	}
	switch who {
	case "":
		return account.Principal{}, false
	case "admin", "editor":
		p.Role = who
	}
	return p, true
}

func call(t *testing.T, h http.Handler, method, path, user string, body any) (int, map[string]any) {
	t.Helper()
	var rd bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&rd).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	req := httptest.NewRequest(method, path, &rd)
	if p, ok := testPrincipal(user); ok {
		req = req.WithContext(account.WithPrincipal(req.Context(), p))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: body %q is not JSON: %v", method, path, rec.Body, err)
		}
	}
	return rec.Code, out
}

func TestSubscriptionsAPI(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{}, recv)
	api := handlerOf(h.svc)
	p := "/api/v1/subscriptions"
	grant(t, api, "porto", "PT-1312", "PT-1308")

	// A subscriber creates its own subscription; the secrets are shown once.
	in := map[string]any{"name": "Porto", "owner": "porto", "localities": []string{"PT-1312"}, "feed": map[string]any{"enabled": true},
		"webhooks": []map[string]any{{"url": recv.srv.URL + "/hook", "enabled": true}}}
	code, out := call(t, api, "POST", p, "porto", in)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, out)
	}
	sub := out["subscription"].(map[string]any)
	id := sub["id"].(string)
	tok := out["feed_token"].(string)
	secrets := out["webhook_secrets"].(map[string]any)
	if len(secrets) != 1 || tok == "" {
		t.Fatalf("create did not return the token and secret: %v", out)
	}
	raw, _ := json.Marshal(sub)
	if bytes.Contains(raw, []byte("whsec_")) || bytes.Contains(raw, []byte("token_hash")) {
		t.Errorf("the subscription view leaks secrets: %s", raw)
	}
	var whID string
	for k, v := range secrets {
		whID = k
		recv.mu.Lock()
		recv.secret = v.(string) // the receiver stores the secret shown once
		recv.mu.Unlock()
	}

	tests := []struct {
		name   string
		method string
		path   string
		user   string
		body   any
		want   int
	}{
		{"another subscriber may not create for porto", "POST", p, "nice", in, http.StatusForbidden},
		{"another subscriber may not read", "GET", p + "/" + id, "nice", nil, http.StatusForbidden},
		{"the owner reads", "GET", p + "/" + id, "porto", nil, http.StatusOK},
		{"an admin reads", "GET", p + "/" + id, "admin", nil, http.StatusOK},
		{"unknown id", "GET", p + "/sub_zzzz", "admin", nil, http.StatusNotFound},
		{"invalid subscription", "POST", p, "porto", map[string]any{"name": "x", "owner": "porto", "localities": []string{"Porto"}}, http.StatusBadRequest},
		{"not JSON", "POST", p, "porto", "[", http.StatusBadRequest},
		{"notices are for admins", "GET", p + "/notices", "porto", nil, http.StatusForbidden},
		{"a subscriber may not follow a locality it was not granted", "POST", p, "porto",
			map[string]any{"name": "Lisboa", "localities": []string{"PT-1106"}}, http.StatusForbidden},
		{"an editor has no subscriptions", "GET", p, "editor", nil, http.StatusForbidden},
		{"anonymous callers must log in", "GET", p, "", nil, http.StatusUnauthorized},
		{"admin reads notices", "GET", p + "/notices", "admin", nil, http.StatusOK},
		{"stale revision", "PUT", p + "/" + id, "porto", map[string]any{"name": "Porto", "localities": []string{"PT-1312"}, "revision": 1e9}, http.StatusConflict},
		{"missing revision", "PUT", p + "/" + id, "porto", map[string]any{"name": "Porto", "localities": []string{"PT-1312"}}, http.StatusBadRequest},
		{"test delivery", "POST", p + "/" + id + "/webhooks/" + whID + "/test", "porto", nil, http.StatusOK},
		{"deliveries", "GET", p + "/" + id + "/deliveries", "porto", nil, http.StatusOK},
		{"alerts", "GET", p + "/" + id + "/alerts", "porto", nil, http.StatusOK},
		{"unknown webhook", "PATCH", p + "/" + id + "/webhooks/whzzz", "porto", map[string]any{"enabled": false}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if code, out := call(t, api, tt.method, tt.path, tt.user, tt.body); code != tt.want {
				t.Errorf("%s %s as %s: %d %v, want %d", tt.method, tt.path, tt.user, code, out, tt.want)
			}
		})
	}
	t.Run("invalid fields are named", func(t *testing.T) {
		_, out := call(t, api, "POST", p, "porto", map[string]any{"name": "x", "owner": "porto", "localities": []string{"Porto"}})
		if fs, _ := out["fields"].([]any); len(fs) != 1 || fs[0].(map[string]any)["field"] != "localities" {
			t.Errorf("fields %v, want localities", out["fields"])
		}
	})
	t.Run("the test delivery is signed and recorded", func(t *testing.T) {
		reqs := recv.requests()
		if len(reqs) != 1 || !reqs[0].Valid || reqs[0].typ(t) != "webhook.test" {
			t.Fatalf("receiver got %+v", reqs)
		}
		_, out := call(t, api, "GET", p+"/"+id+"/deliveries", "porto", nil)
		if ds := out["deliveries"].([]any); len(ds) != 1 || ds[0].(map[string]any)["outcome"] != "delivered" {
			t.Errorf("deliveries %v", out)
		}
	})
	t.Run("update with the current revision", func(t *testing.T) {
		_, cur := call(t, api, "GET", p+"/"+id, "porto", nil)
		code, out := call(t, api, "PUT", p+"/"+id, "porto", map[string]any{"name": "Porto (Câmara)", "localities": []string{"PT-1312", "PT-1308"},
			"min_severity": 3, "triggers": []string{"flagged", "verdict"}, "revision": cur["revision"]})
		if code != http.StatusOK || out["name"] != "Porto (Câmara)" || out["min_severity"] != float64(3) {
			t.Fatalf("update: %d %v", code, out)
		}
		got, err := h.svc.Subscriptions().Get(t.Context(), id)
		if err != nil || len(got.Webhooks) != 1 || len(got.Webhooks[0].Secrets) != 1 || got.Feed.TokenHash == "" {
			t.Errorf("update lost channel secrets: %+v %v", got, err)
		}
	})
	t.Run("token rotation and revocation", func(t *testing.T) {
		feed := func(tok string) int {
			code, _, _ := h.getFeed("/feeds/alerts/" + id + ".atom?token=" + tok)
			return code
		}
		if c := feed(tok); c != http.StatusOK {
			t.Fatalf("feed with the issued token: %d", c)
		}
		if c := feed("ft_wrong"); c != http.StatusNotFound {
			t.Errorf("feed with a wrong token: %d, want 404", c)
		}
		_, out := call(t, api, "POST", p+"/"+id+"/feed/token", "porto", nil)
		tok2 := out["feed_token"].(string)
		if !strings.Contains(out["feed"].(map[string]any)["atom"].(string), tok2) {
			t.Errorf("feed links %v lack the new token", out["feed"])
		}
		if feed(tok) != http.StatusNotFound || feed(tok2) != http.StatusOK {
			t.Errorf("after rotation: old %d, new %d; want 404, 200", feed(tok), feed(tok2))
		}
		call(t, api, "DELETE", p+"/"+id+"/feed/token", "porto", nil)
		if c := feed(tok2); c != http.StatusNotFound {
			t.Errorf("after revocation: %d, want 404", c)
		}
	})
	t.Run("secret rotation signs with both", func(t *testing.T) {
		_, out := call(t, api, "POST", p+"/"+id+"/webhooks/"+whID+"/secret", "porto", nil)
		newSec := out["secret"].(string)
		got, _ := h.svc.Subscriptions().Get(t.Context(), id)
		if s := got.Webhooks[0].Secrets; len(s) != 2 || s[0] != newSec || s[1] != recv.secret {
			t.Fatalf("secrets after rotation %v", s)
		}
		call(t, api, "POST", p+"/"+id+"/webhooks/"+whID+"/test", "porto", nil)
		if reqs := recv.requests(); len(reqs) != 2 || !reqs[1].Valid || len(strings.Fields(reqs[1].Header.Get("webhook-signature"))) != 2 {
			t.Errorf("delivery during rotation: %+v", reqs[len(reqs)-1].Header)
		}
		call(t, api, "DELETE", p+"/"+id+"/webhooks/"+whID+"/secret/previous", "porto", nil)
		got, _ = h.svc.Subscriptions().Get(t.Context(), id)
		if s := got.Webhooks[0].Secrets; len(s) != 1 || s[0] != newSec {
			t.Errorf("secrets after finishing the rotation %v", s)
		}
	})
	t.Run("re-enabling clears a disabled health", func(t *testing.T) {
		_, err := h.svc.Subscriptions().Modify(t.Context(), id, func(s *subscription.Subscription) error {
			s.Webhooks[0].Health.Disabled, s.Webhooks[0].Health.DisabledReason = true, "test"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		code, out := call(t, api, "PATCH", p+"/"+id+"/webhooks/"+whID, "porto", map[string]any{"enabled": true})
		got, _ := h.svc.Subscriptions().Get(t.Context(), id)
		if code != http.StatusOK || !got.Webhooks[0].Active() {
			t.Errorf("patch: %d %v; webhook %+v", code, out, got.Webhooks[0])
		}
	})
	t.Run("list shows only one's own", func(t *testing.T) {
		if _, err := h.svc.Subscriptions().Create(t.Context(), subscription.Subscription{Name: "Nice", Owner: "nice",
			Localities: []string{"FR-06088"}}); err != nil {
			t.Fatal(err)
		}
		_, mine := call(t, api, "GET", p, "porto", nil)
		_, all := call(t, api, "GET", p, "admin", nil)
		if len(mine["subscriptions"].([]any)) != 1 || len(all["subscriptions"].([]any)) != 2 {
			t.Errorf("porto sees %v; admin sees %v", mine, all)
		}
	})
	t.Run("delete", func(t *testing.T) {
		if code, _ := call(t, api, "DELETE", p+"/"+id, "porto", nil); code != http.StatusNoContent {
			t.Errorf("delete: %d", code)
		}
		if code, _ := call(t, api, "GET", p+"/"+id, "porto", nil); code != http.StatusNotFound {
			t.Errorf("get after delete: %d", code)
		}
	})
}

// grant makes an admin grant owner the localities.
func grant(t *testing.T, api http.Handler, owner string, localities ...string) {
	t.Helper()
	if code, out := call(t, api, "PUT", "/api/v1/grants/"+owner, "admin", map[string]any{"localities": localities}); code != http.StatusOK {
		t.Fatalf("grant %s %v: %d %v", owner, localities, code, out)
	}
}

// TestReadOnlyTokensChangeNothing: a read-only token reads (its own
// subscriptions, or all for an admin's) and gets 403 on every route that
// changes something; a subscriber cannot add a locality it was not granted;
// the per-owner limits answer a clear error.
func TestReadOnlyTokensChangeNothing(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	api := handlerOf(h.svc)
	grant(t, api, "porto", "PT-1312")
	code, out := call(t, api, "POST", "/api/v1/subscriptions", "porto", map[string]any{"name": "Porto", "localities": []string{"PT-1312"},
		"feed": map[string]any{"enabled": true}, "webhooks": []map[string]any{{"url": "https://hooks.example.org/x", "enabled": true}}})
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, out)
	}
	id := out["subscription"].(map[string]any)["id"].(string)
	var wid string
	for k := range out["webhook_secrets"].(map[string]any) {
		wid = k
	}
	fill := strings.NewReplacer("{id}", id, "{wid}", wid, "{owner}", "porto")
	changes := 0
	for _, r := range h.svc.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		if !strings.HasPrefix(path, "/api/") {
			continue
		}
		path = fill.Replace(path)
		body := map[string]any{"name": "x", "localities": []string{"PT-1312"}, "revision": 1, "url": "https://a.example.org"}
		for _, who := range []string{"ro:porto", "ro:admin"} {
			code, out := call(t, api, method, path, who, body)
			switch {
			case method != http.MethodGet && code != http.StatusForbidden:
				t.Errorf("%s %s with a read-only token of %s: %d %v, want 403", method, path, who, code, out)
			case method == http.MethodGet && who == "ro:admin" && code != http.StatusOK:
				t.Errorf("%s %s with an admin's read-only token: %d %v, want 200", method, path, code, out)
			}
		}
		if method != http.MethodGet {
			changes++
		}
	}
	if changes < 10 {
		t.Fatalf("only %d change routes tried", changes)
	}
	got, err := h.svc.Subscriptions().Get(t.Context(), id)
	if err != nil || got.Name != "Porto" || len(got.Webhooks) != 1 || !got.Feed.Enabled {
		t.Errorf("read-only calls changed the subscription: %+v %v", got, err)
	}

	t.Run("ungranted locality", func(t *testing.T) {
		_, cur := call(t, api, "GET", "/api/v1/subscriptions/"+id, "porto", nil)
		code, out := call(t, api, "PUT", "/api/v1/subscriptions/"+id, "porto", map[string]any{"name": "Porto",
			"localities": []string{"PT-1312", "FR-75056"}, "revision": cur["revision"]})
		if code != http.StatusForbidden || !strings.Contains(fmt.Sprint(out["error"]), "FR-75056") {
			t.Errorf("adding an ungranted locality: %d %v, want 403 naming FR-75056", code, out)
		}
		code, out = call(t, api, "POST", "/api/v1/subscriptions", "porto", map[string]any{"name": "Paris", "owner": "porto",
			"localities": []string{"FR-75056"}})
		if code != http.StatusForbidden {
			t.Errorf("creating with an ungranted locality: %d %v, want 403", code, out)
		}
		code, out = call(t, api, "PUT", "/api/v1/grants/porto", "porto", map[string]any{"localities": []string{"FR-75056"}})
		if code != http.StatusForbidden {
			t.Errorf("a subscriber granting itself: %d %v, want 403", code, out)
		}
		if code, out := call(t, api, "GET", "/api/v1/grants/porto", "porto", nil); code != http.StatusOK ||
			fmt.Sprint(out["localities"]) != "[PT-1312]" {
			t.Errorf("a subscriber reads its grant: %d %v", code, out)
		}
		if code, _ := call(t, api, "GET", "/api/v1/grants/nice", "porto", nil); code != http.StatusForbidden {
			t.Errorf("a subscriber reads another's grant: %d, want 403", code)
		}
	})
	t.Run("subscription limit", func(t *testing.T) {
		if code, out := call(t, api, "PUT", "/api/v1/grants/lisboa", "admin",
			map[string]any{"localities": []string{"PT-1106"}, "max_subscriptions": 2}); code != http.StatusOK {
			t.Fatalf("grant: %d %v", code, out)
		}
		for i := range 2 {
			if code, out := call(t, api, "POST", "/api/v1/subscriptions", "lisboa",
				map[string]any{"name": fmt.Sprint("L", i), "localities": []string{"PT-1106"}}); code != http.StatusCreated {
				t.Fatalf("create %d: %d %v", i, code, out)
			}
		}
		code, out := call(t, api, "POST", "/api/v1/subscriptions", "lisboa", map[string]any{"name": "L3", "localities": []string{"PT-1106"}})
		if code != http.StatusConflict || !strings.Contains(fmt.Sprint(out["error"]), "already has 2 subscriptions") {
			t.Errorf("over the limit: %d %v, want 409 with a clear message", code, out)
		}
	})
	t.Run("webhook limit", func(t *testing.T) {
		grant(t, api, "braga", "PT-0303")
		ids := []string{}
		for i := range 5 {
			hooks := []map[string]any{}
			for j := range 4 {
				hooks = append(hooks, map[string]any{"url": fmt.Sprintf("https://h%d-%d.example.org", i, j), "enabled": true})
			}
			code, out := call(t, api, "POST", "/api/v1/subscriptions", "braga",
				map[string]any{"name": fmt.Sprint("B", i), "localities": []string{"PT-0303"}, "webhooks": hooks})
			if code != http.StatusCreated {
				t.Fatalf("create %d: %d %v", i, code, out)
			}
			ids = append(ids, out["subscription"].(map[string]any)["id"].(string))
		}
		code, out := call(t, api, "POST", "/api/v1/subscriptions/"+ids[0]+"/webhooks", "braga", map[string]any{"url": "https://one-more.example.org"})
		if code != http.StatusConflict || !strings.Contains(fmt.Sprint(out["error"]), "at most 20") {
			t.Errorf("21st webhook: %d %v, want 409 with a clear message", code, out)
		}
	})
}

func TestFeedConditionalGet(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	sub, tok := h.subscribe("Paris", []string{paris}, nil, true)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	bustest.Eventually(t, 10*time.Second, "the alert", func() bool { return len(h.alerts(sub.ID)) == 1 })
	path := fmt.Sprintf("/feeds/alerts/%s.json?token=%s", sub.ID, tok)
	code, hdr, _ := h.getFeed(path)
	if code != http.StatusOK || hdr.Get("ETag") == "" {
		t.Fatalf("feed: %d %v", code, hdr)
	}
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("If-None-Match", hdr.Get("ETag"))
	rec := httptest.NewRecorder()
	handlerOf(h.svc).ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("conditional GET: %d, want 304", rec.Code)
	}
	for _, bad := range []string{"/feeds/alerts/" + sub.ID + ".rss?token=" + tok, "/feeds/alerts/nope.atom?token=" + tok} {
		if code, _, _ := h.getFeed(bad); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, code)
		}
	}
}

// TestRouteDeclarations checks the alerter's declarations: the private
// feeds are public to the policy (the token in the URL is the credential);
// the subscriptions API is for admins and subscribers (their own), grants
// and notices are for admins.
func TestRouteDeclarations(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	p := account.NewPolicy(h.svc.Routes()...)
	for _, r := range h.svc.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		public := strings.HasPrefix(path, "/feeds/")
		if got := p.Refusal(method, path, account.RoleAnonymous); public != (got == 0) {
			t.Errorf("%s: anonymous refusal %d; public %v", r.Pattern, got, public)
		}
		if !public && p.Refusal(method, path, claims.RoleEditor) != http.StatusForbidden {
			t.Errorf("%s: an editor is let through", r.Pattern)
		}
	}
	if code, _ := call(t, h.svc.Handler(p), "GET", "/api/v1/subscriptions/notices", "porto", nil); code != http.StatusForbidden {
		t.Errorf("a subscriber reads notices: %d, want 403", code)
	}
}
