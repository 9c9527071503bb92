package app

import (
	"context"
	"fmt"

	"vigie/pipeline/source"
	"vigie/services/vigie/config"
)

// configSources are the sources of the configuration file.
func configSources(cfg config.Config) []source.Source {
	out := make([]source.Source, 0, len(cfg.Sources))
	for _, s := range cfg.Sources {
		out = append(out, source.Source{
			ID: s.ID, Name: s.Name, Kind: s.Kind, URL: s.URL, Language: s.Language, Localities: s.Localities,
			Interval: s.Interval.D(), AllowPrivateNetworks: s.AllowPrivateNetworks, Origin: source.OriginConfig,
		})
	}
	return out
}

// syncSources makes the registry hold exactly the given sources among
// those a start registers (every origin but source.OriginAPI: the
// configuration file's, an embedder's such as the demo's); the sources an
// operator added through the API or the CLI are left alone.
func syncSources(ctx context.Context, reg *source.Registry, want []source.Source) error {
	keep := map[string]bool{}
	for _, s := range want {
		if err := reg.Put(ctx, s); err != nil {
			return fmt.Errorf("register source: %w", err)
		}
		keep[s.ID] = true
	}
	have, err := reg.List(ctx)
	if err != nil {
		return err
	}
	for _, s := range have {
		if s.Origin != source.OriginAPI && !keep[s.ID] {
			if err := reg.Delete(ctx, s.ID); err != nil {
				return fmt.Errorf("unregister source: %w", err)
			}
		}
	}
	return nil
}
