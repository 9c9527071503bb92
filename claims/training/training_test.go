package training

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// repoRoot is the repository root relative to this package; the default
// paths of Command are relative to it.
const repoRoot = "../.."

// TestCommittedModelsReproduce trains each model twice into temp files: the
// two runs must be byte-identical, and identical to the committed model.
func TestCommittedModelsReproduce(t *testing.T) {
	if err := os.Chdir(repoRoot); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir("claims/training")
	for _, tt := range []struct{ name, committed string }{
		{"worthiness", DefaultWorthinessOut},
		{"matcher", DefaultMatcherOut},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var outs [2][]byte
			for i := range outs {
				p := filepath.Join(t.TempDir(), "model.json")
				var stdout, stderr bytes.Buffer
				if err := Command(context.Background(), []string{tt.name, "--out", p}, &stdout, &stderr); err != nil {
					t.Fatal(err, stderr.String())
				}
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				outs[i] = b
			}
			if !bytes.Equal(outs[0], outs[1]) {
				t.Fatal("two trainings differ")
			}
			committed, err := os.ReadFile(tt.committed)
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
	for _, args := range [][]string{{}, {"nope"}, {"worthiness", "--train", "/nonexistent.tsv"}, {"matcher", "--vclaims", "/nonexistent.tsv"}} {
		if err := Command(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
