package reviewer

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"vigie/claims"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/review"
)

// verdictOf returns the id of the newsroom's verdict a fact-check of the
// store stands for (review.FactCheckKey), or "" for an imported one.
func verdictOf(factCheckID string) string {
	prefix := review.FactCheckKey("")
	if !strings.HasPrefix(factCheckID, prefix) {
		return ""
	}
	return strings.TrimPrefix(factCheckID, prefix)
}

// mayAppear reports whether a claim in status s may be added as an
// appearance of a verdict: an open or dismissed claim.
func mayAppear(s claims.ReviewStatus) bool {
	return s != claims.StatusPublished && s != claims.StatusDuplicate && claims.ActionAddAppearance.StartsFrom(s)
}

// actAppearance adds the claim's item (its address) as an appearance of a
// published verdict and closes the claim: POST
// /api/v1/claims/{id}/appearance with {"revision", "verdict_id"}.
func (s *Server) actAppearance(w http.ResponseWriter, r *http.Request) {
	var item string
	s.act(w, r, claimURL, func(ctx context.Context, wf *review.Workflow, a claims.Actor, id string, req ActionRequest) (review.Result, error) {
		if req.VerdictID == "" {
			return review.Result{}, badRequest("verdict_id is required")
		}
		var err error
		if item, err = s.itemURL(ctx, id); err != nil {
			return review.Result{}, err
		}
		return wf.AddAppearance(ctx, a, id, req.Revision, req.VerdictID, item)
	})
}

// itemURL is the address of a claim's item.
func (s *Server) itemURL(ctx context.Context, id string) (string, error) {
	if s.index == nil {
		return "", fmt.Errorf("claim %s: %w", id, errUnavailable)
	}
	doc, err := s.index.Get(ctx, id)
	if err != nil {
		return "", fmt.Errorf("claim %s: %w", id, err)
	}
	c, err := claimdoc.FromDocument(doc)
	if err != nil {
		return "", fmt.Errorf("claim %s: %w", id, err)
	}
	if c.ItemURL == "" {
		return "", badRequest("the claim's item has no address to list as an appearance")
	}
	return c.ItemURL, nil
}
