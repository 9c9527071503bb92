package disk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

// fakeGuard is a guard over a filesystem whose free space the test sets.
func fakeGuard(reserve uint64) (*Guard, *uint64, *observer.ObservedLogs) {
	core, logs := observer.New(zap.InfoLevel)
	free := new(uint64)
	g := NewGuardFunc("/data", reserve, zap.New(core), func(string) (uint64, uint64, error) { return *free, 1 << 30, nil })
	return g, free, logs
}

func TestGuardRefusesUnderTheReserve(t *testing.T) {
	t.Parallel()
	g, free, logs := fakeGuard(64 << 20)
	*free = 200 << 20
	if err := g.Check(); err != nil {
		t.Fatalf("200 MiB free, 64 MiB reserve: %v", err)
	}
	*free = 10 << 20
	err := g.Check()
	if !errors.Is(err, ErrLow) {
		t.Fatalf("10 MiB free: error %v, want ErrLow", err)
	}
	var le *LowError
	if !errors.As(err, &le) || le.Free != 10<<20 || le.Reserve != 64<<20 || le.Dir != "/data" {
		t.Fatalf("LowError = %+v", le)
	}
	for _, want := range []string{"/data", "10.0 MiB free of 1.0 GiB", "64.0 MiB reserve", "data_min_free_bytes", "refused"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	_ = g.Check() // still low: logged once only
	*free = 100 << 20
	if err := g.Check(); err != nil {
		t.Fatalf("room again: %v", err)
	}
	if n := logs.FilterMessageSnippet("nearly full").Len(); n != 1 {
		t.Errorf("%d 'nearly full' logs, want 1 (on the transition)", n)
	}
	if n := logs.FilterMessageSnippet("room again").Len(); n != 1 {
		t.Errorf("%d 'room again' logs, want 1", n)
	}
}

func TestGuardReusesAMeasureWithinTheInterval(t *testing.T) {
	t.Parallel()
	g, free, _ := fakeGuard(64 << 20)
	g.interval = time.Hour
	*free = 10 << 20
	if g.Check() == nil {
		t.Fatal("first check: not low")
	}
	*free = 1 << 30
	if g.Check() == nil {
		t.Fatal("second check within the interval measured again")
	}
}

func TestGuardNeverRefusesWhenItCannotMeasure(t *testing.T) {
	t.Parallel()
	var nilGuard *Guard
	if err := nilGuard.Check(); err != nil {
		t.Fatalf("nil guard: %v", err)
	}
	g, _, logs := fakeGuard(64 << 20)
	g.statfs = func(string) (uint64, uint64, error) { return 0, 0, errors.New("no statfs") }
	if err := g.Check(); err != nil {
		t.Fatalf("statfs failing: %v", err)
	}
	_ = g.Check()
	if n := logs.FilterMessageSnippet("not watched").Len(); n != 1 {
		t.Errorf("%d warnings, want 1", n)
	}
	off, free, _ := fakeGuard(0)
	*free = 0
	if err := off.Check(); err != nil {
		t.Fatalf("reserve 0 disables the guard: %v", err)
	}
}

func TestGuardMeasuresARealFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	free, total, err := statfs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || free > total {
		t.Fatalf("statfs(%s) = %d free of %d", dir, free, total)
	}
	if err := NewGuard(dir, 1, nil).Check(); err != nil && free >= 1 {
		t.Fatalf("1-byte reserve: %v", err)
	}
	if err := NewGuard(dir, total+1, nil).Check(); !errors.Is(err, ErrLow) {
		t.Fatalf("reserve over the disk's size: %v, want ErrLow", err)
	}
}

func TestBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 1536: "1.5 KiB", 256 << 20: "256.0 MiB", 3 << 40: "3.0 TiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
