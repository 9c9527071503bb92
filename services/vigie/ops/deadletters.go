package ops

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/pipeline/bus"
)

// DeadLetter is one message of the dead-letter stream, as listed.
type DeadLetter struct {
	Seq        uint64 `json:"seq"`
	Stage      string `json:"stage"`
	Subject    string `json:"subject"`
	Stream     string `json:"stream"`
	StreamSeq  string `json:"stream_seq"`
	Deliveries string `json:"deliveries"`
	Error      string `json:"error"`
	Bytes      int    `json:"bytes"`
}

// DeadLetters lists the dead letters of stage (every stage when "").
func DeadLetters(ctx context.Context, b *bus.Bus, stage string) ([]DeadLetter, error) {
	_, msgs, err := deadLetters(ctx, b, stage)
	if err != nil {
		return nil, err
	}
	out := make([]DeadLetter, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, DeadLetter{
			Seq: m.Sequence, Stage: m.Header.Get(bus.HeaderDLQStage), Subject: m.Header.Get(bus.HeaderDLQSubject),
			Stream: m.Header.Get(bus.HeaderDLQStream), StreamSeq: m.Header.Get(bus.HeaderDLQSeq),
			Deliveries: m.Header.Get(bus.HeaderDLQDeliveries), Error: m.Header.Get(bus.HeaderDLQError), Bytes: len(m.Data),
		})
	}
	return out, nil
}

// Redrive publishes each dead letter of stage (every stage when "") back
// on its original subject, with a fresh message id, then removes it; it
// returns how many it re-drove.
func Redrive(ctx context.Context, b *bus.Bus, stage string) (int, error) {
	st, msgs, err := deadLetters(ctx, b, stage)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range msgs {
		subject := m.Header.Get(bus.HeaderDLQSubject)
		if subject == "" {
			return n, fmt.Errorf("dead letter %d has no original subject", m.Sequence)
		}
		// A fresh message id: the original id may still be in the duplicate window.
		id := "redrive-" + strconv.FormatUint(m.Sequence, 10)
		if _, err := b.Publish(ctx, subject, m.Data, id, nil); err != nil {
			return n, fmt.Errorf("redrive dead letter %d: %w", m.Sequence, err)
		}
		if err := st.DeleteMsg(ctx, m.Sequence); err != nil {
			return n, fmt.Errorf("remove redriven dead letter %d: %w", m.Sequence, err)
		}
		n++
	}
	return n, nil
}

func deadLetters(ctx context.Context, b *bus.Bus, stage string) (jetstream.Stream, []*jetstream.RawStreamMsg, error) {
	st, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if err != nil {
		return nil, nil, fmt.Errorf("open dead-letter stream: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("dead-letter stream info: %w", err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read dead letter %d: %w", seq, err)
		}
		if stage != "" && m.Subject != bus.DLQSubject(stage) {
			continue
		}
		out = append(out, m)
	}
	return st, out, nil
}
