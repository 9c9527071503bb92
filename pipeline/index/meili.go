package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"go.uber.org/zap"
)

// Meilisearch tuning shared by the Meili backend.
const (
	// MeiliBatchSize is how many documents one add-documents task carries.
	MeiliBatchSize = 10_000
	// MeiliMaxTotalHits is the pagination.maxTotalHits setting: totals are
	// exact up to it.
	MeiliMaxTotalHits = 1_000_000
	// meiliCropWords is the crop length of highlighted snippets, in words.
	meiliCropWords = 40
	// meiliMetaSuffix names the companion index holding the applied settings.
	meiliMetaSuffix = "__vigie_meta"
	// tsPrefix names the numeric shadow of a time field (Unix seconds), which
	// Meilisearch filters and sorts on.
	tsPrefix = "_ts_"
	// Highlight tags Meilisearch inserts; private-use runes, replaced by
	// <mark> after HTML-escaping the text.
	meiliPreTag  = "\uE000"
	meiliPostTag = "\uE001"
)

// meiliRankingRules puts "sort" first: sort keys order results and
// relevance breaks ties, as on Bleve.
var meiliRankingRules = []string{"sort", "words", "typo", "proximity", "attribute", "exactness"}

// docIDRE is the document id Meilisearch accepts.
var docIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,511}$`)

// Meili is the Meilisearch backend. The API key is given by the caller (read
// it with ReadKeyFile); it is only ever sent in the Authorization header,
// never logged nor included in errors. Safe for concurrent use.
type Meili struct {
	sm       meilisearch.ServiceManager
	idx      meilisearch.IndexManager
	uid      string
	log      *zap.Logger
	poll     time.Duration
	batch    int
	mu       sync.RWMutex
	schema   *schema
	httpDone func()
}

var _ Backend = (*Meili)(nil)

// MeiliOption configures OpenMeili.
type MeiliOption func(*meiliConfig)

type meiliConfig struct {
	log        *zap.Logger
	transport  http.RoundTripper
	timeout    time.Duration
	poll       time.Duration
	batch      int
	maxRetries int
	maxWait    time.Duration
	sleep      func(*http.Request, time.Duration) error // tests
}

// WithMeiliLogger sets the logger (default: no logging).
func WithMeiliLogger(l *zap.Logger) MeiliOption { return func(c *meiliConfig) { c.log = l } }

// WithMeiliTransport sets the HTTP transport under the retry layer.
func WithMeiliTransport(rt http.RoundTripper) MeiliOption {
	return func(c *meiliConfig) { c.transport = rt }
}

// WithMeiliTimeout bounds each HTTP request (default 30 s).
func WithMeiliTimeout(d time.Duration) MeiliOption { return func(c *meiliConfig) { c.timeout = d } }

// WithMeiliTaskPoll sets how often a task's status is polled (default 50 ms).
func WithMeiliTaskPoll(d time.Duration) MeiliOption { return func(c *meiliConfig) { c.poll = d } }

// WithMeiliBatchSize sets the documents per add task (default MeiliBatchSize).
func WithMeiliBatchSize(n int) MeiliOption { return func(c *meiliConfig) { c.batch = n } }

// WithMeiliRetry sets how many times a 503 (or 429) answer is retried and
// the longest wait honoured from Retry-After (default 5 times, 30 s).
func WithMeiliRetry(max int, maxWait time.Duration) MeiliOption {
	return func(c *meiliConfig) { c.maxRetries, c.maxWait = max, maxWait }
}

// ReadKeyFile reads a Meilisearch API key from a file (--meili-key-file),
// trimming surrounding white space. The key is never logged.
func ReadKeyFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read meilisearch key file: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if key == "" {
		return "", fmt.Errorf("read meilisearch key file %s: empty", path)
	}
	return key, nil
}

// OpenMeili connects to the Meilisearch server at url and opens (creating
// it if needed, with primary key "id") the index indexUID.
func OpenMeili(ctx context.Context, url, key, indexUID string, opts ...MeiliOption) (*Meili, error) {
	cfg := meiliConfig{
		log: zap.NewNop(), transport: http.DefaultTransport, timeout: 30 * time.Second,
		poll: 50 * time.Millisecond, batch: MeiliBatchSize, maxRetries: 5, maxWait: 30 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if !docIDRE.MatchString(indexUID) {
		return nil, fmt.Errorf("open meilisearch index %q: invalid index uid", indexUID)
	}
	rt := &retryTransport{base: cfg.transport, max: cfg.maxRetries, maxWait: cfg.maxWait, log: cfg.log, sleep: cfg.sleep}
	client := &http.Client{Transport: rt, Timeout: cfg.timeout}
	sm := meilisearch.New(url, meilisearch.WithAPIKey(key), meilisearch.WithCustomClient(client), meilisearch.DisableRetries())
	m := &Meili{
		sm: sm, idx: sm.Index(indexUID), uid: indexUID, log: cfg.log, poll: cfg.poll, batch: max(cfg.batch, 1),
		httpDone: client.CloseIdleConnections,
	}
	if _, err := sm.GetIndex(ctx, indexUID); err != nil {
		if !hasMeiliCode(err, meilisearch.APIErrCodeIndexNotFound) {
			return nil, fmt.Errorf("open meilisearch index %q: %w", indexUID, meiliErr(err))
		}
		task, err := sm.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: indexUID, PrimaryKey: IDField})
		if err != nil {
			return nil, fmt.Errorf("create meilisearch index %q: %w", indexUID, meiliErr(err))
		}
		if err := m.wait(ctx, "create index", task.TaskUID); err != nil {
			return nil, err
		}
	}
	// Settings applied earlier are known from the companion index.
	if s, ok, err := m.storedSettings(ctx); err != nil {
		return nil, err
	} else if ok {
		m.schema = newSchema(s)
	}
	return m, nil
}

// UID returns the index uid.
func (m *Meili) UID() string { return m.uid }

// MeiliError is a Meilisearch API error or failed task, without the request
// body or any header.
type MeiliError struct {
	Status  int    // HTTP status, 0 for a failed task
	Code    string // Meilisearch error code, such as "invalid_document_id"
	Type    string
	Message string
	TaskUID int64 // for a failed task
}

// Error implements error.
func (e *MeiliError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("meilisearch task %d failed: %s (%s)", e.TaskUID, e.Message, e.Code)
	}
	return fmt.Sprintf("meilisearch: status %d: %s (%s)", e.Status, e.Message, e.Code)
}

// meiliErr rewrites a client error to a MeiliError when it carries an API
// answer; transport errors are kept.
func meiliErr(err error) error {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		if me.StatusCode != 0 {
			return &MeiliError{Status: me.StatusCode, Code: string(me.APIError.Code), Type: me.APIError.Type, Message: me.APIError.Message}
		}
		if me.OriginError != nil {
			return fmt.Errorf("meilisearch %s %s: %w", me.Method, me.Endpoint, me.OriginError)
		}
		return fmt.Errorf("meilisearch %s %s: request failed (client error code %d)", me.Method, me.Endpoint, me.ErrCode)
	}
	return err
}

func hasMeiliCode(err error, code meilisearch.APIErrCode) bool {
	var me *meilisearch.Error
	return errors.As(err, &me) && me.APIError.Code == code
}

// wait polls a task until it ends; a failed or canceled task is an error.
func (m *Meili) wait(ctx context.Context, op string, taskUID int64) error {
	task, err := m.sm.WaitForTask(ctx, taskUID, m.poll)
	if err != nil {
		return fmt.Errorf("meilisearch %s: wait for task %d: %w", op, taskUID, meiliErr(err))
	}
	switch task.Status {
	case meilisearch.TaskStatusSucceeded:
		return nil
	case meilisearch.TaskStatusFailed:
		return fmt.Errorf("meilisearch %s: %w", op, &MeiliError{
			TaskUID: taskUID, Code: string(task.Error.Code), Type: task.Error.Type, Message: task.Error.Message,
		})
	}
	return fmt.Errorf("meilisearch %s: task %d ended %s", op, taskUID, task.Status)
}

type meiliMeta struct {
	ID       string   `json:"id"`
	Settings Settings `json:"settings"`
}

func (m *Meili) metaIndex() meilisearch.IndexManager { return m.sm.Index(m.uid + meiliMetaSuffix) }

// storedSettings reads the settings recorded by the last EnsureSettings.
func (m *Meili) storedSettings(ctx context.Context) (Settings, bool, error) {
	var meta meiliMeta
	err := m.metaIndex().GetDocument(ctx, "settings", nil, &meta)
	if err != nil {
		if hasMeiliCode(err, meilisearch.APIErrCodeIndexNotFound) || hasMeiliCode(err, meilisearch.APIErrCodeDocumentNotFound) {
			return Settings{}, false, nil
		}
		return Settings{}, false, fmt.Errorf("meilisearch read settings record: %w", meiliErr(err))
	}
	return meta.Settings, true, nil
}

// meiliSettings translates Settings to Meilisearch's index settings.
func meiliSettings(s Settings) *meilisearch.Settings {
	var searchable, filterable, sortable []string
	for _, f := range s.Fields {
		if f.Searchable {
			searchable = append(searchable, f.Name)
		}
		if f.Filterable || f.Facetable {
			filterable = append(filterable, f.Name)
		}
		if f.Type == Time && f.Filterable {
			filterable = append(filterable, tsPrefix+f.Name)
		}
		if f.Sortable {
			if f.Type == Time {
				sortable = append(sortable, tsPrefix+f.Name)
			} else {
				sortable = append(sortable, f.Name)
			}
		}
	}
	synonyms := s.Synonyms
	if synonyms == nil {
		synonyms = map[string][]string{}
	}
	return &meilisearch.Settings{
		SearchableAttributes: nonNil(searchable),
		FilterableAttributes: nonNil(filterable),
		SortableAttributes:   nonNil(sortable),
		DisplayedAttributes:  []string{"*"},
		RankingRules:         meiliRankingRules,
		Synonyms:             synonyms,
		StopWords:            []string{},
		TypoTolerance: &meilisearch.TypoTolerance{
			Enabled:             true,
			MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: 5, TwoTypos: 9},
			DisableOnWords:      []string{},
			DisableOnAttributes: []string{},
		},
		Pagination: &meilisearch.Pagination{MaxTotalHits: MeiliMaxTotalHits},
		Faceting:   &meilisearch.Faceting{MaxValuesPerFacet: MaxFacetValues},
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// EnsureSettings applies the settings (searchable, filterable and sortable
// attributes, ranking rules, typo tolerance, synonyms, pagination, faceting)
// and records them in the companion index "<uid>__vigie_meta". If the index
// holds documents and the recorded settings differ, it returns
// ErrSchemaChanged.
func (m *Meili) EnsureSettings(ctx context.Context, s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	stored, ok, err := m.storedSettings(ctx)
	if err != nil {
		return err
	}
	if ok && stored.fingerprint() == s.fingerprint() {
		m.schema = newSchema(s)
		return nil
	}
	if ok {
		stats, err := m.idx.GetStats(ctx, nil)
		if err != nil {
			return fmt.Errorf("meilisearch ensure settings: stats: %w", meiliErr(err))
		}
		if stats.NumberOfDocuments > 0 {
			return fmt.Errorf("ensure meilisearch settings of %q (schema version %d, index has %d): %w",
				m.uid, s.SchemaVersion, stored.SchemaVersion, ErrSchemaChanged)
		}
	}
	task, err := m.idx.UpdateSettings(ctx, meiliSettings(s))
	if err != nil {
		return fmt.Errorf("meilisearch update settings: %w", meiliErr(err))
	}
	if err := m.wait(ctx, "update settings", task.TaskUID); err != nil {
		return err
	}
	pk := IDField
	task, err = m.metaIndex().AddDocuments(ctx, []meiliMeta{{ID: "settings", Settings: s}}, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	if err != nil {
		return fmt.Errorf("meilisearch record settings: %w", meiliErr(err))
	}
	if err := m.wait(ctx, "record settings", task.TaskUID); err != nil {
		return err
	}
	m.schema = newSchema(s)
	return nil
}

func (m *Meili) current() (*schema, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.schema == nil {
		return nil, ErrNoSettings
	}
	return m.schema, nil
}

// meiliDoc validates d like the Bleve backend does and adds the numeric
// shadows of time fields.
func (sc *schema) meiliDoc(d Document) (Document, error) {
	id, _, err := sc.bleveDoc(d)
	if err != nil {
		return nil, err
	}
	out := d.clone()
	for _, f := range sc.settings.Fields {
		if f.Type != Time || !(f.Filterable || f.Sortable) {
			continue
		}
		v, ok := d[f.Name]
		if !ok || v == nil {
			continue
		}
		ts, err := listOf(v, asTime)
		if err != nil {
			return nil, fmt.Errorf("%w %q: field %q: %w", ErrInvalidDocument, id, f.Name, err)
		}
		secs := make([]float64, len(ts))
		for i, t := range ts {
			secs[i] = unixSeconds(t)
		}
		if _, isList := v.([]any); isList || len(secs) != 1 {
			out[tsPrefix+f.Name] = secs
		} else {
			out[tsPrefix+f.Name] = secs[0]
		}
	}
	return out, nil
}

func unixSeconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// Upsert adds or replaces documents in tasks of MeiliBatchSize documents and
// waits until every task succeeded; the first failed task is returned as an
// error wrapping *MeiliError.
func (m *Meili) Upsert(ctx context.Context, docs []Document) error {
	sc, err := m.current()
	if err != nil {
		return fmt.Errorf("meilisearch upsert: %w", err)
	}
	out := make([]Document, len(docs))
	for i, d := range docs {
		if out[i], err = sc.meiliDoc(d); err != nil {
			return fmt.Errorf("meilisearch upsert: %w", err)
		}
	}
	pk := IDField
	var tasks []int64
	for start := 0; start < len(out); start += m.batch {
		task, err := m.idx.AddDocuments(ctx, out[start:min(start+m.batch, len(out))], &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return fmt.Errorf("meilisearch upsert: %w", meiliErr(err))
		}
		tasks = append(tasks, task.TaskUID)
	}
	for _, t := range tasks {
		if err := m.wait(ctx, "upsert", t); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes documents and waits for the task.
func (m *Meili) Delete(ctx context.Context, ids []string) error {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if docIDRE.MatchString(id) { // others cannot exist
			valid = append(valid, id)
		}
	}
	if len(valid) == 0 {
		return nil
	}
	task, err := m.idx.DeleteDocuments(ctx, valid, nil)
	if err != nil {
		return fmt.Errorf("meilisearch delete: %w", meiliErr(err))
	}
	return m.wait(ctx, "delete", task.TaskUID)
}

// Get returns one document.
func (m *Meili) Get(ctx context.Context, id string) (Document, error) {
	if !docIDRE.MatchString(id) {
		return nil, fmt.Errorf("meilisearch get %q: %w", id, ErrNotFound)
	}
	var raw map[string]json.RawMessage
	if err := m.idx.GetDocument(ctx, id, nil, &raw); err != nil {
		if hasMeiliCode(err, meilisearch.APIErrCodeDocumentNotFound) {
			return nil, fmt.Errorf("meilisearch get %q: %w", id, ErrNotFound)
		}
		return nil, fmt.Errorf("meilisearch get %q: %w", id, meiliErr(err))
	}
	doc, _, err := decodeMeiliHit(raw)
	if err != nil {
		return nil, fmt.Errorf("meilisearch get %q: %w", id, err)
	}
	return doc, nil
}

// Count returns the number of documents.
func (m *Meili) Count(ctx context.Context) (int, error) {
	stats, err := m.idx.GetStats(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("meilisearch count: %w", meiliErr(err))
	}
	return int(stats.NumberOfDocuments), nil
}

// meiliHitExtras are the fields Meilisearch adds to a hit.
type meiliHitExtras struct {
	formatted map[string]any
	score     float64
}

// decodeMeiliHit decodes a hit or document, removing what Meilisearch or the
// backend added (_formatted, _rankingScore, time shadows).
func decodeMeiliHit(raw map[string]json.RawMessage) (Document, meiliHitExtras, error) {
	doc := make(Document, len(raw))
	var ex meiliHitExtras
	for k, v := range raw {
		switch {
		case k == "_formatted":
			if err := json.Unmarshal(v, &ex.formatted); err != nil {
				return nil, ex, fmt.Errorf("decode _formatted: %w", err)
			}
			continue
		case k == "_rankingScore":
			_ = json.Unmarshal(v, &ex.score)
			continue
		case strings.HasPrefix(k, tsPrefix):
			continue
		}
		var val any
		if err := json.Unmarshal(v, &val); err != nil {
			return nil, ex, fmt.Errorf("decode field %q: %w", k, err)
		}
		doc[k] = val
	}
	return doc, ex, nil
}

// Search runs the query. The filter is parsed and checked here, then
// rewritten for Meilisearch (time fields become their Unix-seconds shadow).
func (m *Meili) Search(ctx context.Context, q Query) (Result, error) {
	sc, err := m.current()
	if err != nil {
		return Result{}, fmt.Errorf("meilisearch search: %w", err)
	}
	req, slice, err := sc.meiliRequest(q)
	if err != nil {
		return Result{}, fmt.Errorf("meilisearch search: %w", err)
	}
	res, err := m.idx.Search(ctx, q.Text, req)
	if err != nil {
		return Result{}, fmt.Errorf("meilisearch search: %w", meiliErr(err))
	}
	out := Result{Total: int(res.TotalHits)}
	hits := res.Hits
	if slice > 0 {
		hits = hits[min(slice, len(hits)):]
	}
	for _, h := range hits {
		doc, ex, err := decodeMeiliHit(h)
		if err != nil {
			return Result{}, fmt.Errorf("meilisearch search: %w", err)
		}
		hit := Hit{ID: doc.ID(), Doc: doc, Score: ex.score}
		for _, name := range q.Highlight {
			if s, ok := meiliHighlight(ex.formatted[name]); ok {
				if hit.Highlights == nil {
					hit.Highlights = map[string]string{}
				}
				hit.Highlights[name] = s
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if len(q.Facets) > 0 {
		dist := map[string]map[string]int{}
		if len(res.FacetDistribution) > 0 {
			if err := json.Unmarshal(res.FacetDistribution, &dist); err != nil {
				return Result{}, fmt.Errorf("meilisearch search: decode facetDistribution: %w", err)
			}
		}
		out.Facets = make(map[string]map[string]int, len(q.Facets))
		for _, name := range q.Facets {
			counts := dist[name]
			if counts == nil {
				counts = map[string]int{}
			}
			out.Facets[name] = counts
		}
	}
	return out, nil
}

// meiliHighlight turns a _formatted value into an escaped snippet.
func meiliHighlight(v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []any:
		for _, e := range x {
			if str, ok := e.(string); ok && (s == "" || strings.Contains(str, meiliPreTag)) {
				s = str
				if strings.Contains(str, meiliPreTag) {
					break
				}
			}
		}
	}
	if s == "" {
		return "", false
	}
	// Adjacent matched tokens (Arabic "ال" + "اقتصاد") form one mark.
	s = strings.ReplaceAll(s, meiliPostTag+meiliPreTag, "")
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, meiliPreTag, "<mark>")
	s = strings.ReplaceAll(s, meiliPostTag, "</mark>")
	return s, true
}

// meiliRequest builds the search request; slice > 0 means the first slice
// hits of the page are to be dropped (an offset that is not a multiple of
// the limit).
func (sc *schema) meiliRequest(q Query) (*meilisearch.SearchRequest, int, error) {
	if q.Offset < 0 {
		return nil, 0, fmt.Errorf("%w: negative offset %d", ErrInvalidQuery, q.Offset)
	}
	req := &meilisearch.SearchRequest{
		MatchingStrategy: meilisearch.All,
		ShowRankingScore: true,
	}
	f, _, err := sc.filter(q.Filter)
	if err != nil {
		return nil, 0, err
	}
	if f != nil {
		expr, err := sc.meiliExpr(f)
		if err != nil {
			return nil, 0, err
		}
		req.Filter = expr
	}
	for _, key := range q.Sort {
		name, desc, err := splitSortKey(key)
		if err != nil {
			return nil, 0, err
		}
		fld, ok := sc.fields[name]
		if !ok || !fld.Sortable {
			return nil, 0, fmt.Errorf("%w: sort key %q: not a sortable field", ErrInvalidQuery, key)
		}
		if fld.Type == Time {
			name = tsPrefix + name
		}
		dir := "asc"
		if desc {
			dir = "desc"
		}
		req.Sort = append(req.Sort, name+":"+dir)
	}
	for _, name := range q.Facets {
		fld, ok := sc.fields[name]
		if !ok || !fld.Facetable {
			return nil, 0, fmt.Errorf("%w: facet %q: not a facetable field", ErrInvalidQuery, name)
		}
		req.Facets = append(req.Facets, name)
	}
	for _, name := range q.Highlight {
		fld, ok := sc.fields[name]
		if !ok || !fld.Searchable {
			return nil, 0, fmt.Errorf("%w: highlight %q: not a searchable field", ErrInvalidQuery, name)
		}
	}
	if len(q.Highlight) > 0 {
		req.AttributesToHighlight = q.Highlight
		req.AttributesToCrop = q.Highlight
		req.CropLength = meiliCropWords
		req.CropMarker = "…"
		req.HighlightPreTag = meiliPreTag
		req.HighlightPostTag = meiliPostTag
	}
	// page/hitsPerPage gives an exhaustive totalHits (offset/limit only an
	// estimate).
	limit := int64(q.limit())
	slice := 0
	switch {
	case limit == 0:
		zero := int64(0)
		req.HitsPerPage, req.Page = &zero, 1
	case int64(q.Offset)%limit == 0:
		req.HitsPerPage, req.Page = &limit, int64(q.Offset)/limit+1
	default:
		n := int64(q.Offset) + limit
		req.HitsPerPage, req.Page = &n, 1
		slice = q.Offset
	}
	return req, slice, nil
}

// meiliExpr writes a filter, already checked by schema.filter, in
// Meilisearch's syntax, time fields compared through their numeric shadow.
func (sc *schema) meiliExpr(f Filter) (string, error) {
	join := func(terms []Filter, sep string) (string, error) {
		parts := make([]string, len(terms))
		for i, t := range terms {
			s, err := sc.meiliExpr(t)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return "(" + strings.Join(parts, sep) + ")", nil
	}
	switch n := f.(type) {
	case Or:
		return join(n.Terms, " OR ")
	case And:
		return join(n.Terms, " AND ")
	case Not:
		x, err := sc.meiliExpr(n.X)
		if err != nil {
			return "", err
		}
		return "NOT (" + x + ")", nil
	case Compare:
		if sc.fields[n.Field].Type == Time {
			v, err := tsValue(n.Value)
			if err != nil {
				return "", err
			}
			return Compare{Field: tsPrefix + n.Field, Op: n.Op, Value: v}.String(), nil
		}
		return n.String(), nil
	case Range:
		if sc.fields[n.Field].Type == Time {
			from, err := tsValue(n.From)
			if err != nil {
				return "", err
			}
			to, err := tsValue(n.To)
			if err != nil {
				return "", err
			}
			return Range{Field: tsPrefix + n.Field, From: from, To: to}.String(), nil
		}
		return n.String(), nil
	case In:
		if sc.fields[n.Field].Type == Time {
			vals := make([]Value, len(n.Values))
			for i, v := range n.Values {
				tv, err := tsValue(v)
				if err != nil {
					return "", err
				}
				vals[i] = tv
			}
			return In{Field: tsPrefix + n.Field, Values: vals}.String(), nil
		}
		return n.String(), nil
	case Exists, IsNull, IsEmpty:
		return f.String(), nil
	}
	return "", fmt.Errorf("filter: unsupported node %T", f)
}

// tsValue converts a time literal to Unix seconds.
func tsValue(v Value) (Value, error) {
	t, ok := filterTime(v.Text)
	if !ok {
		return Value{}, fmt.Errorf("filter: value %q is not a time", v.Text)
	}
	return Value{Text: strconv.FormatFloat(unixSeconds(t), 'f', -1, 64)}, nil
}

// Drop deletes the index and its settings record (tests, rebuilds).
func (m *Meili) Drop(ctx context.Context) error {
	for _, uid := range []string{m.uid, m.uid + meiliMetaSuffix} {
		task, err := m.sm.DeleteIndex(ctx, uid)
		if err != nil {
			if hasMeiliCode(err, meilisearch.APIErrCodeIndexNotFound) {
				continue
			}
			return fmt.Errorf("meilisearch drop %q: %w", uid, meiliErr(err))
		}
		if err := m.wait(ctx, "drop index", task.TaskUID); err != nil {
			return err
		}
	}
	m.mu.Lock()
	m.schema = nil
	m.mu.Unlock()
	return nil
}

// SwapMeili exchanges the contents (documents and settings) of two indexes
// and of their settings records, in one task each: how a rebuilt index is
// put in service. Both must be on the same server.
func SwapMeili(ctx context.Context, live, fresh *Meili) error {
	task, err := live.sm.SwapIndexes(ctx, []*meilisearch.SwapIndexesParams{
		{Indexes: []string{live.uid, fresh.uid}},
		{Indexes: []string{live.uid + meiliMetaSuffix, fresh.uid + meiliMetaSuffix}},
	})
	if err != nil {
		return fmt.Errorf("meilisearch swap %q and %q: %w", live.uid, fresh.uid, meiliErr(err))
	}
	if err := live.wait(ctx, "swap indexes", task.TaskUID); err != nil {
		return err
	}
	live.mu.Lock()
	fresh.mu.Lock()
	live.schema, fresh.schema = fresh.schema, live.schema
	fresh.mu.Unlock()
	live.mu.Unlock()
	return nil
}

// Close releases idle connections.
func (m *Meili) Close() error {
	m.httpDone()
	return nil
}
