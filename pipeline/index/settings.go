package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
)

// FieldType is how a field's values are indexed.
type FieldType int

// Field types.
const (
	// Text is analysed full text (words, case- and accent-insensitive).
	Text FieldType = iota
	// Keyword is an exact string or list of strings (ids, slugs, codes).
	Keyword
	// Number is a float64 (integers are accepted).
	Number
	// Bool is true or false.
	Bool
	// Time is an instant, given as time.Time or an RFC 3339 string.
	Time
)

var fieldTypeNames = [...]string{Text: "text", Keyword: "keyword", Number: "number", Bool: "bool", Time: "time"}

// String returns the type's lower-case name.
func (t FieldType) String() string {
	if t >= 0 && int(t) < len(fieldTypeNames) {
		return fieldTypeNames[t]
	}
	return fmt.Sprintf("FieldType(%d)", int(t))
}

// MarshalText encodes the type by name.
func (t FieldType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText decodes a type name.
func (t *FieldType) UnmarshalText(b []byte) error {
	for i, n := range fieldTypeNames {
		if n == string(b) {
			*t = FieldType(i)
			return nil
		}
	}
	return fmt.Errorf("index: unknown field type %q", b)
}

// Field declares one indexed field. Fields that are not declared are stored
// (they round-trip through Get and Search) but neither searched nor filtered.
type Field struct {
	Name string
	Type FieldType
	// Searchable fields take part in the text search and can be highlighted.
	Searchable bool
	// Filterable fields can appear in a filter expression.
	Filterable bool
	// Sortable fields can be sort keys.
	Sortable bool
	// Facetable fields can be asked for facet counts.
	Facetable bool
}

// Settings declares an index: its fields, the version of the document shape
// (bump it when documents are built differently, to force a rebuild) and
// one-way synonyms (a query word also matches each of its synonyms).
type Settings struct {
	Fields        []Field
	SchemaVersion int
	Synonyms      map[string][]string
}

// ErrSchemaChanged is returned by EnsureSettings when the index holds
// documents built under different settings: the caller rebuilds the index
// from the log (into a fresh index) and swaps it in.
var ErrSchemaChanged = errors.New("index: settings changed, rebuild required")

// ErrNoSettings is returned by an operation on an index whose settings were
// never applied.
var ErrNoSettings = errors.New("index: settings not applied")

var fieldNameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// Validate checks field names (letters, digits and _, starting with a
// letter: they name top-level keys), types and duplicates.
func (s Settings) Validate() error {
	seen := make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		if !fieldNameRE.MatchString(f.Name) {
			return fmt.Errorf("index: settings: invalid field name %q", f.Name)
		}
		if seen[f.Name] {
			return fmt.Errorf("index: settings: duplicate field %q", f.Name)
		}
		seen[f.Name] = true
		if f.Type < Text || f.Type > Time {
			return fmt.Errorf("index: settings: field %q: unknown type %d", f.Name, int(f.Type))
		}
		if f.Searchable && f.Type != Text && f.Type != Keyword {
			return fmt.Errorf("index: settings: field %q: only text and keyword fields can be searchable", f.Name)
		}
	}
	return nil
}

// Field returns the declared field named name.
func (s Settings) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// fingerprint is a canonical encoding of the settings, to compare them.
func (s Settings) fingerprint() string {
	c := s
	c.Fields = slices.Clone(s.Fields)
	slices.SortFunc(c.Fields, func(a, b Field) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	b, _ := json.Marshal(c) // maps are encoded with sorted keys
	return string(b)
}

// searchableFields lists the searchable fields in declaration order (the
// order is Meilisearch's attribute ranking).
func (s Settings) searchableFields() []Field {
	var out []Field
	for _, f := range s.Fields {
		if f.Searchable {
			out = append(out, f)
		}
	}
	return out
}
