package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vigie/pipeline/account"
	"vigie/services/vigie/ops"
)

// cli runs runUsers or runTokens and returns stdout, stderr and the error.
func cli(t *testing.T, run func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) error, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	err := run(ctx, args, &out, &errb)
	return out.String(), errb.String(), err
}

func users(ctx context.Context, args []string, out, errb *bytes.Buffer) error {
	return runUsers(ctx, args, out, errb)
}

func tokens(ctx context.Context, args []string, out, errb *bytes.Buffer) error {
	return runTokens(ctx, args, out, errb)
}

func writePassword(t *testing.T, pw string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(f, []byte(pw), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestUsersCLI(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	pw := writePassword(t, "a long enough password\n")
	short := writePassword(t, "short\n")

	tests := []struct {
		name     string
		run      func(context.Context, []string, *bytes.Buffer, *bytes.Buffer) error
		args     []string
		wantErr  error  // errUsage, or nil; other failures are matched by wantText
		wantText string // substring of stdout, or of the error when it fails
		failing  bool
	}{
		{"add admin", users, []string{"add", "--data", data, "--name", "ana", "--role", "admin", "--password-file", pw}, nil, "user ana created with role admin", false},
		{"add subscriber", users, []string{"add", "--data", data, "--name", "paris", "--role", "subscriber", "--locality", "FR-75056", "--password-file", pw}, nil, "user paris created", false},
		{"add factchecker", users, []string{"add", "--data", data, "--name", "bia", "--role", "factchecker", "--language", "pt-BR", "--password-file", pw}, nil, "created", false},
		{"add duplicate", users, []string{"add", "--data", data, "--name", "ana", "--role", "editor", "--password-file", pw}, nil, "already exists", true},
		{"add subscriber without locality", users, []string{"add", "--data", data, "--name", "lyon", "--role", "subscriber", "--password-file", pw}, nil, "needs a locality", true},
		{"add short password", users, []string{"add", "--data", data, "--name", "bob", "--role", "editor", "--password-file", short}, nil, "at least 12", true},
		{"add bad role", users, []string{"add", "--data", data, "--name", "bob", "--role", "root", "--password-file", pw}, nil, "want one of admin", true},
		{"add missing password file", users, []string{"add", "--data", data, "--name", "bob", "--role", "editor", "--password-file", filepath.Join(data, "none")}, nil, "read password file", true},
		{"add without role", users, []string{"add", "--data", data, "--name", "bob", "--password-file", pw}, errUsage, "", true},
		{"unknown subcommand", users, []string{"remove", "--data", data}, errUsage, "", true},
		{"no subcommand", users, nil, errUsage, "", true},
		{"disable, name after flags", users, []string{"disable", "--data", data, "bia"}, nil, "user bia disabled", false},
		{"disable, name before flags", users, []string{"disable", "paris", "--data", data}, nil, "user paris disabled", false},
		{"enable", users, []string{"enable", "--data", data, "paris"}, nil, "user paris enabled", false},
		{"disable the last admin", users, []string{"disable", "--data", data, "ana"}, nil, "last enabled admin", true},
		{"disable unknown", users, []string{"disable", "--data", data, "ghost"}, nil, "not found", true},
		{"passwd", users, []string{"passwd", "--data", data, "--name", "ana", "--password-file", writePassword(t, "another long password\r\n")}, nil, "password of ana changed", false},
		{"reset-2fa", users, []string{"reset-2fa", "--data", data, "ana"}, nil, "two-factor login of ana removed", false},
		{"reset-2fa unknown", users, []string{"reset-2fa", "--data", data, "ghost"}, nil, "not found", true},
		{"list", users, []string{"list", "--data", data}, nil, "FR-75056", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := cli(t, tt.run, tt.args...)
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.failing:
				if err == nil || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantText)
				}
			default:
				if err != nil || !strings.Contains(out, tt.wantText) {
					t.Fatalf("out %q err %v, want %q", out, err, tt.wantText)
				}
			}
		})
	}

	t.Run("list json reflects every change", func(t *testing.T) {
		out, _, err := cli(t, users, "list", "--json", "--data", data)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Users []account.User }
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		byName := map[string]account.User{}
		for _, u := range got.Users {
			byName[u.Name] = u
		}
		if len(byName) != 3 || !byName["bia"].Disabled || byName["paris"].Disabled || byName["bia"].Language != "pt-BR" || byName["ana"].Role != "admin" {
			t.Fatalf("users %+v", got.Users)
		}
		if strings.Contains(out, "argon2") || strings.Contains(out, "password_hash") {
			t.Fatal("list prints password hashes")
		}
	})
	t.Run("new password works, old one does not", func(t *testing.T) {
		s, closeFn, err := ops.OpenAccounts(context.Background(), data)
		if err != nil {
			t.Fatal(err)
		}
		defer closeFn()
		if _, err := s.CheckPassword(context.Background(), "ana", "another long password"); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if _, err := s.CheckPassword(context.Background(), "ana", "a long enough password"); !errors.Is(err, account.ErrInvalidCredentials) {
			t.Fatalf("old password: %v", err)
		}
	})
}

