package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"

	"vigie/claims"
	"vigie/claims/claimreview"
	"vigie/services/vigie/app"
	"vigie/services/vigie/ops"
)

// runImportFactchecks imports fact-check files (ClaimReview JSON-LD, the
// Google Fact Check Tools API JSON, CSV or TSV) into the fact-check bucket
// that every matcher follows (ops.ImportFactChecks).
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
	b, closeBus, err := app.OpenData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeBus()
	failed := false
	for _, path := range fs.Args() {
		var bar *progressbar.ProgressBar
		progress := func(done, total int) {
			if *quiet {
				return
			}
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription(path),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			_ = bar.Set(done)
		}
		rep, err := ops.ImportFactChecks(ctx, b, path, progress)
		if err != nil {
			return err
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
