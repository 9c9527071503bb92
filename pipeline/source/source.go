package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus"

	"github.com/nats-io/nats.go/jetstream"
)

// Kinds of source a registry entry may have (the pollable and streamed
// ones of claims.SourceKinds; tips and imports come without a source entry).
const (
	KindFeed     = string(claims.SourceFeed)
	KindMastodon = string(claims.SourceMastodon)
	KindBluesky  = string(claims.SourceBluesky)
)

// Origins of a source definition.
const (
	// OriginConfig sources come from the configuration file, re-applied at each start.
	OriginConfig = "config"
	// OriginAPI sources were added by the CLI, the API or an OPML import.
	OriginAPI = "api"
)

// Statuses of a source.
const (
	StatusNew      = "new"
	StatusOK       = "ok"
	StatusError    = "error"
	StatusDisabled = "disabled"
)

// Source is a source definition.
type Source struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	Kind                 string        `json:"kind"`
	URL                  string        `json:"url"`
	Language             string        `json:"language,omitempty"`
	Localities           []string      `json:"localities,omitempty"`
	Interval             time.Duration `json:"interval"`
	AllowPrivateNetworks bool          `json:"allow_private_networks,omitempty"`
	Origin               string        `json:"origin"`
}

// State is the fetch state of a source.
type State struct {
	Status       string    `json:"status"`
	LastError    string    `json:"last_error,omitempty"`
	ErrorKind    string    `json:"error_kind,omitempty"`
	LastFetch    time.Time `json:"last_fetch,omitzero"`
	NextFetch    time.Time `json:"next_fetch,omitzero"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	Failures     int       `json:"failures"`
	Items        int64     `json:"items"`
	// Cursor is a social source's resume position (opaque to the registry).
	Cursor string `json:"cursor,omitempty"`
	// LeaseOwner and LeaseUntil mark a fetch in progress by one process.
	LeaseOwner string    `json:"lease_owner,omitempty"`
	LeaseUntil time.Time `json:"lease_until,omitzero"`
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,127}$`)

// ErrNotFound is returned for an unknown source id.
var ErrNotFound = errors.New("source not found")

// ErrConflict is returned when a compare-and-set lost to another writer.
var ErrConflict = errors.New("source state changed concurrently")

// Validate checks a definition and fills defaults.
func (s *Source) Validate() error {
	if !idPattern.MatchString(s.ID) {
		return fmt.Errorf("source id %q: use 1 to 128 of a-z, 0-9, '-' and '_', starting with a letter or digit", s.ID)
	}
	if s.Kind == "" {
		s.Kind = KindFeed
	}
	if !slices.Contains([]string{KindFeed, KindMastodon, KindBluesky}, s.Kind) {
		return fmt.Errorf("source %q: unknown kind %q (want feed, mastodon or bluesky)", s.ID, s.Kind)
	}
	if s.Kind != KindBluesky && s.URL == "" {
		return fmt.Errorf("source %q: url is required", s.ID)
	}
	if s.Kind == KindFeed && !strings.HasPrefix(s.URL, "http://") && !strings.HasPrefix(s.URL, "https://") {
		return fmt.Errorf("source %q: url %q must start with http:// or https://", s.ID, s.URL)
	}
	if s.Name == "" {
		s.Name = s.ID
	}
	if s.Interval <= 0 {
		s.Interval = 10 * time.Minute
	}
	if s.Origin == "" {
		s.Origin = OriginAPI
	}
	return nil
}

// Registry reads and writes sources in the bucket.
type Registry struct {
	kv jetstream.KeyValue
}

// NewRegistry returns a registry over the vigie_sources bucket.
func NewRegistry(kv jetstream.KeyValue) *Registry { return &Registry{kv: kv} }

func configKey(id string) string { return id + ".config" }
func stateKey(id string) string  { return id + ".state" }

// Put adds or replaces a definition. A source's id never changes: to
// rename, change Name.
func (r *Registry) Put(ctx context.Context, s Source) error {
	if err := s.Validate(); err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode source %q: %w", s.ID, err)
	}
	if _, err := r.kv.Put(ctx, configKey(s.ID), b); err != nil {
		return fmt.Errorf("save source %q: %w", s.ID, err)
	}
	return nil
}

