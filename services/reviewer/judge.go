package reviewer

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/httpapi"
	"vigie/pipeline/review"
)

// actJudge records a person's judgement of one of the claim's matches:
// POST /api/v1/claims/{id}/matches/{factcheck_id}/judgement with
// {"revision", "judgement": "confirmed"|"rejected", "note", "for_cluster"}.
func (s *Server) actJudge(w http.ResponseWriter, r *http.Request) {
	fcID := r.PathValue("factcheck_id")
	s.act(w, r, claimURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		j := claims.MatchJudgement(req.Judgement)
		if !j.Valid() {
			return review.Result{}, badRequest(fmt.Sprintf("judgement %q: want confirmed or rejected", req.Judgement))
		}
		if s.index == nil {
			return review.Result{}, fmt.Errorf("judge a match: %w", errUnavailable)
		}
		doc, err := s.index.Get(ctx, id)
		if err != nil {
			return review.Result{}, fmt.Errorf("claim %s: %w", id, err)
		}
		c, err := claimdoc.FromDocument(doc)
		if err != nil {
			return review.Result{}, err
		}
		m, ok := matchOf(c, fcID)
		if !ok {
			return review.Result{}, httpapi.Errorf(httpapi.ErrNotFound, "claim %s has no match to fact-check %q", id, fcID)
		}
		in := review.JudgeInput{Note: req.Note, Pair: claims.Judgement{ClaimText: c.Text, ClaimLanguage: c.Language,
			ClaimPublished: c.Published, FactCheckID: m.FactCheckID, FactCheckText: m.Text, FactCheckTitle: m.Title, Judgement: j}}
		if req.ForCluster {
			if c.ClusterID == "" {
				return review.Result{}, badRequest("the claim has no cluster: judge it for the claim alone")
			}
			in.ClusterID = c.ClusterID
		}
		return wf.JudgeMatch(ctx, a, id, req.Revision, in)
	})
}

func matchOf(c claimdoc.Claim, fcID string) (claims.Match, bool) {
	for _, m := range c.Matches {
		if m.FactCheckID == fcID {
			return m, true
		}
	}
	return claims.Match{}, false
}

// RematchResponse is the answer of POST /api/v1/claims/{id}/rematch: the
// request is queued; the claim's new matches reach the index shortly.
type RematchResponse struct {
	ClaimID string `json:"claim_id"`
	ItemID  string `json:"item_id"`
	Request string `json:"request"`
}

// actRematch runs the matcher again on the claim's item against today's
// fact-check store (rejected pairs are left out).
func (s *Server) actRematch(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if s.index == nil || s.deps.Rematch == nil {
		s.writeError(w, r, fmt.Errorf("re-match: %w", errUnavailable))
		return
	}
	doc, err := s.index.Get(r.Context(), id)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("claim %s: %w", id, err))
		return
	}
	c, err := claimdoc.FromDocument(doc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := s.deps.Rematch(r.Context(), c.Source, c.ItemID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if isForm(r) {
		http.Redirect(w, r, claimURL(id)+"?rematch="+url.QueryEscape(req), http.StatusSeeOther)
		return
	}
	httpapi.WriteJSON(w, http.StatusAccepted, RematchResponse{ClaimID: id, ItemID: c.ItemID, Request: req})
}
