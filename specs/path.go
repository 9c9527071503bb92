package specs

import (
	"os"
	"path/filepath"
	"runtime"
)

// marker is a file of this folder, used to recognise it when the compiled
// source path is not usable (a build with -trimpath).
const marker = "path.go"

// dir is the folder of this package, found once.
var dir = locate()

// Path returns the path of elem (path elements such as
// "cap", "CAP-v1.2.xsd") inside the specs folder.
func Path(elem ...string) string {
	return filepath.Join(append([]string{dir}, elem...)...)
}

// locate returns this package's folder: the directory of this source file,
// or, when the binary was built with -trimpath, the first "specs" folder
// holding this file in the current directory or one of its parents.
func locate() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		return filepath.Dir(file)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "specs"
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "specs", marker)); err == nil {
			return filepath.Join(d, "specs")
		}
		if filepath.Dir(d) == d {
			return "specs"
		}
	}
}
