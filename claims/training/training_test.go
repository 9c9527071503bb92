package training

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"vigie/claims/datasets"
)

// repoRoot is the repository root relative to this package; the default
// paths of Command are relative to it.
const repoRoot = "../.."

// TestCommittedModelsReproduce trains each model twice into temp files: the
// two runs must be byte-identical, and identical to the committed model. The
// training sets are evaluation data, outside the repository (package
// datasets); the models record the default path of their set, which the
// test passes explicitly.
func TestCommittedModelsReproduce(t *testing.T) {
	t.Parallel()
	dir := datasets.Require(t)
	for _, tt := range []struct {
		name, committed string
		args            []string
	}{
		{"worthiness", DefaultWorthinessOut, []string{"--train", filepath.Join(dir, "check-worthiness", "claimbuster-en", "train.tsv")}},
		{"matcher", DefaultMatcherOut, matcherSets(dir)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var outs [2][]byte
			for i := range outs {
				p := filepath.Join(t.TempDir(), "model.json")
				args := append(append([]string{tt.name}, tt.args...), "--out", p)
				outs[i] = train(t, dir, args, p)
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Fatal("two trainings differ")
			}
			committed, err := os.ReadFile(filepath.Join(repoRoot, tt.committed))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(outs[0], committed) {
				t.Errorf("%s is not what `vigie train %s` produces: retrain and commit", tt.committed, tt.name)
			}
		})
	}
}

// matcherSets are the flags naming the matcher's training and calibration
// sets in the datasets folder dir (the defaults, wherever dir is).
func matcherSets(dir string) []string {
	match := filepath.Join(dir, "claim-matching", "checkthat2020-en")
	return []string{
		"--vclaims", filepath.Join(match, "vclaims.tsv"),
		"--train-queries", filepath.Join(match, "train", "queries.tsv"), "--train-qrels", filepath.Join(match, "train", "qrels.tsv"),
		"--dev-queries", filepath.Join(match, "dev", "queries.tsv"), "--dev-qrels", filepath.Join(match, "dev", "qrels.tsv"),
	}
}

// train runs Command with args and returns the model written to out, the
// datasets folder dir put back as the default path the committed models
// name (relative to the repository root).
func train(t *testing.T, dir string, args []string, out string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := Command(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.ReplaceAll(b, []byte(filepath.ToSlash(dir)), []byte("../shared/datasets"))
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"nope"}, {"worthiness", "--train", "/nonexistent.tsv"}, {"matcher", "--vclaims", "/nonexistent.tsv"}} {
		if err := Command(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestTrainWithJudgements refits the re-ranker with the synthetic judgement
// file twice: byte-identical models, unlike the committed one, naming the
// judgements in their provenance; --judgements without --out is refused.
func TestTrainWithJudgements(t *testing.T) {
	t.Parallel()
	dir := datasets.Require(t)
	judgements := filepath.Join(repoRoot, "claims", "testdata", "judgements.jsonl")
	var outs [2][]byte
	for i := range outs {
		p := filepath.Join(t.TempDir(), "newsroom.json")
		args := append(append([]string{"matcher"}, matcherSets(dir)...), "--judgements", judgements, "--out", p)
		outs[i] = train(t, dir, args, p)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two trainings with judgements differ")
	}
	committed, err := os.ReadFile(filepath.Join(repoRoot, DefaultMatcherOut))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(outs[0], committed) {
		t.Error("judgements changed nothing")
	}
	fixture := filepath.Join("claims", "eval", "testdata", "newsroom-model.json") // scored by claims/eval's TestEvalJudgements
	if b, err := os.ReadFile(filepath.Join(repoRoot, fixture)); err != nil || !bytes.Equal(b, outs[0]) {
		t.Errorf("%s is not what `vigie train matcher --judgements %s` produces: regenerate it (%v)", fixture, judgements, err)
	}
	if !bytes.Contains(outs[0], []byte("18 judged pairs (10 confirmed, 8 rejected; judgements.jsonl)")) {
		t.Errorf("provenance does not name the judgements:\n%s", outs[0])
	}
	if err := Command(context.Background(), []string{"matcher", "--judgements", judgements}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("--judgements without --out accepted (it would overwrite the committed model)")
	}
	args := append(append([]string{"matcher"}, matcherSets(dir)...), "--judgements", judgements, "--judged-before", "2020-01-01T00:00:00Z", "--out", filepath.Join(t.TempDir(), "x.json"))
	if err := Command(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("no judgement left: accepted")
	}
}
