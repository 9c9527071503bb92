package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Names of the fields the Bleve backend adds to each indexed document.
const (
	srcField    = "_src"    // the whole document as JSON, stored only
	existsField = "_exists" // names of the declared fields present (null included)
	nullField   = "_null"   // names of the declared fields whose value is null
	emptyField  = "_empty"  // names of the declared fields whose value is "", [] or {}
	kwPrefix    = "_k_"     // exact keyword copy (text filter/sort/facet, number/time facets)
	textPrefix  = "_t_"     // analysed copy of a searchable keyword field
	lowerPrefix = "_l_"     // lower-cased copy of a filterable text or keyword field

	textAnalyzer = "vigie_text"
	settingsKey  = "vigie_settings"
	bleveBatch   = 2000
)

// Bleve is the embedded backend: one Bleve index folder with an explicit
// mapping built from Settings, BM25 scoring. It is safe for concurrent use.
type Bleve struct {
	dir string

	mu       sync.RWMutex // guards idx and the compiled schema; writers: EnsureSettings, Close
	idx      bleve.Index
	schema   *schema
	closed   bool
	analyzer func(string) []string
}

var _ Backend = (*Bleve)(nil)

// OpenBleve opens the index in dir, or prepares to create it there at the
// first EnsureSettings. An existing index is usable at once with the
// settings it was built with.
func OpenBleve(dir string) (*Bleve, error) {
	b := &Bleve{dir: dir}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return b, nil
		}
		return nil, fmt.Errorf("open bleve index %s: %w", dir, err)
	}
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open bleve index %s: %w", dir, err)
	}
	raw, err := idx.GetInternal([]byte(settingsKey))
	if err != nil || raw == nil {
		_ = idx.Close()
		return nil, fmt.Errorf("open bleve index %s: no vigie settings stored (%v)", dir, err)
	}
	var s Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		_ = idx.Close()
		return nil, fmt.Errorf("open bleve index %s: decode settings: %w", dir, err)
	}
	b.idx = idx
	b.setSchema(s)
	return b, nil
}

// Dir returns the index folder.
func (b *Bleve) Dir() string { return b.dir }

func (b *Bleve) setSchema(s Settings) {
	b.schema = newSchema(s)
	an := b.idx.Mapping().AnalyzerNamed(textAnalyzer)
	b.analyzer = func(text string) []string {
		if an == nil {
			return nil
		}
		ts := an.Analyze([]byte(text))
		out := make([]string, 0, len(ts))
		for _, t := range ts {
			out = append(out, string(t.Term))
		}
		return out
	}
}

// EnsureSettings creates the index with the mapping of s, or checks that the
// existing one was built with s. An empty index with other settings is
// recreated; one holding documents gives ErrSchemaChanged.
func (b *Bleve) EnsureSettings(ctx context.Context, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("ensure bleve settings: %w", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return errClosed
	}
	if b.idx != nil {
		if b.schema.settings.fingerprint() == s.fingerprint() {
			return nil
		}
		n, err := b.idx.DocCount()
		if err != nil {
			return fmt.Errorf("ensure bleve settings: %w", err)
		}
		if n > 0 {
			return fmt.Errorf("ensure bleve settings in %s (schema version %d, index has %d): %w",
				b.dir, s.SchemaVersion, b.schema.settings.SchemaVersion, ErrSchemaChanged)
		}
		if err := b.idx.Close(); err != nil {
			return fmt.Errorf("ensure bleve settings: close empty index: %w", err)
		}
		b.idx = nil
		if err := os.RemoveAll(b.dir); err != nil {
			return fmt.Errorf("ensure bleve settings: remove empty index: %w", err)
		}
	}
	m, err := buildMapping(s)
	if err != nil {
		return fmt.Errorf("ensure bleve settings: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(filepath.Clean(b.dir)), 0o750); err != nil {
		return fmt.Errorf("ensure bleve settings: %w", err)
	}
	idx, err := bleve.New(b.dir, m)
	if err != nil {
		return fmt.Errorf("ensure bleve settings: create index %s: %w", b.dir, err)
	}
	raw, _ := json.Marshal(s)
	if err := idx.SetInternal([]byte(settingsKey), raw); err != nil {
		_ = idx.Close()
		return fmt.Errorf("ensure bleve settings: store settings: %w", err)
	}
	b.idx = idx
	b.setSchema(s)
	return nil
}

var errClosed = errors.New("index: closed")

// ready returns the open index under the read lock; the caller must
// RUnlock.
func (b *Bleve) ready() error {
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return errClosed
	}
	if b.idx == nil {
		b.mu.RUnlock()
		return ErrNoSettings
	}
	return nil
}

