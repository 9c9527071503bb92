package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"go.uber.org/zap"
)

// runStatus prints the streams and consumers of the server that serves a data folder.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vigie status", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./vigie-data", "data `folder`")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	b, closeFn, err := openData(ctx, *data, zap.NewNop())
	if err != nil {
		return err
	}
	defer closeFn()
	type streamInfo struct {
		Name     string `json:"name"`
		Messages uint64 `json:"messages"`
		Bytes    uint64 `json:"bytes"`
	}
	var out []streamInfo
	for _, sc := range b.Topology().Streams() {
		st, err := b.JS.Stream(ctx, sc.Name)
		if err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			return fmt.Errorf("stream %s: %w", sc.Name, err)
		}
		out = append(out, streamInfo{Name: sc.Name, Messages: info.State.Msgs, Bytes: info.State.Bytes})
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"streams": out})
	}
	for _, s := range out {
		fmt.Fprintf(stdout, "%-9s %8d messages %10d bytes\n", s.Name, s.Messages, s.Bytes)
	}
	return nil
}
