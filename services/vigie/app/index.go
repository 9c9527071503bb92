package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/claimdoc"
	"vigie/pipeline/index"
	"vigie/services/indexer"
	"vigie/services/vigie/config"
)

// openIndex opens the search backend when the process runs the indexer or
// the reviewer.
func (a *App) openIndex(ctx context.Context) error {
	if !a.cfg.Runs("indexer") && !a.cfg.Runs("reviewer") {
		return nil
	}
	var err error
	if a.cfg.Index.Backend == "meilisearch" {
		a.idx, err = openMeili(ctx, a.cfg, a.bus, a.log)
	} else {
		a.idx, err = openBleve(ctx, a.cfg.Data, a.bus, a.log)
	}
	if err != nil {
		return err
	}
	if a.opt.WrapIndex != nil {
		a.idx = a.opt.WrapIndex(a.idx)
	}
	a.ready = append(a.ready, func(ctx context.Context) error { _, err := a.idx.Count(ctx); return err })
	return nil
}

// openBleve opens the embedded index DATA/index; when its settings changed
// (a new schema version), it is rebuilt from the log first. An empty index
// is refilled from the log.
func openBleve(ctx context.Context, data string, b *bus.Bus, log *zap.Logger) (index.Backend, error) {
	dir := filepath.Join(data, "index")
	idx, err := index.OpenBleve(dir)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	err = idx.EnsureSettings(ctx, claimdoc.Settings())
	if errors.Is(err, index.ErrSchemaChanged) {
		_ = idx.Close()
		log.Warn("index settings changed, rebuilding the index from the log")
		if idx, err = rebuildBleve(ctx, b, data, log); err != nil {
			return nil, err
		}
	}
	if err == nil {
		err = refillIfEmpty(ctx, b, idx, log)
	}
	if err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("apply index settings: %w", err)
	}
	return idx, nil
}

// rebuildBleve rebuilds DATA/index from the log and opens it with the
// current settings.
func rebuildBleve(ctx context.Context, b *bus.Bus, data string, log *zap.Logger) (*index.Bleve, error) {
	docs, err := RebuildIndex(ctx, b, data, nil)
	if err != nil {
		return nil, err
	}
	log.Info("index rebuilt", zap.Int("docs", docs))
	idx, err := index.OpenBleve(filepath.Join(data, "index"))
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	if err := idx.EnsureSettings(ctx, claimdoc.Settings()); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("apply index settings: %w", err)
	}
	return idx, nil
}

// RebuildIndex replays the log into DATA/index.new, then swaps it in place
// of DATA/index. The old index is removed only after the swap. progress,
// when set, is told of the replay's advance.
func RebuildIndex(ctx context.Context, b *bus.Bus, data string, progress indexer.Progress) (int, error) {
	dir := filepath.Join(data, "index")
	fresh := dir + ".new"
	if err := os.RemoveAll(fresh); err != nil {
		return 0, fmt.Errorf("reindex: clear %s: %w", fresh, err)
	}
	dst, err := index.OpenBleve(fresh)
	if err != nil {
		return 0, fmt.Errorf("reindex: %w", err)
	}
	if err := dst.EnsureSettings(ctx, claimdoc.Settings()); err != nil {
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

// openMeili opens the Meilisearch backend. The key is read from a file and
// stays on the server side: it is never logged nor sent to a browser (the
// review UI searches through Vigie's API). A settings change on a
// Meilisearch index is applied by Meilisearch itself (it re-indexes), so
// no replay is needed unless the document shape changed; then the index is
// refilled from the log.
func openMeili(ctx context.Context, cfg config.Config, b *bus.Bus, log *zap.Logger) (index.Backend, error) {
	key := ""
	if cfg.Meili.KeyFile != "" {
		raw, err := os.ReadFile(cfg.Meili.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("read meili.key_file: %w", err)
		}
		key = strings.TrimSpace(string(raw))
	}
	m, err := index.OpenMeili(ctx, cfg.Meili.URL, key, cfg.Meili.Index, index.WithMeiliLogger(log))
	if err != nil {
		return nil, err
	}
	err = m.EnsureSettings(ctx, claimdoc.Settings())
	if errors.Is(err, index.ErrSchemaChanged) {
		err = fmt.Errorf("index %q holds documents built with other settings: set meili.index to a new uid (Vigie refills it from the log) or delete that index, then restart: %w", cfg.Meili.Index, err)
	}
	if err == nil {
		err = refillIfEmpty(ctx, b, m, log)
	}
	if err != nil {
		_ = m.Close()
		return nil, fmt.Errorf("meilisearch: %w", err)
	}
	return m, nil
}

// refillIfEmpty replays the log into an empty index when the log holds
// claims: a new index (or a new Meilisearch uid) starts complete.
func refillIfEmpty(ctx context.Context, b *bus.Bus, idx index.Backend, log *zap.Logger) error {
	n, err := idx.Count(ctx)
	if err != nil || n > 0 {
		return err
	}
	st, err := b.JS.Stream(ctx, bus.StreamClaims)
	if err != nil {
		return err
	}
	info, err := st.Info(ctx)
	if err != nil || info.State.Msgs == 0 {
		return err
	}
	review, err := b.KV(ctx, bus.BucketReview)
	if err != nil {
		return err
	}
	log.Info("index empty, refilling it from the log", zap.Uint64("messages", info.State.Msgs))
	docs, err := indexer.Rebuild(ctx, b, review, idx, 1000, nil)
	if err == nil {
		log.Info("index refilled", zap.Int("docs", docs))
	}
	return err
}
