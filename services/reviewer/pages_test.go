package reviewer

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/source"
)

// browser is an HTTP client with a cookie jar that asks for HTML.
type browser struct {
	t    *testing.T
	e    *env
	c    *http.Client
	lang string
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) req(method, path string, form url.Values) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.http.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

func (b *browser) login(name string) {
	b.t.Helper()
	resp, body := b.req("POST", "/login", url.Values{"name": {name}, "password": {testPassword}, "next": {"/queue"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/queue" {
		b.t.Fatalf("login %s: %d %s", name, resp.StatusCode, body)
	}
}

func must(t *testing.T, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func TestLoginAndSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim()
	b := e.browser(t)
	t.Run("anonymous page redirects to login", func(t *testing.T) {
		b.t = t
		resp, _ := b.req("GET", "/queue?q=budget", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fqueue%3Fq%3Dbudget" {
			t.Fatalf("%d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		b.t = t
		resp, body := b.req("POST", "/login", url.Values{"name": {"u-factchecker"}, "password": {"nope nope nope"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("%d", resp.StatusCode)
		}
		must(t, body, `id="login-error"`, `id="login-name"`, `id="login-password"`, `id="login-submit"`)
	})
	t.Run("open redirect refused", func(t *testing.T) {
		b.t = t
		resp, _ := b.req("POST", "/login", url.Values{"name": {"u-factchecker"}, "password": {testPassword}, "next": {"//evil.example/"}})
		if resp.Header.Get("Location") != "/" {
			t.Fatalf("redirected to %q", resp.Header.Get("Location"))
		}
	})
	t.Run("login then queue then logout", func(t *testing.T) {
		b.t = t
		b.login("u-factchecker")
		resp, body := b.req("GET", "/queue", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("queue: %d", resp.StatusCode)
		}
		must(t, body, `data-claim-id="claim-001"`, `id="logout"`)
		if resp, _ := b.req("POST", "/logout", url.Values{}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("logout: %d", resp.StatusCode)
		}
		if resp, _ := b.req("GET", "/queue", nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("queue after logout: %d", resp.StatusCode)
		}
	})
	t.Run("subscriber sees its alerts, not the queue", func(t *testing.T) {
		sb := e.browser(t)
		sb.login("u-subscriber")
		if resp, _ := sb.req("GET", "/queue", nil); resp.StatusCode != http.StatusForbidden {
			t.Fatalf("queue as subscriber: %d", resp.StatusCode)
		}
		resp, body := sb.req("GET", "/alerts", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("alerts: %d", resp.StatusCode)
		}
		must(t, body, `data-subscription-id="sub_u-subscriber"`, `data-alert-id="al1"`, "https://town.example/hook")
		if strings.Contains(body, `id="nav-queue"`) {
			t.Error("a subscriber is shown the queue link")
		}
	})
}

func TestReviewFlowThroughForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.claim(func(c *claimdoc.Claim) {
		c.Flagged, c.ClusterID = true, "cl1"
		c.Matches = []claims.Match{{FactCheckID: "fc1", Text: "The budget doubled", Score: 0.91, Rating: "false", Publisher: "AFP Factuel",
			URL: "https://factuel.afp.com/x", Explanation: "shares the numbers 40 and budget"}}
		c.Reasons = []claims.Feature{{Name: "number", Weight: 0.3}}
	})
	e.claim(func(c *claimdoc.Claim) { c.ClusterID, c.Source, c.SourceName = "cl1", "jn", "JN" })
	fc := e.browser(t)
	fc.login("u-factchecker")

	resp, page := fc.req("GET", "/claims/"+id, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("claim page: %d", resp.StatusCode)
	}
	must(t, page, `id="claim-sentence"`, `id="original-link"`, "AFP Factuel", "shares the numbers 40 and budget",
		`data-repeats="2" data-sources="2"`, "Repeated 2 times in 2 sources", `id="assign-select"`, `id="history-empty"`)

	post := func(b *browser, path string, form url.Values, wantLoc string) {
		t.Helper()
		_, rev := e.state(id)
		form.Set("revision", itoa(rev))
		resp, body := b.req("POST", path, form)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != wantLoc {
			t.Fatalf("POST %s: %d → %q: %s", path, resp.StatusCode, resp.Header.Get("Location"), body)
		}
	}
	post(fc, "/api/v1/claims/"+id+"/assign", url.Values{"assignee": {"u-factchecker"}}, "/claims/"+id)
	post(fc, "/api/v1/claims/"+id+"/notes", url.Values{"note": {"called the council"}}, "/claims/"+id)
	post(fc, "/api/v1/claims/"+id+"/verdict", url.Values{"claim_reviewed": {"The budget grew by 40%"}, "rating": {"false"},
		"summary": {"It grew by 4%."}, "sources": {"https://town.example/a\r\nhttps://town.example/b"}, "language": {"fr"},
		"localities": {"FR-75056, FR-13055"}, "review_date": {"2027-01-15"}}, "/claims/"+id+"/verdict")
	_, page = fc.req("GET", "/claims/"+id+"/verdict", nil)
	must(t, page, `id="verdict-submit"`, "https://town.example/a\nhttps://town.example/b", `value="FR-75056, FR-13055"`, `value="2027-01-15"`)
	if strings.Contains(page, `id="verdict-publish"`) {
		t.Error("a fact-checker is offered to publish")
	}
	post(fc, "/api/v1/verdicts/"+id+"/submit", url.Values{}, "/claims/"+id+"/verdict")

	ed := e.browser(t)
	ed.login("u-editor")
	_, page = ed.req("GET", "/claims/"+id+"/verdict", nil)
	must(t, page, `id="verdict-publish"`)
	post(ed, "/api/v1/verdicts/"+id+"/publish", url.Values{}, "/claims/"+id+"/verdict")
	_, page = ed.req("GET", "/claims/"+id+"/verdict", nil)
	must(t, page, `id="published-verdict-link"`, `href="/verdicts/`+id+`"`, `id="verdict-correct"`, `id="verdict-retract"`)
	st, _ := e.state(id)
	if st.Status != claims.StatusPublished || st.Assignee != "u-factchecker" || len(st.Notes) != 1 {
		t.Fatalf("state %+v", st)
	}
	v, err := e.wf.Verdict(context.Background(), id)
	if err != nil || len(v.Sources) != 2 || len(v.Localities) != 2 || v.ReviewDate.Format(time.DateOnly) != "2027-01-15" || v.Editor != "u-editor" {
		t.Fatalf("verdict %+v, %v", v, err)
	}
	_, page = fc.req("GET", "/claims/"+id, nil)
	if n := strings.Count(page, "data-event-id="); n != 6 { // assign, note, status (auto), draft, submit, publish
		t.Errorf("history shows %d events, want 6", n)
	}
}

func TestScriptPayloadIsInert(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	payload := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	id := e.claim(func(c *claimdoc.Claim) {
		c.Text, c.ItemTitle, c.ItemURL, c.SourceName = "Claim "+payload, "Title "+payload, "javascript:alert(1)", payload
		c.Matches = []claims.Match{{FactCheckID: "m", Text: payload, Rating: "false", URL: "javascript:alert(2)", Publisher: payload}}
	})
	b := e.browser(t)
	b.login("u-editor")
	for _, path := range []string{"/queue", "/claims/" + id, "/claims/" + id + "/verdict", "/queue?q=" + url.QueryEscape(payload)} {
		resp, page := b.req("GET", path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert"} {
			if strings.Contains(page, bad) {
				t.Errorf("%s contains %q unescaped", path, bad)
			}
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'self'") {
			t.Errorf("%s: no content security policy", path)
		}
	}
}

func TestQueueFacetsSortAndPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now().UTC()
	for i := range 25 {
		e.claim(func(c *claimdoc.Claim) {
			c.Flagged = i%5 == 0
			c.Language = []string{"fr", "pt"}[i%2]
			c.Localities = []string{"FR-75056"}
			c.Worthiness = float64(i) / 25
			c.Detected = now.Add(-time.Duration(i) * 36 * time.Hour)
		})
	}
	b := e.browser(t)
	b.login("u-factchecker")
	count := regexp.MustCompile(`data-facet="([a-z]+)" data-value="([^"]+)"[^>]*>[^<]*<span class="count">\((\d+)\)`)
	facets := func(page string) map[string]string {
		out := map[string]string{}
		for _, m := range count.FindAllStringSubmatch(page, -1) {
			out[m[1]+"="+m[2]] = m[3]
		}
		return out
	}
	cases := []struct {
		name, path string
		total      int
		facets     map[string]string
	}{
		{"all", "/queue", 25, map[string]string{"flagged=true": "5", "flagged=false": "20", "language=fr": "13", "language=pt": "12",
			"status=new": "25", "locality=FR-75056": "25", "wmin=50": "12", "since=day": "1", "since=week": "5"}},
		{"language", "/queue?language=pt", 12, map[string]string{"language=fr": "13", "language=pt": "12", "flagged=true": "2"}},
		{"flagged and week", "/queue?flagged=true&since=week", 1, map[string]string{"flagged=false": "4"}},
		{"worthiness", "/queue?wmin=75", 6, map[string]string{"language=fr": "3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b.t = t
			resp, page := b.req("GET", c.path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d", resp.StatusCode)
			}
			must(t, page, `data-total="`+itoa(c.total)+`"`)
			got := facets(page)
			for k, v := range c.facets {
				if got[k] != v {
					t.Errorf("facet %s: %q, want %s (all: %v)", k, got[k], v, got)
				}
			}
		})
	}
	t.Run("flagged first, then pages", func(t *testing.T) {
		b.t = t
		_, page := b.req("GET", "/queue", nil)
		rows := regexp.MustCompile(`data-flagged="(true|false)"`).FindAllStringSubmatch(page, -1)
		if len(rows) != queuePageSize {
			t.Fatalf("%d rows on page 1", len(rows))
		}
		for i, r := range rows {
			if (i < 5) != (r[1] == "true") {
				t.Fatalf("row %d flagged=%s: flagged claims not first", i, r[1])
			}
		}
		must(t, page, `id="page-next"`, "Page 1 / 2")
		_, page2 := b.req("GET", "/queue?page=2", nil)
		if n := strings.Count(page2, "data-claim-id="); n != 5 {
			t.Fatalf("page 2 has %d rows", n)
		}
	})
	t.Run("bad parameters", func(t *testing.T) {
		b.t = t
		for _, q := range []string{"sort=nope", "wmin=300", "since=year", "page=0", "flagged=maybe"} {
			if resp, _ := b.req("GET", "/queue?"+q, nil); resp.StatusCode != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", q, resp.StatusCode)
			}
		}
	})
}

func TestTipsterRestrictedAndErasable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.claim()
	ref := "0123456789abcdef0123456789abcdef"
	e.setField(id, "reporter_ref", ref)
	e.reps.ids[ref] = "Jane Tipster"
	for _, c := range []struct {
		role string
		sees bool
	}{{claims.RoleAdmin, true}, {claims.RoleEditor, true}, {claims.RoleFactChecker, false}} {
		t.Run(c.role, func(t *testing.T) {
			e.t = t
			_, body := e.do(c.role, "GET", "/api/v1/claims/"+id, nil)
			if got := strings.Contains(string(body), "Jane Tipster"); got != c.sees {
				t.Fatalf("sees the tipster: %v, want %v", got, c.sees)
			}
		})
	}
	e.t = t
	if st, b := e.do(claims.RoleEditor, "POST", "/api/v1/claims/"+id+"/tipster/erase", nil); st != http.StatusOK {
		t.Fatalf("erase: %d %s", st, b)
	}
	if _, ok := e.reps.ids[ref]; ok {
		t.Fatal("identity not erased")
	}
	if _, body := e.do(claims.RoleEditor, "GET", "/api/v1/claims/"+id, nil); strings.Contains(string(body), "Jane") {
		t.Fatal("identity still shown")
	}
}

func TestLiveEvents(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.claim()
	since := time.Now().UTC()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.http.URL+"/events?since="+url.QueryEscape(since.Format(time.RFC3339Nano)), nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[claims.RoleFactChecker])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	e.claim(func(c *claimdoc.Claim) { c.Detected = since.Add(time.Second) })
	e.claim(func(c *claimdoc.Claim) { c.Detected = since.Add(2 * time.Second) })
	sc := bufio.NewScanner(resp.Body)
	var event string
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "event: ") {
			event = strings.TrimPrefix(line, "event: ")
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok && event == "claims" {
			var ev NewClaimsEvent
			if err := json.Unmarshal([]byte(d), &ev); err != nil {
				t.Fatal(err)
			}
			if ev.New == 2 {
				return // the older claim is not counted
			}
			if ev.New != 1 {
				t.Fatalf("event %+v", ev)
			}
		}
	}
	t.Fatalf("stream ended without the two new claims: %v", sc.Err())
}

func TestDashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Now().UTC()
	for i := range 6 {
		e.claim(func(c *claimdoc.Claim) {
			c.Source = []string{"le-monde", "jn"}[i%2]
			c.ClusterID = []string{"cl-a", "cl-a", "cl-a", "cl-b", "cl-b", ""}[i]
			c.Flagged = i < 2
			c.Localities = []string{"FR-75056"}
			c.Detected = now.Add(-time.Duration(i) * 24 * time.Hour)
		})
	}
	id := e.published()
	st, b := e.do(claims.RoleEditor, "GET", "/api/v1/dashboard", nil)
	if st != http.StatusOK {
		t.Fatalf("%d %s", st, b)
	}
	d := decode[Dashboard](t, b)
	if d.ClaimsDetected != 7 || d.ClaimsFlagged != 2 || d.VerdictsPublished != 1 {
		t.Errorf("counts %+v", d)
	}
	if len(d.TopClusters) != 2 || d.TopClusters[0].ClusterID != "cl-a" || d.TopClusters[0].Count != 3 || d.TopClusters[0].Text == "" {
		t.Errorf("top clusters %+v", d.TopClusters)
	}
	// Today holds the claim detected now and, unless the test runs in the
	// first hour of the day (UTC), the published one detected an hour ago.
	wantToday := 1
	if now.Add(-time.Hour).Truncate(24 * time.Hour).Equal(now.Truncate(24 * time.Hour)) {
		wantToday = 2
	}
	if len(d.Days) != dashboardDays || d.Days[dashboardDays-1].Total != wantToday || d.Days[dashboardDays-2].PerSource["jn"] != 1 {
		t.Errorf("days %+v", d.Days)
	}
	if d.MedianToVerdict < 3500 || d.MedianToVerdict > 3700 { // the published claim was detected an hour ago
		t.Errorf("median %v s for claim %s", d.MedianToVerdict, id)
	}
	if len(d.PerLocality) != 1 || d.PerLocality[0].Count != 6 {
		t.Errorf("per locality %+v", d.PerLocality)
	}
	br := e.browser(t)
	br.login("u-editor")
	_, page := br.req("GET", "/dashboard", nil)
	must(t, page, `id="stat-detected">7<`, `<svg xmlns="http://www.w3.org/2000/svg"`, `id="chart-localities"`, `data-cluster-id="cl-a"`)
}

