package systemtest

import (
	"context"
	"testing"

	"go.uber.org/zap"

	"vigie/claims/claimreview"
	"vigie/pipeline/source"
	"vigie/services/vigie/app"
	"vigie/services/vigie/ops"
)

// addSource adds a source to a data folder as `vigie sources add` does:
// a running Vigie fetches it at once.
func addSource(t *testing.T, data string, s source.Source) {
	t.Helper()
	ctx := context.Background()
	reg, closeReg, err := ops.OpenSources(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	defer closeReg()
	if _, err := ops.AddSource(ctx, reg, s); err != nil {
		t.Fatalf("add source %s: %v", s.ID, err)
	}
}

// importFactChecks imports a fact-check file into a data folder as `vigie
// import factchecks` does: every matcher can match them at once.
func importFactChecks(t *testing.T, data, path string) *claimreview.Report {
	t.Helper()
	ctx := context.Background()
	b, closeBus, err := app.OpenData(ctx, data, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer closeBus()
	rep, err := ops.ImportFactChecks(ctx, b, path, nil)
	if err != nil {
		t.Fatalf("import fact-checks %s: %v", path, err)
	}
	return rep
}
