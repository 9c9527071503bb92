package indexer

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
	"vigie/pipeline/queue"
	vigiev1 "vigie/proto/gen/vigie/v1"
)

// ReviewState reads the current review state of a claim from the review
// bucket; a claim never reviewed has no state (nil, nil).
func ReviewState(ctx context.Context, kv jetstream.KeyValue, claimID string) (*vigiev1.ClaimState, error) {
	if kv == nil {
		return nil, nil
	}
	e, err := kv.Get(ctx, claimID)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read review state of claim %s: %w", claimID, err)
	}
	var st vigiev1.ClaimState
	if err := proto.Unmarshal(e.Value(), &st); err != nil {
		return nil, fmt.Errorf("decode review state of claim %s: %w", claimID, err)
	}
	return &st, nil
}

// statusName is the queue's name of a review status.
func statusName(s vigiev1.ReviewStatus) string { return string(codec.DomainReviewStatus(s)) }

// docsWithReview builds the documents of ic with each claim's current review state.
func docsWithReview(ctx context.Context, kv jetstream.KeyValue, ic *vigiev1.ItemClaims) ([]index.Document, error) {
	var lookupErr error
	docs, err := queue.Docs(ic, func(id string) queue.Review {
		st, err := ReviewState(ctx, kv, id)
		if err != nil {
			lookupErr = err
			return queue.Review{}
		}
		if st == nil {
			return queue.Review{}
		}
		return queue.Review{Status: statusName(st.GetStatus()), Assignee: st.GetAssignee()}
	})
	if err != nil {
		return nil, bus.Permanent(err)
	}
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
		var ev vigiev1.ReviewEvent
		if err := proto.Unmarshal(m.Data(), &ev); err != nil || ev.GetClaimId() == "" {
			errs[i] = bus.Permanent(fmt.Errorf("decode review event: %w", errors.Join(err, errors.New("no claim id"))))
			continue
		}
		d, err := s.backend.Get(ctx, ev.GetClaimId())
		if errors.Is(err, index.ErrNotFound) {
			continue // indexed later from CLAIMS, with the state read from the review bucket
		}
		if err != nil {
			errs[i] = err
			continue
		}
		c, err := queue.FromDocument(d)
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		c.Status = statusName(ev.GetAfter().GetStatus())
		c.Assignee = ev.GetAfter().GetAssignee()
		nd, err := queue.ToDocument(c)
		if err != nil {
			errs[i] = bus.Permanent(err)
			continue
		}
		docs = append(docs, nd)
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
