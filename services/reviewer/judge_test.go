package reviewer

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/review"
)

// TestJudgeMatchAPI: GET gives each match a judgement (null until judged),
// POST .../judgement records one with compare-and-set on the revision,
// rejecting the flagging match unflags the claim, confirming another makes
// it confirmed with the fact-check's rating; an unknown fact-check is a
// clear 404, a bad judgement a 400, a stale revision a 409.
func TestJudgeMatchAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fc := claims.RoleFactChecker
	id := e.claim(withMatch("fc-false", claims.RatingFalse), withMatch("fc-misleading", claims.RatingMisleading))
	get := func() ClaimResponse {
		t.Helper()
		status, body := e.do(fc, http.MethodGet, "/api/v1/claims/"+id, nil)
		if status != http.StatusOK {
			t.Fatalf("GET claim: %d %s", status, body)
		}
		var c ClaimResponse
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(body), `"judgement":null`) && c.Claim.Matches[1].Judgement == nil {
			t.Errorf("an unjudged match's judgement is not null in %s", body)
		}
		return c
	}
	c := get()
	if !c.Claim.Flagged || c.Claim.Confirmed || c.Claim.Matches[0].Judgement != nil {
		t.Fatalf("before any judgement: %+v", c.Claim)
	}
	judge := func(fcID string, req ActionRequest) (int, []byte) {
		return e.do(fc, http.MethodPost, "/api/v1/claims/"+id+"/matches/"+url.PathEscape(fcID)+"/judgement", req)
	}
	if status, body := judge("fc-nope", ActionRequest{Revision: c.Revision, Judgement: "rejected"}); status != http.StatusNotFound ||
		!strings.Contains(string(body), "no match to fact-check") {
		t.Errorf("unknown fact-check: %d %s", status, body)
	}
	if status, body := judge("fc-false", ActionRequest{Revision: c.Revision, Judgement: "perhaps"}); status != http.StatusBadRequest {
		t.Errorf("judgement perhaps: %d %s", status, body)
	}
	if status, body := judge("fc-false", ActionRequest{Revision: c.Revision, Judgement: "rejected", ForCluster: true}); status != http.StatusBadRequest {
		t.Errorf("for the cluster of a claim without cluster: %d %s", status, body)
	}
	status, body := judge("fc-false", ActionRequest{Revision: c.Revision, Judgement: "rejected", Note: "other year"})
	if status != http.StatusOK {
		t.Fatalf("reject: %d %s", status, body)
	}
	var res ActionResponse
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	if res.Event.Action != claims.ActionJudgeMatch || res.Event.Judgement == nil || res.Event.Judgement.Note != "other year" {
		t.Errorf("reject event: %+v", res.Event)
	}
	if status, body := judge("fc-misleading", ActionRequest{Revision: c.Revision, Judgement: "rejected"}); status != http.StatusConflict {
		t.Errorf("a stale revision: %d %s", status, body)
	}
	c = get()
	m := c.Claim.Matches[0]
	if m.Judgement == nil || *m.Judgement != claims.JudgementRejected || m.JudgedBy != "u-"+fc || m.JudgedAt.IsZero() {
		t.Errorf("rejected match: %+v", m)
	}
	if !c.Claim.Flagged {
		t.Errorf("the misleading match, not judged, still flags the claim: %+v", c.Claim)
	}
	if status, body := judge("fc-misleading", ActionRequest{Revision: c.Revision, Judgement: "rejected"}); status != http.StatusOK {
		t.Fatalf("reject the second: %d %s", status, body)
	}
	c = get()
	if c.Claim.Flagged || c.Claim.Confirmed {
		t.Errorf("both flagging matches rejected: the claim is still flagged or confirmed: %+v", c.Claim)
	}
	// a person changes their mind, with the form of the claim page
	status, body = e.send(fc, http.MethodPost, "/api/v1/claims/"+id+"/matches/fc-misleading/judgement", nil,
		url.Values{"revision": {itoa(c.Revision)}, "judgement": {"confirmed"}, "note": {"same hoax"}})
	if status != http.StatusSeeOther {
		t.Fatalf("form: %d %s", status, body)
	}
	c = get()
	if !c.Claim.Confirmed || c.Claim.ConfirmedRating != claims.RatingMisleading || !c.Claim.Flagged {
		t.Errorf("confirmed a misleading match: want confirmed, rating misleading, flagged: %+v", c.Claim)
	}
	if len(c.History) != 3 || c.History[2].Detail != "confirmed fc-misleading: same hoax" {
		t.Errorf("history: %+v", c.History)
	}
}