func TestTokensCLI(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	pw := writePassword(t, "a long enough password")
	if _, _, err := cli(t, users, "add", "--data", data, "--name", "ed", "--role", "editor", "--password-file", pw); err != nil {
		t.Fatal(err)
	}
	lastLine := func(out string) string {
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		return lines[len(lines)-1]
	}

	out, _, err := cli(t, tokens, "create", "--data", data, "--user", "ed", "--name", "ci")
	if err != nil {
		t.Fatal(err)
	}
	full := lastLine(out)
	out, _, err = cli(t, tokens, "create", "--data", data, "--user", "ed", "--read-only")
	if err != nil {
		t.Fatal(err)
	}
	ro := lastLine(out)
	for _, tok := range []string{full, ro} {
		if _, err := account.ParseToken(tok); err != nil {
			t.Fatalf("last line %q is not a token: %v", tok, err)
		}
	}

	t.Run("refusals", func(t *testing.T) {
		for name, args := range map[string][]string{
			"unknown user": {"create", "--data", data, "--user", "ghost"},
			"no user":      {"create", "--data", data},
			"revoke none":  {"revoke", "--data", data},
			"revoke short": {"revoke", "--data", data, "abc"},
		} {
			if _, _, err := cli(t, tokens, args...); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
	})

	out, _, err = cli(t, tokens, "list", "--data", data, "--json")
	if err != nil {
		t.Fatal(err)
	}
	var listed struct{ Tokens []account.Token }
	if err := json.Unmarshal([]byte(out), &listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Tokens) != 2 || strings.Contains(out, full[4:]) || strings.Contains(out, ro[4:]) {
		t.Fatalf("list %s", out)
	}
	scopes := map[string]string{}
	for _, tk := range listed.Tokens {
		scopes[tk.Name] = tk.Scope
	}
	if scopes["ci"] != account.ScopeFull {
		t.Fatalf("scopes %v", scopes)
	}
	out, _, err = cli(t, tokens, "list", "--data", data)
	if err != nil || !strings.Contains(out, "ci") || !strings.Contains(out, "never") {
		t.Fatalf("table list %q %v", out, err)
	}

	var fullID string
	for _, tk := range listed.Tokens {
		if tk.Name == "ci" {
			fullID = tk.ID
		}
	}
	if out, _, err := cli(t, tokens, "revoke", "--data", data, fullID); err != nil || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke %q %v", out, err)
	}

	s, closeFn, err := ops.OpenAccounts(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	defer closeFn()
	if _, _, err := s.LookupToken(context.Background(), full); !errors.Is(err, account.ErrNotFound) {
		t.Fatalf("revoked token: %v", err)
	}
	tk, u, err := s.LookupToken(context.Background(), ro)
	if err != nil || tk.Scope != account.ScopeRead || u.Name != "ed" {
		t.Fatalf("read-only token: %+v %+v %v", tk, u, err)
	}
}
