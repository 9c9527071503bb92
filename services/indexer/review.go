package indexer

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/pipeline/review"
)

// ReviewState reads the current review state of a claim from the review
// bucket; a claim never reviewed has no state (ok false).
func ReviewState(ctx context.Context, kv jetstream.KeyValue, claimID string) (st claims.ReviewState, ok bool, err error) {
	if kv == nil {
		return claims.ReviewState{}, false, nil
	}
	e, err := kv.Get(ctx, claimID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return claims.ReviewState{}, false, nil
	}
	if err != nil {
		return claims.ReviewState{}, false, fmt.Errorf("read review state of claim %s: %w", claimID, err)
	}
	st, err = codec.DecodeReviewState(e.Value())
	if err != nil {
		return claims.ReviewState{}, false, fmt.Errorf("review state of claim %s: %w", claimID, err)
	}
	return st, true, nil
}

// docsWithReview builds the documents of ic with each claim's current review
// state and the judgements made for its cluster (judged may be nil).
func docsWithReview(ctx context.Context, kv jetstream.KeyValue, judged *review.JudgementIndex, ic claims.ItemClaims) ([]index.Document, error) {
	var lookupErr error
	clusterOf := map[string]string{}
	for _, c := range ic.Claims {
		clusterOf[c.ID] = c.ClusterID
	}
	docs := claimdoc.Docs(ic, func(id string) claimdoc.Review {
		st, _, err := ReviewState(ctx, kv, id)
		if err != nil {
			lookupErr = err
			return claimdoc.Review{}
		}
		r := claimdoc.ReviewOf(st)
		r.Judgements = judged.Merge(r.Judgements, id, clusterOf[id])
		return r
	})
	if lookupErr != nil {
		return nil, lookupErr // transient: retried
	}
	return docs, nil
}

// handleReview applies review events to the documents they concern.
func (s *Service) handleReview(ctx context.Context, msgs []jetstream.Msg) []error {
	errs := make([]error, len(msgs))
	var docs []index.Document
	var touched []int
	for i, m := range msgs {
		// Only the body is read: the state after the action (status,
		// assignee, judgements).
		ev, err := codec.DecodeReviewEvent(m.Data(), "", 0)
		if err == nil && ev.ClaimID == "" {
			err = errors.New("decode review event: no claim id")
		}
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		d, err := s.backend.Get(ctx, ev.ClaimID)
		if errors.Is(err, index.ErrNotFound) {
			continue // indexed later from CLAIMS, with the state read from the review bucket
		}
		if err != nil {
			errs[i] = err
			continue
		}
		c, err := claimdoc.FromDocument(d)
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		r := claimdoc.ReviewOf(ev.After)
		r.Judgements = s.opts.Judgements.Merge(r.Judgements, c.ID, c.ClusterID)
		docs = append(docs, c.WithReview(r).Document())
		touched = append(touched, i)
		others, err := s.clusterJudged(ctx, ev, c)
		if err != nil {
			errs[i] = err
			continue
		}
		docs = append(docs, others...)
	}
	if len(docs) > 0 {
		if err := s.backend.Upsert(ctx, docs); err != nil {
			for _, i := range touched {
				errs[i] = fmt.Errorf("index review state: %w", err)
			}
		}
	}
	return errs
}

// maxClusterJudged bounds the claims of a cluster a judgement made for the
// cluster updates at once (the others take it when next indexed).
const maxClusterJudged = 1000

// clusterJudged returns the documents of the other claims of c's cluster
// with the judgements ev made for the cluster (none when it made none).
func (s *Service) clusterJudged(ctx context.Context, ev claims.ReviewEvent, c claimdoc.Claim) ([]index.Document, error) {
	var made []claims.JudgedMatch
	for _, j := range ev.After.Judgements {
		if j.ClusterID == "" {
			continue
		}
		if old, ok := ev.Before.Judged(j.FactCheckID); ok && old.At.Equal(j.At) && old.Judgement == j.Judgement {
			continue
		}
		made = append(made, j)
	}
	if len(made) == 0 {
		return nil, nil
	}
	var docs []index.Document
	for _, j := range made {
		res, err := s.backend.Search(ctx, index.Query{Filter: "cluster_id = " + strconv.Quote(j.ClusterID), Limit: maxClusterJudged})
		if err != nil {
			return nil, fmt.Errorf("read cluster %s: %w", j.ClusterID, err)
		}
		for _, h := range res.Hits {
			o, err := claimdoc.FromDocument(h.Doc)
			if err != nil || o.ID == ev.ClaimID {
				continue
			}
			r := claimdoc.Review{Status: o.Status, Assignee: o.Assignee, Judgements: o.Judged()}
			r.Judgements = (&claims.ReviewState{Judgements: r.Judgements}).Judge(j).Judgements
			docs = append(docs, o.WithReview(r).Document())
		}
	}
	return docs, nil
}