// Upsert indexes the documents in batches; each batch is searchable when
// Upsert returns.
func (b *Bleve) Upsert(ctx context.Context, docs []Document) error {
	if err := b.ready(); err != nil {
		return fmt.Errorf("bleve upsert: %w", err)
	}
	defer b.mu.RUnlock()
	// Every document is checked before anything is written: an invalid
	// document fails the call with nothing indexed.
	ids := make([]string, len(docs))
	fields := make([]map[string]any, len(docs))
	for i, d := range docs {
		id, f, err := b.schema.bleveDoc(d)
		if err != nil {
			return fmt.Errorf("bleve upsert: %w", err)
		}
		ids[i], fields[i] = id, f
	}
	for start := 0; start < len(docs); start += bleveBatch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bleve upsert: %w", err)
		}
		batch := b.idx.NewBatch()
		for i := start; i < min(start+bleveBatch, len(docs)); i++ {
			if err := batch.Index(ids[i], fields[i]); err != nil {
				return fmt.Errorf("bleve upsert %q: %w", ids[i], err)
			}
			fields[i] = nil
		}
		if err := safeBatch(b.idx, batch); err != nil {
			return fmt.Errorf("bleve upsert: %w", err)
		}
	}
	return nil
}

// safeBatch applies a batch, turning a panic inside Bleve into an error.
// Bleve's scorch engine can panic on a batch after its persister failed
// (seen with "no space left on device": a segment of the root snapshot is
// closed under it); the batch is then not applied, and the caller retries
// it like any failed write.
func safeBatch(idx bleve.Index, batch *bleve.Batch) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bleve panicked: %v", r)
		}
	}()
	return idx.Batch(batch)
}

// SwapBleveDirs replaces the index folder live by fresh, both closed: live
// is renamed aside, fresh takes its name, then the old folder is removed.
// It is how a rebuilt index (built in fresh) is put in service.
func SwapBleveDirs(live, fresh string) error {
	if _, err := os.Stat(filepath.Join(fresh, "index_meta.json")); err != nil {
		return fmt.Errorf("swap bleve index: fresh index %s: %w", fresh, err)
	}
	old := live + ".old"
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("swap bleve index: %w", err)
	}
	if err := os.Rename(live, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("swap bleve index: %w", err)
	}
	if err := os.Rename(fresh, live); err != nil {
		return fmt.Errorf("swap bleve index: %w", err)
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("swap bleve index: remove old: %w", err)
	}
	return nil
}

// Delete removes the documents; unknown ids are ignored.
func (b *Bleve) Delete(ctx context.Context, ids []string) error {
	if err := b.ready(); err != nil {
		return fmt.Errorf("bleve delete: %w", err)
	}
	defer b.mu.RUnlock()
	for start := 0; start < len(ids); start += bleveBatch {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("bleve delete: %w", err)
		}
		batch := b.idx.NewBatch()
		for _, id := range ids[start:min(start+bleveBatch, len(ids))] {
			batch.Delete(id)
		}
		if err := safeBatch(b.idx, batch); err != nil {
			return fmt.Errorf("bleve delete: %w", err)
		}
	}
	return nil
}

// Get returns the stored document.
func (b *Bleve) Get(ctx context.Context, id string) (Document, error) {
	if err := b.ready(); err != nil {
		return nil, fmt.Errorf("bleve get %q: %w", id, err)
	}
	defer b.mu.RUnlock()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bleve get %q: %w", id, err)
	}
	d, err := b.idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("bleve get %q: %w", id, err)
	}
	if d == nil {
		return nil, fmt.Errorf("bleve get %q: %w", id, ErrNotFound)
	}
	var src []byte
	d.VisitFields(func(f bleveindex.Field) {
		if f.Name() == srcField {
			src = append([]byte(nil), f.Value()...)
		}
	})
	if src == nil {
		return nil, fmt.Errorf("bleve get %q: %w", id, ErrNotFound)
	}
	return decodeSrc(id, src)
}

func decodeSrc(id string, src []byte) (Document, error) {
	var doc Document
	if err := json.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("decode stored document %q: %w", id, err)
	}
	return doc, nil
}

// Count returns the number of documents.
func (b *Bleve) Count(ctx context.Context) (int, error) {
	if err := b.ready(); err != nil {
		return 0, fmt.Errorf("bleve count: %w", err)
	}
	defer b.mu.RUnlock()
	n, err := b.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("bleve count: %w", err)
	}
	return int(n), nil
}

