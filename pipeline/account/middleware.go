package account

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"vigie/claims"

	"go.uber.org/zap"
)

// DenyFunc writes a refusal: status is 401, 403 or 503, reason a short sentence.
type DenyFunc func(w http.ResponseWriter, r *http.Request, status int, reason string)

// PlainDeny is the default DenyFunc: a text/plain body with reason. A 401
// carries WWW-Authenticate: Bearer.
func PlainDeny(w http.ResponseWriter, r *http.Request, status int, reason string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
	}
	http.Error(w, reason, status)
}

// Authenticator resolves the principal of each request from an
// "Authorization: Bearer vig_…" header or the session cookie and puts it in
// the request context (FromContext). A request with neither goes on
// anonymous; a bad bearer token is refused with 401 at once (a client that
// sends a credential wants to know it failed), a bad or expired session
// cookie is cleared and the request goes on anonymous.
type Authenticator struct {
	store  *Store
	cookie Cookie
	deny   DenyFunc
	log    *zap.Logger
}

// NewAuthenticator returns an Authenticator over store; deny nil means PlainDeny.
func NewAuthenticator(store *Store, cookie Cookie, deny DenyFunc, log *zap.Logger) *Authenticator {
	if deny == nil {
		deny = PlainDeny
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Authenticator{store: store, cookie: cookie, deny: deny, log: log}
}

// Cookie returns the session cookie helper.
func (a *Authenticator) Cookie() Cookie { return a.cookie }

// Middleware wraps next with principal resolution.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if token, isBearer, err := ParseBearer(r.Header.Get("Authorization")); isBearer {
			if err != nil {
				a.deny(w, r, http.StatusUnauthorized, "malformed api token")
				return
			}
			t, u, err := a.store.LookupToken(ctx, token)
			if err != nil {
				if isCredentialErr(err) {
					a.deny(w, r, http.StatusUnauthorized, "unknown or revoked api token")
					return
				}
				a.log.Error("api token lookup failed", zap.Error(err))
				a.deny(w, r, http.StatusServiceUnavailable, "authentication unavailable")
				return
			}
			next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, tokenPrincipal(t, u))))
			return
		}
		secret, hasCookie, err := a.cookie.Read(r)
		if !hasCookie {
			next.ServeHTTP(w, r)
			return
		}
		if err == nil {
			var sess Session
			var u User
			sess, u, err = a.store.Session(ctx, secret)
			if err == nil {
				next.ServeHTTP(w, r.WithContext(WithPrincipal(ctx, sessionPrincipal(sess, u))))
				return
			}
		}
		if !isCredentialErr(err) {
			a.log.Error("session lookup failed", zap.Error(err))
			a.deny(w, r, http.StatusServiceUnavailable, "authentication unavailable")
			return
		}
		a.cookie.Clear(w)
		next.ServeHTTP(w, r)
	})
}

// isCredentialErr tells a bad credential from a failing store.
func isCredentialErr(err error) bool {
	return errors.Is(err, ErrMalformedCredential) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrExpired)
}

// Require lets through requests whose principal has one of roles: 401 for
// anonymous requests, 403 for another role, for a read-only token on an
// unsafe method, and for a session that must first enrol two-factor login.
// It must run inside Authenticator.Middleware.
func Require(roles ...string) func(http.Handler) http.Handler {
	return RequireWith(PlainDeny, roles...)
}

// RequireWith is Require with a custom refusal writer.
func RequireWith(deny DenyFunc, roles ...string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status, reason := decide(r, roles, false); status != 0 {
				deny(w, r, status, reason)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RequireLogin lets through any authenticated principal, including a
// session that still has to enrol two-factor login: for the enrolment and
// logout routes. Read-only tokens still may not use unsafe methods.
func RequireLogin() func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if status, reason := decide(r, claims.Roles, true); status != 0 {
				PlainDeny(w, r, status, reason)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// decide returns 0 to let r through, or the status and reason of a refusal.
func decide(r *http.Request, roles []string, enrolling bool) (int, string) {
	p, ok := FromContext(r.Context())
	if !ok {
		return http.StatusUnauthorized, "authentication required"
	}
	if p.MustEnrolTOTP && !enrolling {
		return http.StatusForbidden, "two-factor enrolment required"
	}
	if !slices.Contains(roles, p.Role) {
		return http.StatusForbidden, "forbidden for role " + p.Role
	}
	if p.ReadOnly && !safeMethod(r.Method) {
		return http.StatusForbidden, "read-only api token"
	}
	return 0, ""
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// CrossOrigin returns net/http's CrossOriginProtection (Sec-Fetch-Site and
// Origin checks) for state-changing requests, trusting the given extra
// origins (e.g. "https://review.example.org" behind a proxy that rewrites
// Host). Wrap the whole handler with its Handler method, outside the
// Authenticator. Requests without those headers (curl, API clients) pass.
func CrossOrigin(trustedOrigins ...string) (*http.CrossOriginProtection, error) {
	c := http.NewCrossOriginProtection()
	for _, o := range trustedOrigins {
		if err := c.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("trust origin %q: %w", o, err)
		}
	}
	return c, nil
}
