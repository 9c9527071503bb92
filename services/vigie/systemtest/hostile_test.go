package systemtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/fetch"
	"vigie/pipeline/fixtures"
	"vigie/pipeline/source"
	"vigie/pipeline/webhook"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/config"
	"vigie/services/vigie/demo"
)

// The hostile-input suite: what a hostile feed, tip, source URL or webhook
// receiver does to a running pipeline. (The XSS corpus carried to the UI
// in headless Chromium is in the browser tests.)

// sourceStates waits until no source of ids is "new" any more and returns their states.
func sourceStates(t *testing.T, a *app.App, ids []string, limit time.Duration) map[string]source.State {
	t.Helper()
	out := map[string]source.State{}
	bustest.Eventually(t, limit, "every source fetched once", func() bool {
		for _, id := range ids {
			st, _, err := a.Registry().State(context.Background(), id)
			if err != nil {
				t.Fatalf("state of %s: %v", id, err)
			}
			if st.Status == source.StatusNew || st.Status == "" {
				return false
			}
			out[id] = st
		}
		return true
	})
	return out
}

func readyStatus(t *testing.T, addr string) int {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHostileMalformedFeeds serves every file of the repository's
// pipeline/fixtures/feeds/malformed/ live to a running pipeline: each
// source ends ok or in error with a stated error, nothing crashes, no
// external entity is fetched, and the process stays ready and keeps
// ingesting a good feed served next to them.
func TestHostileMalformedFeeds(t *testing.T) {
	t.Parallel()
	dir := fixtures.Path("feeds", "malformed")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("malformed feeds: %v", err)
	}
	mux := http.NewServeMux()
	var unexpected sync.Map
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		unexpected.Store(r.URL.Path, true) // an entity or DTD fetched back from us
		http.NotFound(w, r)
	})
	good, err := demo.Feed("jn-porto.rss")
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/good.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(good)
	})
	var names []string
	for _, e := range ents {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || e.Name() == "SOURCE.txt" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		ct := "application/rss+xml"
		if strings.HasSuffix(e.Name(), ".json") {
			ct = "application/feed+json"
		}
		mux.HandleFunc("/m/"+e.Name(), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(b)
		})
		names = append(names, e.Name())
	}
	if len(names) < 40 {
		t.Fatalf("only %d malformed feeds found in %s", len(names), dir)
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()

	urls := []string{srv.URL + "/good.rss"}
	for _, n := range names {
		urls = append(urls, srv.URL+"/m/"+n)
	}
	cfg := apptest.Config(t, t.TempDir(), urls...)
	a := apptest.Start(t, cfg, app.Options{})
	ids := make([]string, len(urls))
	for i := range urls {
		ids[i] = fmt.Sprintf("feed-%d", i)
	}
	states := sourceStates(t, a, ids, 90*time.Second)
	var ok, failed int
	var table strings.Builder
	for i, id := range ids {
		st := states[id]
		name := "good.rss"
		if i > 0 {
			name = names[i-1]
		}
		switch st.Status {
		case source.StatusOK:
			ok++
			t.Logf("%-60s ok, %d items", name, st.Items)
			fmt.Fprintf(&table, "| %s | ok | %d items | |\n", name, st.Items)
		case source.StatusError:
			failed++
			if strings.TrimSpace(st.LastError) == "" || st.ErrorKind == "" {
				t.Errorf("%s: status error without a stated error: %+v", name, st)
			}
			t.Logf("%-60s error (%s): %s", name, st.ErrorKind, st.LastError)
			fmt.Fprintf(&table, "| %s | error | %s | %s |\n", name, st.ErrorKind, strings.ReplaceAll(strings.ReplaceAll(st.LastError, srv.URL, "http://FEEDSERVER"), "|", "\\|"))
		default:
			t.Errorf("%s: status %q, want ok or error", name, st.Status)
		}
	}
	if states["feed-0"].Status != source.StatusOK || states["feed-0"].Items == 0 {
		t.Errorf("the good feed next to the malformed ones: %+v", states["feed-0"])
	}
	t.Logf("%d malformed feeds: %d ok, %d in error", len(names), ok-1, failed)
	// Everything published is analysed and indexed; nothing dead-lettered.
	bustest.Eventually(t, 60*time.Second, "matcher and indexer idle", func() bool {
		return apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamItems, bus.ConsumerMatcher) && apptest.ConsumerIdle(t, a.Bus().JS, bus.StreamClaims, bus.ConsumerIndexer)
	})
	if items, cl := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems), apptest.StreamMsgs(t, a.Bus().JS, bus.StreamClaims); items == 0 || cl != items {
		t.Errorf("ITEMS %d, CLAIMS %d: want every published item analysed", items, cl)
	}
	if n := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamDLQ); n != 0 {
		t.Errorf("%d messages dead-lettered", n)
	}
	if code := readyStatus(t, a.HTTPAddr()); code != http.StatusOK {
		t.Errorf("GET /readyz after the malformed feeds: %d", code)
	}
	unexpected.Range(func(k, _ any) bool {
		t.Errorf("the feed server was asked for %v (an entity or DTD fetched?)", k)
		return true
	})
	if !t.Failed() {
		reportSection(t, "hostile-feeds", fmt.Sprintf(`## Hostile input: the malformed feeds served live

Command: `+"`VIGIE_REPORT=1 go -C services/vigie/systemtest test -run '^TestHostileMalformedFeeds$' -count=1`"+` (%s).

Every file of pipeline/fixtures/feeds/malformed/ (%d files; provenance in its SOURCE.txt) is served by a loopback HTTP server as a source of one running pipeline, next to a good feed. Passed: nothing crashed; every source ended ok or in error with a stated error and error kind; everything published was analysed and indexed, nothing dead-lettered; no entity or DTD was fetched back; `+"`/readyz`"+` answered 200 afterwards. %d files ended ok (with 0 items when no entry had a usable text or the document broke before the first entry), %d were refused with the error below:

| file | status | items or error kind | error |
| --- | --- | --- | --- |
%s`, time.Now().UTC().Format("2006-01-02"), len(names), ok-1, failed, table.String()))
	}
}

