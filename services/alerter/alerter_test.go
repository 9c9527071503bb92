package alerter

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
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
				if m.Header.Get(nats.MsgIdHdr) != a.ID {
					t.Errorf("Nats-Msg-Id %q, want the alert id %q", m.Header.Get(nats.MsgIdHdr), a.ID)
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
	case p.Type != webhook.TypeAlertFlagged:
		t.Errorf("type %q, want %q", p.Type, webhook.TypeAlertFlagged)
	case a.SubscriptionID != subA.ID || a.Locality != paris || a.Kind != "flagged":
		t.Errorf("alert %+v is not A's flagged alert", a)
	case !a.Unreviewed || !strings.HasPrefix(a.Title, "Unreviewed match: "):
		t.Errorf("automatic match not said plainly: unreviewed=%v title=%q", a.Unreviewed, a.Title)
	case a.Rating != "false" || a.ClaimID != "clm_9" || a.ClusterID != "cl_3":
		t.Errorf("alert %+v: wrong rating, claim or cluster", a)
	case a.Severity < 3 || a.Severity > 5:
		t.Errorf("severity %d, want 3..5 for a false rating", a.Severity)
	case reqs[0].Header.Get("webhook-id") != a.ID:
		t.Errorf("webhook-id %q, want the alert id %q", reqs[0].Header.Get("webhook-id"), a.ID)
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
		if len(f.Items) != 1 || !strings.HasPrefix(f.Items[0].Title, "Unreviewed match: ") {
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

// TestUnreviewedOnlyToOptedInChannels: an automatic match reaches the NATS
// subject but neither the feed nor the webhook of a subscription that did
// not opt in.
func TestUnreviewedOnlyToOptedInChannels(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{}, recv)
	sub, tok := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertFlagged}, false, recv)
	tap := natsTap(t, h, paris)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	bustest.Eventually(t, 10*time.Second, "the alert on NATS", func() bool { return len(tap()) == 1 })
	h.settled()
	if n := len(recv.requests()); n != 0 {
		t.Errorf("webhook not opted in got %d requests", n)
	}
	_, _, body := h.getFeed("/feeds/alerts/" + sub.ID + ".json?token=" + tok)
	var f struct{ Items []json.RawMessage }
	if err := json.Unmarshal(body, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 0 {
		t.Errorf("feed not opted in holds %d items", len(f.Items))
	}
	if recs := h.alerts(sub.ID); len(recs) != 1 || !recs[0].Unreviewed {
		t.Errorf("alerts %+v, want the one unreviewed alert kept for the subscriber view", recs)
	}
}

// TestRequireConfirmation: with confirmation required, automatic matches
// raise nothing.
func TestRequireConfirmation(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{RequireConfirmation: true}, recv)
	sub, _ := h.subscribe("Paris", []string{paris}, nil, true, recv)
	h.publishClaims(loadClaims(t, "flagged-paris.json"))
	h.settled()
	if recs := h.alerts(sub.ID); len(recs) != 0 {
		t.Errorf("alerts %+v, want none without confirmation", recs)
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
	if r := recs[0]; r.Kind != "trending" || r.ClusterID != "cl_bridges" || r.Unreviewed || !strings.HasPrefix(r.Title, "Trending: ") {
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
	if !slices.Contains([]string{webhook.TypeAlertVerdict}, recv.requests()[0].typ(t)) {
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
	if !bytes.Contains(msg, []byte("<identifier>vigie.verdict.vrd_1.v1</identifier>")) {
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

// TestVerdictVersionsInCAP: a correction and a retraction raise new verdict
// alerts whose CAP messages are an Update and a Cancel referencing the
// earlier ones, all valid CAP 1.2.
func TestVerdictVersionsInCAP(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	sub, tok := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertVerdict}, false)
	v := loadVerdict(t, "verdict-paris.json")
	h.publishVerdict(v)
	v2 := v.Clone()
	v2.Version, v2.CorrectionNote, v2.Published = 2, "Date of the analyses corrected.", v.Published.Add(time.Hour)
	h.publishVerdict(v2)
	v3 := v2.Clone()
	v3.Version, v3.Retracted, v3.Published = 3, true, v.Published.Add(2*time.Hour)
	h.publishVerdict(v3)
	h.publishVerdict(v3) // published twice: still one alert
	h.settled()
	// The listing reads the alerts bucket through a new watcher; poll it
	// rather than trust one read (it came back empty once under load).
	var recs []Record
	bustest.Eventually(t, 15*time.Second, "one alert per version", func() bool {
		recs = h.alerts(sub.ID)
		return len(recs) >= 3
	})
	if len(recs) != 3 {
		t.Fatalf("%d alerts, want one per version", len(recs))
	}
	want := map[int]string{1: "<msgType>Alert</msgType>", 2: "<msgType>Update</msgType>", 3: "<msgType>Cancel</msgType>"}
	for _, r := range recs {
		code, _, msg := h.getFeed("/feeds/alerts/" + sub.ID + "/cap/" + r.ID + ".xml?token=" + tok)
		if code != http.StatusOK {
			t.Fatalf("CAP of version %d: %d %s", r.Verdict.Version, code, msg)
		}
		if !bytes.Contains(msg, []byte(want[r.Verdict.Version])) {
			t.Errorf("version %d: want %s in\n%s", r.Verdict.Version, want[r.Verdict.Version], msg)
		}
		if r.Verdict.Version > 1 && !bytes.Contains(msg, []byte("vigie.verdict.vrd_1.v1")) {
			t.Errorf("version %d does not reference version 1:\n%s", r.Verdict.Version, msg)
		}
		validateCAP(t, msg)
	}
	if !strings.HasPrefix(recs[0].Title, "[retracted] ") {
		t.Errorf("newest alert title %q, want the retraction first", recs[0].Title)
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
