package index

// Protocol tests: a local httptest server replays the exchanges documented
// by Meilisearch (index creation, settings update, enqueued → processing →
// succeeded/failed tasks, 503 too_many_search_requests with Retry-After,
// search responses). They check our client's behaviour against the
// documented protocol, not Meilisearch itself; the contract suite does that
// when VIGIE_MEILI_URL is set.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"
)

const protoKey = "s3cr3t-master-key-never-logged"

func withMeiliSleep(f func(*http.Request, time.Duration) error) MeiliOption {
	return func(c *meiliConfig) { c.sleep = f }
}

type protoRequest struct {
	Method, Path, Query string
	Body                []byte
}

// fakeMeili serves scripted answers and records every request.
type fakeMeili struct {
	t       *testing.T
	mu      sync.Mutex
	reqs    []protoRequest
	route   func(r protoRequest, w http.ResponseWriter) bool
	tasks   map[int64]*fakeTask
	next    int64
	authBad int
}

type fakeTask struct {
	index, typ string
	polls      int
	final      string         // succeeded or failed
	err        map[string]any // for failed
	done       bool           // the final status was served
}

func newFakeMeili(t *testing.T, route func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool) (*fakeMeili, *httptest.Server) {
	f := &fakeMeili{t: t, tasks: map[int64]*fakeTask{}}
	f.route = func(r protoRequest, w http.ResponseWriter) bool { return route(f, r, w) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r := protoRequest{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Body: body}
		f.mu.Lock()
		f.reqs = append(f.reqs, r)
		if req.Header.Get("Authorization") != "Bearer "+protoKey {
			f.authBad++
		}
		f.mu.Unlock()
		if req.Method == http.MethodGet && strings.HasPrefix(r.Path, "/tasks/") {
			f.serveTask(w, r.Path)
			return
		}
		if !f.route(r, w) {
			t.Errorf("unexpected request %s %s?%s", r.Method, r.Path, r.Query)
			writeJSON(w, http.StatusNotFound, apiError("not_found", "route not scripted", "invalid_request"))
		}
	}))
	t.Cleanup(srv.Close)
	return f, srv
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(code, msg, typ string) map[string]any {
	return map[string]any{"message": msg, "code": code, "type": typ, "link": "https://docs.meilisearch.com/errors#" + code}
}

// enqueue answers 202 with a summarized task, as Meilisearch does for every
// asynchronous operation.
func (f *fakeMeili) enqueue(w http.ResponseWriter, index, typ, final string, taskErr map[string]any) {
	f.mu.Lock()
	uid := f.next
	f.next++
	f.tasks[uid] = &fakeTask{index: index, typ: typ, final: final, err: taskErr}
	f.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{
		"taskUid": uid, "indexUid": index, "status": "enqueued", "type": typ, "enqueuedAt": "2026-11-27T08:00:00.000000Z",
	})
}

// serveTask answers GET /tasks/:uid: enqueued, then processing, then the
// final status.
func (f *fakeMeili) serveTask(w http.ResponseWriter, path string) {
	var uid int64
	if _, err := fmt.Sscanf(path, "/tasks/%d", &uid); err != nil {
		writeJSON(w, http.StatusBadRequest, apiError("invalid_task_uid", "bad uid", "invalid_request"))
		return
	}
	f.mu.Lock()
	task, ok := f.tasks[uid]
	if !ok {
		f.mu.Unlock()
		writeJSON(w, http.StatusNotFound, apiError("task_not_found", fmt.Sprintf("Task `%d` not found.", uid), "invalid_request"))
		return
	}
	status := []string{"enqueued", "processing", task.final}[min(task.polls, 2)]
	task.polls++
	if status == task.final {
		task.done = true
	}
	f.mu.Unlock()
	body := map[string]any{
		"uid": uid, "batchUid": uid, "indexUid": task.index, "status": status, "type": task.typ, "canceledBy": nil,
		"details": map[string]any{}, "error": nil, "duration": nil,
		"enqueuedAt": "2026-11-27T08:00:00.000000Z", "startedAt": nil, "finishedAt": nil,
	}
	if status == "failed" {
		body["error"] = task.err
	}
	writeJSON(w, http.StatusOK, body)
}

