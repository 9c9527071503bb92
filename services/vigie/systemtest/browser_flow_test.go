package systemtest

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"vigie/claims"
	"vigie/pipeline/source"
	"vigie/services/vigie/app/apptest"
)

// sel holds the UI's stable selectors, as services/reviewer/TESTIDS.md
// lists them, in one place so a renamed id is one edit.
var sel = struct {
	loginName, loginPassword, loginSubmit, logout  string
	queueRow, queueLink, facetFlagged, flaggedMark string
	assignSelect, assignSubmit, assignee           string
	verdictLink, verdictRating, verdictSummary     string
	verdictSources, verdictSave, verdictSubmit     string
	verdictApprove, verdictPublish, publicLink     string
}{
	loginName: `#login-name`, loginPassword: `#login-password`,
	loginSubmit: `#login-submit`, logout: `#logout`,
	queueRow: `li[data-claim-id]`, queueLink: `a[data-testid="claim-link"]`,
	facetFlagged: `a[data-facet="flagged"][data-value="true"]`, flaggedMark: `.flag`,
	assignSelect: `#assign-select`, assignSubmit: `#assign-submit`, assignee: `#claim-assignee`,
	verdictLink: `#verdict-link`, verdictRating: `#verdict-rating`,
	verdictSummary: `#verdict-summary`, verdictSources: `#verdict-sources`,
	verdictSave: `#verdict-save`, verdictSubmit: `#verdict-submit`,
	verdictApprove: `#verdict-approve`, verdictPublish: `#verdict-publish`,
	publicLink: `#published-verdict-link`,
}

// urlQuery escapes a query parameter value.
func urlQuery(s string) string { return url.QueryEscape(s) }

// flaggedClaim is the id of the claim flagged by the cigarettes fact-check.
func (ba *browserApp) flaggedClaim(t *testing.T) string {
	t.Helper()
	for _, h := range ba.claims(t, "q="+urlQuery("cigarros")).Hits {
		if h.Flagged && strings.Contains(h.Text, "124 mil cigarros") {
			return h.ID
		}
	}
	t.Fatal("the flagged cigarettes claim is not in the index")
	return ""
}

// publishVerdict drafts, submits and publishes a verdict on claimID
// through the review workflow (not the UI), for tests whose subject is the
// published page; it returns the verdict's id.
func (ba *browserApp) publishVerdict(t *testing.T, claimID string, in claims.VerdictInput) string {
	t.Helper()
	ctx := context.Background()
	fc := claims.Actor{Name: "fc", Role: claims.RoleFactChecker}
	ed := claims.Actor{Name: "ed", Role: claims.RoleEditor}
	_, rev, err := ba.Review().Get(ctx, claimID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ba.Review().SetStatus(ctx, fc, claimID, rev, claims.StatusInProgress)
	if err != nil {
		t.Fatalf("claim to in progress: %v", err)
	}
	if res, err = ba.Review().DraftVerdict(ctx, fc, claimID, res.Revision, in); err != nil {
		t.Fatalf("draft verdict: %v", err)
	}
	if res, err = ba.Review().SubmitVerdict(ctx, fc, claimID, res.Revision); err != nil {
		t.Fatalf("submit verdict: %v", err)
	}
	if res, err = ba.Review().PublishVerdict(ctx, ed, claimID, res.Revision); err != nil {
		t.Fatalf("publish verdict: %v", err)
	}
	if res.Verdict == nil || res.Verdict.ID == "" {
		t.Fatal("published, but the result has no verdict")
	}
	return res.Verdict.ID
}

// clickAndLoad clicks and waits for the next page load.
func clickAndLoad(t *testing.T, ctx context.Context, what, css string) {
	t.Helper()
	_ = bRun(t, ctx, what, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible)))
}

