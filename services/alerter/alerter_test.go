package alerter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go"

	"vigie/claims"
	"vigie/claims/locality"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/subscription"
	"vigie/pipeline/webhook"
)

// natsTap collects the core NATS messages of one subject, as an integrator
// subscribed to vigie.alerts.<locality> would receive them.
func natsTap(t *testing.T, h *harness, code string) func() []claims.Alert {
	t.Helper()
	ch := make(chan *nats.Msg, 64)
	sub, err := h.bus.NC.ChanSubscribe(bus.SubjectAlerts+"."+locality.SubjectToken(code), ch)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sub.Unsubscribe() })
	if err := h.bus.NC.Flush(); err != nil {
		t.Fatal(err)
	}
	var got []claims.Alert
	return func() []claims.Alert {
		for {
			select {
			case m := <-ch:
				a, err := codec.DecodeAlert(m.Data)
				if err != nil {
					t.Fatalf("alert on %s: %v", m.Subject, err)
				}
				if want := a.ID + "." + strconv.Itoa(a.Revision); m.Header.Get(nats.MsgIdHdr) != want {
					t.Errorf("Nats-Msg-Id %q, want the alert id and revision %q", m.Header.Get(nats.MsgIdHdr), want)
				}
				if a.SubscriptionID != "" || !a.Status.Valid() || a.Revision < 1 {
					t.Errorf("alert on %s: %+v, want no subscription, a status and a revision", m.Subject, a)
				}
				// Its link opens for a municipality: the alert's page (its
				// session), or the public verdict page; never the newsroom's
				// claim page.
				if strings.Contains(a.URL, "/claims/") || a.Kind != claims.AlertVerdict && !strings.Contains(a.URL, "/alerts/"+a.ID) {
					t.Errorf("alert on %s links to %q", m.Subject, a.URL)
				}
				got = append(got, a)
			default:
				return got
			}
		}
	}
}

