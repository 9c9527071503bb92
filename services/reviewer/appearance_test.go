package reviewer

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/review"
)

// TestAddAppearanceThroughTheForm: a claim matching one of the newsroom's
// published verdicts offers "Add as an appearance of this verdict" (a claim
// matching an imported fact-check does not); the form adds the item to the
// verdict's appearances and closes the claim, which then offers it no more.
func TestAddAppearanceThroughTheForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	vid := e.published()
	id := e.claim(func(c *claimdoc.Claim) {
		c.ItemURL = "https://outlet.example/repeat"
		c.Matches = []claims.Match{{FactCheckID: review.FactCheckKey(vid), Text: "The budget grew by 40%", Score: 0.93, Rating: claims.RatingFalse}}
	})
	imported := e.claim(func(c *claimdoc.Claim) {
		c.Matches = []claims.Match{{FactCheckID: "import.afp-1", Text: "The budget grew by 40%", Score: 0.93, Rating: claims.RatingFalse}}
	})
	fc := e.browser(t)
	fc.login("u-factchecker")
	_, page := fc.req("GET", "/claims/"+id, nil)
	must(t, page, `data-testid="add-appearance"`, `name="verdict_id" value="`+vid+`"`, "Add as an appearance of this verdict")
	if _, page := fc.req("GET", "/claims/"+imported, nil); strings.Contains(page, "add-appearance") {
		t.Error("a match to an imported fact-check offers to add an appearance")
	}
	_, rev := e.state(id)
	resp, body := fc.req("POST", "/api/v1/claims/"+id+"/appearance", url.Values{"revision": {itoa(rev)}, "verdict_id": {vid}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/claims/"+id {
		t.Fatalf("POST appearance: %d → %q: %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if st, _ := e.state(id); st.Status != claims.StatusDuplicate || st.DuplicateOf != vid {
		t.Errorf("claim after the action: %+v", st)
	}
	v, err := e.wf.Verdict(t.Context(), vid)
	if err != nil || len(v.Appearances) == 0 || v.Appearances[len(v.Appearances)-1] != "https://outlet.example/repeat" {
		t.Fatalf("verdict appearances: %v, %v", v, err)
	}
	if _, page := fc.req("GET", "/claims/"+id, nil); strings.Contains(page, "add-appearance") {
		t.Error("a closed claim still offers to add an appearance")
	}
	noURL := e.claim(func(c *claimdoc.Claim) {
		c.ItemURL = ""
		c.Matches = []claims.Match{{FactCheckID: review.FactCheckKey(vid), Score: 0.9, Rating: claims.RatingFalse}}
	})
	if resp, body := fc.req("POST", "/api/v1/claims/"+noURL+"/appearance", url.Values{"revision": {"0"}, "verdict_id": {vid}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an item without an address: %d %s", resp.StatusCode, body)
	}
}
