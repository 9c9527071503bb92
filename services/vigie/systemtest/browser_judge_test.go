package systemtest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus/bustest"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// judgeFeed is a feed written for this test: one item repeats a false
// fact-check with a different year (a non-central difference: the match
// stays flagged, the year is highlighted) and also matches a fact-check
// rated mixed; another item's sentences all score under the threshold.
const judgeFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Springfield Courier (fixture)</title><link>http://127.0.0.1/</link>
<description>Written for Vigie's match judgement test; fictional.</description><language>en</language>
<item><title>Town hall row</title><link>http://127.0.0.1/courier/1</link><guid>courier-1</guid>
<pubDate>Mon, 03 Nov 2025 08:00:00 GMT</pubDate>
<description><![CDATA[<p>Councillors met on Monday evening.</p><p>A viral post says that in 2025 the mayor of Springfield spent 1,000 euros of public money on a private birthday party. The town hall has not answered.</p>]]></description></item>
<item><title>Vacinas</title><link>http://127.0.0.1/courier/2</link><guid>courier-2</guid>
<pubDate>Mon, 03 Nov 2025 09:00:00 GMT</pubDate>
<description><![CDATA[<p>As vacinas causam autismo.</p>]]></description></item>
</channel></rss>`

// judgeFactChecks are the two fact-checks the first item matches.
var judgeFactChecks = []claims.FactCheck{
	{ID: "fc-party-2019", Language: "en", Rating: claims.RatingFalse, TextualRating: "False", Publisher: "Checkers (fictional)",
		Title: "No, the mayor did not spend 1,000 euros on a party", URL: "https://checkers.example/party-2019",
		Text: "In 2019 the mayor of Springfield spent 1,000 euros of public money on a private birthday party."},
	{ID: "fc-party-mixed", Language: "en", Rating: claims.RatingMixed, TextualRating: "Mixed", Publisher: "Other checkers (fictional)",
		Title: "The mayor's party: what we know", URL: "https://other.example/party",
		Text: "The mayor of Springfield spent 1,000 euros of public money on a private birthday party."},
}

// startJudgeApp starts vigie over judgeFeed and judgeFactChecks, with the
// default check-worthiness threshold, users fc (factchecker) and root
// (admin, whose API token the test uses).
func startJudgeApp(t *testing.T) *browserApp {
	t.Helper()
	requireTool(t, chromiumPath(), "apt-get install -y chromium")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = io.WriteString(w, judgeFeed)
	}))
	t.Cleanup(srv.Close)
	cfg := apptest.Config(t, t.TempDir(), srv.URL+"/courier.rss")
	a := apptest.Start(t, cfg, app.Options{Log: zaptest.NewLogger(t, zaptest.Level(zap.ErrorLevel)), FactChecks: judgeFactChecks})
	ctx := context.Background()
	for _, u := range []account.NewUser{
		{Name: "fc", Role: claims.RoleFactChecker, Password: browserPassword, Language: "en"},
		{Name: "root", Role: claims.RoleAdmin, Password: browserPassword, Language: "en"},
	} {
		if _, err := a.Accounts().CreateUser(ctx, u); err != nil {
			t.Fatalf("create user %s: %v", u.Name, err)
		}
	}
	tok, _, err := a.Accounts().CreateToken(ctx, "root", "judge-test", account.ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	return &browserApp{App: a, data: cfg.Data, base: "http://" + a.HTTPAddr(), token: tok}
}

// get reads an API path with the admin's token.
func (ba *browserApp) get(t *testing.T, path string) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ba.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+ba.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return b
}

// claim reads GET /api/v1/claims/{id}.
func (ba *browserApp) claim(t *testing.T, id string) reviewer.ClaimResponse {
	t.Helper()
	var c reviewer.ClaimResponse
	if err := json.Unmarshal(ba.get(t, "/api/v1/claims/"+id), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// matchIndex is the position of a fact-check among a claim's matches, -1
// when absent.
func matchIndex(c reviewer.ClaimResponse, fcID string) int {
	for i, m := range c.Claim.Matches {
		if m.FactCheckID == fcID {
			return i
		}
	}
	return -1
}

// screenshot saves the page as name under VIGIE_SCREENSHOTS when set,
// else in the test's temporary directory, and returns the path.
func screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	dir := os.Getenv("VIGIE_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	}
	buf := bRun(t, ctx, "screenshot", chromedp.CaptureScreenshot())
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBrowserMatchJudgement is issue 14's done-when 1 in Chromium: a
// fact-checker opens a flagged claim, sees the differing year highlighted
// beside the shared words, rejects the match with a note; the claim is no
// longer flagged (page, API, index), the pair is not suggested again after
// a re-match that passes through CLAIMS and the indexer, the audit log
// shows the event, and confirming the other match makes the claim
// confirmed with that fact-check's rating, as the API shows.
func TestBrowserMatchJudgement(t *testing.T) {
	t.Parallel()
	ba := startJudgeApp(t)
	var id string
	bustest.Eventually(t, 60*time.Second, "the Springfield claim indexed, flagged, with both matches", func() bool {
		for _, h := range ba.claims(t, "q="+url.QueryEscape("Springfield birthday party")).Hits {
			if h.Flagged && len(h.Matches) == 2 {
				id = h.ID
				return true
			}
		}
		return false
	})
	before := ba.claim(t, id)
	rej, conf := matchIndex(before, "fc-party-2019"), matchIndex(before, "fc-party-mixed")
	if rej < 0 || conf < 0 {
		t.Fatalf("matches: %+v", before.Claim.Matches)
	}

	ctx := newBrowser(t, "en-US")
	g := guardPage(t, ctx)
	ba.loginWithCookie(t, ctx, "fc")
	bDo(t, ctx, "open the flagged claim", chromedp.Navigate(ba.base+"/claims/"+id))
	g.check(t, "claim page")
	if n := jsEval[int](t, ctx, `document.querySelectorAll('#claim-flagged').length`); n != 1 {
		t.Fatalf("the claim page does not say flagged")
	}
	section := fmt.Sprintf(`#match-%d`, rej)
	differs := jsEval[string](t, ctx, `Array.from(document.querySelectorAll('`+section+` [data-testid="pair-claim"] mark.differs')).map(m => m.dataset.kind + ':' + m.textContent).join(',')`)
	if differs != "date:2025" {
		t.Errorf("the sentence's differing date is not highlighted: %q", differs)
	}
	fcDiffers := jsEval[string](t, ctx, `Array.from(document.querySelectorAll('`+section+` [data-testid="pair-factcheck"] mark.differs')).map(m => m.textContent).join(',')`)
	if fcDiffers != "2019" {
		t.Errorf("the fact-check's differing date is not highlighted: %q", fcDiffers)
	}
	shared := jsEval[string](t, ctx, `Array.from(document.querySelectorAll('`+section+` [data-testid="pair-claim"] mark.shared')).map(m => m.textContent).join(',')`)
	if !strings.Contains(shared, "Springfield") || !strings.Contains(shared, "1,000") {
		t.Errorf("shared words not marked: %q", shared)
	}
	// the highlight is visible: a background colour of its own
	bg := jsEval[string](t, ctx, `getComputedStyle(document.querySelector('`+section+` mark.differs')).backgroundColor`)
	if bg == "" || bg == "rgba(0, 0, 0, 0)" {
		t.Errorf("the differing date has no visible highlight: %q", bg)
	}
	if para := jsEval[string](t, ctx, `(document.querySelector('`+section+` .paragraph') || {}).textContent || ''`); !strings.Contains(para, "The town hall has not answered.") {
		t.Errorf("the surrounding paragraph is not shown: %q", para)
	}
	if d := jsEval[string](t, ctx, `(document.querySelector('`+section+` .side .meta time') || {}).textContent || ''`); d != "2025-11-03" {
		t.Errorf("the article's date: %q", d)
	}
	jsEval[bool](t, ctx, `document.querySelector('#matches').scrollIntoView(), true`)
	shot := screenshot(t, ctx, "judge-before.png")
	t.Logf("screenshot before judging: %s", shot)

	// reject, with a note
	bDo(t, ctx, "write a note", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`#judge-note-%d`, rej)), "The post is about 2025; the fact-check about 2019.", chromedp.NodeVisible))
	clickAndLoad(t, ctx, "not the same claim", fmt.Sprintf(`#reject-%d`, rej))
	g.check(t, "after rejecting")
	if p := location(t, ctx).Path; p != "/claims/"+id {
		t.Fatalf("after rejecting, the browser is on %s", p)
	}
	if j := jsEval[string](t, ctx, `document.querySelector('`+section+`').dataset.judgement`); j != "rejected" {
		t.Errorf("the rejected match is not marked: %q", j)
	}
	if n := jsEval[int](t, ctx, `document.querySelectorAll('#claim-not-flagged').length`); n != 1 {
		t.Errorf("after the rejection the page still says flagged")
	}
	jsEval[bool](t, ctx, `document.querySelector('#claim-judged').scrollIntoView(), true`)
	t.Logf("screenshot after rejecting: %s", screenshot(t, ctx, "judge-rejected.png"))
	after := ba.claim(t, id)
	m := after.Claim.Matches[rej]
	if after.Claim.Flagged || m.Judgement == nil || *m.Judgement != claims.JudgementRejected || m.JudgedBy != "fc" || m.JudgedAt.IsZero() {
		t.Errorf("API after rejecting: flagged %v, match %+v", after.Claim.Flagged, m)
	}
	bustest.Eventually(t, 30*time.Second, "the index no longer has the claim flagged", func() bool {
		for _, h := range ba.claims(t, "filter="+url.QueryEscape("flagged = true")).Hits {
			if h.ID == id {
				return false
			}
		}
		return true
	})

	// re-match: the item is analysed again; the rejected pair stays out
	detected := after.Claim.Detected
	clickAndLoad(t, ctx, "match again", `#rematch-submit`)
	if n := jsEval[int](t, ctx, `document.querySelectorAll('#rematch-requested').length`); n != 1 {
		t.Errorf("no notice of the re-match")
	}
	var rematched reviewer.ClaimResponse
	bustest.Eventually(t, 60*time.Second, "the claim analysed again", func() bool {
		rematched = ba.claim(t, id)
		return rematched.Claim.Detected.After(detected)
	})
	if matchIndex(rematched, "fc-party-2019") >= 0 || matchIndex(rematched, "fc-party-mixed") < 0 || rematched.Claim.Flagged {
		t.Errorf("after the re-match: flagged %v, matches %+v", rematched.Claim.Flagged, rematched.Claim.Matches)
	}
	bDo(t, ctx, "reload the claim", chromedp.Navigate(ba.base+"/claims/"+id))
	if j := jsEval[string](t, ctx, `(document.querySelector('#former-matches li[data-match-id="fc-party-2019"]') || {dataset: {}}).dataset.judgement || ''`); j != "rejected" {
		t.Errorf("the rejected pair is not kept in sight after the re-match: %q", j)
	}
	if n := jsEval[int](t, ctx, `document.querySelectorAll('#history tr[data-action="match_judge"]').length`); n != 1 {
		t.Errorf("the claim's history shows %d match judgements, want 1", n)
	}

	// the audit log has the event
	found := false
	sc := bufio.NewScanner(strings.NewReader(string(ba.get(t, "/api/v1/audit"))))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e claims.ReviewEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatal(err)
		}
		if e.ClaimID == id && e.Action == claims.ActionJudgeMatch && e.Judgement != nil &&
			e.Judgement.FactCheckID == "fc-party-2019" && e.Judgement.Judgement.Judgement == claims.JudgementRejected &&
			e.Actor.Name == "fc" && strings.Contains(e.Judgement.Note, "2019") {
			found = true
		}
	}
	if !found {
		t.Error("the audit log has no match_judge event rejecting fc-party-2019")
	}

	// confirm the other match: the claim is confirmed, with its rating
	i := jsEval[int](t, ctx, `Array.from(document.querySelectorAll('#matches section.judge')).findIndex(s => s.dataset.matchId === 'fc-party-mixed')`)
	if i < 0 {
		t.Fatal("the mixed fact-check is not on the page after the re-match")
	}
	clickAndLoad(t, ctx, "same claim", fmt.Sprintf(`#confirm-%d`, i))
	g.check(t, "after confirming")
	jsEval[bool](t, ctx, `document.querySelector('#claim-judged').scrollIntoView(), true`)
	t.Logf("screenshot after confirming: %s", screenshot(t, ctx, "judge-confirmed.png"))
	final := ba.claim(t, id)
	k := matchIndex(final, "fc-party-mixed")
	if !final.Claim.Confirmed || final.Claim.ConfirmedRating != claims.RatingMixed || k < 0 || final.Claim.Matches[k].Judgement == nil ||
		*final.Claim.Matches[k].Judgement != claims.JudgementConfirmed || final.Claim.Flagged {
		t.Errorf("after confirming: %+v", final.Claim)
	}
	bustest.Eventually(t, 30*time.Second, "the index has the claim confirmed", func() bool {
		r := ba.claims(t, "filter="+url.QueryEscape("confirmed = true"))
		return r.Total == 1 && r.Hits[0].ID == id && r.Hits[0].ConfirmedRating == claims.RatingMixed
	})
}