// TestFlaggedClaimReachesOnlyItsLocality is done-when 2 of issue 7: a
// CLAIMS message for an item of locality A with a flagged automatic match
// raises an alert in A's private feed and at A's webhook (checked by an
// independent signature check), and nothing reaches B's subscription.
func TestFlaggedClaimReachesOnlyItsLocality(t *testing.T) {
	t.Parallel()
	recvA, recvB := newReceiver(t, nil), newReceiver(t, nil)
	h := start(t, Options{}, recvA, recvB)
	all := []claims.AlertKind{claims.AlertFlagged, claims.AlertTrending, claims.AlertVerdict}
	subA, tokA := h.subscribe("Paris", []string{paris}, all, true, recvA)
	subB, tokB := h.subscribe("Porto", []string{porto}, all, true, recvB)
	tapA, tapB := natsTap(t, h, paris), natsTap(t, h, porto)

	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	bustest.Eventually(t, 15*time.Second, "a delivery at A's webhook", func() bool { return len(recvA.requests()) > 0 })
	h.settled()

	reqs := recvA.requests()
	if len(reqs) != 1 {
		t.Fatalf("A's receiver got %d requests, want 1", len(reqs))
	}
	if !reqs[0].Valid {
		t.Fatal("A's receiver could not verify the signature independently")
	}
	var p struct {
		Type      string       `json:"type"`
		Timestamp time.Time    `json:"timestamp"`
		Data      claims.Alert `json:"data"`
	}
	if err := json.Unmarshal(reqs[0].Body, &p); err != nil {
		t.Fatal(err)
	}
	a := p.Data
	switch {
	case p.Type != webhook.TypeAlertRaised:
		t.Errorf("type %q, want %q", p.Type, webhook.TypeAlertRaised)
	case a.SubscriptionID != subA.ID || a.Locality != paris || a.Kind != "flagged" || a.Status != claims.AlertRaised || a.Revision != 1:
		t.Errorf("alert %+v is not A's flagged alert, raised at revision 1", a)
	case !a.Unreviewed || !strings.HasPrefix(a.Title, "[Non confirmé] "):
		t.Errorf("automatic match not said plainly: unreviewed=%v title=%q", a.Unreviewed, a.Title)
	case a.Rating != "false" || a.ClaimID != "clm_9" || a.ClusterID != "cl_3":
		t.Errorf("alert %+v: wrong rating, claim or cluster", a)
	case a.Severity < 3 || a.Severity > 5:
		t.Errorf("severity %d, want 3..5 for a false rating", a.Severity)
	case reqs[0].Header.Get("webhook-id") != a.ID+"_r1":
		t.Errorf("webhook-id %q, want the alert id and revision %q", reqs[0].Header.Get("webhook-id"), a.ID+"_r1")
	}

	// A's private feeds hold the alert.
	for _, ext := range []string{".atom", ".json"} {
		code, hdr, body := h.getFeed("/feeds/alerts/" + subA.ID + ext + "?token=" + tokA)
		if code != http.StatusOK {
			t.Fatalf("feed %s: status %d: %s", ext, code, body)
		}
		f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("feed %s does not parse: %v", ext, err)
		}
		if len(f.Items) != 1 || !strings.HasPrefix(f.Items[0].Title, "[Non confirmé] ") {
			t.Fatalf("feed %s items %+v, want the one unreviewed alert", ext, f.Items)
		}
		if ext == ".atom" {
			validateAtom(t, body)
		} else {
			validateJSONFeed(t, body)
		}
		if hdr.Get("ETag") == "" || !strings.HasPrefix(hdr.Get("Cache-Control"), "private") {
			t.Errorf("feed %s headers %v: want an ETag and private caching", ext, hdr)
		}
	}
	// Nothing reaches B: no webhook, no feed entry, no alert, no NATS message.
	if n := len(recvB.requests()); n != 0 {
		t.Errorf("B's receiver got %d requests, want none", n)
	}
	if recs := h.alerts(subB.ID); len(recs) != 0 {
		t.Errorf("B has alerts %+v, want none", recs)
	}
	code, _, body := h.getFeed("/feeds/alerts/" + subB.ID + ".json?token=" + tokB)
	if code != http.StatusOK || bytes.Contains(body, []byte("clm_9")) {
		t.Errorf("B's feed: status %d, body %s", code, body)
	}
	if got := tapA(); len(got) != 1 || got[0].ID != a.ID || got[0].Locality != paris {
		t.Errorf("integrator on A's subject got %v, want A's alert", got)
	}
	if got := tapB(); len(got) != 0 {
		t.Errorf("integrator on B's subject got %v, want nothing", got)
	}

	// A redelivered CLAIMS message (same item, published again past the
	// duplicate window) raises the same alert id: nothing new is delivered.
	ic := loadClaims(t, "flagged-paris.json")
	b, _ := codec.EncodeItemClaims(ic)
	if _, err := h.bus.Publish(context.Background(), bus.ClaimsSubject("fr"), b, "redelivery-"+ic.ItemID, nil); err != nil {
		t.Fatal(err)
	}
	h.settled()
	if n := len(recvA.requests()); n != 1 {
		t.Errorf("after a redelivery A's receiver got %d requests, want still 1", n)
	}
	if recs := h.alerts(subA.ID); len(recs) != 1 {
		t.Errorf("after a redelivery A has %d alerts, want 1", len(recs))
	}
}

