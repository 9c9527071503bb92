package reviewer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/account"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/index"
	"vigie/pipeline/review"
)

// maxBody bounds a request body (a verdict with its sources fits easily).
const maxBody = 1 << 20

// ClaimsResponse is the JSON of GET /api/v1/claims.
type ClaimsResponse struct {
	Total  int                       `json:"total"`
	Hits   []claimdoc.Claim          `json:"hits"`
	Facets map[string]map[string]int `json:"facets,omitempty"`
}

// ClaimResponse is the JSON of GET /api/v1/claims/{id}: the indexed claim,
// its review state and revision (send it with the next action), its
// verdict, its cluster and its history.
type ClaimResponse struct {
	Claim    claimdoc.Claim       `json:"claim"`
	Review   claims.ReviewState   `json:"review"`
	Revision uint64               `json:"revision"`
	Verdict  *claims.Verdict      `json:"verdict,omitempty"`
	Cluster  Cluster              `json:"cluster"`
	History  []claims.ReviewEvent `json:"history"`
	// Tipster is the identity behind a tip, shown to admins and editors only.
	Tipster *Tipster `json:"tipster,omitempty"`
}

// ActionResponse is the JSON answer of a review action.
type ActionResponse struct {
	State    claims.ReviewState `json:"state"`
	Revision uint64             `json:"revision"`
	Event    claims.ReviewEvent `json:"event"`
	Verdict  *claims.Verdict    `json:"verdict,omitempty"`
}

const maxLimit = 200

// searchQuery reads the query parameters shared by the page and the API.
func searchQuery(r *http.Request) (index.Query, error) {
	v := r.URL.Query()
	q := index.Query{Text: strings.TrimSpace(v.Get("q")), Filter: v.Get("filter"), Limit: 20}
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxLimit {
			return q, badRequest("limit must be an integer from 1 to " + strconv.Itoa(maxLimit))
		}
		q.Limit = n
	}
	if o := v.Get("offset"); o != "" {
		n, err := strconv.Atoi(o)
		if err != nil || n < 0 {
			return q, badRequest("offset must be a non-negative integer")
		}
		q.Offset = n
	}
	q.Facets = splitList(v.Get("facets"))
	q.Sort = splitList(v.Get("sort"))
	if len(q.Sort) == 0 && q.Text == "" {
		q.Sort = []string{"detected:desc"}
	}
	return q, nil
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) search(ctx context.Context, q index.Query) (ClaimsResponse, error) {
	if s.index == nil {
		return ClaimsResponse{}, fmt.Errorf("search: %w", errUnavailable)
	}
	res, err := s.index.Search(ctx, q)
	if err != nil {
		return ClaimsResponse{}, err
	}
	out := ClaimsResponse{Total: res.Total, Hits: make([]claimdoc.Claim, 0, len(res.Hits)), Facets: res.Facets}
	for _, h := range res.Hits {
		c, err := claimdoc.FromDocument(h.Doc)
		if err != nil {
			return out, err
		}
		out.Hits = append(out.Hits, c)
	}
	return out, nil
}

func (s *Server) apiClaims(w http.ResponseWriter, r *http.Request) {
	q, err := searchQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.search(r.Context(), q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, res)
}

// loadClaim reads everything the claim page and GET /api/v1/claims/{id} show.
func (s *Server) loadClaim(ctx context.Context, p account.Principal, id string) (ClaimResponse, error) {
	var out ClaimResponse
	if s.index == nil {
		return out, fmt.Errorf("read claim: %w", errUnavailable)
	}
	doc, err := s.index.Get(ctx, id)
	if err != nil {
		return out, fmt.Errorf("read claim %s: %w", id, err)
	}
	if out.Claim, err = claimdoc.FromDocument(doc); err != nil {
		return out, fmt.Errorf("read claim %s: %w", id, err)
	}
	out.Review = claims.ReviewState{Status: claims.ReviewStatus(out.Claim.Status), Assignee: out.Claim.Assignee}
	out.History = []claims.ReviewEvent{}
	if s.deps.Review != nil {
		if out.Review, out.Revision, err = s.deps.Review.Get(ctx, id); err != nil {
			return out, err
		}
		// the index follows the review state a moment later: show the state's
		out.Claim = out.Claim.WithReview(claimdoc.ReviewOf(out.Review))
		v, err := s.deps.Review.Verdict(ctx, id)
		switch {
		case err == nil:
			out.Verdict = v
		case !errors.Is(err, review.ErrNotFound):
			return out, err
		}
		h, err := s.deps.Review.History(ctx, id)
		if err != nil {
			return out, err
		}
		if h != nil {
			out.History = h
		}
	}
	out.Cluster, err = s.cluster(ctx, out.Claim)
	if err != nil {
		return out, err
	}
	if ref, _ := doc["reporter_ref"].(string); ref != "" && s.deps.Reporters != nil && maySeeTipster(p.Role) {
		t, err := s.deps.Reporters.Tipster(ctx, ref)
		if err != nil {
			return out, fmt.Errorf("read tipster of claim %s: %w", id, err)
		}
		if t.Identity != "" {
			out.Tipster = &t
		}
	}
	return out, nil
}

