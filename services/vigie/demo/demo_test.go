package demo_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/source"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
	"vigie/services/vigie/demo"
)

// TestStart: `vigie serve --demo` prints the demo accounts, the seeded
// verdict and a curl that works without a token; its sample feeds are
// fetched. A later start without the demo removes its sources and keeps
// the claims API closed to anonymous calls.
func TestStart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	cfg := apptest.Config(t, data)
	var out bytes.Buffer
	d, err := demo.Start(ctx, cfg, app.Options{Log: zaptest.NewLogger(t), Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	a := d.App()
	for _, want := range []string{"Demo accounts", "demo-editor", "Demo read-only API token", "Demo verdict (fictional): http://" + a.HTTPAddr() + "/verdicts/",
		"Vigie is serving the review queue on http://" + a.HTTPAddr(), "Demo: 4 sample feeds served from", "curl -H 'Authorization: Bearer "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if i, j := strings.Index(out.String(), "Demo verdict"), strings.Index(out.String(), "Vigie is serving"); i < 0 || j < i {
		t.Errorf("the serving line comes before the demo's links:\n%s", out.String())
	}
	anonymous := func() int {
		resp, err := http.Get("http://" + a.HTTPAddr() + "/api/v1/claims?q=")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := anonymous(); code != http.StatusOK {
		t.Errorf("anonymous GET /api/v1/claims in the demo: %d, want 200", code)
	}
	bustest.Eventually(t, 60*time.Second, "the sample feeds fetched", func() bool {
		for _, s := range a.Sources() {
			st, _, err := a.Registry().State(ctx, s.ID)
			if err != nil || st.Status == source.StatusNew || st.Status == "" {
				return false
			}
		}
		return len(a.Sources()) == len(demo.FeedFiles())
	})
	if err := d.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	b := apptest.Start(t, cfg, app.Options{})
	srcs, err := b.Registry().List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 0 {
		t.Errorf("a start without the demo kept %d of its sources", len(srcs))
	}
	a = b
	if code := anonymous(); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET /api/v1/claims without the demo: %d, want 401", code)
	}
}