// intakeApp starts the pipeline with the tip intake and returns it and the secret.
func intakeApp(t *testing.T, maxBody int64) (*app.App, string) {
	t.Helper()
	dir := t.TempDir()
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	path := filepath.Join(dir, "intake.secret")
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := apptest.Config(t, filepath.Join(dir, "data"))
	cfg.Intake.SecretFile = path
	if maxBody > 0 {
		cfg.Intake.MaxBodyBytes = maxBody
	}
	a := apptest.Start(t, cfg, app.Options{})
	if a.Intake() == nil {
		t.Fatal("intake not mounted although intake.secret_file is set")
	}
	return a, secret
}

// postTip posts a signed tip; chunked hides the body's length (no
// Content-Length header).
func postTip(t *testing.T, client *http.Client, addr, secret, id string, body []byte, chunked bool) (int, string) {
	t.Helper()
	ts := time.Now().Unix()
	var r io.Reader = bytes.NewReader(body)
	if chunked {
		r = io.MultiReader(bytes.NewReader(body)) // hides the length: sent chunked
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/intake", r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", signTip(t, secret, id, ts, body))
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /api/v1/intake: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	return resp.StatusCode, string(b)
}

// tipBody is a valid tip whose text makes it size bytes long.
func tipBody(size int) []byte {
	head := `{"language":"pt","text":"O presidente da câmara afirmou que o desemprego caiu 40% no Porto. `
	tail := `"}`
	pad := max(size-len(head)-len(tail), 0)
	return []byte(head + strings.Repeat("a", pad) + tail)
}