func TestLanguages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.claim()
	cases := []struct{ name, accept, query, wantLang, wantDir, wantText string }{
		{"english default", "", "", "en", "ltr", "Queue"},
		{"french browser", "fr-FR,fr;q=0.9", "", "fr", "ltr", "File d&#39;attente"},
		{"arabic browser", "ar-MA", "", "ar", "rtl", "قائمة الانتظار"},
		{"switch", "fr", "?lang=sv", "sv", "ltr", "Kö"},
		{"unsupported", "de-DE", "", "en", "ltr", "Queue"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := e.browser(t)
			b.lang = c.accept
			b.login("u-factchecker")
			_, page := b.req("GET", "/claims/"+id+c.query, nil)
			must(t, page, `<html lang="`+c.wantLang+`" dir="`+c.wantDir+`">`, c.wantText)
		})
	}
	t.Run("switch is remembered, setting decides after", func(t *testing.T) {
		b := e.browser(t)
		b.login("u-editor")
		b.req("GET", "/queue?lang=ar", nil)
		_, page := b.req("GET", "/queue", nil)
		must(t, page, `dir="rtl"`)
		resp, _ := b.req("POST", "/account/language", url.Values{"language": {"pt"}, "next": {"/queue"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("set language: %d", resp.StatusCode)
		}
		_, page = b.req("GET", "/queue", nil)
		must(t, page, `<html lang="pt" dir="ltr">`)
	})
}

func TestCatalogueComplete(t *testing.T) {
	t.Parallel()
	for key, msgs := range catalogue {
		for i, m := range msgs {
			if strings.TrimSpace(m) == "" {
				t.Errorf("key %q has no %s text", key, Languages[i])
			}
			if strings.Count(m, "%") != strings.Count(msgs[0], "%") {
				t.Errorf("key %q: %s has other format verbs than en", key, Languages[i])
			}
		}
	}
	used := regexp.MustCompile(`\bt[f]? \$?\.Lang "([a-z_]+)"`)
	files, err := filepath.Glob("templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatal("no templates", err)
	}
	n := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(raw), -1) {
			n++
			if _, ok := catalogue[m[1]]; !ok {
				t.Errorf("%s uses key %q missing from the catalogue", f, m[1])
			}
		}
	}
	if n < 100 {
		t.Errorf("found only %d message uses in the templates: the pattern is stale", n)
	}
	for _, s := range claims.Statuses {
		if _, ok := catalogue["status_"+string(s)]; !ok {
			t.Errorf("no message for status %s", s)
		}
	}
	for _, r := range claims.Scale {
		if _, ok := catalogue["rating_"+string(r)]; !ok {
			t.Errorf("no message for rating %s", r)
		}
	}
	for _, l := range Languages {
		if languageNames[l] == "" {
			t.Errorf("no name for language %s", l)
		}
	}
}

