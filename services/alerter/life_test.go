package alerter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
	"vigie/pipeline/subscription"
)

// hook is one webhook delivery as the receiver decoded it.
type hook struct {
	ID   string
	Type string
	Data claims.Alert
}

// hooks decodes a receiver's requests; each must verify.
func hooks(t *testing.T, r *receiver) []hook {
	t.Helper()
	var out []hook
	for _, q := range r.requests() {
		if !q.Valid {
			t.Fatalf("a delivery failed the independent signature check: %s", q.Body)
		}
		var p struct {
			Type string       `json:"type"`
			Data claims.Alert `json:"data"`
		}
		if err := json.Unmarshal(q.Body, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, hook{ID: q.Header.Get("webhook-id"), Type: p.Type, Data: p.Data})
	}
	return out
}

// feedItems parses a subscription's private feed as a feed reader does.
func feedItems(t *testing.T, h *harness, sub subscription.Subscription, tok, ext string) []*gofeed.Item {
	t.Helper()
	code, _, body := h.getFeed("/feeds/alerts/" + sub.ID + ext + "?token=" + tok)
	if code != http.StatusOK {
		t.Fatalf("feed %s: %d %s", ext, code, body)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("feed %s: %v", ext, err)
	}
	if ext == ".atom" {
		validateAtom(t, body)
	} else {
		validateJSONFeed(t, body)
	}
	return f.Items
}

// capMessage reads the CAP index of a subscription and the one message it
// lists, XSD-checked.
func capMessage(t *testing.T, h *harness, sub subscription.Subscription, tok string) []byte {
	t.Helper()
	code, _, idx := h.getFeed("/feeds/alerts/" + sub.ID + ".cap.xml?token=" + tok)
	if code != http.StatusOK {
		t.Fatalf("CAP index: %d %s", code, idx)
	}
	validateAtom(t, idx)
	f, err := gofeed.NewParser().Parse(bytes.NewReader(idx))
	if err != nil || len(f.Items) != 1 {
		t.Fatalf("CAP index: %v, want one entry: %s", err, idx)
	}
	path := strings.TrimPrefix(f.Items[0].Link, "https://verif.example.org")
	if !strings.Contains(path, "token="+tok) {
		t.Errorf("CAP index link %s does not carry the token that opened the index", path)
	}
	code, _, msg := h.getFeed(path)
	if code != http.StatusOK {
		t.Fatalf("CAP message %s: %d %s", path, code, msg)
	}
	validateCAP(t, msg)
	return msg
}

// apiAlerts reads GET /api/v1/subscriptions/{id}/alerts as the
// subscription's owner.
func apiAlerts(t *testing.T, h *harness, sub subscription.Subscription) []claims.Alert {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/v1/subscriptions/"+sub.ID+"/alerts", nil)
	req = req.WithContext(account.WithPrincipal(req.Context(),
		account.Principal{User: sub.Owner, Role: claims.RoleSubscriber, Via: account.ViaSession}))
	handlerOf(h.svc).ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("alerts API: %d %s", rec.Code, rec.Body)
	}
	var out struct{ Alerts []claims.Alert }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	return out.Alerts
}

