package systemtest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/source"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// hookReceiver records signed deliveries and checks each signature with its
// own implementation of the Standard Webhooks scheme (crypto/hmac only).
type hookReceiver struct {
	secret string
	srv    *httptest.Server
	mu     sync.Mutex
	got    []map[string]any
	bad    int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	t.Helper()
	secret, err := webhook.NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	r := &hookReceiver{secret: secret}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.secret, "whsec_"))
		if err != nil {
			panic(err)
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte(req.Header.Get("webhook-id") + "." + req.Header.Get("webhook-timestamp") + "." + string(body)))
		want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
		ok := false
		for _, sig := range strings.Fields(req.Header.Get("webhook-signature")) {
			if hmac.Equal([]byte(sig), []byte(want)) {
				ok = true
			}
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if !ok {
			r.bad++
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var payload map[string]any
		_ = json.Unmarshal(body, &payload)
		r.got = append(r.got, payload)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *hookReceiver) deliveries() ([]map[string]any, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.got...), r.bad
}

// TestAlertFromFeedItem: a feed item of a Porto source repeats a claim
// fact-checked as false → an alert in Porto's private feed and a signed
// webhook at Porto's receiver; nothing reaches Paris's subscription.
func TestAlertFromFeedItem(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	data := t.TempDir()
	cfg := apptest.Config(t, data)
	cfg.Alerts.AllowPrivateNetworks = true // the receivers are on loopback
	ctx := context.Background()
	a := apptest.Start(t, cfg, app.Options{})

	porto, paris := newHookReceiver(t), newHookReceiver(t)
	subscribe := func(name, loc string, r *hookReceiver) (subscription.Subscription, string) {
		sub := subscription.Subscription{Name: name, Owner: strings.ToLower(name), Localities: []string{loc},
			Triggers: []claims.AlertKind{claims.AlertFlagged, claims.AlertTrending, claims.AlertVerdict}}
		tok := sub.RotateToken(time.Now())
		sub.Feed.IncludeUnreviewed, sub.EarlyWarning = true, true // an automatic match alerts only with early warning on
		sub.Webhooks = []subscription.Webhook{{ID: subscription.NewWebhookID(), URL: r.srv.URL + "/hook", Secrets: []string{r.secret}, Enabled: true, IncludeUnreviewed: true}}
		saved, err := a.Subscriptions().Create(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		return saved, tok
	}
	portoSub, portoTok := subscribe("Porto", "PT-1312", porto)
	parisSub, parisTok := subscribe("Paris", "FR-75056", paris)

	importFactChecks(t, data, "testdata/claimreview_cigarros.jsonld")
	addSource(t, data, source.Source{ID: "jn", URL: feeds.URL + "/jn-porto.rss", Localities: []string{"PT-1312"}, AllowPrivateNetworks: true})
	var got []map[string]any
	bustest.Eventually(t, 30*time.Second, "a signed alert at Porto's receiver", func() bool {
		got, _ = porto.deliveries()
		return len(got) > 0
	})
	if _, bad := porto.deliveries(); bad != 0 {
		t.Fatalf("%d deliveries failed the independent signature check", bad)
	}
	d, _ := got[0]["data"].(map[string]any)
	if got[0]["type"] != webhook.TypeAlertRaised || d["kind"] != "flagged" || d["locality"] != "PT-1312" || d["unreviewed"] != true || d["subscription_id"] != portoSub.ID {
		t.Fatalf("alert payload: %v", got[0])
	}
	feed := func(sub subscription.Subscription, tok string) string {
		resp, err := http.Get("http://" + a.HTTPAddr() + "/feeds/alerts/" + sub.ID + ".atom?token=" + tok)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("feed of %s: %d %s", sub.Name, resp.StatusCode, b)
		}
		return string(b)
	}
	if f := feed(portoSub, portoTok); !strings.Contains(f, "<entry") || !strings.Contains(f, d["id"].(string)) {
		t.Fatalf("Porto's private feed lacks the alert:\n%.600s", f)
	}
	// Once every claim went through the alerter, Paris still has nothing.
	bustest.Eventually(t, 20*time.Second, "the alerter idle", func() bool {
		return apptest.ConsumerIdle(t, a.Bus().JS, "CLAIMS", "alerter")
	})
	if pg, _ := paris.deliveries(); len(pg) != 0 {
		t.Fatalf("Paris received %d deliveries", len(pg))
	}
	if f := feed(parisSub, parisTok); strings.Contains(f, "<entry") {
		t.Fatalf("Paris's feed has entries:\n%.600s", f)
	}
}