// TestConfirmationByDefault is done-when 3 of issue 13: with default
// settings an automatic match produces no alert at all (no record, no
// feed entry, no webhook, no NATS message); with early warning on, one
// alert marked unconfirmed, never on CAP.
func TestConfirmationByDefault(t *testing.T) {
	t.Parallel()
	recvDefault, recvEarly := newReceiver(t, nil), newReceiver(t, nil)
	h := start(t, Options{}, recvDefault, recvEarly)
	plain, plainTok := h.subscribe("Paris", []string{paris}, nil, false, recvDefault)
	plainPlus, _ := h.subscribe("Paris bis", []string{paris}, nil, false)
	// Opted in to unconfirmed alerts on its channels, but early warning off.
	plainPlus.Feed.IncludeUnreviewed = true
	if _, err := h.svc.Subscriptions().Update(context.Background(), plainPlus); err != nil {
		t.Fatal(err)
	}
	tap := natsTap(t, h, paris)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	h.settled()
	for _, id := range []string{plain.ID, plainPlus.ID} {
		if recs := h.alerts(id); len(recs) != 0 {
			t.Errorf("default subscription %s has alerts %+v, want none", id, recs)
		}
	}
	if n := len(recvDefault.requests()); n != 0 {
		t.Errorf("default webhook got %d requests", n)
	}
	if got := tap(); len(got) != 0 {
		t.Errorf("NATS got %+v, want nothing from an automatic match by default", got)
	}
	_, _, body := h.getFeed("/feeds/alerts/" + plain.ID + ".json?token=" + plainTok)
	var f struct{ Items []json.RawMessage }
	if err := json.Unmarshal(body, &f); err != nil || len(f.Items) != 0 {
		t.Errorf("default feed: %v, %d items", err, len(f.Items))
	}

	// Early warning on: one alert, marked unconfirmed, not on CAP.
	early, earlyTok := h.subscribe("Paris early", []string{paris}, nil, true, recvEarly)
	ic := loadClaims(t, "flagged-paris.json")
	ic.ItemID += "-again"
	h.publishClaims(ic)
	bustest.Eventually(t, 15*time.Second, "the early warning webhook", func() bool { return len(recvEarly.requests()) == 1 })
	h.settled()
	recs := h.alerts(early.ID)
	if len(recs) != 1 || !recs[0].Unreviewed || recs[0].Status != claims.AlertRaised || !strings.HasPrefix(recs[0].Title, "[Non confirmé] ") {
		t.Fatalf("early warning alerts %+v, want one unconfirmed alert", recs)
	}
	if got := tap(); len(got) != 1 || !got[0].Unreviewed || got[0].ID != recs[0].ID {
		t.Errorf("NATS got %+v, want the one unconfirmed alert", got)
	}
	code, _, idx := h.getFeed("/feeds/alerts/" + early.ID + ".cap.xml?token=" + earlyTok)
	cf, err := gofeed.NewParser().Parse(bytes.NewReader(idx))
	if code != http.StatusOK || err != nil || len(cf.Items) != 0 {
		t.Errorf("CAP index: status %d, %v, %d items: want none for an unconfirmed alert", code, err, len(cf.Items))
	}
	if code, _, _ := h.getFeed("/feeds/alerts/" + early.ID + "/cap/" + recs[0].ID + ".xml?token=" + earlyTok); code != http.StatusNotFound {
		t.Errorf("CAP message of an unconfirmed alert: status %d, want 404", code)
	}
	for _, id := range []string{plain.ID, plainPlus.ID} {
		if recs := h.alerts(id); len(recs) != 0 {
			t.Errorf("default subscription %s has alerts %+v after the early warning, want none", id, recs)
		}
	}
}

// TestRequireConfirmation: with confirmation required, automatic matches
// raise nothing, even with early warning on.
func TestRequireConfirmation(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{RequireConfirmation: true}, recv)
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true, recv)
	tap := natsTap(t, h, paris)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	h.settled()
	if recs := h.alerts(sub.ID); len(recs) != 0 {
		t.Errorf("alerts %+v, want none without confirmation", recs)
	}
	if got := tap(); len(got) != 0 {
		t.Errorf("NATS got %+v, want nothing", got)
	}
}

