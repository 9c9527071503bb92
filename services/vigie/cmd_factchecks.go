package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/claimreview"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
)

// runImportFactchecks imports fact-check files (ClaimReview JSON-LD, the
// Google Fact Check Tools API JSON, CSV or TSV) into the fact-check bucket
// that every matcher follows: they are matchable at once, also while
// `vigie serve` runs.
func runImportFactchecks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie import factchecks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "usage: vigie import factchecks [--data DIR] FILE...")
		return errUsage
	}
	b, closeBus, err := openData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeBus()
	kv, err := b.KV(ctx, bus.BucketFactChecks)
	if err != nil {
		return err
	}
	failed := false
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("import fact-checks: %w", err)
		}
		fcs, rep, err := claimreview.Import(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
		var bar *progressbar.ProgressBar
		if !*quiet {
			bar = progressbar.NewOptions(len(fcs), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(path),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
		}
		for _, fc := range fcs {
			val, err := codec.EncodeFactCheck(fc)
			if err != nil {
				return err
			}
			if _, err := kv.Put(ctx, codec.FactCheckKey("import", fc.ID), val); err != nil {
				return fmt.Errorf("import %s: store %s: %w", path, fc.ID, err)
			}
			if bar != nil {
				_ = bar.Add(1)
			}
		}
		if bar != nil {
			_ = bar.Finish()
		}
		printReport(stdout, path, rep)
		if len(rep.Errors) > 0 {
			failed = true
		}
	}
	if failed {
		return fmt.Errorf("some records could not be imported (see the report above)")
	}
	return nil
}

func printReport(w io.Writer, path string, rep *claimreview.Report) {
	fmt.Fprintf(w, "%s (%s): %d records, %d imported, %d skipped, %d errors\n", path, rep.Format, rep.Records, rep.Imported, rep.Skipped, len(rep.Errors))
	ratings := make([]string, 0, len(rep.Ratings))
	for r := range rep.Ratings {
		ratings = append(ratings, string(r))
	}
	sort.Strings(ratings)
	for _, r := range ratings {
		fmt.Fprintf(w, "  rating %-13s %d\n", r, rep.Ratings[claims.Rating(r)])
	}
	unknown := make([]string, 0, len(rep.UnknownRatings))
	for t := range rep.UnknownRatings {
		unknown = append(unknown, t)
	}
	sort.Strings(unknown)
	for _, t := range unknown {
		fmt.Fprintf(w, "  unknown rating %q kept verbatim: %d\n", t, rep.UnknownRatings[t])
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(w, "  record %d: %s\n", e.Record, e.Err)
	}
}
