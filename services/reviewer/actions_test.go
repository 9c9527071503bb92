package reviewer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"vigie/claims"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/review"
)

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

// TestConflictThroughAPI: two reviewers act on the same revision at once;
// exactly one wins, the other gets 409 with the difference and the event
// that made it, and nothing is overwritten.
func TestConflictThroughAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.claim()
	status, body := e.do(claims.RoleFactChecker, "GET", "/api/v1/claims/"+id, nil)
	if status != http.StatusOK {
		t.Fatalf("GET claim: %d %s", status, body)
	}
	seen := decode[ClaimResponse](t, body).Revision

	t.Run("sequential", func(t *testing.T) {
		e.t = t
		st, b := e.do(claims.RoleFactChecker, "POST", "/api/v1/claims/"+id+"/assign", ActionRequest{Revision: seen, Assignee: "u-factchecker"})
		if st != http.StatusOK {
			t.Fatalf("first edit: %d %s", st, b)
		}
		st, b = e.do(claims.RoleEditor, "POST", "/api/v1/claims/"+id+"/status", ActionRequest{Revision: seen, Status: "dismissed"})
		if st != http.StatusConflict {
			t.Fatalf("second edit: %d, want 409: %s", st, b)
		}
		er := decode[httpapi.ErrorBody](t, b)
		if er.Conflict == nil || er.Error == "" {
			t.Fatalf("409 without the conflict: %s", b)
		}
		want := review.Change{Field: "assignee", Saw: "", Now: "u-factchecker"}
		if !slices.Contains(er.Conflict.Diff, want) {
			t.Errorf("diff %+v lacks %+v", er.Conflict.Diff, want)
		}
		if len(er.Conflict.Since) != 1 || er.Conflict.Since[0].Action != claims.ActionAssign || er.Conflict.Since[0].Actor.Name != "u-factchecker" {
			t.Errorf("events since: %+v", er.Conflict.Since)
		}
		if st, _ := e.state(id); st.Status != claims.StatusNew || st.Assignee != "u-factchecker" {
			t.Errorf("state after the refused edit: %+v", st)
		}
	})

	t.Run("concurrent", func(t *testing.T) {
		e.t = t
		_, rev := e.state(id)
		var wg sync.WaitGroup
		codes := make([]int, 2)
		bodies := make([][]byte, 2)
		for i, role := range []string{claims.RoleFactChecker, claims.RoleEditor} {
			wg.Go(func() {
				codes[i], bodies[i] = e.do(role, "POST", "/api/v1/claims/"+id+"/notes", ActionRequest{Revision: rev, Note: "note by " + role})
			})
		}
		wg.Wait()
		slices.Sort(codes)
		if codes[0] != http.StatusOK || codes[1] != http.StatusConflict {
			t.Fatalf("statuses %v, want one 200 and one 409: %s / %s", codes, bodies[0], bodies[1])
		}
		for _, b := range bodies {
			if er := (httpapi.ErrorBody{}); json.Unmarshal(b, &er) == nil && er.Conflict != nil {
				if len(er.Conflict.Diff) != 1 || er.Conflict.Diff[0].Field != "notes" {
					t.Errorf("diff of the losing note: %+v", er.Conflict.Diff)
				}
			}
		}
		if st, _ := e.state(id); len(st.Notes) != 1 {
			t.Errorf("notes %q, want exactly the winner's", st.Notes)
		}
	})

	t.Run("form shows the difference", func(t *testing.T) {
		e.t = t
		form := url.Values{"revision": {"0"}, "assignee": {"u-editor"}}
		st, b := e.send(claims.RoleEditor, "POST", "/api/v1/claims/"+id+"/assign", nil, form)
		if st != http.StatusConflict {
			t.Fatalf("stale form: %d, want 409", st)
		}
		page := string(b)
		for _, want := range []string{`id="conflict-diff"`, `data-field="assignee"`, `id="conflict-reload"`} {
			if !strings.Contains(page, want) {
				t.Errorf("conflict page lacks %s", want)
			}
		}
	})
}

