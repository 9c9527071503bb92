package reviewer

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMatcherModelSwitch: an admin sees the model in use on the admin page,
// switches to a newsroom's model through the API (a model file's content),
// sees it named with who chose it, and switches back from the page in one
// click; a file that is not a model is a 400.
func TestMatcherModelSwitch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	admin := e.browser(t)
	admin.login("u-admin")
	_, page := admin.req("GET", "/admin", nil)
	must(t, page, `id="matcher-model" data-source="shipped" data-shipped="true"`, "the shipped model")
	if strings.Contains(page, `id="model-use-shipped"`) {
		t.Error("the shipped model in use offers to switch to itself")
	}

	raw, err := os.ReadFile(filepath.Join("..", "..", "claims", "eval", "testdata", "newsroom-model.json"))
	if err != nil {
		t.Fatal(err)
	}
	status, body := e.do("admin", "POST", "/api/v1/matcher/model", ModelRequest{Source: "newsroom-model.json", Model: raw})
	var v ModelView
	if status != http.StatusOK || json.Unmarshal(body, &v) != nil || v.Source != "newsroom-model.json" || v.Shipped || v.By != "u-admin" ||
		v.Previous == nil || !v.Previous.Shipped {
		t.Fatalf("switch: %d %s", status, body)
	}
	if status, body := e.do("admin", "POST", "/api/v1/matcher/model", ModelRequest{Source: "x.json", Model: json.RawMessage(`{"weights":[]}`)}); status != http.StatusBadRequest {
		t.Errorf("a file that is not a model: %d %s", status, body)
	}
	_, page = admin.req("GET", "/admin", nil)
	must(t, page, `id="matcher-model" data-source="newsroom-model.json" data-shipped="false"`, "<code>newsroom-model.json</code> · u-admin",
		`id="model-use-shipped"`, `id="model-revert" data-source="shipped"`)
	resp, _ := admin.req("POST", "/api/v1/matcher/model", url.Values{"use": {"shipped"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		t.Fatalf("form switch back: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	cur, err := e.srv.deps.MatcherModel.Current(context.Background())
	if err != nil || !cur.IsShipped() || cur.Previous == nil || cur.Previous.Source != "newsroom-model.json" {
		t.Fatalf("after switching back: %+v, %v", cur, err)
	}
	status, body = e.do("admin", "GET", "/api/v1/matcher/model", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"source":"shipped"`) {
		t.Errorf("GET: %d %s", status, body)
	}
}