func (f *fakeMeili) requests() []protoRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fakeMeili) allTasksDone() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tasks {
		if !t.done {
			return false
		}
	}
	return true
}

func protoSettings() Settings {
	return Settings{SchemaVersion: 3, Synonyms: map[string][]string{"covid": {"coronavirus"}}, Fields: []Field{
		{Name: "id", Type: Keyword, Filterable: true},
		{Name: "text", Type: Text, Searchable: true},
		{Name: "item_title", Type: Text, Searchable: true, Sortable: true},
		{Name: "language", Type: Keyword, Filterable: true, Facetable: true},
		{Name: "worthiness", Type: Number, Filterable: true, Sortable: true},
		{Name: "published", Type: Time, Filterable: true, Sortable: true},
	}}
}

// routeExisting scripts an index that exists with protoSettings recorded.
func routeExisting(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
	switch {
	case r.Method == http.MethodGet && r.Path == "/indexes/claims":
		writeJSON(w, http.StatusOK, map[string]any{"uid": "claims", "primaryKey": "id",
			"createdAt": "2026-11-27T08:00:00Z", "updatedAt": "2026-11-27T08:00:00Z"})
	case r.Method == http.MethodGet && r.Path == "/indexes/claims__vigie_meta/documents/settings":
		writeJSON(w, http.StatusOK, meiliMeta{ID: "settings", Settings: protoSettings()})
	default:
		return false
	}
	return true
}