// TestAuditHistoryThroughAPI drives a claim through its whole life over
// the API and checks that its history reconstructs every state, and that
// the admins' export holds the same events.
func TestAuditHistoryThroughAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.claim()
	v := completeVerdict()
	v2 := completeVerdict()
	v2.Summary = "It grew by 4.2 percent."
	steps := []struct {
		role, path string
		req        ActionRequest
		action     claims.ReviewAction
	}{
		{claims.RoleFactChecker, "/api/v1/claims/" + id + "/status", ActionRequest{Status: "triage"}, claims.ActionStatus},
		{claims.RoleFactChecker, "/api/v1/claims/" + id + "/assign", ActionRequest{Assignee: "u-factchecker"}, claims.ActionAssign},
		{claims.RoleFactChecker, "/api/v1/claims/" + id + "/status", ActionRequest{Status: "in_progress"}, claims.ActionStatus},
		{claims.RoleFactChecker, "/api/v1/claims/" + id + "/notes", ActionRequest{Note: "asked the council for the minutes"}, claims.ActionNote},
		{claims.RoleFactChecker, "/api/v1/claims/" + id + "/verdict", ActionRequest{Verdict: &v}, claims.ActionDraftVerdict},
		{claims.RoleFactChecker, "/api/v1/verdicts/" + id + "/submit", ActionRequest{}, claims.ActionSubmitVerdict},
		{claims.RoleEditor, "/api/v1/verdicts/" + id + "/publish", ActionRequest{}, claims.ActionPublishVerdict},
		{claims.RoleEditor, "/api/v1/verdicts/" + id + "/correct", ActionRequest{Verdict: &v2, Note: "Corrected the figure."}, claims.ActionCorrectVerdict},
	}
	var rev uint64
	var states []claims.ReviewState
	for _, s := range steps {
		s.req.Revision = rev
		st, b := e.do(s.role, "POST", s.path, s.req)
		if st != http.StatusOK {
			t.Fatalf("%s: %d %s", s.path, st, b)
		}
		res := decode[ActionResponse](t, b)
		if res.Event.Action != s.action || res.Event.Actor.Name != "u-"+s.role {
			t.Fatalf("%s recorded %s by %s", s.path, res.Event.Action, res.Event.Actor.Name)
		}
		rev = res.Revision
		states = append(states, res.State)
	}

	st, b := e.do(claims.RoleFactChecker, "GET", "/api/v1/claims/"+id+"/history", nil)
	if st != http.StatusOK {
		t.Fatalf("history: %d %s", st, b)
	}
	h := decode[struct {
		Events []claims.ReviewEvent `json:"events"`
	}](t, b).Events
	if len(h) != len(steps) {
		t.Fatalf("history has %d events, want %d", len(h), len(steps))
	}
	prev := claims.NewReviewState()
	for i, ev := range h {
		if ev.Action != steps[i].action || ev.Actor.Name != "u-"+steps[i].role || ev.At.IsZero() {
			t.Errorf("event %d: %s by %s at %v, want %s by u-%s", i, ev.Action, ev.Actor.Name, ev.At, steps[i].action, steps[i].role)
		}
		if !ev.Before.Equal(prev) {
			t.Errorf("event %d: before %+v, want the previous after %+v", i, ev.Before, prev)
		}
		if !ev.After.Equal(states[i]) {
			t.Errorf("event %d: after %+v, want the action's result %+v", i, ev.After, states[i])
		}
		prev = ev.After
	}
	st, b = e.do(claims.RoleFactChecker, "GET", "/api/v1/claims/"+id, nil)
	if st != http.StatusOK {
		t.Fatalf("claim: %d %s", st, b)
	}
	cur := decode[ClaimResponse](t, b)
	if !prev.Equal(cur.Review) || cur.Revision != rev {
		t.Errorf("replayed history ends at %+v, claim is %+v (revision %d, want %d)", prev, cur.Review, cur.Revision, rev)
	}
	if cur.Verdict == nil || cur.Verdict.Version != 2 || cur.Verdict.CorrectionNote != "Corrected the figure." {
		t.Errorf("verdict after correction: %+v", cur.Verdict)
	}

	st, b = e.do(claims.RoleAdmin, "GET", "/api/v1/audit", nil)
	if st != http.StatusOK {
		t.Fatalf("audit: %d %s", st, b)
	}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		ev := decode[claims.ReviewEvent](t, sc.Bytes())
		if ev.ClaimID == id {
			ids = append(ids, ev.ID)
		}
	}
	for i, ev := range h {
		if i >= len(ids) || ids[i] != ev.ID {
			t.Fatalf("audit export ids %v, want the history's order", ids)
		}
	}
}

// TestActionErrors maps the workflow's refusals to statuses.
func TestActionErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.claim()
	cases := []struct {
		name, role, method, path string
		body                     any
		want                     int
	}{
		{"unknown claim", claims.RoleFactChecker, "POST", "/api/v1/claims/nope/notes", ActionRequest{Note: "x"}, http.StatusNotFound},
		{"empty note", claims.RoleFactChecker, "POST", "/api/v1/claims/" + id + "/notes", ActionRequest{Note: " "}, http.StatusBadRequest},
		{"unknown status", claims.RoleFactChecker, "POST", "/api/v1/claims/" + id + "/status", ActionRequest{Status: "done"}, http.StatusBadRequest},
		{"transition", claims.RoleFactChecker, "POST", "/api/v1/claims/" + id + "/status", ActionRequest{Status: "published"}, http.StatusUnprocessableEntity},
		{"duplicate without target", claims.RoleFactChecker, "POST", "/api/v1/claims/" + id + "/status", ActionRequest{Status: "duplicate"}, http.StatusBadRequest},
		{"unknown field", claims.RoleFactChecker, "POST", "/api/v1/claims/" + id + "/notes", map[string]any{"nope": 1}, http.StatusBadRequest},
		{"publish without verdict", claims.RoleEditor, "POST", "/api/v1/verdicts/" + id + "/publish", ActionRequest{}, http.StatusUnprocessableEntity},
		{"no verdict", claims.RoleFactChecker, "GET", "/api/v1/verdicts/" + id, nil, http.StatusNotFound},
		{"incomplete submit", claims.RoleFactChecker, "POST", "/api/v1/claims/" + id + "/verdict", ActionRequest{Verdict: &claims.VerdictInput{Rating: "bogus"}}, http.StatusBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			st, b := e.do(c.role, c.method, c.path, c.body)
			if st != c.want {
				t.Fatalf("%d, want %d: %s", st, c.want, b)
			}
			if decode[httpapi.ErrorBody](t, b).Error == "" {
				t.Fatalf("no error message: %s", b)
			}
		})
	}
}