// quoteFilter quotes a value for a filter expression.
func quoteFilter(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

func principal(r *http.Request) account.Principal {
	p, _ := account.FromContext(r.Context())
	return p
}

func actor(r *http.Request) claims.Actor {
	p := principal(r)
	return claims.Actor{Name: p.User, Role: p.Role}
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request) {
	c, err := s.loadClaim(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, c)
}

func (s *Server) apiHistory(w http.ResponseWriter, r *http.Request) {
	wf, err := s.workflow()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h, err := wf.History(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if h == nil {
		h = []claims.ReviewEvent{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"claim_id": r.PathValue("id"), "events": h})
}

func (s *Server) workflow() (*review.Workflow, error) {
	if s.deps.Review == nil {
		return nil, fmt.Errorf("review workflow: %w", errUnavailable)
	}
	return s.deps.Review, nil
}

// ActionRequest is the body of a review action, as JSON or as an HTML
// form. Revision is the claim revision the actor saw (0 for a claim nobody
// has acted on); the fields used depend on the action.
type ActionRequest struct {
	Revision uint64 `json:"revision"`
	// Assignee (assign; empty unassigns).
	Assignee string `json:"assignee"`
	// Status (status); "duplicate" needs DuplicateOf.
	Status      string `json:"status"`
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// Note (notes; the public note of a correction or retraction).
	Note string `json:"note,omitempty"`
	// Duplicates (merge): the claims merged into this one, each with the revision seen.
	Duplicates []SeenClaim `json:"duplicates,omitempty"`
	// Verdict (draft, correct).
	Verdict *claims.VerdictInput `json:"verdict,omitempty"`
	// VerdictID (appearance): the published verdict the claim's item is an appearance of.
	VerdictID string `json:"verdict_id,omitempty"`
	// Judgement (a match's judgement): "confirmed" or "rejected", with
	// Note; ForCluster judges it for every claim of the claim's cluster.
	Judgement  string `json:"judgement,omitempty"`
	ForCluster bool   `json:"for_cluster,omitempty"`
}

// SeenClaim is a claim and the revision an actor saw of it.
type SeenClaim struct {
	ClaimID  string `json:"claim_id"`
	Revision uint64 `json:"revision"`
}

// readAction decodes an action body: JSON, or a form (see parseActionForm).
func readAction(r *http.Request) (ActionRequest, error) {
	var req ActionRequest
	r.Body = http.MaxBytesReader(nil, r.Body, maxBody)
	if isForm(r) {
		if err := r.ParseForm(); err != nil {
			return req, badRequest("read form: " + err.Error())
		}
		return parseActionForm(r.PostForm)
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		return req, badRequest("read request body: " + err.Error())
	}
	return req, nil
}

// respond answers an action: JSON for the API, a redirect back to the page
// for a form.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, res review.Result, err error, back string) {
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if isForm(r) {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, ActionResponse{State: res.State, Revision: res.Revision, Event: res.Event, Verdict: res.Verdict})
}

// act runs one action on the claim of the path after checking that the
// claim exists.
func (s *Server) act(w http.ResponseWriter, r *http.Request, back func(id string) string,
	do func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error)) {
	id := r.PathValue("id")
	wf, err := s.workflow()
	if err == nil && s.index != nil {
		_, err = s.index.Get(r.Context(), id)
		if err != nil {
			err = fmt.Errorf("claim %s: %w", id, err)
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := readAction(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := do(r.Context(), wf, actor(r), id, req)
	s.respond(w, r, res, err, back(id))
}

func claimURL(id string) string   { return "/claims/" + id }
func verdictURL(id string) string { return "/claims/" + id + "/verdict" }

func (s *Server) actAssign(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, claimURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		return wf.Assign(ctx, a, id, req.Revision, req.Assignee)
	})
}

func (s *Server) actStatus(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, claimURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		if claims.ReviewStatus(req.Status) == claims.StatusDuplicate {
			if req.DuplicateOf == "" {
				return review.Result{}, badRequest("duplicate_of is required with status duplicate")
			}
			return wf.MarkDuplicate(ctx, a, id, req.Revision, req.DuplicateOf)
		}
		return wf.SetStatus(ctx, a, id, req.Revision, claims.ReviewStatus(req.Status))
	})
}

