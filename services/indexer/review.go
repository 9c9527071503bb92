package indexer

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
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

// docsWithReview builds the documents of ic with each claim's current review state.
func docsWithReview(ctx context.Context, kv jetstream.KeyValue, ic claims.ItemClaims) ([]index.Document, error) {
	var lookupErr error
	docs := claimdoc.Docs(ic, func(id string) claimdoc.Review {
		st, ok, err := ReviewState(ctx, kv, id)
		if err != nil {
			lookupErr = err
			return claimdoc.Review{}
		}
		if !ok {
			return claimdoc.Review{}
		}
		return claimdoc.Review{Status: st.Status, Assignee: st.Assignee}
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
		// Only the body is read: the status and assignee after the action.
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
		c.Status = ev.After.Status
		c.Assignee = ev.After.Assignee
		docs = append(docs, c.Document())
		touched = append(touched, i)
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
