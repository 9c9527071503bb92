package account_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"go.uber.org/zap"

	"vigie/pipeline/account"
)

// Example_wiring shows how the serving process puts the pieces together:
// cross-origin protection outside, then the authenticator, then the
// declared routes served through the policy built from them, so that none
// escapes the role check.
func Example_wiring() {
	var js jetstream.JetStream // from bus.Bus.JS
	ctx := context.Background()
	log := zap.NewNop()
	if js == nil {
		return // the example only compiles
	}
	store, err := account.Open(ctx, js, account.Config{TOTPRequired: true}, log)
	if err != nil {
		panic(err)
	}
	if pw, created, err := store.EnsureAdmin(ctx); err == nil && created {
		fmt.Println("first start: log in as admin with the one-time password", pw)
	}
	cookie := account.Cookie{Insecure: false}
	// Each route is declared with who may call it, where its handler is
	// registered; the policy is built from the declarations.
	routes := []account.Route{
		{Pattern: "POST /login", Access: account.AccessPublic, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			secret, sess, err := store.Login(r.Context(), account.LoginRequest{
				Name: r.PostFormValue("name"), Password: r.PostFormValue("password"), TOTPCode: r.PostFormValue("code"),
				IP: account.ClientIP(r, []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}), UserAgent: r.UserAgent(),
			})
			var rl *account.RateLimitError
			switch {
			case errors.As(err, &rl):
				w.Header().Set("Retry-After", fmt.Sprint(int(rl.RetryAfter/time.Second)))
				http.Error(w, rl.Error(), http.StatusTooManyRequests)
			case errors.Is(err, account.ErrTOTPRequired):
				http.Error(w, "enter your two-factor code", http.StatusUnauthorized)
			case err != nil:
				http.Error(w, "invalid user name or password", http.StatusUnauthorized)
			default:
				cookie.Set(w, secret, sess.Expires)
				http.Redirect(w, r, "/queue", http.StatusSeeOther)
			}
		})},
		{Pattern: "GET /api/v1/claims", Access: account.AccessReview, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, _ := account.FromContext(r.Context()) // always set here: the policy let only review roles in
			fmt.Fprintln(w, "claims for", p.User)
		})},
	}
	policy := account.NewPolicy(routes...)
	mux := policy.Mux(routes, nil)
	cop, err := account.CrossOrigin()
	if err != nil {
		panic(err)
	}
	handler := cop.Handler(account.NewAuthenticator(store, cookie, nil, log).Middleware(mux))
	_ = &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
}
