package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalClusterCommand runs `vigie eval cluster` on the CheckThat! 2020 dev
// split twice: identical output, and the same-claim decision finds more
// repeats than the fingerprints at no loss of precision (docs/quality.md).
func TestEvalClusterCommand(t *testing.T) {
	d := dataset(t, "claim-matching", "checkthat2020-en")
	args := []string{"cluster", "--dir", d, "--split", "dev", "--json"}
	var a, b, errb bytes.Buffer
	for _, out := range []*bytes.Buffer{&a, &b} {
		if err := Command(context.Background(), args, out, &errb); err != nil {
			t.Fatal(err, errb.String())
		}
	}
	if a.String() != b.String() {
		t.Fatalf("two runs differ")
	}
	var rows []ClusterScores
	for _, l := range strings.Split(strings.TrimSpace(a.String()), "\n") {
		var s ClusterScores
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, s)
	}
	if len(rows) != 4 {
		t.Fatalf("rows %+v", rows)
	}
	for _, pair := range [][2]int{{0, 1}, {2, 3}} {
		fp, sc := rows[pair[0]], rows[pair[1]]
		if fp.Method != "fingerprint" || sc.Method != "same-claim" || sc.Recall <= fp.Recall || sc.Precision < 0.95 {
			t.Errorf("fingerprint %+v, same-claim %+v", fp, sc)
		}
	}
	var text bytes.Buffer
	if err := Command(context.Background(), []string{"cluster", "--dir", d, "--split", "dev", "--sweep"}, &text, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "sweep:") || !strings.Contains(text.String(), "fact-checked claim it repeats") {
		t.Errorf("text output %s", text.String())
	}
}

func TestEvalCompareCommand(t *testing.T) {
	dir := t.TempDir()
	qrels := filepath.Join(dir, "qrels")
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("qrels", "1 0 a 1\n2 0 b 1\n3 0 c 1\n")
	ra := write("a.run", "1 Q0 a 1 0.9 x\n2 Q0 x 1 0.9 x\n2 Q0 b 2 0.8 x\n3 Q0 c 1 0.9 x\n")
	rb := write("b.run", "1 Q0 a 1 0.9 x\n2 Q0 b 1 0.9 x\n3 Q0 c 1 0.9 x\n")
	var out bytes.Buffer
	if err := Command(context.Background(), []string{"compare", "--qrels", qrels, ra, rb}, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "diff     -0.1667") || !strings.Contains(out.String(), "better 0, worse 1, equal 2") {
		t.Errorf("output %s", out.String())
	}
	if err := Command(context.Background(), []string{"compare", "--qrels", qrels, ra}, &out, &bytes.Buffer{}); err == nil {
		t.Error("one run accepted")
	}
}

// TestEvalMatchAgainst: `vigie eval match --against committed` with the
// committed model compares a run with itself: no difference.
func TestEvalMatchAgainst(t *testing.T) {
	d := dataset(t, "claim-matching", "checkthat2020-en")
	var out bytes.Buffer
	args := []string{"match", "--vclaims", filepath.Join(d, "vclaims.tsv"), "--queries", filepath.Join(d, "dev", "queries.tsv"), "--qrels", filepath.Join(d, "dev", "qrels.tsv"), "--against", "committed"}
	if err := Command(context.Background(), args, &out, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "MAP@5 difference +0.0000") || !strings.Contains(out.String(), "equal 197 queries") {
		t.Errorf("output:\n%s", out.String())
	}
}