// TestLowPriorityKept is issue 14's done-when 5: an item whose sentences
// all score under the check-worthiness threshold still has its claims in
// the index, with their scores, found by search and by the queue's
// low-priority view (and not in the main queue).
func TestLowPriorityKept(t *testing.T) {
	t.Parallel()
	ba := startJudgeApp(t)
	var low reviewer.ClaimsResponse
	bustest.Eventually(t, 60*time.Second, "the vaccine sentence searchable", func() bool {
		low = ba.claims(t, "q="+url.QueryEscape("vacinas autismo"))
		return low.Total > 0
	})
	h := low.Hits[0]
	if !h.LowPriority || h.Worthiness >= 0.5 || h.Text != "As vacinas causam autismo." {
		t.Fatalf("the vaccine sentence: %+v", h)
	}
	// every claim of its item is low priority: nothing reached the queue
	item := ba.claims(t, "filter="+url.QueryEscape("item_id = \""+h.ItemID+"\""))
	for _, c := range item.Hits {
		if !c.LowPriority {
			t.Errorf("a claim of the item is not low priority: %+v", c)
		}
	}
	page := func(path string) string {
		t.Helper()
		return string(ba.get(t, path))
	}
	if p := page("/queue?view=low"); !strings.Contains(p, `data-claim-id="`+h.ID+`"`) {
		t.Errorf("the low-priority view lacks the vaccine sentence")
	}
	if p := page("/queue"); strings.Contains(p, `data-claim-id="`+h.ID+`"`) {
		t.Errorf("the main queue shows a low-priority sentence")
	}
	if p := page("/queue?view=low&q=" + url.QueryEscape("vacinas")); !strings.Contains(p, `data-claim-id="`+h.ID+`"`) {
		t.Errorf("a search in the low-priority view does not find it")
	}
}
