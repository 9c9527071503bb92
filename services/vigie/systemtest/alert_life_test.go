package systemtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/source"
	"vigie/pipeline/specs"
	"vigie/pipeline/subscription"
	"vigie/services/alerter"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// lifeClient drives a running Vigie over HTTP as an editor's API token.
type lifeClient struct {
	t     *testing.T
	addr  string
	token string
}

func (c lifeClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "http://"+c.addr+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// act posts a review action and returns the claim's new revision.
func (c lifeClient) act(path string, req reviewer.ActionRequest) reviewer.ActionResponse {
	c.t.Helper()
	code, b := c.do(http.MethodPost, path, req)
	if code != http.StatusOK {
		c.t.Fatalf("POST %s: %d %s", path, code, b)
	}
	var out reviewer.ActionResponse
	if err := json.Unmarshal(b, &out); err != nil {
		c.t.Fatal(err)
	}
	return out
}

// get fetches a public URL (a feed, a CAP message) as a feed reader does.
func (c lifeClient) get(rawURL string) []byte {
	c.t.Helper()
	resp, err := http.Get(rawURL)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", rawURL, resp.StatusCode, b)
	}
	return b
}

// xsdValid checks a CAP message against the OASIS CAP 1.2 XSD with xmllint
// (skipped locally without it, required under CI=true).
func xsdValid(t *testing.T, msg []byte) {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI")
		}
		t.Log("xmllint not installed: CAP not checked against its XSD")
		return
	}
	f := filepath.Join(t.TempDir(), "cap.xml")
	if err := os.WriteFile(f, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "--noout", "--schema", specs.Path("cap", "CAP-v1.2.xsd"), f).CombinedOutput(); err != nil {
		t.Errorf("CAP message not valid against the CAP 1.2 XSD: %v\n%s\n%s", err, out, msg)
	}
}

