package matchermodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims/match"
)

// Key is the setting's key in the settings bucket (bus.BucketSettings).
const Key = "matcher_model"

// Shipped is the Source of the shipped model.
const Shipped = "shipped"

// maxModelBytes bounds a model file (the shipped one is about 1.5 KB).
const maxModelBytes = 256 << 10

// Setting is the model the matchers use: where it comes from (Shipped, or
// the name of the file it was read from), the model (empty for the shipped
// one), who chose it and when, and the setting it replaced.
type Setting struct {
	Source   string          `json:"source"`
	Model    json.RawMessage `json:"model,omitempty"`
	By       string          `json:"by,omitempty"`
	At       time.Time       `json:"at,omitzero"`
	Previous *Setting        `json:"previous,omitempty"`
}

// IsShipped reports whether s names the shipped model.
func (s Setting) IsShipped() bool { return s.Source == Shipped || len(s.Model) == 0 }

// MatcherModel returns the model s names.
func (s Setting) MatcherModel() (match.Model, error) {
	if s.IsShipped() {
		return match.DefaultModel(), nil
	}
	m, err := match.ParseModel(s.Model)
	if err != nil {
		return match.Model{}, fmt.Errorf("matcher model %s: %w", s.Source, err)
	}
	return m, nil
}

// Decode reads a setting as the bucket keeps it.
func Decode(b []byte) (Setting, error) {
	var s Setting
	if err := json.Unmarshal(b, &s); err != nil {
		return Setting{}, fmt.Errorf("decode matcher model setting: %w", err)
	}
	if s.Source == "" {
		s.Source = Shipped
	}
	return s, nil
}

// ErrInvalid is a model that cannot be used.
var ErrInvalid = errors.New("invalid matcher model")

// Store reads and writes the setting in the settings bucket.
type Store struct {
	kv  jetstream.KeyValue
	now func() time.Time
}

// NewStore returns the setting's store over the settings bucket.
func NewStore(kv jetstream.KeyValue) *Store { return &Store{kv: kv, now: time.Now} }

// Current returns the setting; the shipped model when none was chosen.
func (st *Store) Current(ctx context.Context) (Setting, error) {
	s, _, err := st.current(ctx)
	return s, err
}

func (st *Store) current(ctx context.Context) (Setting, uint64, error) {
	e, err := st.kv.Get(ctx, Key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Setting{Source: Shipped}, 0, nil
	}
	if err != nil {
		return Setting{}, 0, fmt.Errorf("read matcher model setting: %w", err)
	}
	s, err := Decode(e.Value())
	return s, e.Revision(), err
}

// Use makes the matchers use the model file read from source (its name
// as shown) with content model, checked first.
func (st *Store) Use(ctx context.Context, source string, model []byte, by string) (Setting, error) {
	source = strings.TrimSpace(source)
	if source == "" || source == Shipped {
		return Setting{}, fmt.Errorf("%w: name the model file", ErrInvalid)
	}
	if len(model) > maxModelBytes {
		return Setting{}, fmt.Errorf("%w: %s is larger than %d bytes", ErrInvalid, source, maxModelBytes)
	}
	if _, err := match.ParseModel(model); err != nil {
		return Setting{}, fmt.Errorf("%w: %s: %v", ErrInvalid, source, err)
	}
	var compact json.RawMessage
	if err := json.Unmarshal(model, &compact); err != nil {
		return Setting{}, fmt.Errorf("%w: %s: %v", ErrInvalid, source, err)
	}
	return st.set(ctx, Setting{Source: source, Model: compact, By: by})
}

// UseShipped makes the matchers use the shipped model again.
func (st *Store) UseShipped(ctx context.Context, by string) (Setting, error) {
	return st.set(ctx, Setting{Source: Shipped, By: by})
}

// Revert goes back to the setting the current one replaced.
func (st *Store) Revert(ctx context.Context, by string) (Setting, error) {
	cur, err := st.Current(ctx)
	if err != nil {
		return Setting{}, err
	}
	if cur.Previous == nil {
		return Setting{}, fmt.Errorf("%w: no earlier choice to go back to", ErrInvalid)
	}
	p := *cur.Previous
	return st.set(ctx, Setting{Source: p.Source, Model: p.Model, By: by})
}

// set writes s (stamped, with the current setting as its previous one,
// itself without history) by revision.
func (st *Store) set(ctx context.Context, s Setting) (Setting, error) {
	for range 5 {
		cur, rev, err := st.current(ctx)
		if err != nil {
			return Setting{}, err
		}
		prev := cur
		prev.Previous = nil
		s.At, s.Previous = st.now().UTC(), &prev
		b, err := json.Marshal(s)
		if err != nil {
			return Setting{}, err
		}
		if rev == 0 {
			_, err = st.kv.Create(ctx, Key, b)
		} else {
			_, err = st.kv.Update(ctx, Key, b, rev)
		}
		if err == nil {
			return s, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) && !errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
			return Setting{}, fmt.Errorf("write matcher model setting: %w", err)
		}
	}
	return Setting{}, fmt.Errorf("write matcher model setting: too many concurrent changes")
}
