package main

import (
	"context"
	"fmt"
	"path/filepath"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
)

// openData connects to the NATS server of a data folder: through the
// endpoint a running `vigie serve` wrote, or, when none runs, by starting
// an embedded server on the folder for the duration of the command.
func openData(ctx context.Context, dir string, log *zap.Logger) (*bus.Bus, func(), error) {
	top := bus.DefaultTopology()
	if ep, err := bus.ReadEndpoint(dir); err == nil && processAlive(ep.PID) {
		b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{ep.URL}, User: ep.User, Password: ep.Password, Name: "vigie-cli"}, top, log)
		if err == nil {
			return b, b.Close, nil
		}
		return nil, nil, fmt.Errorf("connect to the vigie serving %s (pid %d): %w", dir, ep.PID, err)
	}
	emb, err := bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(dir, "nats")}, log)
	if err != nil {
		return nil, nil, err
	}
	ep := emb.Endpoint()
	b, err := bus.Connect(ctx, bus.ConnectConfig{URLs: []string{ep.URL}, User: ep.User, Password: ep.Password, Name: "vigie-cli"}, top, log)
	if err != nil {
		emb.Shutdown()
		return nil, nil, err
	}
	if err := b.Apply(ctx); err != nil {
		b.Close()
		emb.Shutdown()
		return nil, nil, err
	}
	return b, func() { b.Close(); emb.Shutdown() }, nil
}
