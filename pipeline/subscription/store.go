package subscription

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Store keeps subscriptions in a KV bucket, one JSON value per id.
type Store struct {
	kv  jetstream.KeyValue
	now func() time.Time
}

// NewStore returns a Store over kv; now is the clock (time.Now when nil).
func NewStore(kv jetstream.KeyValue, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{kv: kv, now: now}
}

func (st *Store) decode(e jetstream.KeyValueEntry) (Subscription, error) {
	var s Subscription
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		return Subscription{}, fmt.Errorf("decode subscription %s: %w", e.Key(), err)
	}
	s.Revision = e.Revision()
	return s, nil
}

// Create normalises, validates and stores a new subscription, giving it an
// id when it has none; it returns it with its revision.
func (st *Store) Create(ctx context.Context, s Subscription) (Subscription, error) {
	if s.ID == "" {
		s.ID = NewID()
	}
	if s.LinkKey == "" {
		s.LinkKey = NewLinkKey()
	}
	s = s.Normalize()
	if err := s.Validate(); err != nil {
		return Subscription{}, fmt.Errorf("create subscription: %w", err)
	}
	now := st.now().UTC()
	s.Created, s.Updated = now, now
	b, err := json.Marshal(s)
	if err != nil {
		return Subscription{}, fmt.Errorf("create subscription %s: %w", s.ID, err)
	}
	rev, err := st.kv.Create(ctx, s.ID, b)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return Subscription{}, fmt.Errorf("create subscription %s: %w", s.ID, ErrExists)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("create subscription %s: %w", s.ID, err)
	}
	s.Revision = rev
	return s, nil
}

// Get returns the subscription with id and its revision.
func (st *Store) Get(ctx context.Context, id string) (Subscription, error) {
	if !validID(id, "sub_") {
		return Subscription{}, fmt.Errorf("get subscription %q: %w", id, ErrNotFound)
	}
	e, err := st.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Subscription{}, fmt.Errorf("get subscription %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("get subscription %s: %w", id, err)
	}
	return st.decode(e)
}

// Update stores s if the stored revision is still s.Revision (ErrConflict
// otherwise) and returns it with its new revision.
func (st *Store) Update(ctx context.Context, s Subscription) (Subscription, error) {
	s = s.Normalize()
	if err := s.Validate(); err != nil {
		return Subscription{}, fmt.Errorf("update subscription %s: %w", s.ID, err)
	}
	if s.ID == "" {
		return Subscription{}, fmt.Errorf("update subscription: %w", ErrNotFound)
	}
	if s.LinkKey == "" {
		s.LinkKey = NewLinkKey() // subscriptions stored before alert links were signed
	}
	s.Updated = st.now().UTC()
	b, err := json.Marshal(s)
	if err != nil {
		return Subscription{}, fmt.Errorf("update subscription %s: %w", s.ID, err)
	}
	rev, err := st.kv.Update(ctx, s.ID, b, s.Revision)
	switch {
	case errors.Is(err, jetstream.ErrKeyRevisionMismatch), errors.Is(err, jetstream.ErrKeyExists):
		return Subscription{}, fmt.Errorf("update subscription %s at revision %d: %w", s.ID, s.Revision, ErrConflict)
	case err != nil:
		return Subscription{}, fmt.Errorf("update subscription %s: %w", s.ID, err)
	}
	s.Revision = rev
	return s, nil
}

// Modify reads the subscription, applies fn and updates it, retrying on a
// concurrent change (up to 10 times). fn may be called several times.
func (st *Store) Modify(ctx context.Context, id string, fn func(*Subscription) error) (Subscription, error) {
	for range 10 {
		s, err := st.Get(ctx, id)
		if err != nil {
			return Subscription{}, err
		}
		if err := fn(&s); err != nil {
			return Subscription{}, fmt.Errorf("modify subscription %s: %w", id, err)
		}
		s, err = st.Update(ctx, s)
		if errors.Is(err, ErrConflict) {
			continue
		}
		return s, err
	}
	return Subscription{}, fmt.Errorf("modify subscription %s: %w", id, ErrConflict)
}

// Delete removes the subscription if its revision is still rev (any
// revision when rev is 0).
func (st *Store) Delete(ctx context.Context, id string, rev uint64) error {
	if _, err := st.Get(ctx, id); err != nil {
		return fmt.Errorf("delete subscription: %w", err)
	}
	var opts []jetstream.KVDeleteOpt
	if rev > 0 {
		opts = append(opts, jetstream.LastRevision(rev))
	}
	err := st.kv.Delete(ctx, id, opts...)
	switch {
	case errors.Is(err, jetstream.ErrKeyRevisionMismatch), isWrongLastSeq(err):
		return fmt.Errorf("delete subscription %s at revision %d: %w", id, rev, ErrConflict)
	case err != nil:
		return fmt.Errorf("delete subscription %s: %w", id, err)
	}
	return nil
}

func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}

// List returns every subscription, sorted by id.
func (st *Store) List(ctx context.Context) ([]Subscription, error) {
	lister, err := st.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]Subscription, 0, len(keys))
	for _, k := range keys {
		s, err := st.Get(ctx, k)
		if errors.Is(err, ErrNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("list subscriptions: %w", err)
		}
		out = append(out, s)
	}
	return out, nil
}

// ForLocality returns the subscriptions that follow any of codes.
func ForLocality(subs []Subscription, codes []string) []Subscription {
	var out []Subscription
	for _, s := range subs {
		if slices.ContainsFunc(codes, func(c string) bool { return slices.Contains(s.Localities, strings.ToUpper(c)) }) {
			out = append(out, s)
		}
	}
	return out
}
