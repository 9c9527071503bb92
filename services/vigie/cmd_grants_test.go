package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func grantsCmd(ctx context.Context, args []string, out, errb *bytes.Buffer) error {
	return runGrants(ctx, args, out, errb)
}

func TestGrantsCLI(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	out, errs, err := cli(t, grantsCmd, "set", "--data", data, "--user", "porto", "--locality", "pt-1312, PT-1308", "--max-subscriptions", "3")
	if err != nil || !strings.Contains(out, "porto may follow PT-1308, PT-1312 (at most 3 subscriptions)") {
		t.Fatalf("set: %q %q %v", out, errs, err)
	}
	out, _, err = cli(t, grantsCmd, "list", "--data", data)
	if err != nil || !strings.Contains(out, "porto") || !strings.Contains(out, "PT-1308,PT-1312") {
		t.Errorf("list: %q %v", out, err)
	}
	if _, _, err := cli(t, grantsCmd, "set", "--data", data, "--user", "porto", "--locality", "Porto"); err == nil || !strings.Contains(err.Error(), "not a locality code") {
		t.Errorf("a name for a code: %v", err)
	}
	if _, _, err := cli(t, grantsCmd, "set", "--data", data, "--user", "porto"); !errors.Is(err, errUsage) {
		t.Errorf("set without --locality: %v, want a usage error", err)
	}
}
