package systemtest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/subscription"
	"vigie/services/vigie/app/apptest"
)

// TestSubscriberSelfService drives a municipality's alerts page in
// Chromium: it shows a real, copyable feed address, changes what the
// subscription follows (a locality an admin granted, early warning, the
// lowest severity), adds a webhook (its secret shown once), sends a test
// delivery that the receiver gets and the delivery log lists, and gets a
// new feed address. The page is captured (alerts-selfservice.png, in
// VIGIE_SCREENSHOTS when set).
func TestSubscriberSelfService(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, t.TempDir())
	cfg.Alerts.AllowPrivateNetworks = true // the receiver is on loopback
	ba := launchBrowserApp(t, cfg, false)
	ctx := context.Background()
	got := make(chan string, 4)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct {
			Type string `json:"type"`
		}
		_ = json.NewDecoder(r.Body).Decode(&p)
		got <- p.Type
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)

	if _, err := ba.Accounts().CreateUser(ctx, account.NewUser{Name: "porto", Role: claims.RoleSubscriber, Locality: "PT-1312",
		Password: browserPassword, Language: "en"}); err != nil {
		t.Fatal(err)
	}
	// An admin grants Porto its neighbour Matosinhos too.
	body, _ := json.Marshal(map[string]any{"localities": []string{"PT-1308"}})
	req, _ := http.NewRequest(http.MethodPut, ba.base+"/api/v1/grants/porto", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ba.token)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("grant: %v %v", resp, err)
	}
	sub := subscription.Subscription{Name: "Câmara Municipal do Porto", Owner: "porto", Localities: []string{"PT-1312"},
		Languages: []string{"pt"}, Triggers: []claims.AlertKind{claims.AlertVerdict, claims.AlertFlagged}}
	sub.RotateToken(time.Now())
	sub, err := ba.Subscriptions().Create(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}

	bctx := newBrowser(t, "en-US")
	ba.loginWithCookie(t, bctx, "porto")
	if resp := bRun(t, bctx, "open /alerts", chromedp.NavigateResponse(ba.base+"/alerts")); resp.Status != 200 {
		t.Fatalf("GET /alerts: %d", resp.Status)
	}
	feedField := "#feed-url-" + sub.ID
	feed := jsEval[string](t, bctx, `document.querySelector('`+feedField+`').value`)
	if !strings.HasPrefix(feed, ba.base+"/feeds/alerts/"+sub.ID+".atom?token=ft_") {
		t.Fatalf("feed address %q is not a real address", feed)
	}
	if resp, err := http.Get(feed); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the address shown does not open the feed: %v %v", resp, err)
	}

	// What the subscription follows.
	bDo(t, bctx, "tick Matosinhos, early warning, severity 3",
		chromedp.Click(chromedp.CSS(`#settings-`+sub.ID+` input[name=locality][value="PT-1308"]`), chromedp.NodeVisible),
		chromedp.Click(chromedp.CSS("#early-warning-"+sub.ID), chromedp.NodeVisible),
		chromedp.SetValue(chromedp.CSS("#severity-"+sub.ID), "3", chromedp.NodeVisible),
	)
	clickAndLoad(t, bctx, "save", "#save-"+sub.ID)
	if jsEval[bool](t, bctx, `!!document.querySelector('#change-done')`) != true {
		t.Fatalf("no confirmation after saving: %s", jsEval[string](t, bctx, `document.querySelector('main').innerText`))
	}
	saved, err := ba.Subscriptions().Get(ctx, sub.ID)
	if err != nil || strings.Join(saved.Localities, ",") != "PT-1308,PT-1312" || !saved.EarlyWarning || saved.MinSeverity != 3 {
		t.Fatalf("saved subscription %+v %v", saved, err)
	}
	if n := jsEval[int](t, bctx, `document.querySelectorAll('#settings-`+sub.ID+` input[name=locality]').length`); n != 2 {
		t.Errorf("%d localities offered, want the two granted", n)
	}

	// A webhook, its test delivery and the delivery log.
	bDo(t, bctx, "type the receiver's address", chromedp.SendKeys(chromedp.CSS("#webhook-url-"+sub.ID), recv.URL+"/vigie", chromedp.NodeVisible))
	clickAndLoad(t, bctx, "add the webhook", "#add-webhook-"+sub.ID)
	if secret := jsEval[string](t, bctx, `(document.querySelector('#new-secret code')||{}).textContent||''`); !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the new webhook's secret is not shown: %q", secret)
	}
	clickAndLoad(t, bctx, "send a test", "li[data-webhook-id] button.test-webhook")
	select {
	case typ := <-got:
		if typ != "webhook.test" {
			t.Errorf("the receiver got %q, want webhook.test", typ)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the receiver got no test delivery")
	}
	if res := jsEval[string](t, bctx, `(document.querySelector('#test-result')||{}).textContent||''`); !strings.Contains(res, "204") || !strings.Contains(res, "delivered") {
		t.Errorf("test result shown: %q", res)
	}
	if rows := jsEval[int](t, bctx, `document.querySelectorAll('table.deliveries tbody tr').length`); rows != 1 {
		t.Errorf("delivery log rows: %d, want 1", rows)
	}

	// A new feed address; the old one stops.
	clickAndLoad(t, bctx, "get a new address", "#rotate-"+sub.ID)
	fresh := jsEval[string](t, bctx, `document.querySelector('`+feedField+`').value`)
	if fresh == feed || !strings.Contains(fresh, "?token=ft_") {
		t.Errorf("feed address after rotation: %q (was %q)", fresh, feed)
	}
	if resp, err := http.Get(feed); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("the old address still opens the feed: %v %v", resp, err)
	}

	// axe-core: no serious or critical violation on the self-service page
	// (a subtest: without axe-core installed only this part is skipped).
	t.Run("axe", func(t *testing.T) {
		res := runAxe(t, bctx, loadAxe(t))
		if len(res.Passes) == 0 {
			t.Fatalf("axe %s ran no passing rule: the check did not run", res.TestEngine.Version)
		}
		if bad := seriousViolations(res); len(bad) > 0 {
			t.Errorf("axe-core %s: %d serious or critical violations on /alerts:%s", res.TestEngine.Version, len(bad), formatViolations(bad))
		}
		if len(res.Violations) > 0 {
			t.Logf("axe-core %s: all violations on /alerts:%s", res.TestEngine.Version, formatViolations(res.Violations))
		}
	})

	// A verdict about Porto: its alert is listed, and its page tells the
	// town what is claimed, where, what is known and that a person confirmed it.
	w := ba.Review()
	fc, ed := claims.Actor{Name: "fc", Role: claims.RoleFactChecker}, claims.Actor{Name: "ed", Role: claims.RoleEditor}
	in := claims.VerdictInput{ClaimReviewed: "O metro do Porto vai fechar em dezembro.", Rating: claims.RatingFalse, TextualRating: "Falso",
		Summary: "A empresa desmentiu o encerramento.", Sources: []string{"https://example.org/metro"}, Localities: []string{"PT-1312"}, Language: "pt"}
	const claimID = "clm_porto_metro"
	for _, step := range []func(rev uint64) error{
		func(rev uint64) error { _, err := w.SetStatus(ctx, fc, claimID, rev, claims.StatusTriage); return err },
		func(rev uint64) error { _, err := w.DraftVerdict(ctx, fc, claimID, rev, in); return err },
		func(rev uint64) error { _, err := w.SubmitVerdict(ctx, fc, claimID, rev); return err },
		func(rev uint64) error { _, err := w.PublishVerdict(ctx, ed, claimID, rev); return err },
	} {
		_, rev, err := w.Get(ctx, claimID)
		if err != nil {
			t.Fatal(err)
		}
		if err := step(rev); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		bDo(t, bctx, "reload /alerts", chromedp.Navigate(ba.base+"/alerts"))
		if jsEval[bool](t, bctx, `!!document.querySelector('tr[data-alert-id] a')`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the verdict's alert is not listed on /alerts")
		}
		time.Sleep(500 * time.Millisecond)
	}
	clickAndLoad(t, bctx, "open the alert", "tr[data-alert-id] a")
	page := jsEval[string](t, bctx, `document.querySelector('main').innerText`)
	for _, want := range []string{"O metro do Porto vai fechar em dezembro.", "Porto", "False", "Yes: a fact-checker confirmed it."} {
		if !strings.Contains(page, want) {
			t.Errorf("the alert page lacks %q:\n%s", want, page)
		}
	}
	t.Run("axe on the alert page", func(t *testing.T) {
		res := runAxe(t, bctx, loadAxe(t))
		if bad := seriousViolations(res); len(res.Passes) == 0 || len(bad) > 0 {
			t.Errorf("axe-core on the alert page: %d passes, serious or critical violations:%s", len(res.Passes), formatViolations(bad))
		}
	})
	alertShot := bRun(t, bctx, "alert page screenshot", chromedp.CaptureScreenshot())
	bDo(t, bctx, "back to /alerts", chromedp.Navigate(ba.base+"/alerts"))
	bDo(t, bctx, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	_ = bRun(t, bctx, "wait for fonts", chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
	shot := bRun(t, bctx, "screenshot", chromedp.CaptureScreenshot())
	if err := checkRendered(shot); err != nil {
		t.Fatal(err)
	}
	out := os.Getenv("VIGIE_SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	} else if !filepath.IsAbs(out) {
		out = filepath.Join("..", "..", "..", out)
	}
	if err := os.WriteFile(filepath.Join(out, "alerts-selfservice.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "alert-page.png"), alertShot, 0o644); err != nil {
		t.Fatal(err)
	}
	// The whole page, forms, webhooks and delivery log included.
	full := bRun(t, bctx, "full-page screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(out, "alerts-selfservice-full.png"), full, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", filepath.Join(out, "alerts-selfservice.png"))
}