func openProto(t *testing.T, srv *httptest.Server, opts ...MeiliOption) *Meili {
	t.Helper()
	opts = append([]MeiliOption{WithMeiliTaskPoll(time.Millisecond)}, opts...)
	m, err := OpenMeili(context.Background(), srv.URL, protoKey, "claims", opts...)
	if err != nil {
		t.Fatalf("OpenMeili: %v", err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func TestMeiliProtocolCreateIndexAndSettings(t *testing.T) {
	t.Parallel()
	var settingsBody []byte
	f, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
		switch {
		case r.Method == http.MethodGet && r.Path == "/indexes/claims":
			writeJSON(w, http.StatusNotFound, apiError("index_not_found", "Index `claims` not found.", "invalid_request"))
		case r.Method == http.MethodPost && r.Path == "/indexes":
			f.enqueue(w, "claims", "indexCreation", "succeeded", nil)
		case r.Method == http.MethodGet && r.Path == "/indexes/claims__vigie_meta/documents/settings":
			writeJSON(w, http.StatusNotFound, apiError("index_not_found", "Index `claims__vigie_meta` not found.", "invalid_request"))
		case r.Method == http.MethodPatch && r.Path == "/indexes/claims/settings":
			settingsBody = r.Body
			f.enqueue(w, "claims", "settingsUpdate", "succeeded", nil)
		case r.Method == http.MethodPost && r.Path == "/indexes/claims__vigie_meta/documents":
			f.enqueue(w, "claims__vigie_meta", "documentAdditionOrUpdate", "succeeded", nil)
		default:
			return false
		}
		return true
	})
	m := openProto(t, srv)
	if err := m.EnsureSettings(context.Background(), protoSettings()); err != nil {
		t.Fatalf("EnsureSettings: %v", err)
	}
	var create map[string]any
	for _, r := range f.requests() {
		if r.Method == http.MethodPost && r.Path == "/indexes" {
			if err := json.Unmarshal(r.Body, &create); err != nil {
				t.Fatal(err)
			}
		}
	}
	if create["uid"] != "claims" || create["primaryKey"] != "id" {
		t.Errorf("create index body = %v, want uid claims, primaryKey id", create)
	}
	var got struct {
		SearchableAttributes []string            `json:"searchableAttributes"`
		FilterableAttributes []string            `json:"filterableAttributes"`
		SortableAttributes   []string            `json:"sortableAttributes"`
		RankingRules         []string            `json:"rankingRules"`
		Synonyms             map[string][]string `json:"synonyms"`
		TypoTolerance        struct {
			Enabled bool `json:"enabled"`
			Min     struct {
				OneTypo  int `json:"oneTypo"`
				TwoTypos int `json:"twoTypos"`
			} `json:"minWordSizeForTypos"`
		} `json:"typoTolerance"`
		Pagination struct {
			MaxTotalHits int `json:"maxTotalHits"`
		} `json:"pagination"`
		Faceting struct {
			MaxValuesPerFacet int `json:"maxValuesPerFacet"`
		} `json:"faceting"`
	}
	if err := json.Unmarshal(settingsBody, &got); err != nil {
		t.Fatalf("settings body %s: %v", settingsBody, err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"searchableAttributes", got.SearchableAttributes, []string{"text", "item_title"}},
		{"filterableAttributes", got.FilterableAttributes, []string{"id", "language", "worthiness", "published", "_ts_published"}},
		{"sortableAttributes", got.SortableAttributes, []string{"item_title", "worthiness", "_ts_published"}},
		{"rankingRules", got.RankingRules, []string{"sort", "words", "typo", "proximity", "attribute", "exactness"}},
		{"synonyms", got.Synonyms, map[string][]string{"covid": {"coronavirus"}}},
		{"typoTolerance.enabled", got.TypoTolerance.Enabled, true},
		{"typoTolerance.oneTypo", got.TypoTolerance.Min.OneTypo, 5},
		{"typoTolerance.twoTypos", got.TypoTolerance.Min.TwoTypos, 9},
		{"pagination.maxTotalHits", got.Pagination.MaxTotalHits, MeiliMaxTotalHits},
		{"faceting.maxValuesPerFacet", got.Faceting.MaxValuesPerFacet, MaxFacetValues},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("settings %s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if !f.allTasksDone() {
		t.Error("EnsureSettings returned before its tasks succeeded")
	}
	if f.authBad != 0 {
		t.Errorf("%d requests without the Bearer key", f.authBad)
	}
}

func TestMeiliProtocolBatchedAddsWaitForTasks(t *testing.T) {
	t.Parallel()
	var batches [][]map[string]any
	var queries []string
	f, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
		if routeExisting(f, r, w) {
			return true
		}
		if r.Method == http.MethodPost && r.Path == "/indexes/claims/documents" {
			var docs []map[string]any
			if err := json.Unmarshal(r.Body, &docs); err != nil {
				t.Errorf("documents body: %v", err)
			}
			batches = append(batches, docs)
			queries = append(queries, r.Query)
			f.enqueue(w, "claims", "documentAdditionOrUpdate", "succeeded", nil)
			return true
		}
		return false
	})
	m := openProto(t, srv, WithMeiliBatchSize(10))
	if err := m.EnsureSettings(context.Background(), protoSettings()); err != nil {
		t.Fatalf("EnsureSettings (already applied): %v", err)
	}
	docs := make([]Document, 25)
	for i := range docs {
		docs[i] = Document{"id": fmt.Sprintf("d%02d", i), "text": "x", "published": "2026-02-01T00:00:00Z",
			"matches": []any{map[string]any{"fc": "a"}}}
	}
	if err := m.Upsert(context.Background(), docs); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if !f.allTasksDone() {
		t.Fatal("Upsert returned before every task succeeded")
	}
	var sizes []int
	for _, b := range batches {
		sizes = append(sizes, len(b))
	}
	if !slices.Equal(sizes, []int{10, 10, 5}) {
		t.Errorf("batch sizes = %v, want [10 10 5]", sizes)
	}
	for _, q := range queries {
		if q != "primaryKey=id" {
			t.Errorf("add documents query %q, want primaryKey=id", q)
		}
	}
	if ts, _ := batches[0][0]["_ts_published"].(float64); ts != 1769904000 {
		t.Errorf("_ts_published = %v, want 1769904000", batches[0][0]["_ts_published"])
	}
	if batches[0][0]["published"] != "2026-02-01T00:00:00Z" {
		t.Errorf("original time not kept: %v", batches[0][0]["published"])
	}
	for _, r := range f.requests() {
		if r.Method == http.MethodPatch {
			t.Error("settings re-applied although the record matches")
		}
	}
}