// Search runs the query.
func (b *Bleve) Search(ctx context.Context, q Query) (Result, error) {
	if err := b.ready(); err != nil {
		return Result{}, fmt.Errorf("bleve search: %w", err)
	}
	defer b.mu.RUnlock()
	req, err := b.request(q)
	if err != nil {
		return Result{}, fmt.Errorf("bleve search: %w", err)
	}
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return Result{}, fmt.Errorf("bleve search: %w", err)
	}
	out := Result{Total: int(res.Total), Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		src, _ := h.Fields[srcField].(string)
		doc, err := decodeSrc(h.ID, []byte(src))
		if err != nil {
			return Result{}, fmt.Errorf("bleve search: %w", err)
		}
		hit := Hit{ID: h.ID, Doc: doc, Score: h.Score}
		for _, name := range q.Highlight {
			if s, ok := b.schema.highlight(name, doc, h.Locations); ok {
				if hit.Highlights == nil {
					hit.Highlights = make(map[string]string, len(q.Highlight))
				}
				hit.Highlights[name] = s
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(q.Facets) > 0 {
		out.Facets = make(map[string]map[string]int, len(q.Facets))
		for _, name := range q.Facets {
			counts := map[string]int{}
			if fr := res.Facets[name]; fr != nil && fr.Terms != nil {
				f, _ := b.schema.settings.Field(name)
				for _, t := range fr.Terms.Terms() {
					v := t.Term
					if f.Type == Bool {
						v = strconv.FormatBool(v == "T")
					}
					counts[v] = t.Count
				}
			}
			out.Facets[name] = counts
		}
	}
	return out, nil
}

// Close closes the index; later calls fail.
func (b *Bleve) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	if b.idx == nil {
		return nil
	}
	if err := b.idx.Close(); err != nil {
		return fmt.Errorf("close bleve index %s: %w", b.dir, err)
	}
	return nil
}

// buildMapping returns the explicit mapping for s.
func buildMapping(s Settings) (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	im.ScoringModel = bleveindex.BM25Scoring
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	if err := im.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, ar.NormalizeName, foldFilterName},
	}); err != nil {
		return nil, fmt.Errorf("text analyzer: %w", err)
	}
	im.DefaultAnalyzer = textAnalyzer
	dm := bleve.NewDocumentStaticMapping()

	text := func(vectors bool) *mapping.FieldMapping {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = textAnalyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.DocValues = false
		fm.IncludeTermVectors = vectors
		return fm
	}
	keyword := func(docValues bool) *mapping.FieldMapping {
		fm := bleve.NewKeywordFieldMapping()
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = docValues
		return fm
	}
	add := func(name string, fm *mapping.FieldMapping) { dm.AddFieldMappingsAt(name, fm) }

	src := bleve.NewTextFieldMapping()
	src.Index = false
	src.Store = true
	src.IncludeInAll = false
	src.IncludeTermVectors = false
	src.DocValues = false
	add(srcField, src)
	add(existsField, keyword(false))
	add(nullField, keyword(false))
	add(emptyField, keyword(false))

	for _, f := range s.Fields {
		docValues := f.Sortable || f.Facetable
		switch f.Type {
		case Text:
			if f.Searchable {
				add(f.Name, text(true))
			}
			if f.Sortable || f.Facetable {
				add(kwPrefix+f.Name, keyword(true))
			}
			if f.Filterable {
				add(lowerPrefix+f.Name, keyword(false))
			}
		case Keyword:
			if f.Sortable || f.Facetable {
				add(f.Name, keyword(true))
			}
			if f.Filterable {
				add(lowerPrefix+f.Name, keyword(false))
			}
			if f.Searchable {
				add(textPrefix+f.Name, text(true))
			}
		case Number:
			if f.Filterable || f.Sortable {
				fm := bleve.NewNumericFieldMapping()
				fm.Store, fm.IncludeInAll, fm.DocValues = false, false, f.Sortable
				add(f.Name, fm)
			}
			if f.Facetable {
				add(kwPrefix+f.Name, keyword(true))
			}
		case Bool:
			if f.Filterable || f.Sortable || f.Facetable {
				fm := bleve.NewBooleanFieldMapping()
				fm.Store, fm.IncludeInAll, fm.DocValues = false, false, docValues
				add(f.Name, fm)
			}
		case Time:
			if f.Filterable || f.Sortable {
				fm := bleve.NewDateTimeFieldMapping()
				fm.Store, fm.IncludeInAll, fm.DocValues = false, false, f.Sortable
				add(f.Name, fm)
			}
			if f.Facetable {
				add(kwPrefix+f.Name, keyword(true))
			}
		}
	}
	im.DefaultMapping = dm
	if err := im.Validate(); err != nil {
		return nil, err
	}
	return im, nil
}

// schema is Settings compiled for the Bleve backend.
type schema struct {
	settings Settings
	fields   map[string]Field
	synonyms map[string][]string // raw synonyms by raw word; analysed at query time
}

