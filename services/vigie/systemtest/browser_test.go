package systemtest

// Browser tests: the review UI driven in headless Chromium through
// chromedp (issue 6, done-when 1, 5 and 6; issue 9's XSS corpus carried
// feed → index → UI). They need Debian's chromium at /usr/bin/chromium;
// without it they skip locally and fail under CI=true. The accessibility
// checks also need axe-core from tools/axe (`cd tools/axe && npm ci`).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/fixtures"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/config"
	"vigie/services/vigie/demo"
)

// chromiumPath is where Debian's chromium package puts the browser;
// VIGIE_CHROMIUM names another binary.
func chromiumPath() string {
	if p := os.Getenv("VIGIE_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browserPassword is the password of every user the browser tests create.
const browserPassword = "browser-test-Passw0rd-long-enough"

// stepTimeout bounds one browser step (a navigation, a click, a query).
const stepTimeout = 30 * time.Second

// requireTool skips the test when path is missing, or fails it under CI=true.
func requireTool(t *testing.T, path, install string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	msg := fmt.Sprintf("%s is missing (install: %s)", path, install)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and %s", msg)
	}
	t.Skipf("browser test skipped: %s", msg)
}

// newBrowser starts headless Chromium for one test and returns the context
// of its first tab. The first run has no timeout: a deadline on it would
// stop the browser.
func newBrowser(t *testing.T, lang string) context.Context {
	t.Helper()
	requireTool(t, chromiumPath(), "apt-get install -y chromium")
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromiumPath()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("lang", lang),
		chromedp.Flag("accept-lang", lang),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.WindowSize(1280, 900),
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// bDo runs browser steps with a step timeout.
func bDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// bRun runs one browser action that returns a value, with a step timeout.
func bRun[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// jsEval evaluates a JavaScript expression in the page.
func jsEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return bRun(t, ctx, "evaluate "+firstLine(expr), chromedp.Evaluate[T](expr))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// pageGuard records what a hostile page could do: JavaScript dialogs
// (dismissed at once), uncaught exceptions, and requests that leave
// loopback.
type pageGuard struct {
	mu         sync.Mutex
	dialogs    []string
	exceptions []string
	offsite    []string
}

// guardPage starts recording for the tab of ctx.
func guardPage(t *testing.T, ctx context.Context) *pageGuard {
	t.Helper()
	g := &pageGuard{}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("enable network events: %v", err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			g.mu.Lock()
			g.dialogs = append(g.dialogs, string(ev.Type)+": "+ev.Message)
			g.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			g.mu.Lock()
			g.exceptions = append(g.exceptions, exceptionText(ev))
			g.mu.Unlock()
		case *network.EventRequestWillBeSent:
			if ev.Request == nil {
				return
			}
			u, err := url.Parse(ev.Request.URL)
			if err != nil || (u.Scheme != "data" && u.Scheme != "about" && u.Hostname() != "127.0.0.1" && u.Hostname() != "::1" && u.Hostname() != "localhost") {
				g.mu.Lock()
				g.offsite = append(g.offsite, ev.Request.URL)
				g.mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	return g
}

func exceptionText(ev *runtime.EventExceptionThrown) string {
	if ev.ExceptionDetails == nil {
		return "exception"
	}
	d := ev.ExceptionDetails
	s := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		s += " " + d.Exception.Description
	}
	return fmt.Sprintf("%s (%s:%d)", s, d.URL, d.LineNumber)
}

// take returns what the page did that it must not do since the last
// call: dialogs and requests beyond loopback.
func (g *pageGuard) take() []string {
	// Dialog events arrive asynchronously; give a pending one time to land.
	time.Sleep(100 * time.Millisecond)
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []string
	for _, d := range g.dialogs {
		out = append(out, "dialog opened: "+d)
	}
	for _, u := range g.offsite {
		out = append(out, "request beyond loopback: "+u)
	}
	g.dialogs, g.offsite = nil, nil
	return out
}

// check fails the test if the page opened a dialog or reached beyond loopback.
func (g *pageGuard) check(t *testing.T, where string) {
	t.Helper()
	for _, p := range g.take() {
		t.Errorf("%s: %s", where, p)
	}
}

// browserApp is a running vigie with users for each review role.
type browserApp struct {
	*app.App
	// data is its data folder.
	data string
	base string
	// token is a full API token of the admin, for the test's own API calls.
	token string
}

// browserFixtures are the feeds of the browser tests: a Portuguese feed of
// the demo one of whose items repeats a fact-check (a flagged claim), the
// hostile RSS of testdata/browser and the JSON Feed of the repository's
// fixtures with a <script> in content_html.
func browserFeeds(t *testing.T) (*httptest.Server, []string) {
	t.Helper()
	type file struct {
		route string
		read  func() ([]byte, error)
		ctype string
	}
	readFile := func(elem ...string) func() ([]byte, error) {
		return func() ([]byte, error) { return os.ReadFile(filepath.Join(elem...)) }
	}
	files := []file{
		{"/jn-porto.rss", func() ([]byte, error) { return demo.Feed("jn-porto.rss") }, "application/rss+xml"},
		{"/xss.rss", readFile("testdata", "browser", "xss.rss"), "application/rss+xml"},
		{"/jsonfeed.json", readFile(fixtures.Path("feeds", "feedparser_jsonfeed_v1_example.json")), "application/feed+json"},
	}
	mux := http.NewServeMux()
	var urls []string
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	for _, f := range files {
		b, err := f.read()
		if err != nil {
			t.Fatalf("read feed fixture: %v", err)
		}
		mux.HandleFunc("GET "+f.route, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", f.ctype)
			_, _ = w.Write(b)
		})
		urls = append(urls, srv.URL+f.route)
	}
	return srv, urls
}

// startBrowserApp starts vigie over the browser feeds and the fact-check
// that flags the cigarettes claim, with users fc (factchecker), ed
// (editor), ar (factchecker, Arabic UI) and root (admin).
func startBrowserApp(t *testing.T) *browserApp {
	t.Helper()
	_, urls := browserFeeds(t)
	cfg := apptest.Config(t, t.TempDir(), urls...)
	cfg.FactChecks = []string{filepath.Join("testdata", "claimreview_cigarros.jsonld")}
	// Every sentence enters the queue, so each payload reaches the UI.
	cfg.Matcher.WorthinessThreshold = 0.01
	ba := launchBrowserApp(t, cfg, false)
	// Wait until the flagged claim and the hostile items are searchable.
	bustest.Eventually(t, 60*time.Second, "the flagged claim and the hostile items indexed", func() bool {
		flagged := false
		for _, h := range ba.claims(t, "q="+url.QueryEscape("cigarros")).Hits {
			flagged = flagged || (h.Flagged && strings.Contains(h.Text, "124 mil cigarros"))
		}
		return flagged && len(ba.payloadHits(t)) > 0
	})
	return ba
}

// startDemoBrowserApp starts `vigie serve --demo`: the bundled sample feeds
// and fictional fact-checks, what a newsroom sees first (for screenshots).
func startDemoBrowserApp(t *testing.T) *browserApp {
	t.Helper()
	cfg := apptest.Config(t, t.TempDir())
	ba := launchBrowserApp(t, cfg, true)
	bustest.Eventually(t, 60*time.Second, "the demo feeds indexed with flagged claims", func() bool {
		r := ba.claims(t, "q=&filter="+url.QueryEscape("flagged = true"))
		return r.Total >= 2 && ba.claims(t, "q=").Total >= 50
	})
	return ba
}

func launchBrowserApp(t *testing.T, cfg config.Config, withDemo bool) *browserApp {
	t.Helper()
	// Skip (or fail under CI) before starting anything when there is no browser.
	requireTool(t, chromiumPath(), "apt-get install -y chromium")
	opt := app.Options{Log: zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel))}
	var a *app.App
	if withDemo {
		d, err := demo.Start(context.Background(), cfg, opt)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Shutdown(context.Background()) })
		a = d.App()
	} else {
		a = apptest.Start(t, cfg, opt)
	}
	ctx := context.Background()
	for _, u := range []account.NewUser{
		{Name: "fc", Role: claims.RoleFactChecker, Password: browserPassword, Language: "en"},
		{Name: "ed", Role: claims.RoleEditor, Password: browserPassword, Language: "en"},
		{Name: "ar", Role: claims.RoleFactChecker, Password: browserPassword, Language: "ar"},
		{Name: "root", Role: claims.RoleAdmin, Password: browserPassword, Language: "en"},
	} {
		if _, err := a.Accounts().CreateUser(ctx, u); err != nil {
			t.Fatalf("create user %s: %v", u.Name, err)
		}
	}
	tok, _, err := a.Accounts().CreateToken(ctx, "root", "browser-test", account.ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	return &browserApp{App: a, data: cfg.Data, base: "http://" + a.HTTPAddr(), token: tok}
}

