package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"vigie/pipeline/disk"
	"vigie/services/vigie/ops"
)

// runStatus prints the streams and consumers of the server that serves a
// data folder, and the folder's free space.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	st, err := ops.ReadStatus(ctx, *data)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(st)
	}
	for _, s := range st.Streams {
		fmt.Fprintf(stdout, "%-9s %8d messages %10d bytes\n", s.Name, s.Messages, s.Bytes)
	}
	if di := st.Disk; di != nil {
		state := "ok"
		if di.Low {
			state = "NEARLY FULL: new items are refused"
		}
		fmt.Fprintf(stdout, "data folder %s: %s free of %s (reserve %s): %s\n", di.Dir, disk.Bytes(di.Free), disk.Bytes(di.Total), disk.Bytes(di.Reserve), state)
	}
	return nil
}
