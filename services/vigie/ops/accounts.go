package ops

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/account"
	"vigie/services/vigie/app"
)

// maxPasswordFile bounds what ReadPasswordFile reads.
const maxPasswordFile = 16 << 10

// OpenAccounts opens the account store of a data folder; close releases it.
func OpenAccounts(ctx context.Context, dir string) (*account.Store, func(), error) {
	b, closeFn, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return nil, nil, err
	}
	store, err := account.Open(ctx, b.JS, account.Config{Replicas: b.Topology().Replicas}, zap.NewNop())
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return store, closeFn, nil
}

// ReadPasswordFile reads a password from a file (at most 16 KiB), without
// its trailing newline.
func ReadPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read password file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPasswordFile+1))
	if err != nil {
		return "", fmt.Errorf("read password file %q: %w", path, err)
	}
	if len(b) > maxPasswordFile {
		return "", fmt.Errorf("read password file %q: larger than %d bytes", path, maxPasswordFile)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if s == "" {
		return "", fmt.Errorf("read password file %q: empty", path)
	}
	return s, nil
}