func TestMeiliProtocolFailedTask(t *testing.T) {
	t.Parallel()
	taskErr := apiError("missing_document_id", "Document does not have a `:primaryKey` attribute: `:documentRepresentation`.", "invalid_request")
	_, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
		if routeExisting(f, r, w) {
			return true
		}
		switch {
		case r.Method == http.MethodPost && r.Path == "/indexes/claims/documents":
			f.enqueue(w, "claims", "documentAdditionOrUpdate", "failed", taskErr)
		case r.Method == http.MethodPost && r.Path == "/indexes/claims/documents/delete-batch":
			f.enqueue(w, "claims", "documentDeletion", "failed",
				apiError("no_space_left_on_device", "There is no more space left on the device.", "system"))
		default:
			return false
		}
		return true
	})
	m := openProto(t, srv)
	if err := m.EnsureSettings(context.Background(), protoSettings()); err != nil {
		t.Fatal(err)
	}
	err := m.Upsert(context.Background(), []Document{{"id": "a", "text": "x"}})
	var me *MeiliError
	if !errors.As(err, &me) {
		t.Fatalf("Upsert error = %v, want a *MeiliError", err)
	}
	if me.Code != "missing_document_id" || me.TaskUID != 0 || !strings.Contains(err.Error(), "primaryKey") {
		t.Errorf("failed task surfaced as %+v (%v)", me, err)
	}
	err = m.Delete(context.Background(), []string{"a"})
	if !errors.As(err, &me) || me.Code != "no_space_left_on_device" {
		t.Errorf("Delete error = %v, want no_space_left_on_device", err)
	}
}

func searchResponse() map[string]any {
	return map[string]any{
		"hits": []any{map[string]any{
			"id": "c1", "text": "Le budget <b>doublé</b>", "language": "fr", "published": "2026-03-01T08:00:00Z",
			"_ts_published": 1772352000, "matches": []any{map[string]any{"fc": "x"}},
			"_formatted":    map[string]any{"text": "Le \uE000budget\uE001 <b>doublé</b>"},
			"_rankingScore": 0.87,
		}},
		"query": "budget", "processingTimeMs": 1, "hitsPerPage": 10, "page": 1, "totalPages": 1, "totalHits": 1,
		"facetDistribution": map[string]any{"language": map[string]any{"fr": 1}},
	}
}

