package demo

import (
	"context"
	"fmt"
	"io"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
)

// Demo is Vigie running with the demo's content.
type Demo struct {
	app   *app.App
	feeds *feedServer
}

// Start starts Vigie as `vigie serve --demo` does: the sample feeds' server
// (when the process runs the ingester), the application with the demo's
// sources, fact-checks, gazetteer and anonymous read-only claims API
// added to opt, then the demo accounts and the seeded verdict and
// subscription. It writes to opt.Out what a newcomer needs: passwords,
// the API token, links, and a curl to try.
func Start(ctx context.Context, cfg config.Config, opt app.Options) (_ *Demo, err error) {
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	if opt.Log == nil {
		opt.Log = zap.NewNop()
	}
	d := &Demo{}
	defer func() {
		if err != nil && d.feeds != nil {
			d.feeds.close()
		}
	}()
	if opt, err = d.options(cfg, opt); err != nil {
		return nil, err
	}
	if d.app, err = app.Start(ctx, cfg, opt); err != nil {
		return nil, err
	}
	if err := d.welcome(ctx, opt.Out); err != nil {
		_ = d.app.Shutdown(context.WithoutCancel(ctx))
		return nil, err
	}
	return d, nil
}

// options adds the demo's content to opt.
func (d *Demo) options(cfg config.Config, opt app.Options) (app.Options, error) {
	if cfg.Runs("ingester") {
		fs, err := startFeedServer(opt.Log)
		if err != nil {
			return opt, err
		}
		d.feeds = fs
		opt.Sources = append(opt.Sources, fs.sources()...)
		opt.AllowAddrs = append(opt.AllowAddrs, fs.addr)
	}
	fcs, err := factChecks()
	if err != nil {
		return opt, err
	}
	opt.FactChecks = append(opt.FactChecks, fcs...)
	locs, err := localities()
	if err != nil {
		return opt, err
	}
	opt.Localities = append(opt.Localities, locs...)
	adjust := opt.Policy
	opt.Policy = func(p *account.Policy) {
		if adjust != nil {
			adjust(p)
		}
		// The demo answers the read-only claims API without a token, so
		// that the first curl of a new user works; a real install requires
		// one. (A process that does not run the reviewer serves no claims.)
		if p.Declared("GET /api/v1/claims") {
			p.Allow("GET /api/v1/claims", account.RoleAnonymous)
		}
	}
	return opt, nil
}

// welcome creates the demo accounts, seeds the sample verdict and
// subscription, and tells the newcomer how to try it all.
func (d *Demo) welcome(ctx context.Context, out io.Writer) error {
	a := d.app
	users, err := a.Accounts().DemoUsers(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Demo accounts (for trying Vigie only):")
	for _, u := range users.Users {
		fmt.Fprintf(out, "  %-17s role %-11s password %s\n", u.Name, u.Role, u.Password)
	}
	fmt.Fprintf(out, "Demo read-only API token (user %s): %s\n", users.TokenUser, users.Token)
	if err := seed(ctx, seedDeps{Review: a.Review(), Subscriptions: a.Subscriptions(), BaseURL: a.BaseURL(), Out: out}); err != nil {
		return err
	}
	a.Announce(out)
	if d.feeds != nil {
		fmt.Fprintf(out, "Demo: %d sample feeds served from http://%s/ ; try:\n  curl -H 'Authorization: Bearer %s' 'http://%s/api/v1/claims?q='\n",
			len(feeds), d.feeds.addr, users.Token, a.HTTPAddr())
	}
	return nil
}

// App is the running application.
func (d *Demo) App() *app.App { return d.app }

// Shutdown stops the application (see app.App.Shutdown), then the sample
// feeds' server.
func (d *Demo) Shutdown(ctx context.Context) error {
	err := d.app.Shutdown(ctx)
	if d.feeds != nil {
		d.feeds.close()
	}
	return err
}
