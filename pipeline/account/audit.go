package account

import (
	"context"
	"time"
)

// Audit actions.
const (
	ActionUserCreate   = "user.create"
	ActionUserUpdate   = "user.update"
	ActionUserDisable  = "user.disable"
	ActionUserEnable   = "user.enable"
	ActionUserPassword = "user.password"
	ActionTOTPEnrol    = "user.totp_enrol"
	ActionTOTPConfirm  = "user.totp_confirm"
	ActionTOTPReset    = "user.totp_reset"
	ActionTokenCreate  = "token.create"
	ActionTokenRevoke  = "token.revoke"
	ActionLogin        = "session.login"
	ActionLoginFailed  = "session.login_failed"
	ActionLogout       = "session.logout"
)

// Event is one account change or login, for the audit log. It never holds
// a password, hash, secret or token.
type Event struct {
	Time time.Time `json:"time"`
	// Actor is the user who acted (the principal of ctx); empty for the
	// command line and start-up.
	Actor  string `json:"actor,omitempty"`
	Action string `json:"action"`
	// Subject is the user the action is about.
	Subject string `json:"subject"`
	// Before and After are the user around a change, when it has both.
	Before *User `json:"before,omitempty"`
	After  *User `json:"after,omitempty"`
	// TokenID names the token of token actions; IP the client of logins.
	TokenID string `json:"token_id,omitempty"`
	IP      string `json:"ip,omitempty"`
	// Reason says why a login failed.
	Reason string `json:"reason,omitempty"`
}

// audit sends e to Config.Audit, filling the time and actor.
func (s *Store) audit(ctx context.Context, e Event) {
	if s.cfg.Audit == nil {
		return
	}
	e.Time = s.now()
	if p, ok := FromContext(ctx); ok && e.Actor == "" {
		e.Actor = p.User
	}
	s.cfg.Audit(ctx, e)
}
