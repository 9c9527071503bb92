package reviewer

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAlertPageOpensForItsRecipient: an alert's page opens with the link's
// signature (no session), with the subscriber's session, and for no one
// else (404 whether or not the alert exists).
func TestAlertPageOpensForItsRecipient(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	anon := e.browser(t)
	resp, body := anon.req("GET", "/alerts/al1?sub=sub_u-subscriber&sig=ok", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signed link, no session: %d", resp.StatusCode)
	}
	must(t, body, `id="alert-title"`, "Fact-check in Porto", `id="alert-claim"`, `id="alert-place"`, "Porto", `data-confirmed="true"`,
		`data-status="updated"`, `href="https://news.example/verdicts/v1"`)
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("Referrer-Policy %q: the signature could leak to the verdict page", resp.Header.Get("Referrer-Policy"))
	}
	for _, path := range []string{"/alerts/al1?sub=sub_u-subscriber", "/alerts/al1?sub=sub_u-subscriber&sig=forged", "/alerts/al2?sub=sub_u-subscriber&sig=ok"} {
		if resp, _ := anon.req("GET", path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s without a session: %d, want 404", path, resp.StatusCode)
		}
	}
	sb := e.browser(t)
	sb.login("u-subscriber")
	if resp, _ := sb.req("GET", "/alerts/al1?sub=sub_u-subscriber", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the subscriber's session: %d, want 200", resp.StatusCode)
	}
	fc := e.browser(t)
	fc.login("u-factchecker")
	if resp, _ := fc.req("GET", "/alerts/al1?sub=sub_u-subscriber", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another account's session: %d, want 404", resp.StatusCode)
	}
}

// TestAlertsSelfService: the subscriber's page carries the settings,
// feed and webhook forms; posting one shows the page again with what it did.
func TestAlertsSelfService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sb := e.browser(t)
	sb.login("u-subscriber")
	_, body := sb.req("GET", "/alerts", nil)
	must(t, body, `action="/alerts/subscriptions/sub_u-subscriber"`, `name="early_warning"`, `name="min_severity"`, `name="kind"`,
		`value="rotate_feed"`, `value="add_webhook"`, `value="test_webhook"`, `readonly value="https://news.example/feeds/alerts/FR-75056?token=x"`)
	if strings.Contains(body, "…") {
		t.Error("the page shows an elided address")
	}
	resp, body := sb.req("POST", "/alerts/subscriptions/sub_u-subscriber", url.Values{"action": {"add_webhook"}, "url": {"https://town.example/h2"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("add webhook: %d", resp.StatusCode)
	}
	must(t, body, `id="new-secret"`, "whsec_test")
	resp, body = sb.req("POST", "/alerts/subscriptions/sub_someone-else", url.Values{"action": {"rotate_feed"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `id="change-error"`) && !strings.Contains(body, "not yours") {
		t.Errorf("another's subscription: %d", resp.StatusCode)
	}
}