// location is the path and query of the current page.
func location(t *testing.T, ctx context.Context) *url.URL {
	t.Helper()
	u, err := url.Parse(bRun(t, ctx, "location", chromedp.Location()))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// verdictState is the verdict's state shown on the verdict page.
func verdictState(t *testing.T, ctx context.Context) string {
	t.Helper()
	return jsEval[string](t, ctx, `(document.querySelector('#verdict-state') || {dataset: {}}).dataset.state || ''`)
}

// uiLogin logs in through the login form.
func uiLogin(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	bDo(t, ctx, "open the login page", chromedp.Navigate(base+"/login"))
	bDo(t, ctx, "fill the login form",
		chromedp.SendKeys(chromedp.CSS(sel.loginName), user, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(sel.loginPassword), browserPassword, chromedp.NodeVisible),
	)
	clickAndLoad(t, ctx, "log in as "+user, sel.loginSubmit)
	if p := location(t, ctx).Path; p == "/login" {
		body := jsEval[string](t, ctx, `document.body.innerText`)
		t.Fatalf("still on /login after logging in as %s: %.300q", user, body)
	}
}

// TestBrowserReviewFlow is issue 6's done-when 1 in Chromium: a
// fact-checker logs in, filters the queue by the flagged facet, opens the
// flagged claim, assigns it to herself and drafts a verdict; an editor
// approves and publishes it; the public verdict page shows it to an
// anonymous visitor. No dialog opens and no request leaves loopback.
func TestBrowserReviewFlow(t *testing.T) {
	t.Parallel()
	ba := startBrowserApp(t)
	ctx := newBrowser(t, "en-US")
	g := guardPage(t, ctx)

	// The queue needs a login: anonymous visitors are sent to /login.
	bDo(t, ctx, "open the queue anonymously", chromedp.Navigate(ba.base+"/"))
	if p := location(t, ctx).Path; p != "/login" {
		t.Errorf("an anonymous visit to / ends on %s, want /login", p)
	}
	uiLogin(t, ctx, ba.base, "fc")

	// Filter by a facet: flagged claims only.
	bDo(t, ctx, "open the queue", chromedp.Navigate(ba.base+"/"))
	all := jsEval[int](t, ctx, `document.querySelectorAll('`+sel.queueRow+`').length`)
	clickAndLoad(t, ctx, "filter by the flagged facet", sel.facetFlagged)
	rows := jsEval[[]map[string]any](t, ctx, `[...document.querySelectorAll('`+sel.queueRow+`')].map(r => ({
  text: r.innerText, flagged: r.dataset.flagged === 'true' && !!r.querySelector('`+sel.flaggedMark+`')}))`)
	if len(rows) == 0 {
		t.Fatalf("the flagged facet shows no claim (the queue had %d rows)", all)
	}
	for _, r := range rows {
		if r["flagged"] != true {
			t.Errorf("a row without the flagged mark under the flagged facet: %.120q", r["text"])
		}
	}
	if location(t, ctx).Query().Get("flagged") != "true" {
		t.Errorf("the filter is not in the URL (not shareable): %s", location(t, ctx))
	}

	// Open the flagged claim.
	id := ba.flaggedClaim(t)
	_ = bRun(t, ctx, "open the flagged claim", chromedp.WaitEvent(page.LoadEventFired, nil,
		chromedp.Click(chromedp.JSPath(`[...document.querySelectorAll('`+sel.queueLink+`')].find(a => a.closest('`+sel.queueRow+`').innerText.includes('124 mil cigarros'))`), chromedp.NodeVisible)))
	if p := location(t, ctx).Path; p != "/claims/"+id {
		t.Fatalf("the claim link led to %s, want /claims/%s", p, id)
	}
	claimText := jsEval[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"124 mil cigarros", "Falso", "example.org/checks/cigarros-caia"} {
		if !strings.Contains(claimText+jsEval[string](t, ctx, `document.body.innerHTML`), want) {
			t.Errorf("the claim page lacks %q", want)
		}
	}

	// Assign it to the fact-checker.
	bDo(t, ctx, "choose the assignee", chromedp.SetValue(chromedp.CSS(sel.assignSelect), "fc", chromedp.NodeVisible))
	clickAndLoad(t, ctx, "assign", sel.assignSubmit)
	if got := bRun(t, ctx, "read the assignee", chromedp.Text(chromedp.CSS(sel.assignee), chromedp.NodeVisible)); !strings.Contains(got, "fc") {
		t.Errorf("assignee shown as %q, want fc", got)
	}

	// A note is typed by a person and shown to others: a payload in it
	// stays text.
	const note = `Check the GNR press release <script>window.__vigieXSS=21;alert(21)</script>`
	bDo(t, ctx, "type a note", chromedp.SendKeys(chromedp.CSS("#note-text"), note, chromedp.NodeVisible))
	clickAndLoad(t, ctx, "add the note", "#note-submit")
	problems, shown := inertReport(t, ctx, g, location(t, ctx).String(), []string{note})
	for _, p := range problems {
		t.Errorf("claim page with a note: %s", p)
	}
	if shown != 1 {
		t.Errorf("the note is not shown as text on the claim page: %.300q", jsEval[string](t, ctx, `(document.querySelector('#notes') || document.body).innerText`))
	}

	// Draft a verdict and submit it for approval.
	clickAndLoad(t, ctx, "open the verdict editor", sel.verdictLink)
	// The summary carries a payload: a verdict is typed by a person, and
	// the public page must show it inert too.
	const summaryText = "Browser test: the seizure figure was misreported."
	const summary = summaryText + ` <img src=x onerror="window.__vigieXSS=20;alert(20)">`
	bDo(t, ctx, "fill the verdict",
		chromedp.SetValue(chromedp.CSS(sel.verdictRating), "false", chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(sel.verdictSummary), summary, chromedp.NodeVisible),
		chromedp.SendKeys(chromedp.CSS(sel.verdictSources), "https://example.org/checks/cigarros-caia", chromedp.NodeVisible),
	)
	clickAndLoad(t, ctx, "save the draft", sel.verdictSave)
	clickAndLoad(t, ctx, "submit for approval", sel.verdictSubmit)
	if st := verdictState(t, ctx); st != "awaiting_approval" {
		t.Errorf("after submitting, the verdict is %q, want awaiting_approval", st)
	}
	verdictPage := location(t, ctx).String()

	// The editor approves and publishes.
	clickAndLoad(t, ctx, "log out", sel.logout)
	uiLogin(t, ctx, ba.base, "ed")
	bDo(t, ctx, "open the verdict as the editor", chromedp.Navigate(verdictPage))
	// Approval and publication may be one step or two in the UI.
	if jsEval[bool](t, ctx, `!!document.querySelector('`+sel.verdictApprove+`')`) {
		clickAndLoad(t, ctx, "approve", sel.verdictApprove)
	}
	clickAndLoad(t, ctx, "publish", sel.verdictPublish)
	if st := verdictState(t, ctx); st != "published" {
		t.Errorf("after publishing, the verdict is %q, want published", st)
	}
	if st := jsEval[string](t, ctx, `(document.querySelector('#claim-status') || {dataset: {}}).dataset.status || ''`); st != "published" {
		t.Errorf("after publishing, the claim is %q, want published", st)
	}
	public := bRun(t, ctx, "read the public link", chromedp.AttributeValue(chromedp.CSS(sel.publicLink), "href", chromedp.NodeVisible))
	if !public.Exists || public.Value == "" {
		t.Fatal("no link to the public verdict page after publishing")
	}
	pub, err := url.Parse(public.Value)
	if err != nil {
		t.Fatal(err)
	}

	// An anonymous visitor sees it.
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	problems, _ = inertReport(t, ctx, g, ba.base+pub.Path, []string{summary})
	for _, p := range problems {
		t.Errorf("public verdict %s: %s", pub.Path, p)
	}
	body := jsEval[string](t, ctx, `document.body.innerText`)
	if !strings.Contains(body, summaryText) {
		t.Errorf("the public verdict page lacks the summary: %.400q", body)
	}
	if !strings.Contains(body, "124 mil cigarros") {
		t.Errorf("the public verdict page lacks the claim reviewed: %.400q", body)
	}
	g.check(t, "review flow")
}

// sampleVerdict is a fictional verdict on the cigarettes claim.
func sampleVerdict() claims.VerdictInput {
	return claims.VerdictInput{
		ClaimReviewed: "A Unidade de Ação Fiscal da GNR apreendeu 124 mil cigarros na fronteira do Caia.",
		Rating:        claims.RatingFalse,
		TextualRating: "Falso",
		Summary:       "Fictional verdict written by Vigie's browser tests: the figure was misreported.",
		Sources:       []string{"https://example.org/checks/cigarros-caia"},
		Language:      "pt",
	}
}

// TestBrowserLiveQueue: while a fact-checker reads the queue, claims from
// a source added meanwhile are announced by the live banner (server-sent
// events) without reloading the list or moving the reader's place; the
// banner's link then shows them.
func TestBrowserLiveQueue(t *testing.T) {
	t.Parallel()
	ba := startBrowserApp(t)
	ctx := newBrowser(t, "en-US")
	g := guardPage(t, ctx)
	ba.loginWithCookie(t, ctx, "fc")
	bDo(t, ctx, "open the queue", chromedp.Navigate(ba.base+"/queue"))
	before := jsEval[int](t, ctx, `+document.querySelector('#total').dataset.total`)
	if !jsEval[bool](t, ctx, `document.querySelector('#new-claims').hidden`) {
		t.Fatal("the new-claims banner shows before anything arrived")
	}
	// The reader scrolls down and leaves a mark in the page: a reload
	// would lose both.
	bDo(t, ctx, "scroll and mark the page", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 400); window.__vigieReader = 'still here'`))
	if y := jsEval[float64](t, ctx, `window.scrollY`); y == 0 {
		t.Fatal("the queue page is too short to scroll")
	}
	// The reader's place is the first claim row in view and where it is.
	const place = `(() => {
  const rows = [...document.querySelectorAll('li[data-claim-id]')];
  const r = rows.find(r => r.getBoundingClientRect().bottom > 0);
  return r ? r.dataset.claimId + '@' + Math.round(r.getBoundingClientRect().top) : '';
})()`
	mark := jsEval[string](t, ctx, place)

	feeds := apptest.FeedServer(t, "uol-noticias.rss")
	addSource(t, ba.data, source.Source{ID: "late", URL: feeds.URL + "/uol-noticias.rss", AllowPrivateNetworks: true})
	bDo(t, ctx, "wait for the new-claims banner",
		chromedp.WaitVisible(chromedp.CSS("#new-claims"), chromedp.RetryInterval(200*time.Millisecond)))
	if n := jsEval[int](t, ctx, `+document.querySelector('#new-claims-count').textContent`); n < 1 {
		t.Errorf("the banner counts %d new claims", n)
	}
	if v := jsEval[string](t, ctx, `window.__vigieReader || ''`); v != "still here" {
		t.Error("the page reloaded when new claims arrived")
	}
	if now := jsEval[string](t, ctx, place); now != mark {
		t.Errorf("the reader's place moved: first row in view was %s, now %s", mark, now)
	}
	clickAndLoad(t, ctx, "show the new claims", "#new-claims-show")
	if after := jsEval[int](t, ctx, `+document.querySelector('#total').dataset.total`); after <= before {
		t.Errorf("after showing the new claims the queue has %d, before %d", after, before)
	}
	g.check(t, "live queue")
}
