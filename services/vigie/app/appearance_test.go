package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
	"vigie/services/reviewer"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// TestItemAddedAsAppearanceOfVerdict: the newsroom publishes a verdict; an
// outlet repeats the claim; the matcher matches the item to the verdict;
// one action (POST /api/v1/claims/{id}/appearance) adds the item as an
// appearance of the verdict: the public verdict page and its ClaimReview
// (itemReviewed.appearance) list the item, the verdict's claim records the
// add_appearance event carrying the verdict, and the claim is closed as a
// duplicate of the verdict's claim.
func TestItemAddedAsAppearanceOfVerdict(t *testing.T) {
	t.Parallel()
	a := apptest.Start(t, apptest.Config(t, t.TempDir()), app.Options{})
	ctx := context.Background()
	wf := a.Review()
	editor := claims.Actor{Name: "admin", Role: claims.RoleAdmin}
	const verdictClaim = "0123456789abcdef0123456789abcdef"
	res, err := wf.SetStatus(ctx, editor, verdictClaim, 0, claims.StatusInProgress)
	if err != nil {
		t.Fatal(err)
	}
	in := claims.VerdictInput{ClaimReviewed: "The council pays families a €1,000 back-to-school grant for every child.",
		Rating: claims.RatingFalse, TextualRating: "False", Summary: "No such grant exists; the council's grant is €632.",
		Sources: []string{"https://council.example/grant"}, Appearances: []string{"https://social.example/post/1"},
		Claimant: "A viral post", Language: "en"}
	if res, err = wf.DraftVerdict(ctx, editor, verdictClaim, res.Revision, in); err != nil {
		t.Fatal(err)
	}
	if res, err = wf.SubmitVerdict(ctx, editor, verdictClaim, res.Revision); err != nil {
		t.Fatal(err)
	}
	if _, err = wf.PublishVerdict(ctx, editor, verdictClaim, res.Revision); err != nil {
		t.Fatal(err)
	}

	// An outlet repeats the claim; the matcher matches it to the verdict.
	const itemURL = "https://daily.example/2026/12/grant"
	item, _ := codec.EncodeItem(claims.Item{ID: "daily-grant", SourceID: "daily-post", SourceName: "Daily Post", Language: "en",
		URL: itemURL, Title: "Back-to-school grant", Published: time.Now().UTC(),
		Text: "The council pays families a €1,000 back-to-school grant for every child, a viral post says."})
	if _, err := a.Bus().Publish(ctx, bus.ItemSubject("feed", "daily-post"), item, "daily-grant", nil); err != nil {
		t.Fatal(err)
	}
	var claimID string
	bustest.Eventually(t, 60*time.Second, "the item's claim matched to the verdict", func() bool {
		for _, h := range apptest.Claims(t, a.HTTPAddr(), "filter="+url.QueryEscape(`item_id = "daily-grant"`)).Hits {
			for _, m := range h.Matches {
				if m.FactCheckID == "verdict."+verdictClaim {
					claimID = h.ID
				}
			}
		}
		return claimID != ""
	})

	// One action.
	tok, _, err := a.Accounts().CreateToken(ctx, "admin", "appearance", account.ScopeFull)
	if err != nil {
		t.Fatal(err)
	}
	_, crev, err := wf.Get(ctx, claimID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(reviewer.ActionRequest{Revision: crev, VerdictID: verdictClaim})
	req, _ := http.NewRequest(http.MethodPost, "http://"+a.HTTPAddr()+"/api/v1/claims/"+claimID+"/appearance", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var ar reviewer.ActionResponse
	if resp.StatusCode != http.StatusOK || json.Unmarshal(out, &ar) != nil {
		t.Fatalf("POST appearance: %d %s", resp.StatusCode, out)
	}
	if ar.State.Status != claims.StatusDuplicate || ar.State.DuplicateOf != verdictClaim || ar.Event.Action != claims.ActionAddAppearance {
		t.Fatalf("the claim after the action: %+v, event %s", ar.State, ar.Event.Action)
	}

	// The verdict page and its ClaimReview list the item.
	page := get(t, a.HTTPAddr(), "/verdicts/"+verdictClaim)
	if !strings.Contains(page, `href="`+itemURL+`"`) {
		t.Errorf("the verdict page does not link the new appearance:\n%s", page)
	}
	var cr struct {
		Type         string `json:"@type"`
		ItemReviewed struct {
			Appearance []struct {
				Type string `json:"@type"`
				URL  string `json:"url"`
			} `json:"appearance"`
		} `json:"itemReviewed"`
	}
	found := false
	for _, m := range regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindAllStringSubmatch(page, -1) {
		if json.Unmarshal([]byte(m[1]), &cr) != nil || cr.Type != "ClaimReview" {
			continue
		}
		var urls []string
		for _, ap := range cr.ItemReviewed.Appearance {
			if ap.Type == "CreativeWork" {
				urls = append(urls, ap.URL)
			}
		}
		if !slices.Equal(urls, []string{"https://social.example/post/1", itemURL}) {
			t.Errorf("ClaimReview itemReviewed.appearance = %v, want the first appearance and the item", urls)
		}
		found = true
	}
	if !found {
		t.Fatalf("no ClaimReview on the verdict page:\n%s", page)
	}
	hist, err := wf.History(ctx, verdictClaim)
	if err != nil {
		t.Fatal(err)
	}
	if last := hist[len(hist)-1]; last.Action != claims.ActionAddAppearance || last.Detail != claimID || last.Verdict == nil || last.Verdict.Version != 1 {
		t.Errorf("the verdict's claim's last event: %s %q %+v", last.Action, last.Detail, last.Verdict)
	}
}

func get(t *testing.T, addr, path string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}