// TestHostileIntakeOverCap: tip bodies over the cap, with a Content-Length
// or chunked, are refused with 413 and nothing is published; a tip within
// the cap still goes through.
func TestHostileIntakeOverCap(t *testing.T) {
	t.Parallel()
	const limit = 16 << 10
	a, secret := intakeApp(t, limit)
	client := &http.Client{Timeout: 30 * time.Second}
	tests := []struct {
		name    string
		size    int
		chunked bool
	}{
		{name: "one byte over, with length", size: limit + 1},
		{name: "one byte over, chunked", size: limit + 1, chunked: true},
		{name: "10 MiB, with length", size: 10 << 20},
		{name: "10 MiB, chunked", size: 10 << 20, chunked: true},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := postTip(t, client, a.HTTPAddr(), secret, fmt.Sprintf("msg_big_%d", i), tipBody(tc.size), tc.chunked)
			if code != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d (%s), want 413", code, body)
			}
		})
	}
	if n := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems); n != 0 {
		t.Fatalf("%d items published by refused tips", n)
	}
	// The control: the same tip at the cap is accepted and published once.
	code, body := postTip(t, client, a.HTTPAddr(), secret, "msg_at_cap", tipBody(limit), false)
	if code != http.StatusAccepted {
		t.Fatalf("tip of exactly %d bytes: status %d (%s), want 202", limit, code, body)
	}
	if n := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems); n != 1 {
		t.Fatalf("ITEMS holds %d messages after one accepted tip, want 1", n)
	}
	reportSection(t, "hostile-intake", fmt.Sprintf(`## Hostile input: tip bodies over the cap

Command: `+"`VIGIE_REPORT=1 go -C services/vigie/systemtest test -run '^TestHostileIntakeOverCap$' -count=1`"+` (%s).

Intake cap set to %d bytes. Signed tips of cap+1 bytes and of 10 MiB, each with a Content-Length and chunked (no length): all **413**, **0** items published. Control: a tip of exactly the cap → 202 and 1 item on ITEMS.
`, time.Now().UTC().Format("2006-01-02"), limit))
}

// TestHostileSSRF registers sources pointing at loopback in its various
// spellings on a pipeline that does not allow private networks: every one
// ends with status error and error_kind blocked, and the server listening
// there is never reached. A source allowed private networks reaches the
// same server (the check can fail).
func TestHostileSSRF(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if to := r.URL.Query().Get("redirect"); to != "" {
			http.Redirect(w, r, to, http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(syntheticFeed(3))
	}))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	table := []struct{ name, url string }{
		{"loopback literal", "http://127.0.0.1:%d/feed"},
		{"localhost", "http://localhost:%d/feed"},
		{"ipv6 loopback", "http://[::1]:%d/feed"},
		{"ipv4-mapped ipv6", "http://[::ffff:127.0.0.1]:%d/feed"},
		{"ipv4-mapped ipv6 in hex", "http://[::ffff:7f00:1]:%d/feed"},
		{"hex", "http://0x7f000001:%d/feed"},
		{"decimal", "http://2130706433:%d/feed"},
		{"octal", "http://0177.0.0.1:%d/feed"},
		{"short", "http://127.1:%d/feed"},
		{"other loopback address", "http://127.0.0.2:%d/feed"},
		{"unspecified", "http://0.0.0.0:%d/feed"},
	}
	cfg := apptest.Config(t, t.TempDir())
	cfg.Fetch.AllowPrivateNetworks = false
	for i, tc := range table {
		cfg.Sources = append(cfg.Sources, config.Source{ID: fmt.Sprintf("ssrf-%d", i), Name: tc.name, Kind: "feed", URL: fmt.Sprintf(tc.url, port), Interval: config.Duration(time.Hour)})
	}
	cfg.Sources = append(cfg.Sources, config.Source{ID: "control", Name: "allowed loopback", Kind: "feed", URL: fmt.Sprintf("http://127.0.0.1:%d/feed", port),
		Interval: config.Duration(time.Hour), AllowPrivateNetworks: true})
	a := apptest.Start(t, cfg, app.Options{})
	ids := []string{"control"}
	for i := range table {
		ids = append(ids, fmt.Sprintf("ssrf-%d", i))
	}
	states := sourceStates(t, a, ids, 60*time.Second)
	if st := states["control"]; st.Status != source.StatusOK || hits.Load() == 0 {
		t.Fatalf("control source allowed private networks: %+v, server hits %d", st, hits.Load())
	}
	before := hits.Load()
	for i, tc := range table {
		t.Run(tc.name, func(t *testing.T) {
			st := states[fmt.Sprintf("ssrf-%d", i)]
			if st.Status != source.StatusError || st.ErrorKind != fetch.KindBlocked {
				t.Fatalf("%s: status %q error_kind %q (%s), want error and %q", fmt.Sprintf(tc.url, port), st.Status, st.ErrorKind, st.LastError, fetch.KindBlocked)
			}
		})
	}
	if n := apptest.StreamMsgs(t, a.Bus().JS, bus.StreamItems); n != 3 {
		t.Errorf("ITEMS holds %d items, want the control feed's 3 only", n)
	}
	// The control source was fetched once (interval 1h); any other hit came from a blocked source.
	if got := hits.Load(); got != 1 || before != 1 {
		t.Errorf("the loopback server was reached %d times, want once (the control source)", got)
	}
	var rows strings.Builder
	for i, tc := range table {
		st := states[fmt.Sprintf("ssrf-%d", i)]
		fmt.Fprintf(&rows, "| %s | `%s` | %s | %s |\n", tc.name, strings.ReplaceAll(tc.url, ":%d", ":PORT"), st.Status, st.ErrorKind)
	}
	if !t.Failed() {
		reportSection(t, "hostile-ssrf", fmt.Sprintf(`## Hostile input: sources pointing at loopback (SSRF)

Command: `+"`VIGIE_REPORT=1 go -C services/vigie/systemtest test -run '^TestHostileSSRF$' -count=1`"+` (%s).

A running pipeline with `+"`fetch.allow_private_networks: false`"+`; each source points at a loopback HTTP server in another spelling. The server was reached **once**: by the control source (same server, `+"`allow_private_networks: true`"+` on that source alone), never by the others. The full table of the guard (private, metadata, CGNAT, redirects, DNS answers) is pipeline/fetch's TestSSRF.

| spelling | URL | status | error_kind |
| --- | --- | --- | --- |
%s`, time.Now().UTC().Format("2006-01-02"), rows.String()))
	}
}

