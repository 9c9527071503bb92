package review

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"vigie/claims"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestAuditExportGolden pins the JSON lines admins export (field names are
// an API: they grow, never change). Run with -update to rewrite.
func TestAuditExportGolden(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	run(t, w, "g1", []step{
		{"triage", fc, status(claims.StatusTriage)},
		{"assign", ed, assign("fanny")},
		{"note", fc, note("Seen in the Saturday market leaflet.")},
		{"in progress", fc, status(claims.StatusInProgress)},
		{"draft", fc, draft(goodInput())},
		{"submit", fc, submit},
		{"publish", ed, publishV},
		{"retract", admin, retract("The council minutes were misread.")},
	})
	run(t, w, "g2", []step{{"duplicate", fc2, duplicateOf("g1")}})
	var buf bytes.Buffer
	if err := w.ExportAudit(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "audit_export.golden.jsonl")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("export differs from %s (run with -update after checking):\n got: %s\nwant: %s", path, buf.Bytes(), want)
	}
}
