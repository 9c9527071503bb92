package demo

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/publish"
	"vigie/pipeline/review"
	"vigie/services/alerter"
	"vigie/services/publisher"
)

// demoSeedEnv is a workflow and an alerter on one in-process nats-server.
type demoSeedEnv struct {
	b  *bus.Bus
	w  *review.Workflow
	al *alerter.Service
}

const demoSeedBase = "http://127.0.0.1:8080"

func newDemoSeedEnv(t *testing.T) demoSeedEnv {
	t.Helper()
	return openDemoSeedEnv(t, bustest.Bus(t, bustest.Server(t), bus.DefaultTopology()))
}

// openDemoSeedEnv opens the workflow and the alerter on b, as a start does.
func openDemoSeedEnv(t *testing.T, b *bus.Bus) demoSeedEnv {
	t.Helper()
	site := review.Site{Publisher: publish.Party{Name: "Vigie demo newsroom"}, BaseURL: demoSeedBase}
	w, err := review.New(t.Context(), b, review.Config{Site: site}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	al, err := alerter.New(b, alerter.Options{BaseURL: demoSeedBase, Publisher: site.Publisher}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	return demoSeedEnv{b: b, w: w, al: al}
}

func (e demoSeedEnv) deps(out io.Writer) seedDeps {
	return seedDeps{Review: e.w, Subscriptions: e.al.Subscriptions(), BaseURL: demoSeedBase, Out: out}
}

// TestSeedDemoTwice: seeding at two starts yields one published verdict
// and one subscription, and the second start changes neither the verdict
// nor the subscription's settings.
func TestSeedDemoTwice(t *testing.T) {
	t.Parallel()
	e := newDemoSeedEnv(t)
	ctx := t.Context()
	var out1, out2 bytes.Buffer
	if err := seed(ctx, e.deps(&out1)); err != nil {
		t.Fatal(err)
	}
	first, err := e.w.Verdict(ctx, verdictID)
	if err != nil {
		t.Fatal(err)
	}
	e = openDemoSeedEnv(t, e.b) // a restart: new workflow and alerter on the same store
	if err := seed(ctx, e.deps(&out2)); err != nil {
		t.Fatalf("second seeding: %v", err)
	}
	vs, err := e.w.Verdicts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 {
		t.Fatalf("%d verdicts after seeding twice, want 1", len(vs))
	}
	v := vs[0]
	if v.ID != verdictID || v.State != claims.VerdictPublished || v.Version != 1 || !v.Published.Equal(first.Published) {
		t.Errorf("verdict after the second seeding: id %s state %s version %d published %v (first %v)",
			v.ID, v.State, v.Version, v.Published, first.Published)
	}
	subs, err := e.al.Subscriptions().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 {
		t.Fatalf("%d subscriptions after seeding twice, want 1", len(subs))
	}
	s := subs[0]
	if s.ID != subscriptionID || s.Owner != subscriber || len(s.Localities) != 1 || s.Localities[0] != municipality ||
		!s.Has("verdict") || !s.Feed.Enabled {
		t.Errorf("subscription %+v", s)
	}
	// Each start issues a new feed token: the first one stops working.
	tok1, tok2 := feedToken(t, out1.String()), feedToken(t, out2.String())
	if tok1 == tok2 || s.CheckToken(tok1) || !s.CheckToken(tok2) {
		t.Errorf("feed token not rotated: first %q (still valid %v), second %q (valid %v)", tok1, s.CheckToken(tok1), tok2, s.CheckToken(tok2))
	}
	if !strings.Contains(out2.String(), demoSeedBase+"/verdicts/"+verdictID) {
		t.Errorf("the verdict page is not printed:\n%s", out2.String())
	}
}

// feedToken finds the printed private feed token.
func feedToken(t *testing.T, out string) string {
	t.Helper()
	_, tok, ok := strings.Cut(out, "?token=")
	if !ok {
		t.Fatalf("no feed token printed:\n%s", out)
	}
	return strings.TrimSpace(strings.SplitN(tok, "\n", 2)[0])
}

// TestSeedDemoVerdictContent: the sample verdict is the one the demo
// promises: Portuguese, about Porto, false, and marked fictional.
func TestSeedDemoVerdictContent(t *testing.T) {
	t.Parallel()
	e := newDemoSeedEnv(t)
	if err := seed(t.Context(), seedDeps{Review: e.w}); err != nil { // no alerter: verdict only
		t.Fatal(err)
	}
	v, err := e.w.Verdict(t.Context(), verdictID)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"language pt", v.Language == "pt"},
		{"locality PT-1312", len(v.Localities) == 1 && v.Localities[0] == "PT-1312"},
		{"rating false", v.Rating == claims.RatingFalse},
		{"title marked demo and fictional", strings.Contains(v.Title, "DEMO") && strings.Contains(v.Title, "fictício")},
		{"summary says fictional", strings.Contains(v.Summary, "fictícia")},
		{"links on example.org only", strings.HasPrefix(v.Sources[0], "https://example.org/demo/") &&
			strings.HasPrefix(v.Appearances[0], "https://example.org/demo/")},
		{"drafted by the demo fact-checker, approved by the demo editor", v.Author == "demo-factchecker" && v.Editor == "demo-editor"},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !c.ok {
				t.Errorf("sample verdict %+v", v)
			}
		})
	}
	if subs, err := e.al.Subscriptions().List(t.Context()); err != nil || len(subs) != 0 {
		t.Errorf("without an alerter no subscription is seeded: %d, %v", len(subs), err)
	}
}

