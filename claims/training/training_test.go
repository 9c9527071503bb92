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
	match := filepath.Join(dir, "claim-matching", "checkthat2020-en")
	for _, tt := range []struct {
		name, committed string
		args            []string
	}{
		{"worthiness", DefaultWorthinessOut, []string{"--train", filepath.Join(dir, "check-worthiness", "claimbuster-en", "train.tsv")}},
		{"matcher", DefaultMatcherOut, []string{
			"--vclaims", filepath.Join(match, "vclaims.tsv"),
			"--train-queries", filepath.Join(match, "train", "queries.tsv"), "--train-qrels", filepath.Join(match, "train", "qrels.tsv"),
			"--dev-queries", filepath.Join(match, "dev", "queries.tsv"), "--dev-qrels", filepath.Join(match, "dev", "qrels.tsv"),
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var outs [2][]byte
			for i := range outs {
				p := filepath.Join(t.TempDir(), "model.json")
				var stdout, stderr bytes.Buffer
				args := append(append([]string{tt.name}, tt.args...), "--out", p)
				if err := Command(context.Background(), args, &stdout, &stderr); err != nil {
					t.Fatal(err, stderr.String())
				}
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				// the model names its training set as given: put back the
				// default path, relative to the repository root
				outs[i] = bytes.ReplaceAll(b, []byte(filepath.ToSlash(dir)), []byte("../shared/datasets"))
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
	if err := os.Chdir(repoRoot); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir("claims/training")
	judgements := filepath.Join("claims", "testdata", "judgements.jsonl")
	var outs [2][]byte
	for i := range outs {
		p := filepath.Join(t.TempDir(), "newsroom.json")
		var stdout, stderr bytes.Buffer
		if err := Command(context.Background(), []string{"matcher", "--judgements", judgements, "--out", p}, &stdout, &stderr); err != nil {
			t.Fatal(err, stderr.String())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = b
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two trainings with judgements differ")
	}
	committed, err := os.ReadFile(DefaultMatcherOut)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(outs[0], committed) {
		t.Error("judgements changed nothing")
	}
	fixture := filepath.Join("claims", "eval", "testdata", "newsroom-model.json") // scored by claims/eval's TestEvalJudgements
	if b, err := os.ReadFile(fixture); err != nil || !bytes.Equal(b, outs[0]) {
		t.Errorf("%s is not what `vigie train matcher --judgements %s` produces: regenerate it (%v)", fixture, judgements, err)
	}
	if !bytes.Contains(outs[0], []byte("18 judged pairs (10 confirmed, 8 rejected; judgements.jsonl)")) {
		t.Errorf("provenance does not name the judgements:\n%s", outs[0])
	}
	if err := Command(context.Background(), []string{"matcher", "--judgements", judgements}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("--judgements without --out accepted (it would overwrite the committed model)")
	}
	if err := Command(context.Background(), []string{"matcher", "--judgements", judgements, "--judged-before", "2020-01-01T00:00:00Z", "--out", filepath.Join(t.TempDir(), "x.json")}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Error("no judgement left: accepted")
	}
}
