package app_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"vigie/claims"
	"vigie/pipeline/bus/bustest"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestBaseURLWarning: a server listening beyond loopback without
// site.base_url says so at start; on loopback, or with the address set,
// it does not.
func TestBaseURLWarning(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, addr, base string
		warn             bool
	}{
		{"beyond loopback, no base_url", "0.0.0.0:0", "", true},
		{"loopback", "127.0.0.1:0", "", false},
		{"beyond loopback with base_url", "0.0.0.0:0", "https://verif.example.org", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			core, logs := observer.New(zap.WarnLevel)
			cfg := apptest.Config(t, t.TempDir())
			cfg.HTTP.Addr, cfg.Site.BaseURL = tt.addr, tt.base
			apptest.Start(t, cfg, app.Options{Log: zap.New(core)})
			warned := logs.FilterMessageSnippet("site.base_url is not set").Len() > 0
			if warned != tt.warn {
				t.Errorf("warned %v, want %v (logs: %v)", warned, tt.warn, logs.All())
			}
		})
	}
}

// TestClaimReviewURLIsThePage: with site.base_url set, a published
// verdict's ClaimReview url is the address of its own page there.
func TestClaimReviewURLIsThePage(t *testing.T) {
	t.Parallel()
	cfg := apptest.Config(t, t.TempDir())
	cfg.Site.BaseURL = "https://verif.example.org/"
	a := apptest.Start(t, cfg, app.Options{})
	ctx := t.Context()
	w := a.Review()
	fc, ed := claims.Actor{Name: "fatima", Role: claims.RoleFactChecker}, claims.Actor{Name: "edith", Role: claims.RoleEditor}
	const id = "clm_base_url"
	in := claims.VerdictInput{ClaimReviewed: "Le tram de Lyon devient gratuit.", Rating: claims.RatingFalse, TextualRating: "Faux",
		Summary: "Aucune décision en ce sens.", Sources: []string{"https://example.org/tcl"}, Localities: []string{"FR-69123"}, Language: "fr"}
	for _, step := range []func(rev uint64) error{
		func(rev uint64) error { _, err := w.SetStatus(ctx, fc, id, rev, claims.StatusTriage); return err },
		func(rev uint64) error { _, err := w.DraftVerdict(ctx, fc, id, rev, in); return err },
		func(rev uint64) error { _, err := w.SubmitVerdict(ctx, fc, id, rev); return err },
		func(rev uint64) error { _, err := w.PublishVerdict(ctx, ed, id, rev); return err },
	} {
		_, rev, err := w.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := step(rev); err != nil {
			t.Fatal(err)
		}
	}
	var page string
	bustest.Eventually(t, 30*time.Second, "the verdict page", func() bool {
		resp, err := http.Get("http://" + a.HTTPAddr() + "/verdicts/" + id)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page = string(b)
		return resp.StatusCode == http.StatusOK
	})
	if want := `"url":"https://verif.example.org/verdicts/` + id + `"`; !strings.Contains(strings.ReplaceAll(page, `": "`, `":"`), want) {
		t.Errorf("the ClaimReview does not name its page %s:\n%s", want, page)
	}
	if strings.Contains(page, a.HTTPAddr()) {
		t.Errorf("the page names the listen address %s", a.HTTPAddr())
	}
}
