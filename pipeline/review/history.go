package review

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// History returns every event of a claim, oldest first, read from the
// REVIEW stream.
func (w *Workflow) History(ctx context.Context, claimID string) ([]claims.ReviewEvent, error) {
	if err := checkClaimID(claimID); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	var out []claims.ReviewEvent
	err := w.scan(ctx, bus.ReviewSubject(claimID), func(e claims.ReviewEvent) error {
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history of claim %s: %w", claimID, err)
	}
	return out, nil
}

// ExportAudit writes every review event of every claim as JSON lines, in
// stream order: the admins' export of the audit log.
func (w *Workflow) ExportAudit(ctx context.Context, out io.Writer) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	if err := w.scan(ctx, bus.SubjectReview+".>", func(e claims.ReviewEvent) error { return enc.Encode(e) }); err != nil {
		return fmt.Errorf("export audit log: %w", err)
	}
	return nil
}

// scan calls fn with each event on subjects matching filter, up to the last
// one stored when the scan starts.
func (w *Workflow) scan(ctx context.Context, filter string, fn func(claims.ReviewEvent) error) error {
	last, err := w.stream.GetLastMsgForSubject(ctx, filter)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read last event: %w", err)
	}
	cons, err := w.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter},
		DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return fmt.Errorf("open ordered consumer: %w", err)
	}
	for empty := 0; ; {
		batch, err := cons.Fetch(512, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return fmt.Errorf("fetch events: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n := 0
		for m := range batch.Messages() {
			n++
			md, err := m.Metadata()
			if err != nil {
				return fmt.Errorf("event metadata: %w", err)
			}
			e, err := decodeEvent(m.Data(), m.Headers(), md.Sequence.Stream)
			if err != nil {
				return err
			}
			if err := fn(e); err != nil {
				return err
			}
			if md.Sequence.Stream >= last.Sequence {
				return nil
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, jetstream.ErrNoMessages) {
			return fmt.Errorf("fetch events: %w", err)
		}
		if n == 0 {
			if empty++; empty == 3 {
				return fmt.Errorf("fetch events: nothing delivered before sequence %d", last.Sequence)
			}
		}
	}
}

// conflict builds the ConflictError of an action made on revision seen of a
// claim now at snap.
func (w *Workflow) conflict(ctx context.Context, claimID string, seen uint64, snap snapshot) error {
	ce := &ConflictError{ClaimID: claimID, Seen: seen, Revision: snap.rev, Current: snap.state}
	events, err := w.History(ctx, claimID)
	if err != nil {
		return errors.Join(ce, err)
	}
	saw, found := claims.NewReviewState(), false
	var sawVerdict, nowVerdict *claims.Verdict
	for _, e := range events {
		if e.Revision >= seen {
			if !found {
				saw, found = e.Before, true
			}
			ce.Since = append(ce.Since, e)
		} else if e.Verdict != nil {
			sawVerdict = e.Verdict
		}
		if e.Verdict != nil {
			nowVerdict = e.Verdict
		}
	}
	if !found && seen > 0 {
		// Nothing recorded since seen (a revision from the future, or an
		// event trimmed from the stream): fall back to the bucket's history.
		if e, err := w.review.GetRevision(ctx, claimID, seen); err == nil {
			if st, err := codec.DecodeReviewState(e.Value()); err == nil {
				saw = st
			}
		}
	}
	ce.Verdict = nowVerdict
	ce.Diff = append(DiffStates(saw, snap.state), DiffVerdicts(sawVerdict, nowVerdict)...)
	return ce
}
