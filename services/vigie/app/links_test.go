package app_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus/bustest"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

var (
	hrefPattern = regexp.MustCompile(`href="([^"]+)"`)
	webPattern  = regexp.MustCompile(`<web>([^<]+)</web>`)
)

// TestEveryAlertLinkOpens follows every link a subscriber receives — its
// private feeds (Atom, JSON Feed), the CAP index and its CAP messages, the
// webhook payloads and its alerts page — as that subscriber (its session)
// and, for the links an alert carries, as anyone holding the link: all 200.
func TestEveryAlertLinkOpens(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, t.TempDir())
	cfg.Alerts.AllowPrivateNetworks = true // the receiver is on loopback
	a := apptest.Start(t, cfg, app.Options{})
	ctx := t.Context()
	base := "http://" + a.HTTPAddr()

	var mu sync.Mutex
	var payloads []map[string]any
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p map[string]any
		if err := json.NewDecoder(r.Body).Decode(&p); err == nil {
			mu.Lock()
			payloads = append(payloads, p)
			mu.Unlock()
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(recv.Close)

	const password = "a long enough password"
	if _, err := a.Accounts().CreateUser(ctx, account.NewUser{Name: "porto", Role: claims.RoleSubscriber, Locality: "PT-1312", Password: password}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	town := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := town.PostForm(base+"/login", url.Values{"name": {"porto"}, "password": {password}, "next": {"/alerts"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/alerts" {
		t.Fatalf("login: %d at %s", resp.StatusCode, resp.Request.URL)
	}

	// The subscriber subscribes itself, in the API, to its own locality.
	body, _ := json.Marshal(map[string]any{"name": "Porto", "localities": []string{"PT-1312"}, "languages": []string{"pt"},
		"triggers": []string{"verdict"}, "feed": map[string]any{"enabled": true}, "cap": map[string]any{"enabled": true},
		"webhooks": []map[string]any{{"url": recv.URL + "/hook", "enabled": true}}})
	resp, err = town.Post(base+"/api/v1/subscriptions", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		Subscription struct {
			ID string `json:"id"`
		} `json:"subscription"`
		Feed map[string]string `json:"feed"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || created.Feed["atom"] == "" {
		t.Fatalf("subscribe: %d %+v", resp.StatusCode, created)
	}

	// A verdict about Porto is published, then corrected, through the
	// review workflow (as the newsroom does).
	w := a.Review()
	fc, ed := claims.Actor{Name: "fatima", Role: claims.RoleFactChecker}, claims.Actor{Name: "edith", Role: claims.RoleEditor}
	in := claims.VerdictInput{ClaimReviewed: "O metro do Porto vai fechar em dezembro.", Rating: claims.RatingFalse,
		TextualRating: "Falso", Summary: "A empresa desmentiu o encerramento.", Sources: []string{"https://example.org/metro"},
		Localities: []string{"PT-1312"}, Language: "pt"}
	const claimID = "clm_porto_metro"
	step := func(name string, do func(rev uint64) error) {
		t.Helper()
		_, rev, err := w.Get(ctx, claimID)
		if err != nil {
			t.Fatal(err)
		}
		if err := do(rev); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("triage", func(rev uint64) error { _, err := w.SetStatus(ctx, fc, claimID, rev, claims.StatusTriage); return err })
	step("draft", func(rev uint64) error { _, err := w.DraftVerdict(ctx, fc, claimID, rev, in); return err })
	step("submit", func(rev uint64) error { _, err := w.SubmitVerdict(ctx, fc, claimID, rev); return err })
	step("publish", func(rev uint64) error { _, err := w.PublishVerdict(ctx, ed, claimID, rev); return err })
	in.Summary = "A empresa desmentiu o encerramento; a obra é em janeiro."
	step("correct", func(rev uint64) error {
		_, err := w.CorrectVerdict(ctx, ed, claimID, rev, in, "A data da obra estava errada.")
		return err
	})

	get := func(c *http.Client, link string) (int, string) {
		t.Helper()
		resp, err := c.Get(link)
		if err != nil {
			t.Fatalf("GET %s: %v", link, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	bustest.Eventually(t, 30*time.Second, "two webhook deliveries", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(payloads) >= 2
	})

	type link struct{ from, url string }
	var links []link
	add := func(from string, urls ...string) {
		for _, u := range urls {
			u = html.UnescapeString(u)
			if strings.HasPrefix(u, "/") {
				u = base + u
			}
			links = append(links, link{from, u})
		}
	}
	hrefs := func(s string) (out []string) {
		for _, m := range hrefPattern.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		return out
	}
	var atom, capIndex string
	// One alert, updated in place by the correction (its CAP messages: an
	// Alert, then an Update).
	bustest.Eventually(t, 30*time.Second, "the corrected alert in the feeds", func() bool {
		_, atom = get(town, created.Feed["atom"])
		_, capIndex = get(town, created.Feed["cap"])
		return strings.Count(atom, "<entry") == 1 && strings.Contains(atom, "A data da obra estava errada") &&
			strings.Count(capIndex, "<entry") >= 1
	})
	add("atom feed", hrefs(atom)...)
	add("cap index", hrefs(capIndex)...)
	code, jsonFeed := get(town, created.Feed["json"])
	var jf struct {
		Home  string `json:"home_page_url"`
		Self  string `json:"feed_url"`
		Items []struct {
			URL string `json:"url"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(jsonFeed), &jf); err != nil || code != http.StatusOK || len(jf.Items) != 1 {
		t.Fatalf("JSON feed: %d %v %s", code, err, jsonFeed)
	}
	add("json feed", jf.Home, jf.Self)
	for _, it := range jf.Items {
		add("json feed item", it.URL)
	}
	mu.Lock()
	for _, p := range payloads {
		d, _ := p["data"].(map[string]any)
		u, _ := d["url"].(string)
		add("webhook "+p["type"].(string), u)
	}
	mu.Unlock()
	_, page := get(town, base+"/alerts")
	for _, h := range hrefs(page) {
		if strings.HasPrefix(strings.TrimPrefix(h, base), "/alerts/alrt_") {
			add("alerts page", h)
		}
	}

	var capMessages, alertLinks int
	anyone := &http.Client{Timeout: 30 * time.Second}
	for _, l := range links {
		if !strings.HasPrefix(l.url, base+"/") && l.url != base {
			t.Errorf("%s links outside the site: %s", l.from, l.url)
			continue
		}
		code, body := get(town, l.url)
		if code != http.StatusOK {
			t.Errorf("%s: GET %s as the subscriber: %d", l.from, l.url, code)
		}
		if strings.Contains(l.url, "/cap/") {
			capMessages++
			for _, m := range webPattern.FindAllStringSubmatch(body, -1) {
				if c, _ := get(anyone, html.UnescapeString(m[1])); c != http.StatusOK {
					t.Errorf("CAP <web> %s: %d", m[1], c)
				}
			}
		}
		if strings.Contains(l.url, "/alerts/alrt_") && strings.Contains(l.url, "sig=") {
			alertLinks++
			if c, body := get(anyone, l.url); c != http.StatusOK || !strings.Contains(body, "Porto") {
				t.Errorf("%s: GET %s as anyone holding the link: %d", l.from, l.url, c)
			}
			req, _ := http.NewRequest(http.MethodGet, l.url, nil)
			req.Header.Set("Accept", "text/html")
			if resp, err := anyone.Do(req); err != nil {
				t.Errorf("GET %s as a browser: %v", l.url, err)
			} else {
				page, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if !strings.Contains(string(page), `<html lang="pt"`) {
					t.Errorf("%s: %s opens in another language than the Portuguese subscription's", l.from, l.url)
				}
			}
			forged := strings.Replace(l.url, "sig=", "sig=x", 1)
			if c, _ := get(anyone, forged); c != http.StatusNotFound {
				t.Errorf("a forged signature opens %s: %d", forged, c)
			}
		}
	}
	t.Logf("followed %d links: %d CAP messages, %d signed alert links (each also as anyone, and forged)", len(links), capMessages, alertLinks)
	if capMessages < 1 || alertLinks < 4 || len(links) < 12 {
		t.Errorf("followed %d links (%d CAP messages, %d signed alert links): too few", len(links), capMessages, alertLinks)
	}
	if slices.ContainsFunc(links, func(l link) bool { return strings.Contains(l.url, "/claims/") }) {
		t.Errorf("a link points at the newsroom's claim pages (403 for a subscriber): %v", links)
	}
}
