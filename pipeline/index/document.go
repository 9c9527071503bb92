package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"
)

// Document is one indexed record: JSON-like field values (string, float64 or
// any integer, bool, time.Time or an RFC 3339 string, []string, and for
// stored-only fields any JSON-encodable value). It must contain "id": 1 to
// 511 characters among A-Z a-z 0-9 - and _ (Meilisearch's rule, applied by
// both backends).
type Document map[string]any

// IDField is the name of the primary key of every document.
const IDField = "id"

// ErrNotFound is returned by Get when no document has the id.
var ErrNotFound = errors.New("index: document not found")

// ErrInvalidDocument is wrapped by Upsert when a document has no usable id or
// a declared field holds a value of the wrong type.
var ErrInvalidDocument = errors.New("index: invalid document")

// ID returns the document's id, or "" when it is missing or not a string.
func (d Document) ID() string {
	s, _ := d[IDField].(string)
	return s
}

// Decode unmarshals the document into v (a struct with json tags) through
// its JSON encoding.
func (d Document) Decode(v any) error {
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("decode document %q: %w", d.ID(), err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("decode document %q: %w", d.ID(), err)
	}
	return nil
}

// Canonical returns the document as its JSON encoding decodes, which is the
// form both backends return from Get and Search: numbers float64, lists
// []any, objects map[string]any, times RFC 3339 strings.
func Canonical(d Document) (Document, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("canonical document %q: %w", d.ID(), err)
	}
	var out Document
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("canonical document %q: %w", d.ID(), err)
	}
	return out, nil
}

// clone returns a shallow copy of d.
func (d Document) clone() Document { return maps.Clone(d) }

// asFloat converts a JSON-like number to float64.
func asFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int8:
		return float64(n), true
	case int16:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// asTime converts a time.Time, an RFC 3339 string or a date (2006-01-02) to
// a time.Time.
func asTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, true
	case *time.Time:
		if t == nil {
			return time.Time{}, false
		}
		return *t, true
	case string:
		return parseTime(t)
	}
	return time.Time{}, false
}

func parseTime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// asStrings converts a string, []string or []any of strings to a list.
func asStrings(v any) ([]string, bool) {
	switch s := v.(type) {
	case string:
		return []string{s}, true
	case []string:
		return s, true
	case []any:
		out := make([]string, 0, len(s))
		for _, e := range s {
			str, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, str)
		}
		return out, true
	}
	return nil, false
}

// isEmptyValue reports whether v is what Meilisearch calls empty: "", [] or {}.
func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case string:
		return x == ""
	case []string:
		return len(x) == 0
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}