func TestMeiliProtocolRetryAfter(t *testing.T) {
	t.Parallel()
	tooMany := apiError("too_many_search_requests", "Too many search requests running at the same time: 1000. Retry after 10s.", "system")
	tests := []struct {
		name       string
		answers    []string // "503:<Retry-After>" or "200"
		wantWaits  []time.Duration
		wantStatus int // 0: success
	}{
		{"Retry-After honoured", []string{"503:10", "503:10", "200"}, []time.Duration{10 * time.Second, 10 * time.Second}, 0},
		{"no header: exponential backoff", []string{"503:", "503:", "200"}, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, 0},
		{"Retry-After capped", []string{"503:3600", "200"}, []time.Duration{30 * time.Second}, 0},
		{"gives up after the retries", []string{"503:1", "503:1", "503:1", "503:1"}, []time.Duration{time.Second, time.Second, time.Second}, 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := 0
			_, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
				if routeExisting(f, r, w) {
					return true
				}
				if r.Method != http.MethodPost || r.Path != "/indexes/claims/search" {
					return false
				}
				a := tc.answers[min(n, len(tc.answers)-1)]
				n++
				if after, ok := strings.CutPrefix(a, "503:"); ok {
					if after != "" {
						w.Header().Set("Retry-After", after)
					}
					writeJSON(w, http.StatusServiceUnavailable, tooMany)
					return true
				}
				var body map[string]any
				if err := json.Unmarshal(r.Body, &body); err != nil || body["q"] != "budget" {
					t.Errorf("retried search body %s lost (%v)", r.Body, err)
				}
				writeJSON(w, http.StatusOK, searchResponse())
				return true
			})
			core, logs := observer.New(zap.DebugLevel)
			var waits []time.Duration
			m := openProto(t, srv, WithMeiliLogger(zap.New(core)), WithMeiliRetry(3, 30*time.Second),
				withMeiliSleep(func(_ *http.Request, d time.Duration) error { waits = append(waits, d); return nil }))
			if err := m.EnsureSettings(context.Background(), protoSettings()); err != nil {
				t.Fatal(err)
			}
			res, err := m.Search(context.Background(), Query{Text: "budget"})
			if !slices.Equal(waits, tc.wantWaits) {
				t.Errorf("waits = %v, want %v", waits, tc.wantWaits)
			}
			if tc.wantStatus == 0 {
				if err != nil || res.Total != 1 {
					t.Fatalf("Search = %+v, %v", res, err)
				}
			} else {
				var me *MeiliError
				if !errors.As(err, &me) || me.Status != tc.wantStatus || me.Code != "too_many_search_requests" {
					t.Fatalf("Search error = %v, want status %d too_many_search_requests", err, tc.wantStatus)
				}
			}
			if logs.FilterMessage("meilisearch busy, retrying").Len() != len(tc.wantWaits) {
				t.Errorf("%d retry log entries, want %d", logs.Len(), len(tc.wantWaits))
			}
			for _, e := range logs.All() {
				if strings.Contains(fmt.Sprint(e.Message, e.ContextMap()), protoKey) {
					t.Errorf("API key logged: %v", e.ContextMap())
				}
			}
			if err != nil && strings.Contains(err.Error(), protoKey) {
				t.Errorf("API key in error: %v", err)
			}
		})
	}
}