// replay reads every alert kept on a locality's subject in the ALERTS
// stream, as an integrator that was offline does: an ordered consumer
// filtered to its own subject.
func replay(t *testing.T, b *bus.Bus, locality string) []claims.Alert {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := b.JS.OrderedConsumer(ctx, bus.StreamAlerts, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{bus.AlertSubject(locality)}})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []claims.Alert
	for n := info.NumPending; n > 0; {
		batch, err := c.Fetch(int(n), jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for m := range batch.Messages() {
			a, err := codec.DecodeAlert(m.Data())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := m.Headers().Get("Nats-Msg-Id"), fmt.Sprintf("%s.%d", a.ID, a.Revision); got != want {
				t.Errorf("Nats-Msg-Id %q, want %q", got, want)
			}
			out = append(out, a)
			n--
		}
		if err := batch.Error(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestAlertLifeOnEveryChannel is done-when 1 of issue 13 at the service
// level, through the real review workflow: a verdict for Paris is
// published, corrected, gets a new appearance (a repeat), then is retracted
// (which keeps its version). The
// subscription's private feeds (parsed by a feed reader), a webhook receiver
// verifying signatures on its own, the CAP feed (XSD-valid, Update and
// Cancel with references), the alerts API and a NATS subscriber each see
// raised → updated → cancelled for one alert id. With two subscriptions on
// Paris, NATS carries one message per change (done-when 4), and an
// integrator that was offline replays all four from its own subject.
func TestAlertLifeOnEveryChannel(t *testing.T) {
	t.Parallel()
	recv, other := newReceiver(t, nil), newReceiver(t, nil)
	h := start(t, Options{}, recv, other)
	all := []claims.AlertKind{claims.AlertFlagged, claims.AlertTrending, claims.AlertVerdict}
	sub, tok := h.subscribe("Paris", []string{paris}, all, false, recv)
	second, _ := h.subscribe("Paris again", []string{paris}, all, false, other)
	tap := natsTap(t, h, paris)
	ctx := context.Background()
	w, err := review.New(ctx, h.bus, review.Config{Site: review.Site{Publisher: publish.Party{Name: "Vérif"},
		BaseURL: "https://verif.example.org"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	editor := claims.Actor{Name: "edith", Role: claims.RoleEditor}
	const claim = "9f86d081884c7d65"
	in := claims.VerdictInput{ClaimReviewed: "Tap water in Paris is unsafe to drink.", Rating: claims.RatingFalse,
		Language: "en", Summary: "Eau de Paris publishes daily analyses: the water meets every standard.",
		Sources: []string{"https://eaudeparis.example/analyses"}, Localities: []string{paris}}
	r, err := w.SetStatus(ctx, editor, claim, 0, claims.StatusInProgress)
	if err == nil {
		r, err = w.DraftVerdict(ctx, editor, claim, r.Revision, in)
	}
	if err == nil {
		r, err = w.SubmitVerdict(ctx, editor, claim, r.Revision)
	}
	if err == nil {
		r, err = w.PublishVerdict(ctx, editor, claim, r.Revision)
	}
	if err != nil {
		t.Fatal(err)
	}

	var id string
	var lastUpdated time.Time
	step := func(rev int, status claims.AlertStatus, msgType string) {
		t.Helper()
		bustest.Eventually(t, 20*time.Second, fmt.Sprintf("webhook of revision %d", rev), func() bool { return len(recv.requests()) >= rev })
		h.settled()
		hs := hooks(t, recv)
		if len(hs) != rev {
			t.Fatalf("%d deliveries after revision %d", len(hs), rev)
		}
		hk := hs[rev-1]
		if id == "" {
			id = hk.Data.ID
		}
		if hk.Type != "alert."+string(status) || hk.Data.ID != id || hk.Data.Status != status || hk.Data.Revision != rev ||
			hk.ID != fmt.Sprintf("%s_r%d", id, rev) || hk.Data.SubscriptionID != sub.ID || hk.Data.Kind != claims.AlertVerdict {
			t.Errorf("revision %d webhook: id %s type %s data %+v", rev, hk.ID, hk.Type, hk.Data)
		}
		for _, ext := range []string{".atom", ".json"} {
			items := feedItems(t, h, sub, tok, ext)
			if len(items) != 1 {
				t.Fatalf("feed %s has %d items after revision %d, want the one alert", ext, len(items), rev)
			}
			it := items[0]
			if !strings.Contains(it.GUID, id) || !strings.Contains(it.Description+it.Content, "Status: "+string(status)) {
				t.Errorf("feed %s after revision %d: guid %q, summary %q", ext, rev, it.GUID, it.Description)
			}
			if it.UpdatedParsed == nil || it.UpdatedParsed.Before(lastUpdated) {
				t.Errorf("feed %s after revision %d: updated %v, want it moved forward from %v", ext, rev, it.UpdatedParsed, lastUpdated)
			}
		}
		if items := feedItems(t, h, sub, tok, ".atom"); items[0].UpdatedParsed != nil {
			lastUpdated = *items[0].UpdatedParsed
		}
		msg := capMessage(t, h, sub, tok)
		if !bytes.Contains(msg, []byte("<msgType>"+msgType+"</msgType>")) ||
			!bytes.Contains(msg, []byte("<identifier>"+capIdentifier(id, rev)+"</identifier>")) {
			t.Errorf("CAP after revision %d: want %s %s:\n%s", rev, msgType, capIdentifier(id, rev), msg)
		}
		for earlier := 1; earlier < rev; earlier++ {
			if !bytes.Contains(msg, []byte(","+capIdentifier(id, earlier)+",")) {
				t.Errorf("CAP of revision %d does not reference revision %d:\n%s", rev, earlier, msg)
			}
		}
		if as := apiAlerts(t, h, sub); len(as) != 1 || as[0].ID != id || as[0].Status != status || as[0].Revision != rev {
			t.Errorf("alerts API after revision %d: %+v", rev, as)
		}
	}
	step(1, claims.AlertRaised, "Alert")

	corrected := in
	corrected.Summary += " The date of the analyses was corrected."
	if r, err = w.CorrectVerdict(ctx, editor, claim, r.Revision, corrected, "Date of the analyses corrected."); err != nil {
		t.Fatal(err)
	}
	step(2, claims.AlertUpdated, "Update")

	// The claim appears again in another outlet, added as an appearance of
	// the verdict: a repeat, the alert is updated.
	if _, err := w.AddAppearance(ctx, editor, "a1b2c3d4e5f60718", 0, claim, "https://news.example/again"); err != nil {
		t.Fatal(err)
	}
	step(3, claims.AlertUpdated, "Update")
	if recs := h.alerts(sub.ID); len(recs) != 1 || recs[0].Reason != ReasonAppearance || recs[0].Verdict.Appearances != 1 {
		t.Errorf("alert after the appearance: %+v, want a repeat", recs)
	}
	_, seen, err := w.Get(ctx, claim)
	if err != nil {
		t.Fatal(err)
	}

	version := r.Verdict.Version
	if r, err = w.RetractVerdict(ctx, editor, claim, seen, "The analyses cited were of another city."); err != nil {
		t.Fatal(err)
	}
	if r.Verdict.Version != version || !r.Verdict.Retracted {
		t.Fatalf("retraction: version %d retracted %v, want version %d kept", r.Verdict.Version, r.Verdict.Retracted, version)
	}
	step(4, claims.AlertCancelled, "Cancel")
	if items := feedItems(t, h, sub, tok, ".atom"); !strings.HasPrefix(items[0].Title, "[Cancelled] ") || !strings.Contains(items[0].Description+items[0].Content, "retracted") {
		t.Errorf("feed title after the retraction: %q", items[0].Title)
	}

	// NATS: one message per change although two subscriptions follow Paris.
	got := tap()
	if len(got) != 4 {
		t.Fatalf("NATS carried %d messages, want 4 (one per change, not per subscription): %+v", len(got), got)
	}
	for i, a := range got {
		want := []claims.AlertStatus{claims.AlertRaised, claims.AlertUpdated, claims.AlertUpdated, claims.AlertCancelled}[i]
		if a.ID != id || a.Revision != i+1 || a.Status != want {
			t.Errorf("NATS message %d: %+v, want %s revision %d of %s", i+1, a, want, i+1, id)
		}
	}
	// The other subscription got the same alert id.
	if hs := hooks(t, other); len(hs) != 4 || hs[3].Data.ID != id || hs[3].Data.Status != claims.AlertCancelled || hs[3].Data.SubscriptionID != second.ID {
		t.Errorf("second subscription's deliveries: %+v", hs)
	}
	// An integrator offline all along replays the four changes.
	if rs := replay(t, h.bus, paris); len(rs) != 4 || rs[0].Status != claims.AlertRaised || rs[3].Status != claims.AlertCancelled || rs[3].ID != id {
		t.Errorf("replay from %s: %+v, want raised, updated, updated, cancelled of %s", bus.AlertSubject(paris), rs, id)
	}
}

// TestDismissalCancelsEarlyWarning: an automatic match raises an
// unconfirmed alert for a subscription with early warning on; a reviewer
// dismissing the claim (review workflow) cancels it on the webhook, the
// feed and NATS, with the same id; reopening the claim brings it back as
// updated. CAP never carries it.
func TestDismissalCancelsEarlyWarning(t *testing.T) {
	t.Parallel()
	recv := newReceiver(t, nil)
	h := start(t, Options{}, recv)
	sub, tok := h.subscribe("Paris", []string{paris}, nil, true, recv)
	tap := natsTap(t, h, paris)
	ctx := context.Background()
	w, err := review.New(ctx, h.bus, review.Config{Site: review.Site{Publisher: publish.Party{Name: "Vérif"},
		BaseURL: "https://verif.example.org"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ic := loadClaims(t, "flagged-paris.json")
	claim := ic.Claims[0].ID
	h.publishClaims(ic)
	bustest.Eventually(t, 20*time.Second, "the early warning", func() bool { return len(recv.requests()) == 1 })

	fc := claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}
	r, err := w.SetStatus(ctx, fc, claim, 0, claims.StatusDismissed)
	if err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, "the cancellation", func() bool { return len(recv.requests()) == 2 })
	h.settled()
	items := feedItems(t, h, sub, tok, ".json")
	if len(items) != 1 || !strings.HasPrefix(items[0].Title, "[Annulée") { // the claim is in French
		t.Errorf("feed after the dismissal: %d items, first titled %q", len(items), items[0].Title)
	}
	if _, err := w.SetStatus(ctx, fc, claim, r.Revision, claims.StatusTriage); err != nil {
		t.Fatal(err)
	}
	bustest.Eventually(t, 20*time.Second, "the reopening", func() bool { return len(recv.requests()) == 3 })
	h.settled()

	hs := hooks(t, recv)
	want := []claims.AlertStatus{claims.AlertRaised, claims.AlertCancelled, claims.AlertUpdated}
	for i, hk := range hs {
		if hk.Data.ID != hs[0].Data.ID || hk.Data.Status != want[i] || hk.Data.Revision != i+1 || !hk.Data.Unreviewed || hk.Type != "alert."+string(want[i]) {
			t.Errorf("delivery %d: %s %+v, want %s revision %d of one unconfirmed alert", i+1, hk.Type, hk.Data, want[i], i+1)
		}
	}
	if got := tap(); len(got) != 3 || got[1].Status != claims.AlertCancelled || got[1].ID != hs[0].Data.ID {
		t.Errorf("NATS: %+v, want raised, cancelled, updated of one alert", got)
	}
	code, _, idx := h.getFeed("/feeds/alerts/" + sub.ID + ".cap.xml?token=" + tok)
	if f, err := gofeed.NewParser().Parse(bytes.NewReader(idx)); code != http.StatusOK || err != nil || len(f.Items) != 0 {
		t.Errorf("CAP index: %d %v, want no entry for an unconfirmed alert", code, err)
	}
}

// TestConfirmedMatchAlertsEveryone: a person confirming an automatic match
// (review action match_judge) makes the claim's alert stand for every
// subscription of the locality — raised for one without early warning,
// updated (confirmed) for one that had the early warning — and puts it on
// CAP; rejecting the match afterwards cancels it everywhere, CAP included.
func TestConfirmedMatchAlertsEveryone(t *testing.T) {
	t.Parallel()
	plainRecv, earlyRecv := newReceiver(t, nil), newReceiver(t, nil)
	h := start(t, Options{}, plainRecv, earlyRecv)
	plain, plainTok := h.subscribe("Paris", []string{paris}, nil, false, plainRecv)
	h.subscribe("Paris early", []string{paris}, nil, true, earlyRecv)
	tap := natsTap(t, h, paris)
	ctx := context.Background()
	w, err := review.New(ctx, h.bus, review.Config{Site: review.Site{Publisher: publish.Party{Name: "Vérif"},
		BaseURL: "https://verif.example.org"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ic := loadClaims(t, "flagged-paris.json")
	c := ic.Claims[0]
	h.publishClaims(ic)
	bustest.Eventually(t, 20*time.Second, "the early warning", func() bool { return len(earlyRecv.requests()) == 1 })
	h.settled()
	if n := len(plainRecv.requests()); n != 0 {
		t.Fatalf("the subscription without early warning got %d deliveries before any confirmation", n)
	}

	fc := claims.Actor{Name: "fanny", Role: claims.RoleFactChecker}
	judge := func(seen uint64, j claims.MatchJudgement) uint64 {
		t.Helper()
		r, err := w.JudgeMatch(ctx, fc, c.ID, seen, review.JudgeInput{Pair: claims.Judgement{ClaimText: c.Text,
			FactCheckID: c.Matches[0].FactCheckID, FactCheckText: c.Matches[0].Text, Judgement: j}})
		if err != nil {
			t.Fatal(err)
		}
		return r.Revision
	}
	rev := judge(0, claims.JudgementConfirmed)
	bustest.Eventually(t, 20*time.Second, "the confirmed alert", func() bool {
		return len(plainRecv.requests()) == 1 && len(earlyRecv.requests()) == 2
	})
	h.settled()
	p, e := hooks(t, plainRecv), hooks(t, earlyRecv)
	id := e[0].Data.ID
	switch {
	case p[0].Type != "alert.raised" || p[0].Data.ID != id || p[0].Data.Unreviewed || p[0].Data.Revision != 2:
		t.Errorf("without early warning: %s %+v, want alert.raised of %s confirmed at revision 2", p[0].Type, p[0].Data, id)
	case e[1].Type != "alert.updated" || e[1].Data.ID != id || e[1].Data.Unreviewed:
		t.Errorf("with early warning: %s %+v, want alert.updated, confirmed", e[1].Type, e[1].Data)
	}
	msg := capMessage(t, h, plain, plainTok)
	if !bytes.Contains(msg, []byte("<msgType>Alert</msgType>")) || !bytes.Contains(msg, []byte(capIdentifier(id, 2))) {
		t.Errorf("CAP of the confirmed alert: want an Alert at revision 2 (the unconfirmed revision 1 was never on CAP):\n%s", msg)
	}

	judge(rev, claims.JudgementRejected)
	bustest.Eventually(t, 20*time.Second, "the cancellation", func() bool {
		return len(plainRecv.requests()) == 2 && len(earlyRecv.requests()) == 3
	})
	h.settled()
	p, e = hooks(t, plainRecv), hooks(t, earlyRecv)
	if p[1].Type != "alert.cancelled" || p[1].Data.ID != id || e[2].Type != "alert.cancelled" || e[2].Data.ID != id {
		t.Errorf("after the rejection: %s %s / %s %s, want alert.cancelled of %s for both", p[1].Type, p[1].Data.ID, e[2].Type, e[2].Data.ID, id)
	}
	msg = capMessage(t, h, plain, plainTok)
	if !bytes.Contains(msg, []byte("<msgType>Cancel</msgType>")) || !bytes.Contains(msg, []byte(","+capIdentifier(id, 2)+",")) {
		t.Errorf("CAP after the rejection: want a Cancel referencing revision 2:\n%s", msg)
	}
	if got := tap(); len(got) != 3 || got[0].Status != claims.AlertRaised || got[1].Status != claims.AlertUpdated || got[2].Status != claims.AlertCancelled {
		t.Errorf("NATS: %+v, want raised (unconfirmed), updated (confirmed), cancelled", got)
	}
}

// TestCorrectionMovesTheVerdictsLocality: a correction that moves a verdict
// from Paris to Porto cancels its Paris alert and raises a Porto one.
func TestCorrectionMovesTheVerdictsLocality(t *testing.T) {
	t.Parallel()
	h := start(t, Options{})
	ps, _ := h.subscribe("Paris", []string{paris}, []claims.AlertKind{claims.AlertVerdict}, false)
	pt, _ := h.subscribe("Porto", []string{porto}, []claims.AlertKind{claims.AlertVerdict}, false)
	v := loadVerdict(t, "verdict-paris.json")
	h.publishVerdict(v)
	v2 := v.Clone()
	v2.Version, v2.CorrectionNote, v2.Localities, v2.Published = 2, "It was Porto, not Paris.", []string{porto}, v.Published.Add(time.Hour)
	h.publishVerdict(v2)
	h.settled()
	var a, b []Record
	bustest.Eventually(t, 15*time.Second, "both alerts", func() bool {
		a, b = h.alerts(ps.ID), h.alerts(pt.ID)
		return len(a) == 1 && a[0].Revision == 2 && len(b) == 1
	})
	if a[0].Status != claims.AlertCancelled || a[0].Locality != paris {
		t.Errorf("Paris's alert after the correction: %s at revision %d, want cancelled", a[0].Status, a[0].Revision)
	}
	if b[0].Status != claims.AlertRaised || b[0].Locality != porto || b[0].ID == a[0].ID {
		t.Errorf("Porto's alert: %+v, want a raised alert of its own", b[0].Alert)
	}
}
