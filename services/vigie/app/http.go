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
	"vigie/services/publisher"
)

// serveHTTP mounts every route behind the cross-origin protection and the
// authenticator (the route policy decides who may call what) and serves
// on the listener bound by listen.
func (a *App) serveHTTP(context.Context) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.metrics.Handler())
	if a.publisher != nil {
		for _, p := range publisher.Routes {
			mux.Handle(p, a.publisher) // public: verdict pages and feeds
		}
	}
	if a.alerter != nil {
		mux.Handle("/feeds/alerts/", a.alerter.Handler()) // private feeds: the token in the URL is the credential
		mux.Handle("/api/v1/subscriptions", a.alerter.APIHandler())
		mux.Handle("/api/v1/subscriptions/", a.alerter.APIHandler())
	}
	if a.intake != nil {
		mux.Handle("/api/v1/intake", a.intake) // no method in the pattern: the handler answers 405 itself, in JSON
	}
	if a.cfg.Runs("reviewer") {
		mux.Handle("/", a.rev.Handler())
	} else {
		mux.Handle("/", a.rev.OpsHandler())
	}
	cop, err := account.CrossOrigin(a.cfg.Auth.TrustedOrigins...)
	if err != nil {
		return fmt.Errorf("auth.trusted_origins: %w", err)
	}
	handler := cop.Handler(account.NewAuthenticator(a.accounts, a.cookie, nil, a.log).Middleware(mux))
	a.httpSrv = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := a.httpSrv.Serve(a.listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("http server stopped", zap.Error(err))
		}
	}()
	return nil
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
