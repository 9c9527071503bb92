package account

import "context"

// Principal is who a request acts for.
type Principal struct {
	User     string `json:"user"`
	Role     string `json:"role"`
	Locality string `json:"locality,omitempty"`
	Language string `json:"language,omitempty"`
	// Via is how the request authenticated: ViaSession or ViaToken.
	Via string `json:"via"`
	// SessionID or TokenID names the credential (hashes, safe to log).
	SessionID string `json:"session_id,omitempty"`
	TokenID   string `json:"token_id,omitempty"`
	// ReadOnly principals (read-scoped tokens) may only use safe methods.
	ReadOnly bool `json:"read_only,omitempty"`
	// MustEnrolTOTP: the role requires two-factor login and the user has not
	// enrolled yet; only routes marked for enrolment are open.
	MustEnrolTOTP bool `json:"must_enrol_totp,omitempty"`
	// MustChangePassword: the user logged in with a one-time password; the
	// UI should send it to the password form (not enforced by Require).
	MustChangePassword bool `json:"must_change_password,omitempty"`
}

// How a principal authenticated.
const (
	ViaSession = "session"
	ViaToken   = "token"
)

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal of a request; ok is false for anonymous requests.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// sessionPrincipal builds the principal of a session.
func sessionPrincipal(sess Session, u User) Principal {
	return Principal{User: u.Name, Role: u.Role, Locality: u.Locality, Language: u.Language, Via: ViaSession,
		SessionID: sess.ID, MustEnrolTOTP: sess.MustEnrolTOTP && !u.TOTPEnabled, MustChangePassword: u.MustChangePassword}
}

// tokenPrincipal builds the principal of an API token.
func tokenPrincipal(t Token, u User) Principal {
	return Principal{User: u.Name, Role: u.Role, Locality: u.Locality, Language: u.Language, Via: ViaToken,
		TokenID: t.ID, ReadOnly: t.Scope != ScopeFull}
}
