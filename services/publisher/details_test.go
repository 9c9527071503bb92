package publisher

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"vigie/claims"
	"vigie/pipeline/index"
	"vigie/pipeline/publish"
)

// mapIndex is a ClaimIndex over fixed documents that counts reads.
type mapIndex struct {
	docs  map[string]index.Document
	reads int
	err   error
}

func (m *mapIndex) Get(_ context.Context, id string) (index.Document, error) {
	m.reads++
	if m.err != nil {
		return nil, m.err
	}
	d, ok := m.docs[id]
	if !ok {
		return nil, fmt.Errorf("get %q: %w", id, index.ErrNotFound)
	}
	return d, nil
}

func TestIndexDetails(t *testing.T) {
	t.Parallel()
	published := time.Date(2026, 11, 19, 8, 0, 0, 0, time.UTC)
	detected := time.Date(2026, 11, 19, 9, 0, 0, 0, time.UTC)
	idx := &mapIndex{docs: map[string]index.Document{
		"c1": {"id": "c1", "published": published.Format(time.RFC3339), "detected": detected.Format(time.RFC3339)},
		"c2": {"id": "c2", "detected": detected.Format(time.RFC3339)},
	}}
	details := IndexDetails(idx, testSite, nil)
	withMedia := porto()
	withMedia.Appearances = []string{"https://cdn.example/p.jpg"}
	for _, c := range []struct {
		name  string
		v     *claims.Verdict
		want  time.Time
		media bool
	}{
		{"item publication date", record("c1", porto(), day), published, false},
		{"detection date when the item has none", record("c2", withMedia, day), detected, true},
		{"claim not indexed", record("c3", porto(), day), time.Time{}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := details(t.Context(), c.v)
			if !d.ClaimDate.Equal(c.want) {
				t.Errorf("claim date %v, want %v", d.ClaimDate, c.want)
			}
			if (d.Media != nil) != c.media || c.media && d.Media.Kind != publish.MediaImage {
				t.Errorf("media %+v", d.Media)
			}
		})
	}
	reads := idx.reads
	details(t.Context(), record("c1", porto(), day))
	if idx.reads != reads {
		t.Errorf("a known claim date was read again")
	}
	if d := IndexDetails(nil, testSite, nil)(t.Context(), record("c2", withMedia, day)); !d.ClaimDate.IsZero() || d.Media == nil {
		t.Errorf("without an index: %+v", d)
	}
	failing := IndexDetails(&mapIndex{err: errors.New("index down")}, testSite, nil)
	if d := failing(t.Context(), record("c1", porto(), day)); !d.ClaimDate.IsZero() {
		t.Errorf("claim date from a failing index: %v", d.ClaimDate)
	}
}
