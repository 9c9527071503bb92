package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/claims/text"
	"vigie/pipeline/index"
	"vigie/services/vigie/demo"
)

// Benchmark data. Everything `vigie bench` feeds the pipeline is built from
// real texts by documented, labelled expansions:
//
//   - items: ExpandFeeds (loadgen.go) over the four fixture feeds of the
//     demo package, 500 items per feed;
//   - the fact-check store: the 10,375 claims of CheckThat! 2020
//     (../shared/datasets/claim-matching/checkthat2020-en/vclaims.tsv)
//     expanded as claims/match's 200k benchmark store does: copy v of claim i
//     has id "i#v", the claim's text and the title of claim (i + 517·v) mod N;
//     the first `n` copies in (v, i) order are taken;
//   - the search corpus: copies of the claim documents the pipeline itself
//     produced (see benchSearchCorpus), ids suffixed, review status, source
//     and detection time varied.

// fixtures are the real feeds the generated items are copies of.
var fixtures = demo.FeedFiles()

// Entries parses the fixture feeds: the demo's four sample feeds.
func Entries(ctx context.Context) ([]Entry, error) {
	docs := map[string][]byte{}
	for _, f := range fixtures {
		b, err := demo.Feed(f)
		if err != nil {
			return nil, fmt.Errorf("read fixture: %w", err)
		}
		docs[f] = b
	}
	return FixtureEntries(ctx, docs)
}

// readVClaims reads the rows (id, text, title) of the CheckThat! claims.
func readVClaims(shared string) ([][3]string, error) {
	p := filepath.Join(shared, "datasets", "claim-matching", "checkthat2020-en", "vclaims.tsv")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open fact-check dataset (set --shared): %w", err)
	}
	defer f.Close()
	var rows [][3]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 0; sc.Scan(); i++ {
		if i == 0 {
			continue
		}
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) >= 3 {
			rows = append(rows, [3]string{fs[0], fs[1], fs[2]})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("read %s: no rows", p)
	}
	return rows, nil
}

// expandFactChecks returns n fact-checks by the expansion described above.
func expandFactChecks(rows [][3]string, n int) []claims.FactCheck {
	out := make([]claims.FactCheck, 0, n)
	for v := 0; len(out) < n; v++ {
		for i, r := range rows {
			if len(out) == n {
				break
			}
			out = append(out, claims.FactCheck{
				ID: fmt.Sprintf("%s#%d", r[0], v), Text: r[1], Title: rows[(i+517*v)%len(rows)][2],
				Language: "en", Rating: claims.RatingUnknown,
			})
		}
	}
	return out
}

// writeFactCheckTSV writes fact-checks as the TSV the fact-check importer reads.
func writeFactCheckTSV(path string, fcs []claims.FactCheck) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write fact-checks: %w", err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "id\ttext\ttitle\tlanguage")
	clean := strings.NewReplacer("\t", " ", "\n", " ", "\r", " ")
	for _, fc := range fcs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", fc.ID, clean.Replace(fc.Text), clean.Replace(fc.Title), fc.Language)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write fact-checks: %w", err)
	}
	return f.Close()
}

// benchQuerySentences are the sentences of the CheckThat! dev and test
// tweets, the queries of claims/match's benchmark.
func benchQuerySentences(shared string) ([]string, error) {
	var out []string
	for _, split := range []string{"dev", "test"} {
		p := filepath.Join(shared, "datasets", "claim-matching", "checkthat2020-en", split, "queries.tsv")
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read queries: %w", err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			fs := strings.Split(line, "\t")
			if i == 0 || len(fs) < 2 {
				continue
			}
			for _, s := range text.Sentences(fs[1], "en") {
				out = append(out, s.Text)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no query sentences")
	}
	return out, nil
}

// benchFeedServer serves generated feeds on loopback. A feed is served
// empty (a valid feed with no item) until released; release(-1) releases all.
type benchFeedServer struct {
	srv      *http.Server
	url      string
	docs     [][]byte
	mu       sync.Mutex
	released []bool
}

var emptyFeed = []byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>GENERATED load feed (not released yet)</title><link>http://load.invalid/</link></channel></rss>`)

func startBenchFeeds(docs [][]byte, releasedAll bool) (*benchFeedServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("feed server: %w", err)
	}
	s := &benchFeedServer{docs: docs, released: make([]bool, len(docs)), url: "http://" + ln.Addr().String()}
	for i := range s.released {
		s.released[i] = releasedAll
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /load/{n}", func(w http.ResponseWriter, r *http.Request) {
		var k int
		if _, err := fmt.Sscanf(r.PathValue("n"), "%d.xml", &k); err != nil || k < 0 || k >= len(docs) {
			http.NotFound(w, r)
			return
		}
		s.mu.Lock()
		rel := s.released[k]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		if rel {
			_, _ = w.Write(docs[k])
		} else {
			_, _ = w.Write(emptyFeed)
		}
	})
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

func (s *benchFeedServer) feedURL(k int) string { return fmt.Sprintf("%s/load/%d.xml", s.url, k) }

func (s *benchFeedServer) release(k int) {
	s.mu.Lock()
	s.released[k] = true
	s.mu.Unlock()
}

func (s *benchFeedServer) close() { _ = s.srv.Close() }

// streamMsgCount returns the number of messages of a stream.
func streamMsgCount(ctx context.Context, js jetstream.JetStream, name string) (uint64, error) {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.Msgs, nil
}

// consumerDone reports whether a durable consumer has nothing pending.
func consumerDone(ctx context.Context, js jetstream.JetStream, stream, durable string) bool {
	c, err := js.Consumer(ctx, stream, durable)
	if err != nil {
		return false
	}
	info, err := c.Info(ctx)
	return err == nil && info.NumPending == 0 && info.NumAckPending == 0
}

// streamPayloads returns the payloads of every message of a stream, in order.
func streamPayloads(ctx context.Context, js jetstream.JetStream, name string) ([][]byte, error) {
	st, err := js.Stream(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("read stream %s: %w", name, err)
	}
	var out [][]byte
	for seq := info.State.FirstSeq; info.State.Msgs > 0 && seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			continue
		}
		out = append(out, m.Data)
	}
	return out, nil
}

// searchRecorder wraps the index backend (app.Options.WrapIndex) and
// records when each item's documents became searchable: the time the
// first Upsert holding one of its documents returned.
type searchRecorder struct {
	index.Backend
	mu         sync.Mutex
	searchable map[string]time.Time
}

func (r *searchRecorder) Upsert(ctx context.Context, docs []index.Document) error {
	if err := r.Backend.Upsert(ctx, docs); err != nil {
		return err
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, d := range docs {
		if id, ok := d["item_id"].(string); ok {
			if _, seen := r.searchable[id]; !seen {
				r.searchable[id] = now
			}
		}
	}
	return nil
}

// peakRSS is the process's peak resident set (VmHWM) in bytes, 0 when unknown.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%d kB", &kb); err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// CPUModel is the CPU model name of /proc/cpuinfo.
func CPUModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// LoadAverage is the first field of /proc/loadavg.
func LoadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
