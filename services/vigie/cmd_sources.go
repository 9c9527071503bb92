package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"vigie/pipeline/source"
	"vigie/services/vigie/ops"
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
	reg, closeReg, err := ops.OpenSources(ctx, *data)
	if err != nil {
		return err
	}
	defer closeReg()
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
		s := source.Source{ID: *id, Name: *name, Kind: *kind, URL: *url, Language: *lang, Localities: splitCodes(*locs), Interval: *interval}
		if *allowPrivate != "" {
			s.AllowPrivateNetworks = *allowPrivate == "true"
		}
		s, err := ops.AddSource(ctx, reg, s)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added source %s\n", s.ID)
		return nil
	case "update":
		sid, err := arg("source id")
		if err != nil {
			return err
		}
		c := ops.SourceChange{Name: *name, URL: *url, Kind: *kind, Language: *lang, Interval: *interval}
		if *locs != "" {
			c.Localities = append([]string{}, splitCodes(*locs)...)
		}
		if *allowPrivate != "" {
			allow := *allowPrivate == "true"
			c.AllowPrivateNetworks = &allow
		}
		s, err := ops.UpdateSource(ctx, reg, sid, c)
		if err != nil {
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
		if err := ops.EnableSource(ctx, reg, sid); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "enabled source %s\n", sid)
		return nil
	case "import":
		path, err := arg("OPML file")
		if err != nil {
			return err
		}
		n, err := ops.ImportOPML(ctx, reg, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %d sources from %s\n", n, path)
		return nil
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
		return ops.ExportOPML(ctx, reg, w)
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
	rows, err := ops.ListSources(ctx, reg)
	if err != nil {
		return err
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
