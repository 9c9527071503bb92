package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"vigie/services/vigie/ops"
)

const exportUsage = `Usage:
  vigie export judgements --out FILE [--data DIR]

Writes the workspace's match judgements (same claim / not the same claim,
the latest per claim or cluster and fact-check) as a judgement file, JSON
Lines, as vigie train matcher --judgements and vigie eval match
--judgements read it (docs/quality.md, "A newsroom's judgements").
"--out -" writes to standard output.
`

// runExport exports what the workspace made: its match judgements.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, exportUsage)
		return errUsage
	}
	if args[0] != "judgements" {
		return usageErr(stderr, exportUsage, "unknown export %q", args[0])
	}
	fs := flag.NewFlagSet("vigie export judgements", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	data := fs.String("data", "./vigie-data", "data `folder`")
	out := fs.String("out", "", "judgement `file` to write (- for standard output)")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return errUsage
	}
	if len(pos) > 0 {
		return usageErr(stderr, exportUsage, "unexpected argument %q", pos[0])
	}
	if *out == "" {
		return usageErr(stderr, exportUsage, "export judgements needs --out")
	}
	w := stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			return fmt.Errorf("export judgements: %w", err)
		}
		w = f
	}
	n, err := ops.ExportJudgements(ctx, *data, w)
	if f != nil {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("export judgements: %w", cerr)
		}
	}
	if err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "%d judgements written to %s\n", n, *out)
	}
	return nil
}
