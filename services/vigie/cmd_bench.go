package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"vigie/services/vigie/bench"
)

// parseBenchFlags parses the flags of `vigie bench`; --quick lowers the
// sizes not given and writes the report to a temporary file unless --out
// is given.
func parseBenchFlags(args []string, stderr io.Writer) (bench.Options, error) {
	var f bench.Options
	fs := flag.NewFlagSet("vigie bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.Out, "out", "docs/benchmarks.md", "report `file` to write")
	fs.StringVar(&f.Shared, "shared", "../shared", "the shared `folder` holding datasets/ (relative to the current folder)")
	fs.IntVar(&f.Items, "items", 5000, "generated items ingested end to end per run")
	fs.IntVar(&f.Runs, "runs", 3, "runs of each timing (the report gives medians)")
	fs.IntVar(&f.FactChecks, "factchecks", 100_000, "fact-checks in the pipeline's store")
	fs.IntVar(&f.MatcherStore, "matcher-store", 200_000, "fact-checks in the store of the sentence-rate figure")
	fs.IntVar(&f.SearchDocs, "search-docs", 200_000, "claim documents in the index of the search and restart figures")
	fs.IntVar(&f.Queries, "queries", 200, "queries of each kind for the search percentiles")
	fs.IntVar(&f.RestartItems, "restart-items", 0, "items on ITEMS for the restart figure, topped up with labelled copies (default: --search-docs)")
	fs.StringVar(&f.CPUProfile, "cpuprofile", "", "write a CPU profile of the first end-to-end run to `file` (go tool pprof)")
	fs.BoolVar(&f.Quick, "quick", false, "small sizes and one run, report to a temporary file unless --out is given (CI)")
	if err := fs.Parse(args); err != nil {
		return f, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigie bench: unexpected argument %q\n", fs.Arg(0))
		return f, errUsage
	}
	if f.Quick {
		set := map[string]bool{}
		fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
		quick := map[string]*int{"items": &f.Items, "runs": &f.Runs, "factchecks": &f.FactChecks, "matcher-store": &f.MatcherStore, "search-docs": &f.SearchDocs, "queries": &f.Queries}
		small := map[string]int{"items": 500, "runs": 1, "factchecks": 10_000, "matcher-store": 20_000, "search-docs": 5_000, "queries": 30}
		for name, p := range quick {
			if !set[name] {
				*p = small[name]
			}
		}
		if !set["out"] {
			f.Out = filepath.Join(os.TempDir(), fmt.Sprintf("vigie-bench-%d.md", os.Getpid()))
		}
	}
	if f.RestartItems <= 0 {
		f.RestartItems = f.SearchDocs
	}
	if f.Items < 1 || f.Runs < 1 || f.FactChecks < 1 || f.MatcherStore < 1 || f.SearchDocs < 1 || f.Queries < 1 {
		fmt.Fprintln(stderr, "vigie bench: sizes must be positive")
		return f, errUsage
	}
	f.Command = "vigie bench " + strings.Join(args, " ")
	return f, nil
}

// runBench runs `vigie bench`: the pipeline end to end against the raw
// floors of its stages, written as a report (bench.Run).
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBenchFlags(args, stderr)
	if err != nil {
		return err
	}
	return bench.Run(ctx, f, stdout, stderr)
}
