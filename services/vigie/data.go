package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/services/vigie/config"
)

// openData connects to the NATS server behind a data folder: the external
// server named by VIGIE_NATS_URL (with VIGIE_NATS_USER and
// VIGIE_NATS_PASSWORD_FILE) when set; else the one a running `vigie serve`
// wrote into the folder; else, when none runs, an embedded server started
// on the folder for the duration of the command.
func openData(ctx context.Context, dir string, log *zap.Logger) (*bus.Bus, func(), error) {
	cfg, err := config.Load("", os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	top := bus.DefaultTopology()
	top.Replicas = cfg.NATS.Replicas
	if len(cfg.NATS.URL) > 0 {
		conn := natsConnect(cfg, "vigie-cli")
		if cfg.NATS.PasswordFile != "" {
			b, err := os.ReadFile(cfg.NATS.PasswordFile)
			if err != nil {
				return nil, nil, fmt.Errorf("read nats.password_file: %w", err)
			}
			conn.Password = strings.TrimSpace(string(b))
		}
		b, err := bus.Connect(ctx, conn, top, log)
		if err != nil {
			return nil, nil, err
		}
		if err := b.Apply(ctx); err != nil {
			b.Close()
			return nil, nil, err
		}
		return b, b.Close, nil
	}
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
