package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"go.uber.org/zap"

	"vigie/services/vigie/app"
	"vigie/services/vigie/ops"
)

const dlqUsage = `usage: vigie dlq COMMAND [--data DIR] [--stage STAGE]
  list [--json]     dead-lettered messages: stage, original subject, deliveries, error
  redrive           publish each dead letter back on its original subject, then remove it
`

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
	b, closeBus, err := app.OpenData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeBus()
	switch cmd {
	case "list":
		entries, err := ops.DeadLetters(ctx, b, *stage)
		if err != nil {
			return err
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
		n, err := ops.Redrive(ctx, b, *stage)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "redrove %d dead letters\n", n)
		return nil
	}
	fmt.Fprintf(stderr, "vigie dlq: unknown command %q\n%s", cmd, dlqUsage)
	return errUsage
}