func newSchema(s Settings) *schema {
	sc := &schema{settings: s, fields: make(map[string]Field, len(s.Fields)), synonyms: s.Synonyms}
	for _, f := range s.Fields {
		sc.fields[f.Name] = f
	}
	return sc
}

// bleveDoc returns the id and the map Bleve indexes for d.
func (sc *schema) bleveDoc(d Document) (string, map[string]any, error) {
	id := d.ID()
	if id == "" {
		return "", nil, fmt.Errorf("%w: missing or non-string %q", ErrInvalidDocument, IDField)
	}
	if !docIDRE.MatchString(id) {
		return "", nil, fmt.Errorf("%w: id %q: want 1 to 511 of A-Z a-z 0-9 - _", ErrInvalidDocument, id)
	}
	src, err := json.Marshal(d)
	if err != nil {
		return "", nil, fmt.Errorf("%w %q: %w", ErrInvalidDocument, id, err)
	}
	out := make(map[string]any, 2*len(sc.settings.Fields)+4)
	out[srcField] = string(src)
	var exists, null, empty []string
	for _, f := range sc.settings.Fields {
		v, ok := d[f.Name]
		if !ok {
			continue
		}
		exists = append(exists, f.Name)
		if v == nil {
			null = append(null, f.Name)
			continue
		}
		if isEmptyValue(v) {
			empty = append(empty, f.Name)
		}
		if err := sc.addField(out, f, v); err != nil {
			return "", nil, fmt.Errorf("%w %q: field %q: %w", ErrInvalidDocument, id, f.Name, err)
		}
	}
	if exists != nil {
		out[existsField] = exists
	}
	if null != nil {
		out[nullField] = null
	}
	if empty != nil {
		out[emptyField] = empty
	}
	return id, out, nil
}

func (sc *schema) addField(out map[string]any, f Field, v any) error {
	switch f.Type {
	case Text, Keyword:
		strs, ok := asStrings(v)
		if !ok {
			return fmt.Errorf("want a string or a list of strings, got %T", v)
		}
		var val any = strs
		if s, isStr := v.(string); isStr {
			val = s
		}
		if f.Type == Text {
			out[f.Name] = val
			out[kwPrefix+f.Name] = val
		} else {
			out[f.Name] = val
			out[textPrefix+f.Name] = val
		}
		if f.Filterable {
			lower := make([]string, len(strs))
			for i, s := range strs {
				lower[i] = strings.ToLower(s)
			}
			out[lowerPrefix+f.Name] = lower
		}
	case Number:
		nums, err := listOf(v, asFloat)
		if err != nil {
			return fmt.Errorf("want a number: %w", err)
		}
		out[f.Name] = nums
		if f.Facetable {
			kws := make([]string, len(nums))
			for i, n := range nums {
				kws[i] = formatNumber(n)
			}
			out[kwPrefix+f.Name] = kws
		}
	case Bool:
		bs, err := listOf(v, func(x any) (bool, bool) { b, ok := x.(bool); return b, ok })
		if err != nil {
			return fmt.Errorf("want a bool: %w", err)
		}
		out[f.Name] = bs
	case Time:
		ts, err := listOf(v, asTime)
		if err != nil {
			return fmt.Errorf("want a time: %w", err)
		}
		out[f.Name] = ts
		if f.Facetable {
			kws := make([]string, len(ts))
			for i, t := range ts {
				kws[i] = t.UTC().Format(time.RFC3339Nano)
			}
			out[kwPrefix+f.Name] = kws
		}
	}
	return nil
}

// listOf converts a scalar or a list of scalars with conv.
func listOf[T any](v any, conv func(any) (T, bool)) ([]T, error) {
	var items []any
	switch x := v.(type) {
	case []any:
		items = x
	case []string:
		items = make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
	case []float64:
		items = make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
	case []int:
		items = make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
	case []bool:
		items = make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
	case []time.Time:
		items = make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
	default:
		items = []any{v}
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		c, ok := conv(it)
		if !ok {
			return nil, fmt.Errorf("unsupported value %v (%T)", it, it)
		}
		out = append(out, c)
	}
	return out, nil
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// searchFields returns the Bleve fields searched for the text query and
// highlighted for the named field.
func searchFieldName(f Field) string {
	if f.Type == Keyword {
		return textPrefix + f.Name
	}
	return f.Name
}

// splitSortKey parses "field:asc" / "field:desc" (no suffix means asc).
func splitSortKey(key string) (field string, desc bool, err error) {
	field, dir, found := strings.Cut(key, ":")
	if !found {
		return key, false, nil
	}
	switch strings.ToLower(dir) {
	case "asc":
		return field, false, nil
	case "desc":
		return field, true, nil
	}
	return "", false, fmt.Errorf("%w: sort key %q: direction must be asc or desc", ErrInvalidQuery, key)
}