// TestRetryKeepsOneWebhookID is done-when 3 of issue 7: the receiver
// answers 500 three times, then 200: one webhook-id, four attempts
// recorded, one alert delivered; each attempt is signed afresh.
func TestRetryKeepsOneWebhookID(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, func(n int) int {
		if n <= 3 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	// One-second steps so each attempt's webhook-timestamp differs.
	h := start(t, Options{Policy: webhook.Policy{InitialDelay: time.Second, Multiplier: 1, Jitter: 0, MaxAge: time.Minute,
		AttemptTimeout: 5 * time.Second}}, recv)
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true, recv)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	bustest.Eventually(t, 30*time.Second, "four attempts", func() bool { return len(recv.requests()) >= 4 })
	h.settled()

	reqs := recv.requests()
	if len(reqs) != 4 {
		t.Fatalf("receiver got %d requests, want 4", len(reqs))
	}
	ids, stamps, sigs := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range reqs {
		if !r.Valid {
			t.Errorf("attempt at %s not verifiable", r.At)
		}
		ids[r.Header.Get("webhook-id")] = true
		stamps[r.Header.Get("webhook-timestamp")] = true
		sigs[r.Header.Get("webhook-signature")] = true
		if !bytes.Equal(r.Body, reqs[0].Body) {
			t.Error("the body changed between attempts")
		}
	}
	if len(ids) != 1 {
		t.Errorf("webhook-ids %v, want exactly one", ids)
	}
	if len(stamps) != 4 || len(sigs) != 4 {
		t.Errorf("%d timestamps and %d signatures over 4 attempts, want fresh ones each time", len(stamps), len(sigs))
	}
	ds, err := h.svc.Deliveries().List(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 4 {
		t.Fatalf("%d attempts recorded, want 4: %+v", len(ds), ds)
	}
	var delivered int
	for _, d := range ds {
		if d.Outcome == "delivered" {
			delivered++
			if d.Status != http.StatusOK || d.Attempt != 4 {
				t.Errorf("delivered record %+v, want attempt 4 with status 200", d)
			}
		} else if d.Status != http.StatusInternalServerError || d.Outcome != "retry" || d.Next.IsZero() {
			t.Errorf("failed record %+v, want status 500, outcome retry and a next time", d)
		}
		if d.Time.IsZero() || d.LatencyMS <= 0 {
			t.Errorf("record %+v lacks time or latency", d)
		}
		if !ids[d.MessageID] {
			t.Errorf("record message id %q is not the webhook-id", d.MessageID)
		}
	}
	if delivered != 1 {
		t.Errorf("%d delivered attempts, want 1", delivered)
	}
	got, err := h.svc.Subscriptions().Get(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if hl := got.Webhooks[0].Health; hl.ConsecutiveFailures != 0 || hl.LastSuccess.IsZero() || hl.Disabled {
		t.Errorf("health after success %+v", hl)
	}
}

// TestGoneDisablesEndpointWithNotice: a 410 disables the endpoint at once
// and leaves a notice for admins.
func TestGoneDisablesEndpointWithNotice(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, func(int) int { return http.StatusGone })
	h := start(t, Options{}, recv)
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true, recv)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	bustest.Eventually(t, 10*time.Second, "a notice", func() bool {
		ns, err := h.svc.Deliveries().Notices(context.Background(), sub.ID)
		return err == nil && len(ns) == 1
	})
	h.settled()
	got, err := h.svc.Subscriptions().Get(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Webhooks[0]; !w.Health.Disabled || w.Active() || !strings.Contains(w.Health.DisabledReason, "410") {
		t.Errorf("webhook after 410: %+v", w)
	}
	if n := len(recv.requests()); n != 1 {
		t.Errorf("%d requests, want 1 (no retry after 410)", n)
	}
}

// TestPrivateDestinationRefused: without an allow option a webhook to
// 127.0.0.1 is never connected to; the refusal is recorded.
func TestPrivateDestinationRefused(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{Policy: webhook.Policy{InitialDelay: time.Hour, MaxAge: time.Minute}}) // receiver not allowed
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true, recv)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	var ds []subscription.Delivery
	bustest.Eventually(t, 10*time.Second, "a recorded attempt", func() bool {
		var err error
		ds, err = h.svc.Deliveries().List(context.Background(), sub.ID)
		return err == nil && len(ds) == 1
	})
	if n := len(recv.requests()); n != 0 {
		t.Errorf("the private receiver got %d requests", n)
	}
	if d := ds[0]; d.Status != 0 || !strings.Contains(d.Error, "refused") || d.Outcome != "expired" {
		t.Errorf("attempt %+v, want a refused connection that expires (next retry past MaxAge)", d)
	}
}

// TestTrendingRaisesOneAlert is done-when 4 of issue 7: repeats of one
// cluster across sources above the threshold raise one trending alert, not
// one per repeat, even with two alerter processes sharing the work.
func TestTrendingRaisesOneAlert(t *testing.T) {
	t.Parallel()
	opts := Options{TrendingItems: 3, TrendingSources: 3}
	h := start(t, opts)
	h.another(opts)
	sub, _ := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertTrending}, true)
	other, _ := h.subscribe("Porto", []string{porto}, []claims.AlertKind{claims.AlertTrending}, true)
	tap := natsTap(t, h, paris)
	base := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i := range 8 {
		ic := claims.ItemClaims{ItemID: "itm_" + string(rune('a'+i)), SourceID: "src-" + string(rune('a'+i%4)),
			SourceName: "Source", ItemTitle: "Rumeur", ItemURL: "https://news.example/" + string(rune('a'+i)), Language: "fr",
			Localities: []string{paris}, Analyzed: base.Add(time.Duration(i) * time.Minute),
			Claims: []claims.Claim{{ID: "clm_t" + string(rune('a'+i)), Text: "Les ponts de Paris vont fermer demain.",
				Language: "fr", ClusterID: "cl_bridges"}}}
		h.publishClaims(ic)
	}
	h.settled()
	recs := h.alerts(sub.ID)
	if len(recs) != 1 {
		t.Fatalf("%d alerts, want exactly one trending alert: %+v", len(recs), recs)
	}
	if r := recs[0]; r.Kind != "trending" || r.ClusterID != "cl_bridges" || r.Unreviewed || !strings.HasPrefix(r.Title, "Affirmation qui se propage") {
		t.Errorf("alert %+v, want a reviewed-free trending alert on cl_bridges", r)
	}
	if got := tap(); len(got) != 1 || got[0].Kind != claims.AlertTrending {
		t.Errorf("NATS got %d alerts, want one trending", len(got))
	}
	if recs := h.alerts(other.ID); len(recs) != 0 {
		t.Errorf("Porto got %d alerts for a Paris cluster", len(recs))
	}
}

