package index

import (
	"context"
	"fmt"

	"go.uber.org/zap"
)

// Backend names accepted by Config.Backend (config key index.backend, flag
// --index).
const (
	BackendBleve       = "bleve"
	BackendMeilisearch = "meilisearch"
)

// Config selects and locates a backend.
type Config struct {
	// Backend is "bleve" (default) or "meilisearch".
	Backend string
	// Dir is the Bleve index folder (under the data folder).
	Dir string
	// MeiliURL (meili.url, --meili-url) and MeiliKeyFile (meili.key_file,
	// --meili-key-file) reach Meilisearch; MeiliIndex is the index uid.
	MeiliURL, MeiliKeyFile, MeiliIndex string
}

// Open opens the configured backend. Settings still have to be applied
// with EnsureSettings.
func Open(ctx context.Context, cfg Config, log *zap.Logger) (Backend, error) {
	switch cfg.Backend {
	case "", BackendBleve:
		if cfg.Dir == "" {
			return nil, fmt.Errorf("open index: bleve backend needs a folder")
		}
		return OpenBleve(cfg.Dir)
	case BackendMeilisearch:
		if cfg.MeiliURL == "" || cfg.MeiliIndex == "" {
			return nil, fmt.Errorf("open index: meilisearch backend needs meili.url and an index uid")
		}
		var key string
		if cfg.MeiliKeyFile != "" {
			k, err := ReadKeyFile(cfg.MeiliKeyFile)
			if err != nil {
				return nil, fmt.Errorf("open index: %w", err)
			}
			key = k
		}
		if log == nil {
			log = zap.NewNop()
		}
		return OpenMeili(ctx, cfg.MeiliURL, key, cfg.MeiliIndex, WithMeiliLogger(log))
	}
	return nil, fmt.Errorf("open index: unknown backend %q (want bleve or meilisearch)", cfg.Backend)
}
