package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"go.uber.org/zap"

	"vigie/pipeline/disk"
	"vigie/services/vigie/config"
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
	// The data folder's free space against the reserve of the configuration
	// in the environment (what `vigie serve` refuses new items under).
	cfg, err := config.Load("", os.LookupEnv)
	if err != nil {
		return err
	}
	guard := disk.NewGuard(*data, uint64(cfg.DataMinFree), nil)
	type diskInfo struct {
		Dir     string `json:"dir"`
		Free    uint64 `json:"free_bytes"`
		Total   uint64 `json:"total_bytes"`
		Reserve uint64 `json:"reserve_bytes"`
		Low     bool   `json:"low"`
	}
	var di *diskInfo
	if free, total, err := guard.Measure(); err == nil {
		di = &diskInfo{Dir: *data, Free: free, Total: total, Reserve: guard.Reserve(), Low: free < guard.Reserve()}
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(map[string]any{"streams": out, "disk": di})
	}
	for _, s := range out {
		fmt.Fprintf(stdout, "%-9s %8d messages %10d bytes\n", s.Name, s.Messages, s.Bytes)
	}
	if di != nil {
		state := "ok"
		if di.Low {
			state = "NEARLY FULL: new items are refused"
		}
		fmt.Fprintf(stdout, "data folder %s: %s free of %s (reserve %s): %s\n", di.Dir, disk.Bytes(di.Free), disk.Bytes(di.Total), disk.Bytes(di.Reserve), state)
	}
	return nil
}
