package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"vigie/services/indexer"
	"vigie/services/vigie/ops"
)

// runReindex rebuilds the embedded index of a data folder from the log.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	// The bar is sized before the replay starts: a spinner (unknown size)
	// renders from a goroutine of its own.
	var bar *progressbar.ProgressBar
	docs, err := ops.Reindex(ctx, *data, func(messages uint64) indexer.Progress {
		bar = progressbar.NewOptions64(int64(messages), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("replaying CLAIMS"),
			progressbar.OptionShowCount(), progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
		return func(done, _ uint64) { _ = bar.Set64(int64(done)) }
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindexed %d claim documents into %s\n", docs, filepath.Join(*data, "index"))
	return nil
}
