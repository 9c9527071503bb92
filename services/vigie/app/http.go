package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/pipeline/httpapi"
)

// serveHTTP mounts every route behind the cross-origin protection and the
// authenticator and serves on the listener bound by listen. The route
// policy that decides who may call what is built from the routes the
// services declare (routes), adjusted by Options.Policy.
func (a *App) serveHTTP(context.Context) error {
	metricsRoute := account.Route{Pattern: "GET /metrics", Access: account.AccessPublic, Handler: a.metrics.Handler()}
	a.policy = account.NewPolicy(append(a.routes(), metricsRoute)...)
	if a.opt.Policy != nil {
		a.opt.Policy(a.policy)
	}
	// Each service's handler is mounted by its own routes; the reviewer
	// (or, in a process without it, its operations routes) answers every
	// other path.
	mux := http.NewServeMux()
	a.policy.Handle(mux, metricsRoute, nil)
	if a.publisher != nil {
		account.Mount(mux, a.publisher.Handler(a.policy), a.publisher.Routes()...) // public: verdict pages and feeds
	}
	if a.alerter != nil {
		// Private feeds (the token in the URL is the credential) and the subscriptions API.
		account.Mount(mux, a.alerter.Handler(a.policy), a.alerter.Routes()...)
	}
	if a.intake != nil {
		account.Mount(mux, a.intake.Handler(a.policy), a.intake.Routes()...) // the handler answers 405 itself, in JSON
	}
	if a.cfg.Runs("reviewer") {
		mux.Handle("/", a.rev.Handler(a.policy))
	} else {
		mux.Handle("/", a.rev.OpsHandler(a.policy))
	}
	cop, err := account.CrossOrigin(a.cfg.Auth.TrustedOrigins...)
	if err != nil {
		return fmt.Errorf("auth.trusted_origins: %w", err)
	}
	// A bad API token is refused like every API error, in JSON.
	handler := cop.Handler(account.NewAuthenticator(a.accounts, a.cookie, httpapi.Deny, a.log).Middleware(mux))
	a.httpSrv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := a.httpSrv.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server stopped", zap.Error(err))
		}
	}()
	return nil
}

// routes are the routes the services of this process declare, with who may
// call each: the reviewer's (or only its operations routes), the
// publisher's, the alerter's and the intake's.
func (a *App) routes() []account.Route {
	routes := a.rev.OpsRoutes()
	if a.cfg.Runs("reviewer") {
		routes = a.rev.Routes()
	}
	if a.publisher != nil {
		routes = append(routes, a.publisher.Routes()...)
	}
	if a.alerter != nil {
		routes = append(routes, a.alerter.Routes()...)
	}
	if a.intake != nil {
		routes = append(routes, a.intake.Routes()...)
	}
	return routes
}

// trustedProxies parses auth.trusted_proxies (validated when the
// configuration was loaded).
func trustedProxies(cidrs []string) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range cidrs {
		if p, err := netip.ParsePrefix(c); err == nil {
			out = append(out, p)
		}
	}
	return out
}
