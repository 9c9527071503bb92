package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap/zaptest"

	"vigie/claims"
	"vigie/pipeline/review"
	"vigie/services/vigie/app"
)

func exportCmd(ctx context.Context, args []string, out, errb *bytes.Buffer) error {
	return runExport(ctx, args, out, errb)
}

// TestExportJudgements: judgements made through the review workflow on a
// data folder (one for a claim, one for the claim's whole cluster, one pair
// judged twice: its latest judgement counts) come out of `vigie export
// judgements` as a judgement file that `vigie train matcher --judgements`
// reads.
func TestExportJudgements(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	ctx := context.Background()
	b, closeFn, err := app.OpenData(ctx, data, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	wf, err := review.New(ctx, b, review.Config{}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	fc := claims.Actor{Name: "ana", Role: claims.RoleFactChecker}
	judge := func(claim string, j claims.MatchJudgement, fcID, cluster string) {
		t.Helper()
		_, rev, err := wf.Get(ctx, claim)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := wf.JudgeMatch(ctx, fc, claim, rev, review.JudgeInput{ClusterID: cluster, Pair: claims.Judgement{
			ClaimText: "The council pays a €1,000 back-to-school grant for every child.", ClaimLanguage: "en",
			FactCheckID: fcID, FactCheckText: "The council pays families a €1,000 back-to-school grant.", Judgement: j}}); err != nil {
			t.Fatal(err)
		}
	}
	judge("c1", claims.JudgementRejected, "fc-grant", "")
	judge("c1", claims.JudgementConfirmed, "fc-grant", "") // changed mind
	judge("c2", claims.JudgementRejected, "fc-benches", "cluster-c2")
	closeFn()

	out := filepath.Join(t.TempDir(), "judgements.jsonl")
	if _, errs, err := cli(t, exportCmd, "judgements", "--data", data, "--out", out); err != nil || !strings.Contains(errs, "2 judgements written") {
		t.Fatalf("export: %v %q", err, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	js, err := claims.ReadJudgements(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, j := range js {
		got = append(got, j.ClaimID+" "+j.FactCheckID+" "+string(j.Judgement))
	}
	slices.Sort(got)
	if want := []string{"c1 fc-grant confirmed", "c2 fc-benches rejected"}; !slices.Equal(got, want) {
		t.Errorf("exported %v, want %v", got, want)
	}
	if _, _, err := cli(t, exportCmd, "judgements", "--data", data); !errors.Is(err, errUsage) {
		t.Errorf("without --out: %v, want a usage error", err)
	}
	if _, _, err := cli(t, exportCmd, "verdicts", "--data", data, "--out", out); !errors.Is(err, errUsage) {
		t.Errorf("an unknown export: %v, want a usage error", err)
	}
}