// TestJudgementPage: the claim page shows each suggested fact-check beside
// the sentence and its paragraph, shared words and the differing date
// marked, the two buttons in a form, and a rejected pair the latest
// analysis no longer suggests, marked.
func TestJudgementPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fc := claims.RoleFactChecker
	id := e.claim(func(c *claimdoc.Claim) {
		c.Text = "In 2025 the mayor spent 1,000 euros on a party."
		c.Paragraph = "The council met. In 2025 the mayor spent 1,000 euros on a party. Nobody objected."
		c.Matches = []claims.Match{{FactCheckID: "fc/2019", Text: "In 2019 the mayor spent 1,000 euros on a party.", Score: 0.9,
			Rating: claims.RatingFalse, SharedTerms: []string{"mayor", "party"}, SharedNumbers: []string{"1000"},
			Disagreements: []claims.Disagreement{{Kind: "date", Claim: "2025", FactCheck: "2019"}}}}
		c.Flagged = true
	})
	_, rev := e.state(id)
	if _, err := e.wf.JudgeMatch(t.Context(), claims.Actor{Name: "ana", Role: fc}, id, rev, judgeInput("fc-gone", claims.JudgementRejected)); err != nil {
		t.Fatal(err)
	}
	status, body := e.do(fc, http.MethodGet, "/claims/"+id, nil)
	if status != http.StatusOK {
		t.Fatalf("claim page: %d", status)
	}
	page := string(body)
	for _, want := range []string{
		`<mark class="differs" data-kind="date">2025</mark>`, `<mark class="differs" data-kind="date">2019</mark>`,
		`<mark class="shared">mayor</mark>`, `<mark class="shared">1,000</mark>`,
		`The council met. <mark>In 2025 the mayor spent 1,000 euros on a party.</mark> Nobody objected.`,
		`action="/api/v1/claims/` + id + `/matches/fc%2f2019/judgement"`, `value="confirmed"`, `value="rejected"`,
		`id="former-matches"`, `data-match-id="fc-gone" data-judgement="rejected"`, `id="claim-flagged"`,
	} {
		if !strings.Contains(strings.ToLower(page), strings.ToLower(want)) {
			t.Errorf("claim page lacks %s", want)
		}
	}
}

func judgeInput(fcID string, j claims.MatchJudgement) review.JudgeInput {
	return review.JudgeInput{Pair: claims.Judgement{FactCheckID: fcID, Judgement: j, ClaimText: "x", FactCheckText: "y"}}
}

// TestLowPriorityView: a sentence kept under the threshold is not in the
// main queue, is in the low-priority view with its score, and the API's
// search finds it.
func TestLowPriorityView(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fc := claims.RoleFactChecker
	low := e.claim(func(c *claimdoc.Claim) {
		c.Text, c.Language, c.Worthiness, c.LowPriority = "As vacinas causam autismo.", "pt", 0.05, true
	})
	main := e.claim()
	_, page := e.do(fc, http.MethodGet, "/queue", nil)
	if strings.Contains(string(page), `data-claim-id="`+low+`"`) || !strings.Contains(string(page), `data-claim-id="`+main+`"`) {
		t.Errorf("main queue: the low-priority claim shows, or the other does not")
	}
	status, page := e.do(fc, http.MethodGet, "/queue?view=low", nil)
	if status != http.StatusOK || !strings.Contains(string(page), `data-claim-id="`+low+`"`) || strings.Contains(string(page), `data-claim-id="`+main+`"`) ||
		!strings.Contains(string(page), "5%") {
		t.Errorf("low-priority view (%d) lacks the low claim and its score, or shows the other", status)
	}
	_, page = e.do(fc, http.MethodGet, "/queue?view=low&q=vacinas", nil)
	if !strings.Contains(string(page), `data-claim-id="`+low+`"`) {
		t.Errorf("a search in the low-priority view does not find it")
	}
	status, body := e.do(fc, http.MethodGet, "/api/v1/claims?q=vacinas+autismo", nil)
	var res ClaimsResponse
	if err := json.Unmarshal(body, &res); err != nil || status != http.StatusOK {
		t.Fatalf("search: %d %s", status, body)
	}
	if res.Total != 1 || res.Hits[0].ID != low || !res.Hits[0].LowPriority || res.Hits[0].Worthiness != 0.05 {
		t.Errorf("search: %+v", res)
	}
	if status, _ := e.do(fc, http.MethodGet, "/queue?view=other", nil); status != http.StatusBadRequest {
		t.Errorf("view=other: %d, want 400", status)
	}
}

// TestJudgeForCluster: a judgement made for the claim's cluster is recorded
// with the cluster, in the state, the event and the projection that the
// matcher and indexer follow.
func TestJudgeForCluster(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fc := claims.RoleFactChecker
	id := e.claim(withMatch("fc-1", claims.RatingFalse), func(c *claimdoc.Claim) { c.ClusterID = "k9" })
	status, body := e.send(fc, http.MethodPost, "/api/v1/claims/"+id+"/matches/fc-1/judgement", nil,
		url.Values{"revision": {"0"}, "judgement": {"rejected"}, "for_cluster": {"1"}})
	if status != http.StatusSeeOther {
		t.Fatalf("form: %d %s", status, body)
	}
	st, _ := e.state(id)
	if j, ok := st.Judged("fc-1"); !ok || j.ClusterID != "k9" || j.Judgement != claims.JudgementRejected {
		t.Errorf("state: %+v", st.Judgements)
	}
	recs, err := e.wf.Judgements().For(t.Context(), "another-claim", "k9")
	if err != nil || len(recs) != 1 || recs[0].ClaimID != id || recs[0].ClusterID != "k9" {
		t.Errorf("another claim of cluster k9 gets the judgement: %+v, %v", recs, err)
	}
	_, page := e.do(fc, http.MethodGet, "/claims/"+id, nil)
	if !strings.Contains(string(page), `id="judge-cluster-0"`) || !strings.Contains(string(page), tr("en", "for_cluster")) {
		t.Errorf("the claim page offers no judgement for the cluster")
	}
}
