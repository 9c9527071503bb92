package specs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryFileHasProvenance checks that every copied file is named in the
// SOURCE.txt of its folder or of the nearest folder above it that has one.
func TestEveryFileHasProvenance(t *testing.T) {
	t.Parallel()
	checkProvenance(t, Path())
}

func checkProvenance(t *testing.T, root string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if filepath.Dir(p) == root || name == "SOURCE.txt" || strings.HasPrefix(name, "LICENSE") {
			return nil // the package's Go files; provenance and licence files
		}
		n++
		for dir := filepath.Dir(p); dir != root; dir = filepath.Dir(dir) {
			b, err := os.ReadFile(filepath.Join(dir, "SOURCE.txt"))
			if err != nil {
				continue
			}
			rel, _ := filepath.Rel(dir, p)
			if !strings.Contains(string(b), filepath.ToSlash(rel)) {
				t.Errorf("%s is not named in %s", rel, filepath.Join(dir, "SOURCE.txt"))
			}
			return nil
		}
		t.Errorf("%s has no SOURCE.txt in its folder or above", p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no files under %s", root)
	}
}