// Get returns a definition.
func (r *Registry) Get(ctx context.Context, id string) (Source, error) {
	var s Source
	e, err := r.kv.Get(ctx, configKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return s, fmt.Errorf("source %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return s, fmt.Errorf("read source %q: %w", id, err)
	}
	if err := json.Unmarshal(e.Value(), &s); err != nil {
		return s, fmt.Errorf("decode source %q: %w", id, err)
	}
	return s, nil
}

// Delete removes a definition and its state.
func (r *Registry) Delete(ctx context.Context, id string) error {
	if _, err := r.Get(ctx, id); err != nil {
		return err
	}
	if err := r.kv.Delete(ctx, configKey(id)); err != nil {
		return fmt.Errorf("delete source %q: %w", id, err)
	}
	if err := r.kv.Delete(ctx, stateKey(id)); err != nil && !errors.Is(err, jetstream.ErrKeyNotFound) {
		return fmt.Errorf("delete state of source %q: %w", id, err)
	}
	return nil
}

// List returns every definition, sorted by id.
func (r *Registry) List(ctx context.Context) ([]Source, error) {
	lister, err := r.kv.ListKeysFiltered(ctx, "*.config")
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	var ids []string
	for k := range lister.Keys() {
		ids = append(ids, strings.TrimSuffix(k, ".config"))
	}
	slices.Sort(ids)
	out := make([]Source, 0, len(ids))
	for _, id := range ids {
		s, err := r.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// State returns a source's state and its revision (0 when it has none yet).
func (r *Registry) State(ctx context.Context, id string) (State, uint64, error) {
	e, err := r.kv.Get(ctx, stateKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return State{Status: StatusNew}, 0, nil
	}
	if err != nil {
		return State{}, 0, fmt.Errorf("read state of source %q: %w", id, err)
	}
	var st State
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		return State{}, 0, fmt.Errorf("decode state of source %q: %w", id, err)
	}
	return st, e.Revision(), nil
}

// SetState writes st if the state's revision is still rev (0: it must not
// exist yet); it returns the new revision, or ErrConflict.
func (r *Registry) SetState(ctx context.Context, id string, st State, rev uint64) (uint64, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return 0, fmt.Errorf("encode state of source %q: %w", id, err)
	}
	var nrev uint64
	if rev == 0 {
		nrev, err = r.kv.Create(ctx, stateKey(id), b)
	} else {
		nrev, err = r.kv.Update(ctx, stateKey(id), b, rev)
	}
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) || isWrongSequence(err) {
			return 0, fmt.Errorf("state of source %q: %w", id, ErrConflict)
		}
		return 0, fmt.Errorf("write state of source %q: %w", id, err)
	}
	return nrev, nil
}

func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// Watch calls fn with every definition and every change of one (deleted
// true when it was removed) until ctx ends.
func (r *Registry) Watch(ctx context.Context, fn func(s Source, deleted bool)) error {
	w, err := r.kv.Watch(ctx, "*.config")
	if err != nil {
		return fmt.Errorf("watch sources: %w", err)
	}
	return bus.Follow(ctx, w, nil, func(e jetstream.KeyValueEntry) {
		id := strings.TrimSuffix(e.Key(), ".config")
		if e.Operation() != jetstream.KeyValuePut {
			fn(Source{ID: id}, true)
			return
		}
		var s Source
		if err := json.Unmarshal(e.Value(), &s); err != nil {
			return
		}
		fn(s, false)
	})
}

// Failed records a failed fetch: one more consecutive failure, its error
// and kind; the source is disabled, with the reason kept, once
// maxFailures consecutive failures are reached.
func (st *State) Failed(cause error, kind string, maxFailures int) {
	st.Failures++
	st.Status, st.LastError, st.ErrorKind = StatusError, cause.Error(), kind
	if st.Failures >= maxFailures {
		st.Status = StatusDisabled
		st.LastError = fmt.Sprintf("disabled after %d consecutive failures; last: %s", st.Failures, cause)
	}
}

// Succeeded records a successful fetch: the failure count and error clear.
func (st *State) Succeeded() {
	st.Failures = 0
	st.Status, st.LastError, st.ErrorKind = StatusOK, "", ""
}
