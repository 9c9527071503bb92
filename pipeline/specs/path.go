package specs

import (
	"os"
	"path/filepath"
	"runtime"
)

// rel is this package's folder relative to the repository root, used to find
// it when the compiled source path is not usable (a build with -trimpath).
const rel = "pipeline/specs"

// dir is the folder of this package, found once.
var dir = locate()

// Path returns the path of elem (path elements such as
// "cap", "CAP-v1.2.xsd") inside the specs folder.
func Path(elem ...string) string {
	return filepath.Join(append([]string{dir}, elem...)...)
}

// locate returns this package's folder: the directory of this source file,
// or, when the binary was built with -trimpath, rel below the first of the
// current directory and its parents that holds it.
func locate() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Dir(file)
	}
	wd, err := os.Getwd()
	if err != nil {
		return filepath.FromSlash(rel)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, filepath.FromSlash(rel), "path.go")); err == nil {
			return filepath.Join(d, filepath.FromSlash(rel))
		}
		if filepath.Dir(d) == d {
			return filepath.FromSlash(rel)
		}
	}
}