// TestSeedDemoResumes: a start that stopped half-way (the claim left as a
// draft) is completed by the next one, without a second verdict.
func TestSeedDemoResumes(t *testing.T) {
	t.Parallel()
	e := newDemoSeedEnv(t)
	ctx := t.Context()
	res, err := e.w.SetStatus(ctx, factChecker, verdictID, 0, claims.StatusTriage)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.w.DraftVerdict(ctx, factChecker, verdictID, res.Revision, verdictInput(municipality)); err != nil {
		t.Fatal(err)
	}
	if err := seed(ctx, e.deps(nil)); err != nil {
		t.Fatal(err)
	}
	vs, err := e.w.Verdicts(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].State != claims.VerdictPublished {
		t.Fatalf("after resuming: %d verdicts, first %+v", len(vs), vs)
	}
}

// TestSeedDemoRaisesVerdictAlert: with the alerter running, the seeded
// subscription receives the sample verdict's alert, visible at once.
func TestSeedDemoRaisesVerdictAlert(t *testing.T) {
	t.Parallel()
	e := newDemoSeedEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- e.al.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	if err := seed(ctx, e.deps(nil)); err != nil {
		t.Fatal(err)
	}
	var recs []alerter.Record
	bustest.Eventually(t, 10*time.Second, "the demo verdict alert", func() bool {
		var err error
		recs, err = e.al.Alerts(ctx, subscriptionID, 0)
		return err == nil && len(recs) > 0
	})
	r := recs[0]
	if len(recs) != 1 || r.Kind != claims.AlertVerdict || r.VerdictID != verdictID || r.Locality != municipality {
		t.Errorf("alerts %+v", recs)
	}
	// The alert links to its subscriber's page (signed for that subscription
	// and alert), which links on to the public verdict page.
	if want := demoSeedBase + "/alerts/" + r.ID + "?sub=" + subscriptionID + "&sig="; !strings.HasPrefix(r.URL, want) {
		t.Errorf("alert links to %q, want %q…", r.URL, want)
	}
}

// TestSeedDemoVerdictPage: the publisher serves the sample verdict's page,
// with its ClaimReview, and lists it in the Porto feed.
func TestSeedDemoVerdictPage(t *testing.T) {
	t.Parallel()
	e := newDemoSeedEnv(t)
	if err := seed(t.Context(), e.deps(nil)); err != nil {
		t.Fatal(err)
	}
	pub := publisher.New(e.w, publisher.Options{Site: review.Site{Publisher: publish.Party{Name: "Vigie demo newsroom"},
		BaseURL: demoSeedBase}, CacheTTL: -1}, zaptest.NewLogger(t))
	for _, c := range []struct{ path, want string }{
		{"/verdicts/" + verdictID, `"@type":"ClaimReview"`},
		{"/verdicts/" + verdictID, "DEMO (fictício)"},
		{"/feeds/verdicts.atom?locality=" + municipality, demoSeedBase + "/verdicts/" + verdictID},
	} {
		t.Run(c.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			pub.Handler(account.NewPolicy(pub.Routes()...)).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), c.want) {
				t.Errorf("GET %s: %d, body lacks %q", c.path, rec.Code, c.want)
			}
		})
	}
}
