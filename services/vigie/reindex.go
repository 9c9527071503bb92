package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/schollz/progressbar/v3"
	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/index"
	"vigie/pipeline/queue"
	"vigie/services/indexer"
)

// runReindex rebuilds the embedded index of a data folder from the log.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie reindex", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if ep, err := bus.ReadEndpoint(*data); err == nil && processAlive(ep.PID) {
		return fmt.Errorf("vigie serve (pid %d) holds the index of %s: stop it first (it rebuilds by itself at start when the index settings changed)", ep.PID, *data)
	}
	b, closeBus, err := openData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeBus()
	// The bar is sized before the replay starts: a spinner (unknown size)
	// renders from a goroutine of its own.
	st, err := b.JS.Stream(ctx, bus.StreamClaims)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return fmt.Errorf("reindex: %w", err)
	}
	bar := progressbar.NewOptions64(int64(info.State.Msgs), progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("replaying CLAIMS"),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
	docs, err := rebuildIndex(ctx, b, *data, func(done, _ uint64) {
		_ = bar.Set64(int64(done))
	})
	_ = bar.Finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "reindexed %d claim documents into %s\n", docs, filepath.Join(*data, "index"))
	return nil
}

// rebuildIndex replays the log into DATA/index.new, then swaps it in place
// of DATA/index. The old index is removed only after the swap.
func rebuildIndex(ctx context.Context, b *bus.Bus, data string, progress indexer.Progress) (int, error) {
	dir := filepath.Join(data, "index")
	fresh := dir + ".new"
	if err := os.RemoveAll(fresh); err != nil {
		return 0, fmt.Errorf("reindex: clear %s: %w", fresh, err)
	}
	dst, err := index.OpenBleve(fresh)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	if err := dst.EnsureSettings(ctx, queue.Settings()); err != nil {
		_ = dst.Close()
		return 0, fmt.Errorf("reindex: %w", err)
	}
	review, err := b.KV(ctx, bus.BucketReview)
	if err != nil {
		_ = dst.Close()
		return 0, err
	}
	docs, err := indexer.Rebuild(ctx, b, review, dst, 1000, progress)
	if cerr := dst.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("reindex: close new index: %w", cerr)
	}
	if err != nil {
		_ = os.RemoveAll(fresh)
		return docs, err
	}
	old := dir + ".old"
	_ = os.RemoveAll(old)
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return docs, fmt.Errorf("reindex: move old index aside: %w", err)
	}
	if err := os.Rename(fresh, dir); err != nil {
		return docs, fmt.Errorf("reindex: swap in new index: %w", err)
	}
	_ = os.RemoveAll(old)
	return docs, nil
}