func TestMeiliProtocolSearchTranslation(t *testing.T) {
	t.Parallel()
	var body map[string]any
	_, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
		if routeExisting(f, r, w) {
			return true
		}
		if r.Method == http.MethodPost && r.Path == "/indexes/claims/search" {
			body = nil
			if err := json.Unmarshal(r.Body, &body); err != nil {
				t.Errorf("search body: %v", err)
			}
			writeJSON(w, http.StatusOK, searchResponse())
			return true
		}
		return false
	})
	m := openProto(t, srv)
	if err := m.EnsureSettings(context.Background(), protoSettings()); err != nil {
		t.Fatal(err)
	}
	res, err := m.Search(context.Background(), Query{
		Text: "budget", Filter: `language = fr AND published > "2026-02-01T00:00:00Z"`,
		Facets: []string{"language"}, Sort: []string{"published:desc", "worthiness:asc"},
		Offset: 20, Limit: 10, Highlight: []string{"text"},
	})
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	want := map[string]any{
		"q":                     "budget",
		"filter":                `(language = "fr" AND _ts_published > "1769904000")`,
		"sort":                  []any{"_ts_published:desc", "worthiness:asc"},
		"facets":                []any{"language"},
		"matchingStrategy":      "all",
		"hitsPerPage":           float64(10),
		"page":                  float64(3),
		"attributesToHighlight": []any{"text"},
		"attributesToCrop":      []any{"text"},
		"highlightPreTag":       "\uE000",
		"highlightPostTag":      "\uE001",
		"showRankingScore":      true,
	}
	for k, v := range want {
		if fmt.Sprint(body[k]) != fmt.Sprint(v) {
			t.Errorf("request %s = %#v, want %#v", k, body[k], v)
		}
	}
	if _, ok := body["offset"]; ok {
		t.Errorf("offset sent with page/hitsPerPage: %v", body["offset"])
	}
	if res.Total != 1 || len(res.Hits) != 1 {
		t.Fatalf("result = %+v", res)
	}
	h := res.Hits[0]
	if h.ID != "c1" || h.Score != 0.87 {
		t.Errorf("hit = %+v", h)
	}
	if _, ok := h.Doc["_ts_published"]; ok {
		t.Error("time shadow leaked into the document")
	}
	if _, ok := h.Doc["_formatted"]; ok {
		t.Error("_formatted leaked into the document")
	}
	if got := h.Highlights["text"]; got != "Le <mark>budget</mark> &lt;b&gt;doublé&lt;/b&gt;" {
		t.Errorf("highlight = %q", got)
	}
	if res.Facets["language"]["fr"] != 1 {
		t.Errorf("facets = %v", res.Facets)
	}
	if got, _ := meiliHighlight("\uE000ال\uE001\uE000اقتصاد\uE001 ينمو"); got != "<mark>الاقتصاد</mark> ينمو" {
		t.Errorf("adjacent marks not merged: %q", got)
	}
	// An offset that is not a multiple of the limit: one larger page, sliced.
	if _, err := m.Search(context.Background(), Query{Offset: 3, Limit: 4}); err != nil {
		t.Fatal(err)
	}
	if body["hitsPerPage"] != float64(7) || body["page"] != float64(1) {
		t.Errorf("offset 3 limit 4 sent hitsPerPage %v page %v, want 7 and 1", body["hitsPerPage"], body["page"])
	}
	// Filters are checked before anything is sent.
	for _, bad := range []string{"language =", "text = x", "published > yesterday"} {
		if _, err := m.Search(context.Background(), Query{Filter: bad}); err == nil {
			t.Errorf("filter %q: no error", bad)
		}
	}
}

func TestMeiliProtocolGetAndSchemaChange(t *testing.T) {
	t.Parallel()
	_, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
		if routeExisting(f, r, w) {
			return true
		}
		switch {
		case r.Method == http.MethodGet && r.Path == "/indexes/claims/documents/c1":
			writeJSON(w, http.StatusOK, map[string]any{"id": "c1", "published": "2026-03-01T08:00:00Z", "_ts_published": 1772352000})
		case r.Method == http.MethodGet && r.Path == "/indexes/claims/documents/nope":
			writeJSON(w, http.StatusNotFound, apiError("document_not_found", "Document `nope` not found.", "invalid_request"))
		case r.Method == http.MethodGet && r.Path == "/indexes/claims/stats":
			writeJSON(w, http.StatusOK, map[string]any{"numberOfDocuments": 5, "isIndexing": false, "fieldDistribution": map[string]any{}})
		default:
			return false
		}
		return true
	})
	m := openProto(t, srv)
	d, err := m.Get(context.Background(), "c1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if _, ok := d["_ts_published"]; ok || d["published"] != "2026-03-01T08:00:00Z" {
		t.Errorf("Get = %v", d)
	}
	if _, err := m.Get(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(nope) = %v, want ErrNotFound", err)
	}
	if _, err := m.Get(context.Background(), "../../keys"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(path) = %v, want ErrNotFound", err)
	}
	if n, err := m.Count(context.Background()); err != nil || n != 5 {
		t.Errorf("Count = %d, %v", n, err)
	}
	changed := protoSettings()
	changed.SchemaVersion++
	if err := m.EnsureSettings(context.Background(), changed); !errors.Is(err, ErrSchemaChanged) {
		t.Errorf("EnsureSettings(changed) on a filled index = %v, want ErrSchemaChanged", err)
	}
}

