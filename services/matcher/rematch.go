package matcher

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// HeaderRematch marks an item re-published on ITEMS for a re-match: its
// value names the request, and the matcher publishes the item's claims
// with the message id "<item>.rematch.<value>", so that JetStream's
// de-duplication of CLAIMS (by item id) lets them through.
const HeaderRematch = "Vigie-Rematch"

// ErrItemGone is a re-match of an item no longer on ITEMS (purged by the
// retention of raw content).
var ErrItemGone = errors.New("item no longer kept")

// RequestRematch asks the matchers to analyse an item of source again
// against today's fact-check store: it finds the item on ITEMS and
// publishes it again, marked with HeaderRematch. It returns the request's
// name. The new claims reach the index through CLAIMS, as any item's do.
func RequestRematch(ctx context.Context, b *bus.Bus, sourceID, itemID string, now time.Time) (string, error) {
	st, err := b.JS.Stream(ctx, bus.StreamItems)
	if err != nil {
		return "", fmt.Errorf("re-match item %s: %w", itemID, err)
	}
	filter := bus.SubjectItems + ".*." + bus.Token(sourceID)
	last, err := st.GetLastMsgForSubject(ctx, filter)
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return "", fmt.Errorf("re-match item %s: %w", itemID, ErrItemGone)
	}
	if err != nil {
		return "", fmt.Errorf("re-match item %s: %w", itemID, err)
	}
	cons, err := st.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{filter},
		DeliverPolicy: jetstream.DeliverAllPolicy})
	if err != nil {
		return "", fmt.Errorf("re-match item %s: %w", itemID, err)
	}
	var found jetstream.Msg
scan:
	for empty := 0; ; {
		batch, err := cons.Fetch(256, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			return "", fmt.Errorf("re-match item %s: %w", itemID, err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			md, err := m.Metadata()
			if err != nil {
				return "", fmt.Errorf("re-match item %s: %w", itemID, err)
			}
			if m.Headers().Get(HeaderRematch) == "" {
				if it, err := codec.DecodeItem(m.Data()); err == nil && it.ID == itemID {
					found = m
				}
			}
			if md.Sequence.Stream >= last.Sequence {
				break scan
			}
		}
		if n == 0 {
			if empty++; empty == 3 {
				break
			}
		}
	}
	if found == nil {
		return "", fmt.Errorf("re-match item %s: %w", itemID, ErrItemGone)
	}
	req := strconv.FormatInt(now.UnixNano(), 36)
	msg := nats.NewMsg(found.Subject())
	msg.Data = found.Data()
	msg.Header.Set(HeaderRematch, req)
	if _, err := b.JS.PublishMsg(ctx, msg, jetstream.WithMsgID(itemID+".rematch."+req)); err != nil {
		return "", fmt.Errorf("re-match item %s: %w", itemID, err)
	}
	return req, nil
}
