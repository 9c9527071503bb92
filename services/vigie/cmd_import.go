package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"vigie/pipeline/disk"
	"vigie/services/ingester"
	"vigie/services/vigie/ops"
)

const importUsage = `Usage:
  vigie import items [--data DIR] [--source ID] [--format jsonl|csv] FILE.jsonl|FILE.csv

Imports items (fields id, title, text, url, language, localities, published)
from a JSON Lines or CSV file; each item is published once, so importing a
file again publishes only what is new. Lines that cannot be imported are
listed at the end with their line number.
`

// maxReportedLines bounds the per-line errors listed at the end of an import.
const maxReportedLines = 200

// runImport dispatches `vigie import KIND ...`.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, importUsage)
		return errUsage
	}
	switch args[0] {
	case "items":
		return runImportItems(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, importUsage)
		return nil
	}
	fmt.Fprintf(stderr, "vigie import: unknown import kind %q\n\n%s", args[0], importUsage)
	return fmt.Errorf("unknown import kind %q: %w", args[0], errUsage)
}

// runImportItems imports one file of items into the data folder's ITEMS.
func runImportItems(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie import items", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	sourceID := fs.String("source", ingester.DefaultImportSource, "source `id` of the imported items")
	format := fs.String("format", "", "file `format`: jsonl or csv (default: from the file name)")
	// Flags may come before or after the file name.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil
			}
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprint(stderr, importUsage)
		return errUsage
	}
	path := files[0]
	f, err := ops.ItemsFormat(path, *format)
	if err != nil {
		return err
	}
	imp, err := ops.OpenItemImport(ctx, *data, path)
	if err != nil {
		return err
	}
	defer imp.Close()

	// The bar is made once the total is known: a bar of unknown size spins
	// from a goroutine of its own, which races with updates.
	var bar *progressbar.ProgressBar
	type lineError struct {
		line int
		err  error
	}
	var lineErrs []lineError
	failed := 0
	st, err := imp.Run(ctx, f, *sourceID,
		func(done, total int) {
			if bar == nil && total >= 0 {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("importing "+filepath.Base(path)),
					progressbar.OptionShowCount(), progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
			}
			if bar != nil {
				_ = bar.Set(done)
			}
		},
		func(line int, err error) {
			failed++
			if len(lineErrs) < maxReportedLines {
				lineErrs = append(lineErrs, lineError{line, err})
			}
		})
	if bar != nil {
		_ = bar.Finish()
	}

	fmt.Fprintf(stdout, "%s: %d records, %d new items published, %d already known, %d refused\n",
		path, st.Records, st.Published, st.Known, st.Failed)
	for _, le := range lineErrs {
		fmt.Fprintf(stdout, "%s:%d: %v\n", path, le.line, le.err)
	}
	if failed > len(lineErrs) {
		fmt.Fprintf(stdout, "… and %d more refused lines\n", failed-len(lineErrs))
	}
	if errors.Is(err, disk.ErrLow) {
		return fmt.Errorf("%w; the items before it are stored: run the same command again once space is freed (they are skipped)", err)
	}
	if err != nil {
		return err
	}
	if st.Failed > 0 {
		return fmt.Errorf("import items %s: %d of %d records refused", path, st.Failed, st.Records)
	}
	return nil
}
