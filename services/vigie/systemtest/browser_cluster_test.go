package systemtest

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/services/vigie/app/apptest"
)

// TestBrowserRepeatsAndAppearance (issue 14, done-when 2 and the cluster
// counts, in Chromium): the newsroom published a verdict on a hoax; three
// outlets repeat it in other words. The queue shows each row repeated 3
// times in 3 sources; the claim page shows first and last seen; a
// fact-checker adds one outlet's article as an appearance of the verdict
// with one click: the claim is closed (duplicate of the verdict's claim)
// and the public verdict page lists the article.
func TestBrowserRepeatsAndAppearance(t *testing.T) {
	t.Parallel()
	ba := launchBrowserApp(t, apptest.Config(t, t.TempDir()), false)
	const verdictClaim = "fedcba9876543210fedcba9876543210"
	vid := ba.publishVerdict(t, verdictClaim, claims.VerdictInput{
		ClaimReviewed: "The council pays families a €1,000 back-to-school grant for every child.",
		Rating:        claims.RatingFalse, TextualRating: "False", Summary: "No such grant exists: the council's grant is €632 per child.",
		Sources: []string{"https://council.example/grant"}, Claimant: "A viral post", Language: "en"})
	outlets := []struct{ id, source, text string }{
		{"post-grant", "daily-post", "A viral post claims the council will pay families a €1,000 back-to-school grant for every child."},
		{"news-grant", "evening-news", "Families will receive a €1,000 back-to-school grant per child from the council, according to a widely shared message."},
		{"radio-grant", "city-radio", "Council back-to-school grant: €1000 for each child, says a post shared thousands of times."},
	}
	ctx := context.Background()
	for _, o := range outlets {
		data, _ := codec.EncodeItem(claims.Item{ID: o.id, SourceID: o.source, SourceName: o.source, Language: "en",
			URL: "https://" + o.source + ".example/" + o.id, Title: "", Text: o.text})
		if _, err := ba.Bus().Publish(ctx, bus.ItemSubject("feed", o.source), data, o.id, nil); err != nil {
			t.Fatal(err)
		}
		bustest.Eventually(t, 60*time.Second, o.id+" matched to the verdict", func() bool {
			for _, h := range ba.claims(t, "filter="+url.QueryEscape(`item_id = "`+o.id+`"`)).Hits {
				for _, m := range h.Matches {
					if m.FactCheckID == "verdict."+vid {
						return true
					}
				}
			}
			return false
		})
	}
	var claimID string
	for _, h := range ba.claims(t, "filter="+url.QueryEscape(`item_id = "news-grant"`)).Hits {
		claimID = h.ID
	}

	bctx := newBrowser(t, "en")
	ba.loginWithCookie(t, bctx, "fc")
	bDo(t, bctx, "open the queue", chromedp.Navigate(ba.base+"/queue"))
	rows := jsEval[int](t, bctx, `document.querySelectorAll('[data-testid="cluster-count"][data-repeats="3"][data-sources="3"]').length`)
	if rows != 3 {
		t.Fatalf("%d queue rows say repeated 3 times in 3 sources, want 3: %.600q", rows, jsEval[string](t, bctx, `document.body.innerText`))
	}
	text := jsEval[string](t, bctx, `document.querySelector('[data-testid="cluster-count"]').innerText`)
	if want := "Repeated 3 times in 3 sources since"; len(text) < len(want) || text[:len(want)] != want {
		t.Errorf("row text %q", text)
	}

	bDo(t, bctx, "open the claim", chromedp.Navigate(ba.base+"/claims/"+claimID))
	if seen := jsEval[string](t, bctx, `(document.querySelector('#cluster-seen') || {innerText: ''}).innerText`); seen == "" {
		t.Error("the claim page does not say when the claim was first and last seen")
	}
	clickAndLoad(t, bctx, "add as an appearance of the verdict", `[data-testid="add-appearance"]`)
	if st := jsEval[string](t, bctx, `document.querySelector('#claim-status').dataset.status`); st != string(claims.StatusDuplicate) {
		t.Fatalf("claim status %q after the action, want duplicate", st)
	}
	if n := jsEval[int](t, bctx, `document.querySelectorAll('[data-testid="add-appearance"]').length`); n != 0 {
		t.Errorf("the closed claim still offers %d appearance buttons", n)
	}

	anon := newBrowser(t, "en")
	bDo(t, anon, "open the public verdict page", chromedp.Navigate(ba.base+"/verdicts/"+vid))
	item := "https://evening-news.example/news-grant"
	if n := jsEval[int](t, anon, fmt.Sprintf(`document.querySelectorAll('#appearances-h + ul a[href=%q]').length`, item)); n != 1 {
		t.Fatalf("the verdict page lists the new appearance %d times: %.600q", n, jsEval[string](t, anon, `document.body.innerText`))
	}
	ld := jsEval[string](t, anon, `[...document.querySelectorAll('script[type="application/ld+json"]')].map(s => s.textContent).join('\n')`)
	if !strings.Contains(ld, `"appearance"`) || !strings.Contains(ld, item) {
		t.Errorf("the ClaimReview does not list the appearance: %.600s", ld)
	}
}
