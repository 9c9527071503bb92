package datasets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// EnvShared names the environment variable holding the shared folder (the
// folder that holds datasets/), for a checkout without ../shared beside it.
const EnvShared = "VIGIE_SHARED"

// ErrMissing reports that the datasets folder is not where Dir looks.
var ErrMissing = errors.New("evaluation datasets not found")

// Dir returns the datasets folder: $VIGIE_SHARED/datasets when the variable
// is set, else the datasets folder of the shared folder beside the
// repository. The error wraps ErrMissing and says where it looked.
func Dir() (string, error) {
	shared := os.Getenv(EnvShared)
	from := EnvShared
	if shared == "" {
		shared = filepath.Join(repoRoot(), "..", "shared")
		from = "the shared folder beside the repository"
	}
	d := filepath.Join(shared, "datasets")
	fi, err := os.Stat(d)
	switch {
	case err == nil && fi.IsDir():
		return d, nil
	case err == nil:
		return "", fmt.Errorf("%w: %s is not a folder", ErrMissing, d)
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("%w at %s (%s): set %s to the folder holding datasets/ or put shared/ beside the repository", ErrMissing, d, from, EnvShared)
	}
	return "", fmt.Errorf("%w: %w", ErrMissing, err)
}

// TB is the part of testing.TB that Require uses.
type TB interface {
	Helper()
	Skipf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Require returns the path of elem inside the datasets folder, for a test
// or benchmark. Without the datasets folder it skips tb with a message that
// says where to put them, or fails tb when CI=true (CI has them beside the
// checkout: skipping there would hide the check). A file missing from a
// datasets folder that exists fails tb.
func Require(tb TB, elem ...string) string {
	tb.Helper()
	d, err := Dir()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%v (CI must have ../shared beside the checkout)", err)
		}
		tb.Skipf("%v; this test reads the evaluation datasets, kept outside the repository", err)
		return ""
	}
	p := filepath.Join(append([]string{d}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("dataset file missing: %v", err)
	}
	return p
}

// repoRoot is the repository root: three levels above this source file.
func repoRoot() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Dir(filepath.Dir(filepath.Dir(file)))
	}
	// built with -trimpath: the current folder's nearest parent holding
	// claims/datasets/datasets.go, as seen from a package folder under test
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "claims", "datasets", "datasets.go")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return "."
		}
	}
}
