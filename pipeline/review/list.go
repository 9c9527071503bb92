package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"vigie/claims"

	"github.com/nats-io/nats.go/jetstream"
)

// Verdicts returns the current record of every verdict that keep reports
// true for (nil keeps all), most recently published first, then drafts by id.
// Pages and feeds list published verdicts with
// Verdicts(ctx, func(v *Verdict) bool { return v.Version > 0 }).
func (w *Workflow) Verdicts(ctx context.Context, keep func(*claims.Verdict) bool) ([]*claims.Verdict, error) {
	lister, err := w.verdicts.ListKeys(ctx)
	if errors.Is(err, jetstream.ErrNoKeysFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list verdicts: %w", err)
	}
	defer func() { _ = lister.Stop() }()
	var out []*claims.Verdict
	for key := range lister.Keys() {
		if strings.Contains(key, ".") {
			continue // a version: "<id>.v<n>"
		}
		v, err := w.Verdict(ctx, key)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		if keep == nil || keep(v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *claims.Verdict) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Versions returns every published version of a verdict, oldest first.
func (w *Workflow) Versions(ctx context.Context, verdictID string) ([]*claims.Verdict, error) {
	cur, err := w.Verdict(ctx, verdictID)
	if err != nil {
		return nil, err
	}
	out := make([]*claims.Verdict, 0, cur.Version)
	for n := 1; n <= cur.Version; n++ {
		v, err := w.VerdictVersion(ctx, verdictID, n)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
