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

// judgedPairs are the pairs TestJudgementsExportGolden judges through the
// workflow: rewordings confirmed; another person, amount or year rejected.
var judgedPairs = []struct {
	claim, text, fcID, fcText string
	j                         claims.MatchJudgement
}{
	{"j1", "A viral post says that in 2025 the mayor of Springfield spent 1,000 euros of public money on a private birthday party.",
		"fc-party-2019", "In 2019 the mayor of Springfield spent 1,000 euros of public money on a private birthday party.", claims.JudgementRejected},
	{"j1", "A viral post says that in 2025 the mayor of Springfield spent 1,000 euros of public money on a private birthday party.",
		"fc-party-mixed", "The mayor of Springfield spent 1,000 euros of public money on a private birthday party.", claims.JudgementConfirmed},
	{"j2", "The town hall paid 632 euros for the new benches, the mayor said on Monday.",
		"fc-benches-1000", "The town hall paid 1,000 euros for each new bench.", claims.JudgementRejected},
	{"j3", "Messages shared on WhatsApp claim the vaccine contains microchips to track people.",
		"fc-microchips", "COVID-19 vaccines contain microchips that track people.", claims.JudgementConfirmed},
	{"j4", "Councillor Ana Silva wants to close the Bonfim market next spring, a leaflet says.",
		"fc-market-costa", "Councillor Rui Costa wants to close the Bonfim market next spring.", claims.JudgementRejected},
	{"j4", "Councillor Ana Silva wants to close the Bonfim market next spring, a leaflet says.",
		"fc-market-silva", "Councillor Ana Silva plans to close the Bonfim market in the spring.", claims.JudgementConfirmed},
	{"j5", "The river water is unsafe to drink after the factory leak, according to a post with 20,000 shares.",
		"fc-river", "Tap water from the river is unsafe to drink after a factory leak.", claims.JudgementConfirmed},
	{"j6", "Unemployment in the region rose by 12% last year, the opposition leader claimed.",
		"fc-unemployment-40", "Unemployment in the region rose by 40% last year.", claims.JudgementRejected},
}

// TestJudgementsExportGolden judges pairs through the review workflow and
// exports them as a judgement file (claims.Judgement, JSON lines), pinned
// in testdata/judgements_export.golden.jsonl: the file `vigie train matcher
// --judgements` and `vigie eval match --judgements` read (docs/quality.md).
// Run with -update to rewrite.
func TestJudgementsExportGolden(t *testing.T) {
	t.Parallel()
	w, _ := newWorkflow(t)
	ctx := context.Background()
	for _, p := range judgedPairs {
		_, rev, err := w.Get(ctx, p.claim)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.JudgeMatch(ctx, fc, p.claim, rev, JudgeInput{Pair: claims.Judgement{ClaimText: p.text, ClaimLanguage: "en",
			FactCheckID: p.fcID, FactCheckText: p.fcText, FactCheckLanguage: "en", Judgement: p.j}}); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := w.Judgements().Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	js, err := claims.ReadJudgements(bytes.NewReader(buf.Bytes()))
	if err != nil || len(js) != len(judgedPairs) {
		t.Fatalf("the export reads back as %d judgements (%v), want %d", len(js), err, len(judgedPairs))
	}
	path := filepath.Join("testdata", "judgements_export.golden.jsonl")
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
