package account

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"vigie/claims"
)

type auditLog struct {
	mu     sync.Mutex
	events []Event
}

func (a *auditLog) record(_ context.Context, e Event) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
}

func TestAuditEvents(t *testing.T) {
	t.Parallel()
	clock := newClock()
	log := &auditLog{}
	s := newStore(t, clock, Config{Audit: log.record})
	ctx := testCtx(t)
	adminCtx := WithPrincipal(ctx, Principal{User: "boss", Role: claims.RoleAdmin})

	if _, err := s.CreateUser(adminCtx, NewUser{Name: "ana", Role: claims.RoleFactChecker, Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	u, _ := s.User(ctx, "ana")
	u.Role = claims.RoleEditor
	if _, err := s.UpdateUser(adminCtx, u); err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.CreateToken(adminCtx, "ana", "ci", ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = s.Login(ctx, LoginRequest{Name: "ana", Password: "not the password", IP: "192.0.2.4"})
	id, _, err := s.Login(ctx, LoginRequest{Name: "ana", Password: goodPassword, IP: "192.0.2.4"})
	if err != nil {
		t.Fatal(err)
	}
	en, err := s.EnrolTOTP(WithPrincipal(ctx, Principal{User: "ana"}), "ana")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ConfirmTOTP(ctx, "ana", codeAt(t, en.Secret, clock.Now())); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeSession(ctx, id); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Tokens(ctx, "ana")
	if _, err := s.RevokeToken(adminCtx, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPassword(ctx, "ana", "a fresh long password"); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetTOTP(adminCtx, "ana"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDisabled(adminCtx, "ana", true); err != nil {
		t.Fatal(err)
	}

	want := []struct{ action, actor string }{
		{ActionUserCreate, "boss"}, {ActionUserUpdate, "boss"}, {ActionTokenCreate, "boss"},
		{ActionLoginFailed, ""}, {ActionLogin, ""}, {ActionTOTPEnrol, "ana"}, {ActionTOTPConfirm, ""},
		{ActionLogout, ""}, {ActionTokenRevoke, "boss"}, {ActionUserPassword, ""}, {ActionTOTPReset, "boss"},
		{ActionUserDisable, "boss"},
	}
	if len(log.events) != len(want) {
		var got []string
		for _, e := range log.events {
			got = append(got, e.Action)
		}
		t.Fatalf("events %v, want %d", got, len(want))
	}
	for i, w := range want {
		e := log.events[i]
		t.Run(w.action, func(t *testing.T) {
			if e.Action != w.action || e.Actor != w.actor || e.Subject != "ana" || !e.Time.Equal(clock.Now()) {
				t.Fatalf("event %+v, want %s by %q about ana", e, w.action, w.actor)
			}
			b, _ := json.Marshal(e)
			for _, secret := range []string{goodPassword, "a fresh long password", "argon2id", en.Secret, tok[len(TokenPrefix):], id} {
				if strings.Contains(string(b), secret) {
					t.Fatalf("event leaks a secret: %s", b)
				}
			}
		})
	}
	upd := log.events[1]
	if upd.Before == nil || upd.After == nil || upd.Before.Role != claims.RoleFactChecker || upd.After.Role != claims.RoleEditor {
		t.Fatalf("update event before/after: %+v", upd)
	}
	failed := log.events[3]
	if failed.IP != "192.0.2.4" || !strings.Contains(failed.Reason, "invalid user name or password") {
		t.Fatalf("failed login event %+v", failed)
	}
	if !slices.ContainsFunc(log.events, func(e Event) bool { return e.TokenID == list[0].ID && e.Action == ActionTokenRevoke }) {
		t.Fatal("token revoke event without its token id")
	}
}