// TestHostileWebhookNeverAnswers delivers a webhook to a receiver that
// accepts the connection, reads the request and never answers: the attempt
// ends by its timeout, as a failure to retry, and the default policy bounds
// every attempt.
func TestHostileWebhookNeverAnswers(t *testing.T) {
	t.Parallel()
	if d := webhook.DefaultPolicy().AttemptTimeout; d <= 0 || d > time.Minute {
		t.Fatalf("default attempt timeout %s: want a bound of at most a minute", d)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int64
	var conns sync.WaitGroup
	done := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conns.Go(func() {
				defer c.Close()
				go func() { _, _ = io.Copy(io.Discard, c) }()
				<-done // hold the connection open, say nothing
			})
		}
	}()
	defer func() { close(done); ln.Close(); conns.Wait() }()

	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := webhook.NewSigner(secret)
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 500 * time.Millisecond
	pol := webhook.DefaultPolicy()
	pol.AttemptTimeout = timeout
	d := webhook.NewDeliverer(webhook.Options{Policy: pol})
	msg, err := webhook.NewMessage(webhook.NewMessageID(), webhook.TypeAlertRaised, time.Now(), map[string]string{"claim": "test"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := make(chan webhook.Attempt, 1)
	go func() {
		res <- d.Attempt(ctx, webhook.Endpoint{URL: "http://" + ln.Addr().String() + "/hook", Signer: signer}, msg, 1, time.Now())
	}()
	var at webhook.Attempt
	select {
	case at = <-res:
	case <-ctx.Done():
		t.Fatal("the attempt did not end within 30s against a receiver that never answers")
	}
	if accepted.Load() == 0 {
		t.Fatal("the receiver never saw a connection")
	}
	if at.Status != 0 || at.Err == "" || at.Outcome == webhook.OutcomeDelivered {
		t.Fatalf("attempt %+v: want no status, an error and no delivery", at)
	}
	if at.Latency < timeout/2 {
		t.Errorf("attempt ended after %s, before its %s timeout: not the timeout that ended it (%s)", at.Latency, timeout, at.Err)
	}
	t.Logf("attempt ended after %s: %s (outcome %s)", at.Latency, at.Err, at.Outcome)
	reportSection(t, "hostile-webhook", fmt.Sprintf(`## Hostile input: a webhook receiver that never answers

Command: `+"`VIGIE_REPORT=1 go -C services/vigie/systemtest test -run '^TestHostileWebhookNeverAnswers$' -count=1`"+` (%s).

A TCP listener accepts the connection, reads the request and never answers. One delivery attempt of pipeline/webhook's Deliverer (the alerter's) with the attempt timeout set to %s ended after **%s** with outcome **%s** (no status, error: %s). The default policy bounds every attempt at %s.
`, time.Now().UTC().Format("2006-01-02"), timeout, at.Latency.Round(time.Millisecond), at.Outcome, strings.ReplaceAll(at.Err, ln.Addr().String(), "RECEIVER"), webhook.DefaultPolicy().AttemptTimeout))
}
