package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"vigie/pipeline/matchermodel"
	"vigie/services/vigie/ops"
)

const modelUsage = `Usage:
  vigie model show [--data DIR] [--json]      the matcher model in use and the one it replaced
  vigie model use FILE [--data DIR]           use a model file (vigie train matcher --judgements … --out FILE)
  vigie model shipped [--data DIR]            use the shipped model again
  vigie model revert [--data DIR]             go back to the model the last switch replaced

Every matcher follows the choice (a running server switches on its next
item); the model itself is stored with it. Compare a model with the shipped
one first: vigie eval match --judgements F --model FILE. The admin page
shows the model in use and switches back (POST /api/v1/matcher/model).
`

// runModel shows and switches the matcher's re-ranking model.
func runModel(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, modelUsage)
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("vigie model "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, modelUsage) }
	data := fs.String("data", "./vigie-data", "data `folder`")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return errUsage
	}
	want := 0
	switch sub {
	case "use":
		want = 1
	case "show", "shipped", "revert":
	default:
		return usageErr(stderr, modelUsage, "unknown model command %q", sub)
	}
	if len(pos) != want {
		return usageErr(stderr, modelUsage, "model %s takes %d argument(s)", sub, want)
	}
	var model []byte
	if sub == "use" {
		if model, err = os.ReadFile(pos[0]); err != nil {
			return fmt.Errorf("read model: %w", err)
		}
	}
	st, closeFn, err := ops.OpenMatcherModel(ctx, *data)
	if err != nil {
		return err
	}
	defer closeFn()
	var s matchermodel.Setting
	switch sub {
	case "show":
		s, err = st.Current(ctx)
	case "use":
		s, err = st.Use(ctx, filepath.Base(pos[0]), model, "cli")
	case "shipped":
		s, err = st.UseShipped(ctx, "cli")
	case "revert":
		s, err = st.Revert(ctx, "cli")
	}
	if err != nil {
		return err
	}
	if *asJSON {
		s.Model = nil
		if s.Previous != nil {
			s.Previous.Model = nil
		}
		return json.NewEncoder(stdout).Encode(s)
	}
	fmt.Fprintf(stdout, "matcher model: %s\n", describeModel(s))
	if s.Previous != nil {
		fmt.Fprintf(stdout, "replaced: %s\n", describeModel(*s.Previous))
	}
	return nil
}

func describeModel(s matchermodel.Setting) string {
	name := s.Source
	if s.IsShipped() {
		name = "shipped"
	}
	if s.By == "" {
		return name
	}
	return fmt.Sprintf("%s (by %s, %s)", name, s.By, s.At.Format("2006-01-02 15:04 UTC"))
}
