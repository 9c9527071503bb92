package proto

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedCodeIsCurrent regenerates the Go code into a temporary
// folder and fails when the committed code under gen/ differs.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the code generator; skipped with -short")
	}
	out := t.TempDir()
	// buf and protoc-gen-go are pinned in the tools module (see buf.gen.yaml)
	cmd := exec.Command("go", "tool", "-modfile=../tools/go.mod", "buf", "generate", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("buf generate: %v\n%s", err, b)
	}
	want := map[string][]byte{}
	_ = filepath.WalkDir(filepath.Join(out, "gen"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			want[rel], _ = os.ReadFile(p)
		}
		return nil
	})
	if len(want) == 0 {
		t.Fatal("the generator produced nothing")
	}
	got := map[string]bool{}
	_ = filepath.WalkDir("gen", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			got[p] = true
		}
		return nil
	})
	for rel, w := range want {
		b, err := os.ReadFile(rel)
		if err != nil {
			t.Errorf("%s is generated but not committed (run make proto)", rel)
			continue
		}
		if !bytes.Equal(b, w) {
			t.Errorf("%s differs from what the generator produces (run make proto)", rel)
		}
		delete(got, rel)
	}
	for p := range got {
		t.Errorf("%s is committed but no longer generated (run make proto)", p)
	}
}