// TestAlertLifeThroughTheApp is done-when 1 of issue 13 on the whole
// application: a Porto feed item repeats a claim fact-checked as false; with
// early warning on, the municipality gets an unconfirmed alert, and a
// fact-checker dismissing the claim through the API cancels it. Then an
// editor publishes a verdict for Porto, corrects it and retracts it (a
// retraction keeps the version) through the reviewer's API. The
// subscription's private feed (parsed by a feed reader), a webhook receiver
// checking signatures with its own code, the CAP feed (XSD-valid, Update and
// Cancel with references) and a NATS subscriber each see raised → updated →
// cancelled for one alert id per subject, and an integrator that was
// offline replays the changes from the ALERTS stream.
func TestAlertLifeThroughTheApp(t *testing.T) {
	t.Parallel()
	feeds := apptest.FeedServer(t, "jn-porto.rss")
	data := t.TempDir()
	cfg := apptest.Config(t, data)
	cfg.Alerts.AllowPrivateNetworks = true // the receiver is on loopback
	ctx := context.Background()
	a := apptest.Start(t, cfg, app.Options{})
	tok, _, err := a.Accounts().CreateToken(ctx, "admin", "alert life", account.ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	c := lifeClient{t: t, addr: a.HTTPAddr(), token: tok}

	recv := newHookReceiver(t)
	sub := subscription.Subscription{Name: "Porto", Owner: "porto", Localities: []string{"PT-1312"},
		Triggers: []claims.AlertKind{claims.AlertFlagged, claims.AlertVerdict}, EarlyWarning: true, CAP: subscription.CAP{Enabled: true}}
	feedTok := sub.RotateToken(time.Now())
	sub.Feed.IncludeUnreviewed = true
	sub.Webhooks = []subscription.Webhook{{ID: subscription.NewWebhookID(), URL: recv.srv.URL + "/hook", Secrets: []string{recv.secret},
		Enabled: true, IncludeUnreviewed: true}}
	sub, err = a.Subscriptions().Create(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	// A NATS integrator listening live on Porto's subject.
	live := make(chan *nats.Msg, 64)
	ls, err := a.Bus().NC.ChanSubscribe(bus.AlertSubject("PT-1312"), live)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ls.Unsubscribe() })
	if err := a.Bus().NC.Flush(); err != nil {
		t.Fatal(err)
	}
	var heard []claims.Alert
	natsHeard := func() []claims.Alert {
		for {
			select {
			case m := <-live:
				al, err := codec.DecodeAlert(m.Data)
				if err != nil {
					t.Fatal(err)
				}
				heard = append(heard, al)
			default:
				return heard
			}
		}
	}
	hooksOf := func(kind claims.AlertKind) []map[string]any {
		got, bad := recv.deliveries()
		if bad != 0 {
			t.Fatalf("%d deliveries failed the independent signature check", bad)
		}
		var out []map[string]any
		for _, p := range got {
			if d, _ := p["data"].(map[string]any); d["kind"] == string(kind) {
				out = append(out, p)
			}
		}
		return out
	}
	wantHooks := func(kind claims.AlertKind, n int) []map[string]any {
		t.Helper()
		var hs []map[string]any
		bustest.Eventually(t, 60*time.Second, fmt.Sprintf("%d %s deliveries", n, kind), func() bool {
			hs = hooksOf(kind)
			return len(hs) >= n
		})
		if len(hs) != n {
			t.Fatalf("%d %s deliveries, want %d", len(hs), kind, n)
		}
		return hs
	}
	feedEntry := func(alertID string) *gofeed.Item {
		t.Helper()
		f, err := gofeed.NewParser().Parse(bytes.NewReader(c.get(a.BaseURL() + "/feeds/alerts/" + sub.ID + ".atom?token=" + feedTok)))
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f.Items {
			if strings.Contains(it.GUID, alertID) {
				return it
			}
		}
		t.Fatalf("the private feed has no entry for %s", alertID)
		return nil
	}

	// 1. An automatic match: an early warning, then a dismissal cancels it.
	importFactChecks(t, data, "testdata/claimreview_cigarros.jsonld")
	addSource(t, data, source.Source{ID: "jn", URL: feeds.URL + "/jn-porto.rss", Localities: []string{"PT-1312"}, AllowPrivateNetworks: true})
	early := wantHooks(claims.AlertFlagged, 1)[0]
	ed := early["data"].(map[string]any)
	if early["type"] != "alert.raised" || ed["unreviewed"] != true || ed["status"] != "raised" {
		t.Fatalf("early warning: %v", early)
	}
	earlyID, flaggedClaim := ed["id"].(string), ed["claim_id"].(string)
	bustest.Eventually(t, 30*time.Second, "the flagged claim indexed", func() bool {
		code, _ := c.do(http.MethodGet, "/api/v1/claims/"+flaggedClaim, nil)
		return code == http.StatusOK
	})
	c.act("/api/v1/claims/"+flaggedClaim+"/status", reviewer.ActionRequest{Revision: 0, Status: string(claims.StatusDismissed)})
	cancelled := wantHooks(claims.AlertFlagged, 2)[1]
	if cd := cancelled["data"].(map[string]any); cancelled["type"] != "alert.cancelled" || cd["id"] != earlyID || cd["status"] != "cancelled" {
		t.Errorf("after the dismissal: %v, want alert.cancelled of %s", cancelled, earlyID)
	}

	// 2. A verdict's life through the reviewer's API.
	var verdictClaim string
	bustest.Eventually(t, 30*time.Second, "another claim of the feed indexed", func() bool {
		for _, h := range apptest.Claims(t, a.HTTPAddr(), "limit=50").Hits {
			if h.ID != flaggedClaim {
				verdictClaim = h.ID
				return true
			}
		}
		return false
	})
	in := claims.VerdictInput{ClaimReviewed: "A Câmara do Porto vai fechar todas as escolas em janeiro.", Rating: claims.RatingFalse,
		Language: "pt", Summary: "A Câmara desmentiu: nenhuma escola fecha.", Sources: []string{"https://www.cm-porto.pt/noticias"},
		Localities: []string{"PT-1312"}}
	r := c.act("/api/v1/claims/"+verdictClaim+"/verdict", reviewer.ActionRequest{Revision: 0, Verdict: &in})
	r = c.act("/api/v1/verdicts/"+verdictClaim+"/submit", reviewer.ActionRequest{Revision: r.Revision})
	r = c.act("/api/v1/verdicts/"+verdictClaim+"/publish", reviewer.ActionRequest{Revision: r.Revision})

	var alertID string
	var lastUpdated time.Time
	check := func(rev int, status claims.AlertStatus, msgType string) {
		t.Helper()
		h := wantHooks(claims.AlertVerdict, rev)[rev-1]
		d := h["data"].(map[string]any)
		if alertID == "" {
			alertID, _ = d["id"].(string)
		}
		if h["type"] != "alert."+string(status) || d["id"] != alertID || d["status"] != string(status) || d["revision"] != float64(rev) {
			t.Errorf("verdict webhook %d: %v, want alert.%s revision %d of %s", rev, h, status, rev, alertID)
		}
		// The private feed: one entry for the alert, updated in place.
		var it *gofeed.Item
		bustest.Eventually(t, 20*time.Second, "the feed entry at revision "+fmt.Sprint(rev), func() bool {
			it = feedEntry(alertID)
			// The status line, in the alert's language (the verdict is in Portuguese).
			return strings.Contains(it.Description+it.Content, alerter.StatusLine(string(status), rev, "pt"))
		})
		if it.UpdatedParsed == nil || it.UpdatedParsed.Before(lastUpdated) {
			t.Errorf("feed entry at revision %d: updated %v, want it after %v", rev, it.UpdatedParsed, lastUpdated)
		} else {
			lastUpdated = *it.UpdatedParsed
		}
		// The CAP index lists the alert; its message is the current revision.
		idx, err := gofeed.NewParser().Parse(bytes.NewReader(c.get(a.BaseURL() + "/feeds/alerts/" + sub.ID + ".cap.xml?token=" + feedTok)))
		if err != nil {
			t.Fatal(err)
		}
		var link string
		for _, e := range idx.Items {
			if strings.Contains(e.Link, alertID) {
				link = e.Link
			}
		}
		if link == "" {
			t.Fatalf("CAP index lacks %s", alertID)
		}
		msg := c.get(link)
		xsdValid(t, msg)
		if !bytes.Contains(msg, []byte("<msgType>"+msgType+"</msgType>")) {
			t.Errorf("CAP at revision %d: want %s:\n%s", rev, msgType, msg)
		}
		for earlier := 1; earlier < rev; earlier++ {
			if !bytes.Contains(msg, []byte(fmt.Sprintf("vigie.alert.%s.r%d", alertID, earlier))) {
				t.Errorf("CAP at revision %d does not reference revision %d:\n%s", rev, earlier, msg)
			}
		}
	}
	check(1, claims.AlertRaised, "Alert")
	corrected := in
	corrected.Summary += " A data foi corrigida."
	r = c.act("/api/v1/verdicts/"+verdictClaim+"/correct", reviewer.ActionRequest{Revision: r.Revision, Verdict: &corrected, Note: "Data corrigida."})
	check(2, claims.AlertUpdated, "Update")
	version := r.Verdict.Version
	r = c.act("/api/v1/verdicts/"+verdictClaim+"/retract", reviewer.ActionRequest{Revision: r.Revision, Note: "Fonte errada."})
	if r.Verdict == nil || r.Verdict.Version != version || !r.Verdict.Retracted {
		t.Fatalf("retraction: %+v, want version %d kept and retracted", r.Verdict, version)
	}
	check(3, claims.AlertCancelled, "Cancel")

	// NATS: the same changes, once each, live and replayed.
	byID := func(as []claims.Alert) map[string][]claims.AlertStatus {
		out := map[string][]claims.AlertStatus{}
		for _, al := range as {
			out[al.ID] = append(out[al.ID], al.Status)
		}
		return out
	}
	want := map[string][]claims.AlertStatus{
		earlyID: {claims.AlertRaised, claims.AlertCancelled},
		alertID: {claims.AlertRaised, claims.AlertUpdated, claims.AlertCancelled},
	}
	var got map[string][]claims.AlertStatus
	bustest.Eventually(t, 20*time.Second, "the NATS messages", func() bool {
		got = byID(natsHeard())
		return len(got[alertID]) >= 3
	})
	for id, w := range want {
		if fmt.Sprint(got[id]) != fmt.Sprint(w) {
			t.Errorf("NATS live for %s: %v, want %v", id, got[id], w)
		}
	}
	oc, err := a.Bus().JS.OrderedConsumer(ctx, bus.StreamAlerts, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{bus.AlertSubject("PT-1312")}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := oc.Fetch(len(heard), jetstream.FetchMaxWait(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var replayed []claims.Alert
	for m := range batch.Messages() {
		al, err := codec.DecodeAlert(m.Data())
		if err != nil {
			t.Fatal(err)
		}
		replayed = append(replayed, al)
	}
	for id, w := range want {
		if fmt.Sprint(byID(replayed)[id]) != fmt.Sprint(w) {
			t.Errorf("NATS replay for %s: %v, want %v", id, byID(replayed)[id], w)
		}
	}
}
