package ops

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/services/indexer"
	"vigie/services/vigie/app"
)

// Reindex rebuilds the embedded index of a data folder from the log and
// returns how many claim documents it holds; it refuses while a `vigie
// serve` holds the index. begin, when set, is told how many CLAIMS
// messages the replay reads before it starts, and returns the replay's
// progress callback (or nil).
func Reindex(ctx context.Context, dir string, begin func(messages uint64) indexer.Progress) (int, error) {
	if pid, ok := app.Serving(dir); ok {
		return 0, fmt.Errorf("vigie serve (pid %d) holds the index of %s: stop it first (it rebuilds by itself at start when the index settings changed)", pid, dir)
	}
	b, closeBus, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return 0, err
	}
	defer closeBus()
	var progress indexer.Progress
	if begin != nil {
		st, err := b.JS.Stream(ctx, bus.StreamClaims)
		if err != nil {
			return 0, fmt.Errorf("reindex: %w", err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return 0, fmt.Errorf("reindex: %w", err)
		}
		progress = begin(info.State.Msgs)
	}
	return app.RebuildIndex(ctx, b, dir, progress)
}
