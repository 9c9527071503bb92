package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/pipeline/bus"
)

const dlqUsage = `usage: vigie dlq COMMAND [--data DIR] [--stage STAGE]
  list [--json]     dead-lettered messages: stage, original subject, deliveries, error
  redrive           publish each dead letter back on its original subject, then remove it
`

// dlqEntry is one dead letter as listed.
type dlqEntry struct {
	Seq        uint64 `json:"seq"`
	Stage      string `json:"stage"`
	Subject    string `json:"subject"`
	Stream     string `json:"stream"`
	StreamSeq  string `json:"stream_seq"`
	Deliveries string `json:"deliveries"`
	Error      string `json:"error"`
	Bytes      int    `json:"bytes"`
}

// runDLQ lists and re-drives dead letters.
func runDLQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, dlqUsage)
		return errUsage
	}
	cmd := args[0]
	fs := flag.NewFlagSet("vigie dlq "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	stage := fs.String("stage", "", "only this stage (matcher, indexer, …)")
	asJSON := fs.Bool("json", false, "print JSON (list)")
	if err := fs.Parse(args[1:]); err != nil {
		return errUsage
	}
	b, closeBus, err := openData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeBus()
	st, err := b.JS.Stream(ctx, bus.StreamDLQ)
	if err != nil {
		return fmt.Errorf("open dead-letter stream: %w", err)
	}
	msgs, err := deadLetters(ctx, st, *stage)
	if err != nil {
		return err
	}
	switch cmd {
	case "list":
		entries := make([]dlqEntry, 0, len(msgs))
		for _, m := range msgs {
			entries = append(entries, dlqEntry{
				Seq: m.Sequence, Stage: m.Header.Get(bus.HeaderDLQStage), Subject: m.Header.Get(bus.HeaderDLQSubject),
				Stream: m.Header.Get(bus.HeaderDLQStream), StreamSeq: m.Header.Get(bus.HeaderDLQSeq),
				Deliveries: m.Header.Get(bus.HeaderDLQDeliveries), Error: m.Header.Get(bus.HeaderDLQError), Bytes: len(m.Data),
			})
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(map[string]any{"dead_letters": entries})
		}
		for _, e := range entries {
			fmt.Fprintf(stdout, "%d\t%s\t%s\tdeliveries=%s\t%s\n", e.Seq, e.Stage, e.Subject, e.Deliveries, e.Error)
		}
		fmt.Fprintf(stdout, "%d dead letters\n", len(entries))
		return nil
	case "redrive":
		n := 0
		for _, m := range msgs {
			subject := m.Header.Get(bus.HeaderDLQSubject)
			if subject == "" {
				return fmt.Errorf("dead letter %d has no original subject", m.Sequence)
			}
			// A fresh message id: the original id may still be in the duplicate window.
			id := "redrive-" + strconv.FormatUint(m.Sequence, 10)
			if _, err := b.Publish(ctx, subject, m.Data, id, nil); err != nil {
				return fmt.Errorf("redrive dead letter %d: %w", m.Sequence, err)
			}
			if err := st.DeleteMsg(ctx, m.Sequence); err != nil {
				return fmt.Errorf("remove redriven dead letter %d: %w", m.Sequence, err)
			}
			n++
		}
		fmt.Fprintf(stdout, "redrove %d dead letters\n", n)
		return nil
	}
	fmt.Fprintf(stderr, "vigie dlq: unknown command %q\n%s", cmd, dlqUsage)
	return errUsage
}

func deadLetters(ctx context.Context, st jetstream.Stream, stage string) ([]*jetstream.RawStreamMsg, error) {
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("dead-letter stream info: %w", err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read dead letter %d: %w", seq, err)
		}
		if stage != "" && m.Subject != bus.DLQSubject(stage) {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}