// TestBelowThresholdNoTrending: repeats from too few sources do not trend.
func TestBelowThresholdNoTrending(t *testing.T) {
	t.Parallel()
	h := start(t, Options{TrendingItems: 3, TrendingSources: 3})
	sub, _ := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertTrending}, true)
	for i := range 6 {
		h.publishClaims(claims.ItemClaims{ItemID: "itm_" + string(rune('a'+i)), SourceID: "src-" + string(rune('a'+i%2)),
			Language: "fr", Localities: []string{paris}, Analyzed: time.Date(2026, 11, 27, 9, i, 0, 0, time.UTC),
			Claims: []claims.Claim{{ID: "c" + string(rune('a'+i)), Text: "x", ClusterID: "cl_small"}}})
	}
	h.settled()
	if recs := h.alerts(sub.ID); len(recs) != 0 {
		t.Errorf("%d alerts from 2 sources, want none", len(recs))
	}
}

// TestVerdictAlertAndCAP: a published verdict raises a verdict alert,
// reviewed, listed in the CAP index and served as a CAP message.
func TestVerdictAlertAndCAP(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{Publisher: publishParty("Vérif Paris")}, recv)
	sub, tok := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertVerdict}, false, recv)
	h.publishVerdict(loadVerdict(t, "verdict-paris.json"))
	bustest.Eventually(t, 10*time.Second, "the verdict webhook", func() bool { return len(recv.requests()) == 1 })
	h.settled()
	recs := h.alerts(sub.ID)
	if len(recs) != 1 || recs[0].Kind != "verdict" || recs[0].Unreviewed || recs[0].VerdictID != "vrd_1" {
		t.Fatalf("alerts %+v, want one reviewed verdict alert", recs)
	}
	if !slices.Contains([]string{webhook.TypeAlertRaised}, recv.requests()[0].typ(t)) {
		t.Errorf("webhook type %q", recv.requests()[0].typ(t))
	}
	code, _, idx := h.getFeed("/feeds/alerts/" + sub.ID + ".cap.xml?token=" + tok)
	if code != http.StatusOK {
		t.Fatalf("CAP index: %d %s", code, idx)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(idx))
	if err != nil || len(f.Items) != 1 {
		t.Fatalf("CAP index: %v, items %v", err, f)
	}
	path := strings.TrimPrefix(f.Items[0].Link, "https://verif.example.org")
	code, hdr, msg := h.getFeed(path) // the index's link carries what it needs
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "application/cap+xml") {
		t.Fatalf("CAP message %s: %d %s", path, code, msg)
	}
	if !bytes.Contains(msg, []byte("<identifier>"+capIdentifier(recs[0].ID, 1)+"</identifier>")) {
		t.Errorf("CAP message lacks its identifier:\n%s", msg)
	}
	validateCAP(t, msg)
	validateAtom(t, idx)
}

func (r request) typ(t *testing.T) string {
	var p struct{ Type string }
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	return p.Type
}

// TestSustainedFailureDisables: an endpoint failing past the disable policy
// is disabled with a notice, and its pending delivery is dropped (the alert
// stays in the feed).
func TestSustainedFailureDisables(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, func(int) int { return http.StatusServiceUnavailable })
	h := start(t, Options{
		Policy:  webhook.Policy{InitialDelay: 100 * time.Millisecond, Multiplier: 1, Jitter: 0, MaxAge: time.Minute},
		Disable: webhook.DisablePolicy{After: time.Millisecond, MinFailures: 3},
	}, recv)
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true, recv)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	bustest.Eventually(t, 15*time.Second, "a notice", func() bool {
		ns, err := h.svc.Deliveries().Notices(context.Background(), sub.ID)
		return err == nil && len(ns) == 1
	})
	h.settled()
	if n := len(recv.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (disabled after the third failure)", n)
	}
	got, err := h.svc.Subscriptions().Get(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w := got.Webhooks[0]; w.Active() || w.Health.ConsecutiveFailures != 3 || !strings.Contains(w.Health.DisabledReason, "3 failed attempts") {
		t.Errorf("webhook %+v, want disabled after 3 failures", w)
	}
	if recs := h.alerts(sub.ID); len(recs) != 1 {
		t.Errorf("%d alerts, want the alert kept", len(recs))
	}
}

