package ingester

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Source statuses.
const (
	StatusOK       = "ok"
	StatusError    = "error"
	StatusDisabled = "disabled"
	StatusNew      = "new"
)

// State is the fetch state of a source, kept in the vigie_sources bucket under its id.
type State struct {
	ID           string    `json:"id"`
	Status       string    `json:"status"`
	LastError    string    `json:"last_error,omitempty"`
	LastFetch    time.Time `json:"last_fetch,omitzero"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Failures     int       `json:"failures"`
	Items        int64     `json:"items"`
}

func loadState(ctx context.Context, kv jetstream.KeyValue, id string) (State, uint64, error) {
	e, err := kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return State{ID: id, Status: StatusNew}, 0, nil
	}
	if err != nil {
		return State{}, 0, fmt.Errorf("load state of source %q: %w", id, err)
	}
	var s State
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		return State{ID: id, Status: StatusNew}, e.Revision(), nil
	}
	return s, e.Revision(), nil
}

func saveState(ctx context.Context, kv jetstream.KeyValue, s State) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state of source %q: %w", s.ID, err)
	}
	if _, err := kv.Put(ctx, s.ID, b); err != nil {
		return fmt.Errorf("save state of source %q: %w", s.ID, err)
	}
	return nil
}
