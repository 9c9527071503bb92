// Package disk watches the free space of the data folder. Below a reserve,
// Vigie refuses new items (feeds, social posts, tips, imports) with an error
// that names the folder and the figures, and reports itself not ready; the
// items already accepted are still analysed and indexed, with the reserve.
// JetStream and the embedded index write into the data folder: letting the
// disk fill up turns every write into "no space left on device" deep inside
// them, which a client only sees as a timeout.
package disk

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"go.uber.org/zap"
)

// ErrLow matches the error of a Guard whose folder is under its reserve.
var ErrLow = errors.New("data folder nearly full")

// LowError says how full the folder is.
type LowError struct {
	Dir                  string
	Free, Total, Reserve uint64
}

func (e *LowError) Error() string {
	return fmt.Sprintf("data folder %s is nearly full: %s free of %s, under the %s reserve (data_min_free_bytes); new items are refused until space is freed",
		e.Dir, Bytes(e.Free), Bytes(e.Total), Bytes(e.Reserve))
}

// Unwrap makes errors.Is(err, ErrLow) hold.
func (e *LowError) Unwrap() error { return ErrLow }

// Bytes formats a size for people: 12.3 MiB.
func Bytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// Guard checks the free space of one folder, at most every Interval.
type Guard struct {
	dir      string
	reserve  uint64
	log      *zap.Logger
	interval time.Duration
	// Statfs returns the free (available to this user) and total bytes of
	// the filesystem holding dir; tests replace it.
	statfs func(dir string) (free, total uint64, err error)

	mu      sync.Mutex
	checked time.Time
	err     error
	warned  bool // statfs failed and was logged
}

// CheckInterval is how long a measure is reused: a statfs call costs about a
// microsecond, but Check sits on the path of every published item.
const CheckInterval = 500 * time.Millisecond

// NewGuard watches dir with reserve bytes kept free; reserve 0 disables the
// guard (Check always nil).
func NewGuard(dir string, reserve uint64, log *zap.Logger) *Guard {
	if log == nil {
		log = zap.NewNop()
	}
	return &Guard{dir: dir, reserve: reserve, log: log, interval: CheckInterval, statfs: statfs}
}

// NewGuardFunc is NewGuard measuring the folder with measure, at every
// Check: tests simulate a disk filling up with it.
func NewGuardFunc(dir string, reserve uint64, log *zap.Logger, measure func(dir string) (free, total uint64, err error)) *Guard {
	g := NewGuard(dir, reserve, log)
	g.statfs, g.interval = measure, 0
	return g
}

// Check returns a *LowError while the folder's free space is under the
// reserve, else nil. A nil Guard, a zero reserve, or a filesystem whose free
// space cannot be read (logged once) never refuse anything.
func (g *Guard) Check() error {
	if g == nil || g.reserve == 0 {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	if !g.checked.IsZero() && now.Sub(g.checked) < g.interval {
		return g.err
	}
	g.checked = now
	free, total, err := g.statfs(g.dir)
	if err != nil {
		if !g.warned {
			g.warned = true
			g.log.Warn("cannot read the free space of the data folder; it is not watched", zap.String("dir", g.dir), zap.Error(err))
		}
		g.err = nil
		return nil
	}
	var low error
	if free < g.reserve {
		low = &LowError{Dir: g.dir, Free: free, Total: total, Reserve: g.reserve}
	}
	switch {
	case low != nil && g.err == nil:
		g.log.Error("data folder nearly full: new items are refused", zap.String("dir", g.dir),
			zap.Uint64("free_bytes", free), zap.Uint64("reserve_bytes", g.reserve), zap.Error(low))
	case low == nil && g.err != nil:
		g.log.Info("data folder has room again: new items are accepted", zap.String("dir", g.dir), zap.Uint64("free_bytes", free))
	}
	g.err = low
	return low
}

// Measure reads the free (available to this user) and total bytes of the
// filesystem holding the folder, now.
func (g *Guard) Measure() (free, total uint64, err error) { return g.statfs(g.dir) }

// Reserve is the free space the guard keeps, in bytes.
func (g *Guard) Reserve() uint64 { return g.reserve }

// Dir is the watched folder.
func (g *Guard) Dir() string { return g.dir }
