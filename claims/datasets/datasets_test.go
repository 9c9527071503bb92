package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// recorder is a TB that records what Require asked for; Skipf and Fatalf
// stop the calling goroutine, as testing's do.
type recorder struct {
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// require runs Require in its own goroutine, as a test would.
func require(elem ...string) (path string, r *recorder) {
	r = &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		path = Require(r, elem...)
	}()
	<-done
	return path, r
}

func TestRequire(t *testing.T) {
	shared := t.TempDir()
	if err := os.MkdirAll(filepath.Join(shared, "datasets", "set"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shared, "datasets", "set", "a.tsv"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("found", func(t *testing.T) {
		t.Setenv(EnvShared, shared)
		t.Setenv("CI", "")
		p, r := require("set", "a.tsv")
		if p != filepath.Join(shared, "datasets", "set", "a.tsv") || r.skipped != "" || r.failed != "" {
			t.Errorf("Require = %q, %+v", p, r)
		}
	})
	t.Run("file missing fails", func(t *testing.T) {
		t.Setenv(EnvShared, shared)
		t.Setenv("CI", "")
		if _, r := require("set", "b.tsv"); !strings.Contains(r.failed, "b.tsv") {
			t.Errorf("failure %q, want one naming b.tsv", r.failed)
		}
	})
	t.Run("no datasets skips with a way out", func(t *testing.T) {
		t.Setenv(EnvShared, filepath.Join(shared, "nowhere"))
		t.Setenv("CI", "")
		_, r := require("set", "a.tsv")
		if r.failed != "" || !strings.Contains(r.skipped, EnvShared) || !strings.Contains(r.skipped, "nowhere") {
			t.Errorf("skip %q, fail %q: want a skip naming %s and the folder", r.skipped, r.failed, EnvShared)
		}
	})
	t.Run("no datasets under CI fails", func(t *testing.T) {
		t.Setenv(EnvShared, filepath.Join(shared, "nowhere"))
		t.Setenv("CI", "true")
		if _, r := require("set", "a.tsv"); r.skipped != "" || !strings.Contains(r.failed, "CI") {
			t.Errorf("skip %q, fail %q: want a failure under CI", r.skipped, r.failed)
		}
	})
}

func TestDirDefault(t *testing.T) {
	t.Setenv(EnvShared, "")
	d, err := Dir()
	want := filepath.Join(repoRoot(), "..", "shared", "datasets")
	if err == nil && d != want {
		t.Errorf("Dir = %q, want %q", d, want)
	}
	if err != nil && (!errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), want)) {
		t.Errorf("Dir error %v: want ErrMissing naming %s", err, want)
	}
	if _, err := os.Stat(filepath.Join(repoRoot(), "claims", "datasets", "doc.go")); err != nil {
		t.Errorf("repoRoot %s is not the repository root: %v", repoRoot(), err)
	}
}
