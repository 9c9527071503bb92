package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
	"vigie/services/vigie/demo"
)

// serveFlags are the flags of `vigie serve`; a flag given wins over the file and the environment.
type serveFlags struct {
	config string
	demo   bool
	config.Overrides
}

func parseServeFlags(args []string, stderr io.Writer) (serveFlags, *flag.FlagSet, error) {
	var f serveFlags
	fs := flag.NewFlagSet("vigie serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "YAML configuration `file`")
	fs.StringVar(&f.Data, "data", "", "data `folder` (default ./vigie-data)")
	fs.StringVar(&f.HTTPAddr, "http", "", "HTTP listen `address` (default 127.0.0.1:8080)")
	fs.StringVar(&f.NATSURL, "nats-url", "", "external NATS server `urls`, comma-separated (default: embedded server)")
	fs.StringVar(&f.Index, "index", "", "search backend: bleve or meilisearch")
	fs.StringVar(&f.MeiliURL, "meili-url", "", "Meilisearch `url`")
	fs.StringVar(&f.MeiliKeyFile, "meili-key-file", "", "`file` holding the Meilisearch key")
	fs.StringVar(&f.Only, "only", "", "run only these `services`, comma-separated: ingester,matcher,indexer,reviewer (default all)")
	fs.BoolVar(&f.demo, "demo", false, "serve bundled sample feeds and fact-checks from a loopback server")
	if err := fs.Parse(args); err != nil {
		return f, fs, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigie serve: unexpected argument %q\n", fs.Arg(0))
		return f, fs, errUsage
	}
	return f, fs, nil
}

// loadConfig applies file, environment, then flags.
func loadConfig(f serveFlags) (config.Config, error) {
	cfg, err := config.Load(f.config, os.LookupEnv)
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.Apply(f.Overrides)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, _, err := parseServeFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(f)
	if err != nil {
		return err
	}
	log, err := app.NewLogger(cfg.Log.Level, cfg.Log.Format, stderr)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			log.Info("shutting down", zap.String("signal", s.String()))
			cancel()
		case <-ctx.Done():
			return
		}
		s := <-sigs
		log.Warn("second signal, exiting at once", zap.String("signal", s.String()))
		os.Exit(1)
	}()

	shutdown, err := start(ctx, cfg, f.demo, app.Options{Log: log, Out: stdout})
	if err != nil {
		return err
	}
	<-ctx.Done()
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.Shutdown.Timeout.D())
	defer scancel()
	return shutdown(sctx)
}

// start starts the application, or the demo, and returns its Shutdown.
func start(ctx context.Context, cfg config.Config, withDemo bool, opt app.Options) (func(context.Context) error, error) {
	if withDemo {
		d, err := demo.Start(ctx, cfg, opt)
		if err != nil {
			return nil, err
		}
		return d.Shutdown, nil
	}
	a, err := app.Start(ctx, cfg, opt)
	if err != nil {
		return nil, err
	}
	a.Announce(opt.Out)
	return a.Shutdown, nil
}
