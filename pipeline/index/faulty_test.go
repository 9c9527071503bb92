package index_test

import (
	"context"
	"errors"
	"testing"

	"vigie/pipeline/index"
)

func TestFaulty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := openBleve(t)
	if err := b.EnsureSettings(ctx, index.Settings{Fields: []index.Field{{Name: "text", Type: index.Text, Searchable: true}}}); err != nil {
		t.Fatal(err)
	}
	f := index.NewFaulty(b)
	doc := []index.Document{{"id": "a", "text": "hello"}}
	f.FailWrites(2)
	for i := range 2 {
		if err := f.Upsert(ctx, doc); !errors.Is(err, index.ErrInjected) {
			t.Fatalf("write %d: %v, want ErrInjected", i, err)
		}
	}
	if n, _ := f.Count(ctx); n != 0 {
		t.Fatalf("failed writes reached the backend: count %d", n)
	}
	if err := f.Upsert(ctx, doc); err != nil {
		t.Fatalf("third write: %v", err)
	}
	if n, _ := f.Count(ctx); n != 1 {
		t.Fatalf("count %d after a successful write, want 1", n)
	}
	f.FailWrites(1)
	if err := f.Delete(ctx, []string{"a"}); !errors.Is(err, index.ErrInjected) {
		t.Fatalf("delete: %v, want ErrInjected", err)
	}
	if _, err := f.Get(ctx, "a"); err != nil {
		t.Fatalf("reads pass through: %v", err)
	}
	if f.Failed() != 3 || f.Succeeded() != 1 || f.Pending() != 0 {
		t.Errorf("failed %d succeeded %d pending %d, want 3 1 0", f.Failed(), f.Succeeded(), f.Pending())
	}
}