// TestVerdictLifeInCAP: a correction updates the verdict's alert and a
// retraction (which keeps the version) cancels it: one alert, three
// revisions, CAP Alert → Update → Cancel each referencing the earlier
// messages, all valid CAP 1.2.
func TestVerdictLifeInCAP(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	sub, tok := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertVerdict}, false)
	capOf := func(rev int) []byte {
		t.Helper()
		var recs []Record
		bustest.Eventually(t, 15*time.Second, fmt.Sprintf("revision %d", rev), func() bool {
			recs = h.alerts(sub.ID)
			return len(recs) == 1 && recs[0].Revision == rev
		})
		code, _, msg := h.getFeed("/feeds/alerts/" + sub.ID + "/cap/" + recs[0].ID + ".xml?token=" + tok)
		if code != http.StatusOK {
			t.Fatalf("CAP of revision %d: %d %s", rev, code, msg)
		}
		validateCAP(t, msg)
		if !bytes.Contains(msg, []byte("<identifier>"+capIdentifier(recs[0].ID, rev)+"</identifier>")) {
			t.Errorf("revision %d: identifier missing in\n%s", rev, msg)
		}
		for r := 1; r < rev; r++ {
			if !bytes.Contains(msg, []byte(capIdentifier(recs[0].ID, r))) {
				t.Errorf("revision %d does not reference revision %d:\n%s", rev, r, msg)
			}
		}
		return msg
	}
	v := loadVerdict(t, "verdict-paris.json")
	h.publishVerdict(v)
	if msg := capOf(1); !bytes.Contains(msg, []byte("<msgType>Alert</msgType>")) {
		t.Errorf("publication: want an Alert:\n%s", msg)
	}
	v2 := v.Clone()
	v2.Version, v2.CorrectionNote, v2.Published = 2, "Date of the analyses corrected.", v.Published.Add(time.Hour)
	h.publishVerdict(v2)
	if msg := capOf(2); !bytes.Contains(msg, []byte("<msgType>Update</msgType>")) || !bytes.Contains(msg, []byte("Date of the analyses corrected.")) {
		t.Errorf("correction: want an Update with the note:\n%s", msg)
	}
	v3 := v2.Clone()
	v3.Retracted, v3.RetractedAt = true, v.Published.Add(2*time.Hour) // a retraction keeps the version
	h.publishRetraction(v3)
	if msg := capOf(3); !bytes.Contains(msg, []byte("<msgType>Cancel</msgType>")) {
		t.Errorf("retraction: want a Cancel:\n%s", msg)
	}
	h.publishRetraction(v3) // announced twice: nothing new
	h.settled()
	recs := h.alerts(sub.ID)
	if len(recs) != 1 || recs[0].Revision != 3 || recs[0].Status != claims.AlertCancelled || !strings.HasPrefix(recs[0].Title, "[Annulée] ") || !strings.Contains(recs[0].Text, "retirée") {
		t.Errorf("alerts %+v, want one cancelled alert at revision 3", recs)
	}
}

// TestPoisonMessageDeadLettered: an undecodable CLAIMS message goes to
// vigie.dlq.alerter at once and the next message is still alerted.
func TestPoisonMessageDeadLettered(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true)
	dlq := make(chan *nats.Msg, 4)
	ds, err := h.bus.NC.ChanSubscribe(bus.DLQSubject(bus.StageAlerter), dlq)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ds.Unsubscribe() })
	if _, err := h.bus.Publish(context.Background(), bus.ClaimsSubject("fr"), []byte("\xff\xffnot protobuf"), "poison-1", nil); err != nil {
		t.Fatal(err)
	}
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	h.settled()
	select {
	case m := <-dlq:
		if m.Header.Get(bus.HeaderDLQStage) != bus.StageAlerter {
			t.Errorf("dead letter headers %v", m.Header)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the poison message was not dead-lettered")
	}
	if recs := h.alerts(sub.ID); len(recs) != 1 {
		t.Errorf("%d alerts after the poison message, want 1", len(recs))
	}
}
