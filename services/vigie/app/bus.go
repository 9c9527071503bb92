package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/bus"
	"vigie/pipeline/source"
	"vigie/services/vigie/config"
)

// connectBus starts the embedded NATS server on DATA/nats — or connects to
// the external one of the configuration — and applies the topology.
func (a *App) connectBus(ctx context.Context) error {
	cfg := a.cfg
	top := bus.Topology{
		Replicas:        cfg.NATS.Replicas,
		DuplicateWindow: cfg.NATS.DuplicateWindow.D(),
		MaxDeliver:      cfg.NATS.MaxDeliver,
		AckWait:         cfg.NATS.AckWait.D(),
		ItemsMaxAge:     time.Duration(cfg.Retention.ItemsDays) * 24 * time.Hour,
	}
	conn, err := natsConnect(cfg, "vigie-serve")
	if err != nil {
		return err
	}
	if len(cfg.NATS.URL) == 0 {
		if ep, err := bus.ReadEndpoint(cfg.Data); err == nil && processAlive(ep.PID) && ep.PID != os.Getpid() {
			return fmt.Errorf("data folder %q is in use by vigie process %d", cfg.Data, ep.PID)
		}
		a.emb, err = bus.StartEmbedded(bus.EmbeddedConfig{StoreDir: filepath.Join(cfg.Data, "nats"), Port: cfg.NATS.Port}, a.log)
		if err != nil {
			return err
		}
		ep := a.emb.Endpoint()
		conn.URLs, conn.User, conn.Password = []string{ep.URL}, ep.User, ep.Password
	}
	if a.bus, err = bus.Connect(ctx, conn, top, a.log); err != nil {
		return err
	}
	if err := a.bus.Apply(ctx); err != nil {
		return err
	}
	a.ready = append(a.ready, a.bus.Ready, func(context.Context) error { return a.disk.Check() })
	if a.emb != nil {
		a.ready = append(a.ready, func(context.Context) error { return a.emb.StoreError() })
	}
	sourcesKV, err := a.bus.KV(ctx, bus.BucketSources)
	if err != nil {
		return err
	}
	a.registry = source.NewRegistry(sourcesKV)
	return nil
}

// natsConnect is how to reach the configured external NATS server, its
// password read from nats.password_file.
func natsConnect(cfg config.Config, name string) (bus.ConnectConfig, error) {
	conn := bus.ConnectConfig{
		URLs: cfg.NATS.URL, User: cfg.NATS.User, Name: name, CredsFile: cfg.NATS.CredsFile, NkeyFile: cfg.NATS.NkeyFile,
		TLSCA: cfg.NATS.TLSCA, TLSCert: cfg.NATS.TLSCert, TLSKey: cfg.NATS.TLSKey,
	}
	if len(cfg.NATS.URL) > 0 && cfg.NATS.PasswordFile != "" {
		b, err := os.ReadFile(cfg.NATS.PasswordFile)
		if err != nil {
			return conn, fmt.Errorf("read nats.password_file: %w", err)
		}
		conn.Password = strings.TrimSpace(string(b))
	}
	return conn, nil
}

// OpenData connects to the NATS server behind a data folder, for the
// subcommands other than serve: the external server named by VIGIE_NATS_URL
// (with VIGIE_NATS_USER and VIGIE_NATS_PASSWORD_FILE) when set; else the
// one a running `vigie serve` wrote into the folder; else, when none runs,
// an embedded server started on the folder until the returned close is
// called.
func OpenData(ctx context.Context, dir string, log *zap.Logger) (*bus.Bus, func(), error) {
	cfg, err := config.Load("", os.LookupEnv)
	if err != nil {
		return nil, nil, err
	}
	top := bus.DefaultTopology()
	top.Replicas = cfg.NATS.Replicas
	if len(cfg.NATS.URL) > 0 {
		conn, err := natsConnect(cfg, "vigie-cli")
		if err != nil {
			return nil, nil, err
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

// Serving returns the pid of the `vigie serve` that holds the data folder
// dir, and whether one does.
func Serving(dir string) (int, bool) {
	ep, err := bus.ReadEndpoint(dir)
	if err != nil || !processAlive(ep.PID) {
		return 0, false
	}
	return ep.PID, true
}

// processAlive reports whether a process with this pid exists.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
