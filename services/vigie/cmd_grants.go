package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"vigie/pipeline/subscription"
	"vigie/services/vigie/ops"
)

const grantsUsage = `Usage:
  vigie grants set --data DIR --user NAME --locality CODE[,CODE...] [--max-subscriptions N]
  vigie grants list --data DIR [--json]

A subscriber follows only the localities an administrator granted it (its
own --locality counts as granted); set replaces the user's grant. The same
is done over the API: PUT /api/v1/grants/{user}.
`

// runGrants manages the localities and limits granted to subscribers.
func runGrants(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, grantsUsage)
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("vigie grants "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, grantsUsage) }
	data := fs.String("data", "./vigie-data", "data `folder`")
	user := fs.String("user", "", "subscriber's user `name`")
	locs := fs.String("locality", "", "locality `codes`, comma-separated, e.g. PT-1312,PT-1308")
	maxSubs := fs.Int("max-subscriptions", 0, "subscriptions the user may have (0: the default, 10)")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return errUsage
	}
	if len(pos) > 0 {
		return usageErr(stderr, grantsUsage, "unexpected argument %q", pos[0])
	}
	switch sub {
	case "set":
		if *user == "" || *locs == "" {
			return usageErr(stderr, grantsUsage, "grants set needs --user and --locality")
		}
	case "list":
	default:
		return usageErr(stderr, grantsUsage, "unknown grants command %q", sub)
	}
	gs, closeFn, err := ops.OpenGrants(ctx, *data)
	if err != nil {
		return err
	}
	defer closeFn()
	if sub == "set" {
		g, err := gs.Set(ctx, subscription.Grant{Owner: *user, Localities: strings.Split(*locs, ","), MaxSubscriptions: *maxSubs, By: "cli"})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s may follow %s (at most %d subscriptions)\n", g.Owner, strings.Join(g.Localities, ", "), g.MaxSubs())
		return nil
	}
	list, err := gs.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if list == nil {
			list = []subscription.Grant{}
		}
		return json.NewEncoder(stdout).Encode(map[string]any{"grants": list})
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tLOCALITIES\tMAX SUBSCRIPTIONS\tBY")
	for _, g := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", g.Owner, strings.Join(g.Localities, ","), g.MaxSubs(), dash(g.By))
	}
	return tw.Flush()
}
