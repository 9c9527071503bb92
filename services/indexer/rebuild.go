package indexer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/pipeline/index"
)

// Progress is told how many CLAIMS messages of total were replayed.
type Progress func(done, total uint64)

// Rebuild replays the whole CLAIMS stream into dst, taking each claim's
// review status from the review bucket (the current truth of the REVIEW
// log). dst should be fresh, with its settings applied. Messages published
// after the replay started are left to the live indexer, which writes them
// idempotently.
func Rebuild(ctx context.Context, b *bus.Bus, review jetstream.KeyValue, dst index.Backend, batch int, progress Progress) (docs int, err error) {
	if batch <= 0 {
		batch = 1000
	}
	st, err := b.JS.Stream(ctx, bus.StreamClaims)
	if err != nil {
		return 0, fmt.Errorf("rebuild: open CLAIMS: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("rebuild: CLAIMS info: %w", err)
	}
	last, total := info.State.LastSeq, info.State.Msgs
	if total == 0 {
		if progress != nil {
			progress(0, 0)
		}
		return 0, nil
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return 0, fmt.Errorf("rebuild: replay consumer: %w", err)
	}
	var pending []index.Document
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := dst.Upsert(ctx, pending); err != nil {
			return fmt.Errorf("rebuild: write %d documents: %w", len(pending), err)
		}
		docs += len(pending)
		pending = pending[:0]
		return nil
	}
	var done uint64
	for done < total {
		mb, err := cons.Fetch(batch, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return docs, fmt.Errorf("rebuild: fetch: %w", err)
		}
		n := 0
		var seq uint64
		for m := range mb.Messages() {
			n++
			done++
			if md, err := m.Metadata(); err == nil {
				seq = md.Sequence.Stream
			}
			ic, err := codec.DecodeItemClaims(m.Data())
			if err != nil {
				continue // poison: the live indexer dead-letters it
			}
			d, err := docsWithReview(ctx, review, nil, ic) // the claim's own judgements; its cluster's come with the next review event
			if err != nil {
				if bus.IsPermanent(err) {
					continue
				}
				return docs, fmt.Errorf("rebuild: %w", err)
			}
			pending = append(pending, d...)
		}
		if err := mb.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) && n == 0 {
			return docs, fmt.Errorf("rebuild: fetch: %w", err)
		}
		if err := flush(); err != nil {
			return docs, err
		}
		if progress != nil {
			progress(done, total)
		}
		if seq >= last || (n == 0 && ctx.Err() != nil) {
			break
		}
		if n == 0 {
			if ctx.Err() != nil {
				return docs, ctx.Err()
			}
		}
	}
	return docs, flush()
}
