package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/opml"
	"vigie/pipeline/source"
	"vigie/services/vigie/config"
)

const sourcesUsage = `usage: vigie sources COMMAND [--data DIR] ...
  list [--json]                                   every source with its status
  add --name NAME --url URL [--id ID] [--kind feed] [--language L] [--localities A,B] [--interval 10m] [--allow-private]
  update ID [--name N] [--url U] [--language L] [--localities A,B] [--interval D] [--allow-private=true|false]
  remove ID
  enable ID                                       re-enable a source disabled after failures
  import FILE.opml                                add every feed of an OPML file (all or nothing)
  export [FILE.opml]                              write every feed source as OPML 2.0 (stdout by default)
`

// runSources manages sources in the registry of a data folder; a running
// `vigie serve` picks the changes up at once.
func runSources(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, sourcesUsage)
		return errUsage
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("vigie sources "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	asJSON := fs.Bool("json", false, "print JSON (list)")
	name := fs.String("name", "", "source name")
	id := fs.String("id", "", "immutable source id (default: a slug of the name)")
	kind := fs.String("kind", "", "feed, mastodon or bluesky")
	url := fs.String("url", "", "feed URL")
	lang := fs.String("language", "", "language hint")
	locs := fs.String("localities", "", "municipality codes, comma-separated")
	interval := fs.Duration("interval", 0, "polling interval")
	allowPrivate := fs.String("allow-private", "", "allow private network addresses for this source (true/false)")
	// Flags may follow the positional argument: vigie sources update ID --url U.
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return errUsage
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	b, closeBus, err := openData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeBus()
	kv, err := b.KV(ctx, bus.BucketSources)
	if err != nil {
		return err
	}
	reg := source.NewRegistry(kv)
	arg := func(what string) (string, error) {
		if len(pos) != 1 {
			return "", fmt.Errorf("vigie sources %s: want exactly one %s", cmd, what)
		}
		return pos[0], nil
	}
	switch cmd {
	case "list":
		return listSources(ctx, reg, *asJSON, stdout)
	case "add":
		s := source.Source{ID: *id, Name: *name, Kind: *kind, URL: *url, Language: *lang, Localities: splitCodes(*locs), Interval: *interval, Origin: source.OriginAPI}
		if s.ID == "" {
			s.ID = config.Slug(s.Name)
		}
		if *allowPrivate != "" {
			s.AllowPrivateNetworks = *allowPrivate == "true"
		}
		if _, err := reg.Get(ctx, s.ID); err == nil {
			return fmt.Errorf("source %q exists already: use vigie sources update", s.ID)
		}
		if err := reg.Put(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added source %s\n", s.ID)
		return nil
	case "update":
		sid, err := arg("source id")
		if err != nil {
			return err
		}
		s, err := reg.Get(ctx, sid)
		if err != nil {
			return err
		}
		if *name != "" {
			s.Name = *name
		}
		if *url != "" {
			s.URL = *url
		}
		if *kind != "" {
			s.Kind = *kind
		}
		if *lang != "" {
			s.Language = *lang
		}
		if *locs != "" {
			s.Localities = splitCodes(*locs)
		}
		if *interval != 0 {
			s.Interval = *interval
		}
		if *allowPrivate != "" {
			s.AllowPrivateNetworks = *allowPrivate == "true"
		}
		if err := reg.Put(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "updated source %s\n", s.ID)
		return nil
	case "remove":
		sid, err := arg("source id")
		if err != nil {
			return err
		}
		if err := reg.Delete(ctx, sid); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed source %s\n", sid)
		return nil
	case "enable":
		sid, err := arg("source id")
		if err != nil {
			return err
		}
		return enableSource(ctx, reg, sid, stdout)
	case "import":
		path, err := arg("OPML file")
		if err != nil {
			return err
		}
		return importOPML(ctx, reg, path, stdout)
	case "export":
		w := stdout
		if len(pos) == 1 {
			f, err := os.Create(pos[0])
			if err != nil {
				return fmt.Errorf("export sources: %w", err)
			}
			defer f.Close()
			w = f
		}
		return exportOPML(ctx, reg, w)
	}
	fmt.Fprintf(stderr, "vigie sources: unknown command %q\n%s", cmd, sourcesUsage)
	return errUsage
}

func splitCodes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func listSources(ctx context.Context, reg *source.Registry, asJSON bool, w io.Writer) error {
	srcs, err := reg.List(ctx)
	if err != nil {
		return err
	}
	type row struct {
		source.Source
		State source.State `json:"state"`
	}
	rows := make([]row, 0, len(srcs))
	for _, s := range srcs {
		st, _, err := reg.State(ctx, s.ID)
		if err != nil {
			return err
		}
		rows = append(rows, row{s, st})
	}
	if asJSON {
		return json.NewEncoder(w).Encode(map[string]any{"sources": rows})
	}
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKIND\tSTATUS\tITEMS\tLAST FETCH\tURL\tLAST ERROR")
	for _, r := range rows {
		last := "-"
		if !r.State.LastFetch.IsZero() {
			last = r.State.LastFetch.Format(time.RFC3339)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", r.ID, r.Kind, r.State.Status, r.State.Items, last, r.URL, r.State.LastError)
	}
	return tw.Flush()
}

func enableSource(ctx context.Context, reg *source.Registry, id string, w io.Writer) error {
	s, err := reg.Get(ctx, id)
	if err != nil {
		return err
	}
	for attempt := 0; attempt < 5; attempt++ {
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
		if err := reg.Put(ctx, s); err != nil {
			return err
		}
		fmt.Fprintf(w, "enabled source %s\n", id)
		return nil
	}
	return fmt.Errorf("enable source %q: %w", id, source.ErrConflict)
}

// importOPML adds every feed of an OPML file, or none when the file or one of its feeds is invalid.
func importOPML(ctx context.Context, reg *source.Registry, path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import sources: %w", err)
	}
	defer f.Close()
	outs, err := opml.Parse(f)
	if err != nil {
		return fmt.Errorf("import %s: %w (nothing imported)", path, err)
	}
	existing := map[string]bool{}
	have, err := reg.List(ctx)
	if err != nil {
		return err
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
			return fmt.Errorf("import %s: %w (nothing imported)", path, err)
		}
		add = append(add, s)
	}
	for _, s := range add {
		if err := reg.Put(ctx, s); err != nil {
			return fmt.Errorf("import %s: %w", path, err)
		}
	}
	fmt.Fprintf(w, "imported %d sources from %s\n", len(add), path)
	return nil
}

func exportOPML(ctx context.Context, reg *source.Registry, w io.Writer) error {
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