func (s *Server) actNote(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, claimURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		return wf.AddNote(ctx, a, id, req.Revision, req.Note)
	})
}

func (s *Server) actMerge(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, claimURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		seen := make([]review.Seen, 0, len(req.Duplicates))
		for _, d := range req.Duplicates {
			if s.index != nil {
				if _, err := s.index.Get(ctx, d.ClaimID); err != nil {
					return review.Result{}, fmt.Errorf("merge claim %s: %w", d.ClaimID, err)
				}
			}
			seen = append(seen, review.Seen{ClaimID: d.ClaimID, Revision: d.Revision})
		}
		return wf.Merge(ctx, a, id, req.Revision, seen)
	})
}

func (s *Server) actDraft(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, verdictURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		if req.Verdict == nil {
			return review.Result{}, badRequest("verdict is required")
		}
		// Drafting on a claim nobody has triaged yet starts the work on it:
		// the claim moves to in_progress first (its own event).
		if st, rev, err := wf.Get(ctx, id); err == nil && st.Status == claims.StatusNew && rev == req.Revision {
			r, err := wf.SetStatus(ctx, a, id, rev, claims.StatusInProgress)
			if err != nil {
				return r, err
			}
			req.Revision = r.Revision
		}
		return wf.DraftVerdict(ctx, a, id, req.Revision, *req.Verdict)
	})
}

func (s *Server) actSubmit(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, verdictURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		return wf.SubmitVerdict(ctx, a, id, req.Revision)
	})
}

func (s *Server) actPublish(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, verdictURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		return wf.PublishVerdict(ctx, a, id, req.Revision)
	})
}

func (s *Server) actCorrect(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, verdictURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		if req.Verdict == nil {
			return review.Result{}, badRequest("verdict is required")
		}
		return wf.CorrectVerdict(ctx, a, id, req.Revision, *req.Verdict, req.Note)
	})
}

func (s *Server) actRetract(w http.ResponseWriter, r *http.Request) {
	s.act(w, r, verdictURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		return wf.RetractVerdict(ctx, a, id, req.Revision, req.Note)
	})
}

func (s *Server) apiVerdicts(w http.ResponseWriter, r *http.Request) {
	wf, err := s.workflow()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	state := claims.VerdictState(r.URL.Query().Get("state"))
	vs, err := wf.Verdicts(r.Context(), func(v *claims.Verdict) bool { return state == "" || v.State == state })
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if vs == nil {
		vs = []*claims.Verdict{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"verdicts": vs})
}

func (s *Server) apiVerdict(w http.ResponseWriter, r *http.Request) {
	wf, err := s.workflow()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := wf.Verdict(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	versions, err := wf.Versions(r.Context(), v.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if versions == nil {
		versions = []*claims.Verdict{}
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"verdict": v, "versions": versions})
}

// apiAudit streams the whole review log as JSON lines (admins).
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) {
	wf, err := s.workflow()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="vigie-audit-`+s.deps.Now().UTC().Format("20060102T150405Z")+`.jsonl"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := wf.ExportAudit(r.Context(), w); err != nil {
		// The status line may be gone; the truncated body and the log say it.
		s.log.Error("audit export failed", zap.Error(err))
	}
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	httpapi.WriteJSON(w, http.StatusOK, principal(r))
}

// parseDate reads a YYYY-MM-DD date or an RFC 3339 time; empty is zero.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, badRequest(fmt.Sprintf("date %q: want YYYY-MM-DD", s))
}
