package systemtest

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"vigie/claims"
)

// TestScreenshots writes PNGs of the review UI into the folder named by
// VIGIE_SCREENSHOTS (`make screenshots` sets docs/screenshots); without it
// the screenshots are taken and checked but written to a temporary folder.
// Each image must be a real rendering: not blank, not one flat colour.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	out := os.Getenv("VIGIE_SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	} else if !filepath.IsAbs(out) {
		// `go test` runs in the package folder; the Makefile passes a path
		// relative to the repository root.
		out = filepath.Join("..", "..", "..", out)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	ba := startDemoBrowserApp(t)
	flagged := ba.claims(t, "q=&filter="+urlQuery("flagged = true")+"&sort="+urlQuery("top_score:desc")).Hits[0].ID
	// The public page shows a verdict published on another flagged claim.
	var published string
	for _, h := range ba.claims(t, "q=&filter="+urlQuery("flagged = true")).Hits {
		if h.ID != flagged && len(h.Matches) > 0 {
			published = ba.publishVerdict(t, h.ID, claims.VerdictInput{
				ClaimReviewed: h.Text,
				Rating:        claims.Rating(h.Matches[0].Rating),
				TextualRating: h.Matches[0].TextualRating,
				Summary:       "Exemplo fictício da demonstração do Vigie: a alegação não corresponde aos factos verificados pela redação.",
				Sources:       []string{h.Matches[0].URL},
				Language:      h.Language,
			})
			break
		}
	}
	if published == "" {
		t.Fatal("the demo has no second flagged claim to publish a verdict on")
	}
	// The verdict editor is shown with a draft being typed.
	fillDraft := func(t *testing.T, ctx context.Context) {
		bDo(t, ctx, "type a draft",
			chromedp.SetValue(chromedp.CSS(sel.verdictRating), "misleading", chromedp.NodeVisible),
			chromedp.SendKeys(chromedp.CSS("#verdict-textual-rating"), "Enganador", chromedp.NodeVisible),
			chromedp.SendKeys(chromedp.CSS(sel.verdictSummary), "A Apple oferece a troca só a preço reduzido, e não a todos os modelos (exemplo fictício da demonstração).", chromedp.NodeVisible),
			chromedp.SendKeys(chromedp.CSS(sel.verdictSources), "https://example.org/demo/iphone", chromedp.NodeVisible),
			chromedp.Blur(chromedp.CSS(sel.verdictSources)),
		)
	}
	shots := []struct {
		file, user, lang, path string
		prepare                func(*testing.T, context.Context)
	}{
		{"queue.png", "fc", "en-US", "/", nil},
		{"queue-flagged.png", "fc", "en-US", "/queue?flagged=true", nil},
		{"claim.png", "fc", "en-US", "/claims/" + flagged, nil},
		{"verdict-editor.png", "fc", "en-US", "/claims/" + flagged + "/verdict", fillDraft},
		{"dashboard.png", "fc", "en-US", "/dashboard", nil},
		{"queue-ar.png", "ar", "ar", "/", nil},
		{"verdict-public.png", "", "en-US", "/verdicts/" + published, nil},
	}
	for _, s := range shots {
		t.Run(s.file, func(t *testing.T) {
			ctx := newBrowser(t, s.lang)
			if s.user != "" {
				ba.loginWithCookie(t, ctx, s.user)
			}
			resp := bRun(t, ctx, "open "+s.path, chromedp.NavigateResponse(ba.base+s.path))
			if resp.Status != 200 {
				t.Fatalf("GET %s: HTTP %d", s.path, resp.Status)
			}
			if s.prepare != nil {
				s.prepare(t, ctx)
				bDo(t, ctx, "scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
			}
			// Fonts and server-rendered SVG charts are laid out by now; wait
			// for the fonts anyway so the image is stable.
			_ = bRun(t, ctx, "wait for fonts", chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise))
			buf := bRun(t, ctx, "screenshot", chromedp.CaptureScreenshot())
			if err := checkRendered(buf); err != nil {
				t.Fatalf("%s: %v", s.file, err)
			}
			if err := os.WriteFile(filepath.Join(out, s.file), buf, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s (%d bytes)", filepath.Join(out, s.file), len(buf))
		})
	}
}

// checkRendered decodes a PNG and says why it is not a real page: too
// small, or one flat colour (a blank capture).
func checkRendered(buf []byte) error {
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		return err
	}
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 600 {
		return fmt.Errorf("image is %v, want at least 800×600", b)
	}
	colours := map[[3]uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}]++
		}
	}
	if len(colours) < 8 {
		return fmt.Errorf("image looks blank: only %d colours", len(colours))
	}
	return nil
}
