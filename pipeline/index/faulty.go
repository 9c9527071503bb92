package index

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrInjected is the error a Faulty backend returns for an injected failure.
var ErrInjected = errors.New("index: injected failure")

// Faulty wraps a Backend for tests: after FailWrites(n) the next n writes
// (Upsert or Delete calls) fail with ErrInjected without reaching the
// wrapped backend. Reads always pass through. It is safe for concurrent use.
type Faulty struct {
	Backend

	mu        sync.Mutex
	failNext  int
	failed    int
	succeeded int
}

// NewFaulty wraps b.
func NewFaulty(b Backend) *Faulty { return &Faulty{Backend: b} }

// FailWrites makes the next n writes fail (replacing any pending count).
func (f *Faulty) FailWrites(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failNext = n
}

// Failed returns how many writes failed by injection so far.
func (f *Faulty) Failed() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failed
}

// Succeeded returns how many writes reached the backend and succeeded.
func (f *Faulty) Succeeded() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.succeeded
}

// Pending returns how many injected failures are still to come.
func (f *Faulty) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failNext
}

func (f *Faulty) write(op string, do func() error) error {
	f.mu.Lock()
	if f.failNext > 0 {
		f.failNext--
		f.failed++
		f.mu.Unlock()
		return fmt.Errorf("%s: %w", op, ErrInjected)
	}
	f.mu.Unlock()
	if err := do(); err != nil {
		return err
	}
	f.mu.Lock()
	f.succeeded++
	f.mu.Unlock()
	return nil
}

// Upsert fails if a failure is pending, else passes through.
func (f *Faulty) Upsert(ctx context.Context, docs []Document) error {
	return f.write("faulty upsert", func() error { return f.Backend.Upsert(ctx, docs) })
}

// Delete fails if a failure is pending, else passes through.
func (f *Faulty) Delete(ctx context.Context, ids []string) error {
	return f.write("faulty delete", func() error { return f.Backend.Delete(ctx, ids) })
}