// claims queries the API with the admin's token.
func (ba *browserApp) claims(t *testing.T, query string) reviewer.ClaimsResponse {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ba.base+"/api/v1/claims?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+ba.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v1/claims?%s: %d %s", query, resp.StatusCode, b)
	}
	var out reviewer.ClaimsResponse
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("decode claims: %v: %s", err, b)
	}
	return out
}

// payloadHits are the indexed claims whose text or item title carries a
// payload of the hostile feed.
func (ba *browserApp) payloadHits(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, h := range ba.claims(t, "q=&limit=200").Hits {
		for _, s := range []string{h.Text, h.ItemTitle} {
			if (strings.Contains(s, "__vigieXSS") || strings.Contains(s, "alert(")) && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// loginWithCookie opens a session for user directly in the store and gives
// its cookie to the browser: for tests whose subject is not the login form.
func (ba *browserApp) loginWithCookie(t *testing.T, ctx context.Context, user string) {
	t.Helper()
	secret, _, err := ba.Accounts().CreateSession(context.Background(), user, false, "127.0.0.1", "chromium")
	if err != nil {
		t.Fatal(err)
	}
	httpOnly := true
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{
		Name: account.SessionCookieName, Value: secret, URL: ba.base + "/", Path: "/", HTTPOnly: &httpOnly,
		SameSite: network.CookieSameSiteLax,
	}); err != nil {
		t.Fatalf("set session cookie: %v", err)
	}
}

// normSpace collapses runs of white space, as a browser's innerText does.
func normSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// xssProbe is the JavaScript that lists what a feed could have injected
// into the DOM: event-handler attributes, javascript: URLs, script-like
// elements carrying a payload, and the payloads' broken images.
const xssProbe = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
      if (/^\s*javascript:/i.test(a.value)) out.push(el.tagName + ' ' + a.name + '=' + a.value);
    }
    if (/^(SCRIPT|IFRAME|SVG|OBJECT|EMBED)$/i.test(el.tagName) && /vigieXSS|alert\(/.test(el.outerHTML)) {
      // JSON-LD is data, not code, as long as it is whole JSON (a payload
      // that broke out of it would be a second, executable element).
      let data = false;
      if (el.tagName === 'SCRIPT' && /^application\/(ld\+)?json$/i.test(el.type)) {
        try { JSON.parse(el.textContent); data = true; } catch (e) {}
      }
      if (!data) out.push(el.outerHTML.slice(0, 120));
    }
    if (el.tagName === 'IMG' && (el.getAttribute('src') || '') === 'x') out.push(el.outerHTML.slice(0, 120));
  }
  return out;
})()`

// inertReport opens path and reports what ran or was injected there, and
// how many of the payload strings the page shows as text.
func inertReport(t *testing.T, ctx context.Context, g *pageGuard, pageURL string, payloads []string) (problems []string, shown int) {
	t.Helper()
	resp := bRun(t, ctx, "open "+pageURL, chromedp.NavigateResponse(pageURL))
	if resp.Status != http.StatusOK {
		return []string{fmt.Sprintf("HTTP %d", resp.Status)}, 0
	}
	// Give any payload a chance to run (onerror of a broken image, timers).
	bDo(t, ctx, "settle", chromedp.Sleep(300*time.Millisecond))
	if v := jsEval[any](t, ctx, `window.__vigieXSS === undefined ? null : window.__vigieXSS`); v != nil {
		problems = append(problems, fmt.Sprintf("a payload ran: window.__vigieXSS = %v", v))
	}
	text := normSpace(jsEval[string](t, ctx, `document.body.innerText`))
	for _, s := range payloads {
		if strings.Contains(text, normSpace(s)) {
			shown++
		}
	}
	for _, b := range jsEval[[]string](t, ctx, xssProbe) {
		problems = append(problems, "feed markup became DOM: "+b)
	}
	return append(problems, g.take()...), shown
}

// TestBrowserXSSInert: the hostile feed items travel feed → ingester →
// matcher → index → queue and claim pages; in Chromium, each payload that
// reaches the index is shown as text, no dialog opens, window.__vigieXSS
// stays unset, and the DOM holds no element, handler or javascript: URL
// that came from a feed. The check runs twice: with the page's
// Content-Security-Policy, and with CSP bypassed so that output escaping
// alone is what keeps the payloads inert.
func TestBrowserXSSInert(t *testing.T) {
	t.Parallel()
	ba := startBrowserApp(t)
	payloads := ba.payloadHits(t)
	if len(payloads) == 0 {
		t.Fatal("no payload reached the index")
	}
	t.Logf("%d indexed strings carry a payload:\n%s", len(payloads), strings.Join(payloads, "\n"))
	// The hostile feed is source feed-1 (the second URL of browserFeeds).
	pages := []string{"/", "/queue?source=feed-1", "/queue?q=" + url.QueryEscape("water prices")}
	// Each claim page whose text carries a payload, too.
	for _, h := range ba.claims(t, "q=&limit=200").Hits {
		if strings.Contains(h.Text+h.ItemTitle, "__vigieXSS") {
			pages = append(pages, "/claims/"+url.PathEscape(h.ID))
		}
	}
	for _, tc := range []struct {
		name      string
		bypassCSP bool
	}{
		{name: "with CSP", bypassCSP: false},
		{name: "escaping only (CSP bypassed)", bypassCSP: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newBrowser(t, "en-US")
			g := guardPage(t, ctx)
			if tc.bypassCSP {
				if _, err := chromedp.Call(ctx, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true}); err != nil {
					t.Fatal(err)
				}
			}
			ba.loginWithCookie(t, ctx, "fc")
			total := 0
			for _, p := range pages {
				problems, shown := inertReport(t, ctx, g, ba.base+p, payloads)
				total += shown
				for _, pr := range problems {
					t.Errorf("%s: %s", p, pr)
				}
			}
			if total == 0 {
				t.Errorf("no payload was shown as text on %v", pages)
			}
		})
	}
}

// TestBrowserXSSProbeDetects is the control of TestBrowserXSSInert: the
// same checks on a page that does embed a payload unescaped must report
// the dialog, the window flag and the injected element; a check that
// cannot fail would prove nothing.
func TestBrowserXSSProbeDetects(t *testing.T) {
	t.Parallel()
	const payload = `<img src=x onerror="window.__vigieXSS=13;alert(13)">`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html lang=en><title>unsafe</title><p>Water prices %s rose</p></html>", payload)
	}))
	defer srv.Close()
	ctx := newBrowser(t, "en-US")
	g := guardPage(t, ctx)
	problems, _ := inertReport(t, ctx, g, srv.URL+"/", []string{"Water prices " + payload + " rose"})
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"window.__vigieXSS = 13", "IMG onerror=", "dialog opened: alert: 13"} {
		if !strings.Contains(joined, want) {
			t.Errorf("the probe missed %q; it reported:\n%s", want, joined)
		}
	}
}

// pageDirection reads the document's declared and computed direction.
const pageDirection = `({
  dir: document.documentElement.getAttribute('dir') || '',
  lang: document.documentElement.getAttribute('lang') || '',
  html: getComputedStyle(document.documentElement).direction,
  body: getComputedStyle(document.body).direction,
  main: getComputedStyle(document.querySelector('main') || document.body).direction,
  text: document.body.innerText.slice(0, 2000),
})`

// checkRTL fails the test unless the current page is an Arabic,
// right-to-left page.
func checkRTL(t *testing.T, ctx context.Context) {
	t.Helper()
	got := jsEval[map[string]string](t, ctx, pageDirection)
	if got["dir"] != "rtl" || !strings.HasPrefix(got["lang"], "ar") {
		t.Errorf(`<html dir=%q lang=%q>, want dir="rtl" lang="ar"`, got["dir"], got["lang"])
	}
	for _, k := range []string{"html", "body", "main"} {
		if got[k] != "rtl" {
			t.Errorf("computed direction of %s = %q, want rtl", k, got[k])
		}
	}
	if !containsArabic(got["text"]) {
		t.Errorf("the Arabic UI shows no Arabic text: %.200q", got["text"])
	}
}

// TestBrowserArabicRTL: the Arabic UI renders right to left — <html
// dir="rtl" lang="ar">, a computed direction of rtl, Arabic strings —
// whether Arabic comes from the user's setting, from the browser's
// Accept-Language, or from the language switch; and Latin-script claims
// inside it keep their left-to-right order.
func TestBrowserArabicRTL(t *testing.T) {
	t.Parallel()
	ba := startBrowserApp(t)
	t.Run("user setting", func(t *testing.T) {
		ctx := newBrowser(t, "ar")
		g := guardPage(t, ctx)
		ba.loginWithCookie(t, ctx, "ar")
		resp := bRun(t, ctx, "open the queue", chromedp.NavigateResponse(ba.base+"/"))
		if resp.Status != http.StatusOK {
			t.Fatalf("GET /: HTTP %d", resp.Status)
		}
		checkRTL(t, ctx)
		g.check(t, "arabic queue")
	})
	t.Run("Accept-Language on the login page", func(t *testing.T) {
		ctx := newBrowser(t, "ar")
		resp := bRun(t, ctx, "open /login", chromedp.NavigateResponse(ba.base+"/login"))
		if resp.Status != http.StatusOK {
			t.Fatalf("GET /login: HTTP %d", resp.Status)
		}
		checkRTL(t, ctx)
	})
	t.Run("language switch", func(t *testing.T) {
		ctx := newBrowser(t, "en-US")
		ba.loginWithCookie(t, ctx, "fc")
		bDo(t, ctx, "open the queue", chromedp.Navigate(ba.base+"/queue"))
		if d := jsEval[string](t, ctx, `document.documentElement.dir`); d == "rtl" {
			t.Fatalf("an English user's queue is already rtl")
		}
		clickAndLoad(t, ctx, "switch to Arabic", `#language-switch a[data-lang="ar"]`)
		checkRTL(t, ctx)
	})
	// Claims in Latin script keep their own direction inside the RTL page
	// (dir="auto", a lang/dir of their own, or <bdi>); otherwise their
	// punctuation moves to the wrong end of the sentence.
	t.Run("Latin claims read left to right", func(t *testing.T) {
		ctx := newBrowser(t, "ar")
		ba.loginWithCookie(t, ctx, "ar")
		bDo(t, ctx, "open the queue", chromedp.Navigate(ba.base+"/"))
		wrong := jsEval[[]string](t, ctx, `[...document.querySelectorAll('a[data-testid="claim-link"]')]
  .filter(a => /^[A-Za-zÀ-ÿ]/.test(a.innerText.trim()) && getComputedStyle(a).direction !== 'ltr')
  .map(a => a.innerText.slice(0, 60))`)
		n := jsEval[int](t, ctx, `document.querySelectorAll('a[data-testid="claim-link"]').length`)
		if n == 0 {
			t.Fatal("no claim link on the Arabic queue")
		}
		if len(wrong) > 0 {
			t.Errorf("%d of %d Latin-script claims are laid out right to left, e.g. %q", len(wrong), n, wrong[0])
		}
	})
}

// containsArabic reports whether s has a letter of the Arabic block.
func containsArabic(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return true
		}
	}
	return false
}
