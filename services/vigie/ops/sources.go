package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/opml"
	"vigie/pipeline/source"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
)

// OpenSources opens the source registry of a data folder; a running
// `vigie serve` picks its changes up at once. close releases it.
func OpenSources(ctx context.Context, dir string) (*source.Registry, func(), error) {
	b, closeFn, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return nil, nil, err
	}
	kv, err := b.KV(ctx, bus.BucketSources)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return source.NewRegistry(kv), closeFn, nil
}

// SourceRow is a source with its fetch state, as `vigie sources list` shows it.
type SourceRow struct {
	source.Source
	State source.State `json:"state"`
}

// ListSources lists every source with its fetch state.
func ListSources(ctx context.Context, reg *source.Registry) ([]SourceRow, error) {
	srcs, err := reg.List(ctx)
	if err != nil {
		return nil, err
	}
	rows := make([]SourceRow, 0, len(srcs))
	for _, s := range srcs {
		st, _, err := reg.State(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		rows = append(rows, SourceRow{s, st})
	}
	return rows, nil
}

// AddSource adds a new source of the API origin, its id a slug of its name
// when it has none; it refuses an id that exists.
func AddSource(ctx context.Context, reg *source.Registry, s source.Source) (source.Source, error) {
	s.Origin = source.OriginAPI
	if s.ID == "" {
		s.ID = config.Slug(s.Name)
	}
	if _, err := reg.Get(ctx, s.ID); err == nil {
		return s, fmt.Errorf("source %q exists already: use vigie sources update", s.ID)
	}
	return s, reg.Put(ctx, s)
}

// SourceChange is what UpdateSource changes: the empty fields are left
// as they are.
type SourceChange struct {
	Name, URL, Kind, Language string
	// Localities, when not nil, replace the source's (an empty list
	// removes them).
	Localities []string
	Interval   time.Duration
	// AllowPrivateNetworks, when set, replaces the source's.
	AllowPrivateNetworks *bool
}

// UpdateSource applies c to a source.
func UpdateSource(ctx context.Context, reg *source.Registry, id string, c SourceChange) (source.Source, error) {
	s, err := reg.Get(ctx, id)
	if err != nil {
		return s, err
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&s.Name, c.Name)
	set(&s.URL, c.URL)
	set(&s.Kind, c.Kind)
	set(&s.Language, c.Language)
	if c.Localities != nil {
		s.Localities = c.Localities
	}
	if c.Interval != 0 {
		s.Interval = c.Interval
	}
	if c.AllowPrivateNetworks != nil {
		s.AllowPrivateNetworks = *c.AllowPrivateNetworks
	}
	return s, reg.Put(ctx, s)
}

// EnableSource re-enables a source disabled after failures: its failures
// are forgotten and a running ingester polls it again at once.
func EnableSource(ctx context.Context, reg *source.Registry, id string) error {
	s, err := reg.Get(ctx, id)
	if err != nil {
		return err
	}
	for range 5 {
		st, rev, err := reg.State(ctx, id)
		if err != nil {
			return err
		}
		st.Status, st.Failures, st.LastError, st.ErrorKind, st.NextFetch = source.StatusNew, 0, "", "", time.Time{}
		if _, err := reg.SetState(ctx, id, st, rev); errors.Is(err, source.ErrConflict) {
			continue
		} else if err != nil {
			return err
		}
		// Rewriting the definition restarts its poll loop in a running ingester.
		return reg.Put(ctx, s)
	}
	return fmt.Errorf("enable source %q: %w", id, source.ErrConflict)
}

// ImportOPML adds every feed of an OPML file, or none when the file or one
// of its feeds is invalid, and returns how many it added. Ids are slugs of
// the titles, suffixed -2, -3, … when taken.
func ImportOPML(ctx context.Context, reg *source.Registry, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("import sources: %w", err)
	}
	defer f.Close()
	outs, err := opml.Parse(f)
	if err != nil {
		return 0, fmt.Errorf("import %s: %w (nothing imported)", path, err)
	}
	existing := map[string]bool{}
	have, err := reg.List(ctx)
	if err != nil {
		return 0, err
	}
	for _, s := range have {
		existing[s.ID] = true
	}
	var add []source.Source
	for _, o := range outs {
		base := config.Slug(o.Title)
		if base == "" {
			base = config.Slug(o.XMLURL)
		}
		id := base
		for n := 2; existing[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		existing[id] = true
		s := source.Source{ID: id, Name: o.Title, Kind: source.KindFeed, URL: o.XMLURL, Language: o.Language, Localities: o.Localities, Origin: source.OriginAPI}
		if err := s.Validate(); err != nil {
			return 0, fmt.Errorf("import %s: %w (nothing imported)", path, err)
		}
		add = append(add, s)
	}
	for _, s := range add {
		if err := reg.Put(ctx, s); err != nil {
			return 0, fmt.Errorf("import %s: %w", path, err)
		}
	}
	return len(add), nil
}

// ExportOPML writes every feed source as OPML 2.0.
func ExportOPML(ctx context.Context, reg *source.Registry, w io.Writer) error {
	srcs, err := reg.List(ctx)
	if err != nil {
		return err
	}
	var outs []opml.Outline
	for _, s := range srcs {
		if s.Kind != source.KindFeed {
			continue
		}
		outs = append(outs, opml.Outline{Title: s.Name, XMLURL: s.URL, Language: s.Language, Localities: s.Localities})
	}
	return opml.Write(w, "Vigie sources", outs)
}
