package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "vigie:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

const usage = `vigie — self-hosted fact-checking and misinformation flagging

Usage:
  vigie serve [--data DIR] [--http ADDR] [--config FILE] [--demo] [--nats-url URLS]
  vigie status [--data DIR]              streams, consumers and message counts
  vigie reindex [--data DIR]             rebuild the search index from the log
  vigie dlq list|redrive [--stage S]     dead-lettered messages
  vigie bench [--out FILE] [--items N] [--runs N] [--search-docs N] [--quick]   benchmark report (docs/benchmarks.md)
  vigie sources list|add|update|remove|enable|import|export   manage sources
  vigie import items [--data DIR] [--source ID] FILE.jsonl|.csv
  vigie import factchecks [--data DIR] FILE...   ClaimReview JSON-LD, Fact Check Tools JSON, CSV, TSV
  vigie users add|list|disable|enable|passwd|reset-2fa ...
  vigie tokens create|list|revoke ...
  vigie grants set|list ...              localities and limits granted to subscribers
  vigie config docs                      print docs/configuration.md
  vigie eval match|worthiness ...        measure the claims engine
  vigie train worthiness|matcher ...     train the claims engine's models
  vigie model show|use FILE|shipped|revert   the matcher model in use (reversible switch)
  vigie export judgements --out FILE     the workspace's match judgements (JSON Lines)

Run "vigie COMMAND --help" for the flags of a command.
`

// run dispatches a subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "import":
		if len(args) > 1 && args[1] == "factchecks" {
			return runImportFactchecks(ctx, args[2:], stdout, stderr)
		}
		return runImport(ctx, args[1:], stdout, stderr)
	case "users":
		return runUsers(ctx, args[1:], stdout, stderr)
	case "tokens":
		return runTokens(ctx, args[1:], stdout, stderr)
	case "grants":
		return runGrants(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "dlq":
		return runDLQ(ctx, args[1:], stdout, stderr)
	case "sources":
		return runSources(ctx, args[1:], stdout, stderr)
	case "reindex":
		return runReindex(ctx, args[1:], stdout, stderr)
	case "status":
		return runStatus(ctx, args[1:], stdout, stderr)
	case "config":
		return runConfig(args[1:], stdout, stderr)
	case "eval":
		return runEval(ctx, args[1:], stdout, stderr)
	case "train":
		return runTrain(ctx, args[1:], stdout, stderr)
	case "model":
		return runModel(ctx, args[1:], stdout, stderr)
	case "export":
		return runExport(ctx, args[1:], stdout, stderr)

	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "vigie: unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