func TestTwoFactorEnrolmentRequired(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, account.Config{TOTPRequired: true})
	e.claim()
	b := e.browser(t)
	resp, _ := b.req("POST", "/login", url.Values{"name": {"u-editor"}, "password": {testPassword}, "next": {"/queue"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/2fa" {
		t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.req("GET", "/queue", nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/2fa" {
		t.Fatalf("queue before enrolment: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := b.req("POST", "/api/v1/claims/claim-001/notes", url.Values{"note": {"x"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("action before enrolment: %d", resp.StatusCode)
	}
	_, page := b.req("GET", "/account/2fa", nil)
	must(t, page, `id="totp-required"`, `id="totp-enrol"`)
	_, page = b.req("POST", "/account/2fa/enrol", url.Values{})
	m := regexp.MustCompile(`id="totp-secret" dir="ltr">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no secret on the enrolment page")
	}
	must(t, page, "otpauth://totp/")
	if resp, _ := b.req("POST", "/account/2fa/confirm", url.Values{"code": {"000000"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("wrong code: %d", resp.StatusCode)
	}
	code, err := totp.GenerateCode(m[1], time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if resp, body := b.req("POST", "/account/2fa/confirm", url.Values{"code": {code}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.req("GET", "/queue", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("queue after enrolment: %d", resp.StatusCode)
	}
	// The next login needs the code.
	b2 := e.browser(t)
	resp, page = b2.req("POST", "/login", url.Values{"name": {"u-editor"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "two-factor") && !strings.Contains(page, "Enter your two-factor code") {
		t.Fatalf("login without code: %d", resp.StatusCode)
	}
}

// TestQueueFacetLabels: the source facet shows the sources' names (the id
// of a source no longer registered), and a claim without a language adds
// no empty, unusable value to the language facet.
func TestQueueFacetLabels(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if err := e.srv.sources.Put(ctx, source.Source{ID: "le-monde", Name: "Le Monde (Paris)", Kind: source.KindFeed, URL: "https://lemonde.example/rss"}); err != nil {
		t.Fatal(err)
	}
	e.claim()
	e.claim(func(c *claimdoc.Claim) { c.Source, c.SourceName = "gone", "" })
	e.claim(func(c *claimdoc.Claim) { c.Language = "" })
	b := e.browser(t)
	b.login("u-factchecker")
	_, page := b.req("GET", "/queue", nil)
	label := regexp.MustCompile(`data-facet="([a-z]+)" data-value="([^"]*)"[^>]*>([^<]*)<span`)
	got := map[string]string{}
	for _, m := range label.FindAllStringSubmatch(page, -1) {
		got[m[1]+"="+m[2]] = strings.TrimSpace(m[3])
	}
	if got["source=le-monde"] != "Le Monde (Paris)" || got["source=gone"] != "gone" {
		t.Errorf("source facet labels %v, want the registered name and the bare id", got)
	}
	if _, ok := got["language="]; ok {
		t.Errorf("language facet has an empty value: %v", got)
	}
	if got["language=fr"] != "fr" {
		t.Errorf("language facet %v, want fr", got)
	}
}
