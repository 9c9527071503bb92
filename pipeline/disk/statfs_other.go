//go:build !(linux || darwin || freebsd)

package disk

import (
	"errors"
	"runtime"
)

func statfs(string) (free, total uint64, err error) {
	return 0, 0, errors.New("free space is not measured on " + runtime.GOOS)
}