func TestMeiliProtocolSwap(t *testing.T) {
	t.Parallel()
	var swapBody []map[string]any
	f, srv := newFakeMeili(t, func(f *fakeMeili, r protoRequest, w http.ResponseWriter) bool {
		switch {
		case r.Method == http.MethodGet && (r.Path == "/indexes/claims" || r.Path == "/indexes/claims_rebuild"):
			writeJSON(w, http.StatusOK, map[string]any{"uid": strings.TrimPrefix(r.Path, "/indexes/"), "primaryKey": "id"})
		case r.Method == http.MethodGet && strings.HasSuffix(r.Path, "__vigie_meta/documents/settings"):
			writeJSON(w, http.StatusOK, meiliMeta{ID: "settings", Settings: protoSettings()})
		case r.Method == http.MethodPost && r.Path == "/swap-indexes":
			if err := json.Unmarshal(r.Body, &swapBody); err != nil {
				t.Errorf("swap body: %v", err)
			}
			f.enqueue(w, "", "indexSwap", "succeeded", nil)
		default:
			return false
		}
		return true
	})
	live := openProto(t, srv)
	fresh, err := OpenMeili(context.Background(), srv.URL, protoKey, "claims_rebuild", WithMeiliTaskPoll(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if err := SwapMeili(context.Background(), live, fresh); err != nil {
		t.Fatalf("SwapMeili: %v", err)
	}
	want := `[map[indexes:[claims claims_rebuild] rename:false] map[indexes:[claims__vigie_meta claims_rebuild__vigie_meta] rename:false]]`
	if fmt.Sprint(swapBody) != want {
		t.Errorf("swap body = %v, want %s", swapBody, want)
	}
	if !f.allTasksDone() {
		t.Error("SwapMeili returned before the swap task succeeded")
	}
}

func TestMeiliTenantToken(t *testing.T) {
	t.Parallel()
	_, srv := newFakeMeili(t, routeExisting)
	m := openProto(t, srv)
	if err := m.EnsureSettings(context.Background(), protoSettings()); err != nil {
		t.Fatal(err)
	}
	const uid, searchKey = "6062abda-a5aa-4414-ac91-ecd7944c0f8d", "search-key-secret"
	exp := time.Now().Add(time.Hour).Truncate(time.Second)
	tok, err := m.TenantToken(uid, searchKey, `language = fr AND published > "2026-02-01"`, exp)
	if err != nil {
		t.Fatalf("TenantToken: %v", err)
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	mac := hmac.New(sha256.New, []byte(searchKey))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	if base64.RawURLEncoding.EncodeToString(mac.Sum(nil)) != parts[2] {
		t.Error("token not signed with the search key (HS256)")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		APIKeyUID   string                    `json:"apiKeyUid"`
		SearchRules map[string]map[string]any `json:"searchRules"`
		Exp         int64                     `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims.APIKeyUID != uid || claims.Exp != exp.Unix() {
		t.Errorf("claims = %+v", claims)
	}
	if got := claims.SearchRules["claims"]["filter"]; got != `(language = "fr" AND _ts_published > "1769904000")` {
		t.Errorf("search rule filter = %v", got)
	}
	if strings.Contains(string(payload), protoKey) {
		t.Error("backend key in the token")
	}
	for _, tc := range []struct {
		name, uid, key, filter string
		exp                    time.Time
	}{
		{"no key", uid, "", "", exp},
		{"expired", uid, searchKey, "", time.Now().Add(-time.Minute)},
		{"too long", uid, searchKey, "", time.Now().Add(48 * time.Hour)},
		{"bad filter", uid, searchKey, "text = x", exp},
	} {
		if _, err := m.TenantToken(tc.uid, tc.key, tc.filter, tc.exp); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
