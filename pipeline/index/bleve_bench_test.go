package index_test

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"vigie/pipeline/index"
	"vigie/pipeline/index/indextest"
)

// Benchmarks of the Bleve backend on claim documents from
// indextest.GenerateClaims (seed 1). Figures and commands are recorded in
// docs/benchmarks-index.md.
//
//	go test ./pipeline/index/ -run '^$' -bench BenchmarkBleveIndex -benchtime 20x
//	VIGIE_BENCH_DOCS=100000 VIGIE_BENCH_INDEX=/tmp/vigie-bench go test ./pipeline/index/ -run '^$' -bench BenchmarkBleveSearch -benchtime 300x -timeout 60m

const benchBatch = 1000

// BenchmarkBleveIndex measures indexing throughput: one op is one Upsert
// of benchBatch new claim documents into a growing index.
func BenchmarkBleveIndex(b *testing.B) {
	ctx := context.Background()
	bl, err := index.OpenBleve(filepath.Join(b.TempDir(), "index"))
	if err != nil {
		b.Fatal(err)
	}
	defer bl.Close()
	if err := bl.EnsureSettings(ctx, indextest.ClaimSettings()); err != nil {
		b.Fatal(err)
	}
	pool := indextest.GenerateClaims(20*benchBatch, 1)
	n := 0
	start := time.Now()
	for b.Loop() {
		batch := make([]index.Document, benchBatch)
		for i := range batch {
			d := pool[(n+i)%len(pool)]
			c := make(index.Document, len(d))
			for k, v := range d {
				c[k] = v
			}
			c["id"] = fmt.Sprintf("b%08d", n+i)
			batch[i] = c
		}
		if err := bl.Upsert(ctx, batch); err != nil {
			b.Fatal(err)
		}
		n += benchBatch
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "docs/s")
}

// BenchmarkBleveSearch measures search latency over an index of
// VIGIE_BENCH_DOCS claims (default 100,000), one sub-benchmark per kind of
// query and one for the mix of all. Each reports p50/p95 latency; the
// parent logs the bytes per document on disk and the build rate. Setting
// VIGIE_BENCH_INDEX to a folder keeps the built index there and reuses it.
func BenchmarkBleveSearch(b *testing.B) {
	n := 100_000
	if s := os.Getenv("VIGIE_BENCH_DOCS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		n = v
	}
	ctx := context.Background()
	dir := filepath.Join(b.TempDir(), "index")
	if keep := os.Getenv("VIGIE_BENCH_INDEX"); keep != "" {
		dir = filepath.Join(keep, fmt.Sprintf("claims-%d", n))
	}
	bl, err := index.OpenBleve(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer bl.Close()
	if err := bl.EnsureSettings(ctx, indextest.ClaimSettings()); err != nil {
		b.Fatal(err)
	}
	if have, _ := bl.Count(ctx); have != n {
		buildStart := time.Now()
		const chunk = 50_000
		for i := 0; i < n; i += chunk {
			docs := indextest.GenerateClaims(min(chunk, n-i), uint64(1+i))
			for j, d := range docs {
				d["id"] = fmt.Sprintf("c%08d", i+j)
			}
			if err := bl.Upsert(ctx, docs); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("built %d documents at %.0f docs/s", n, float64(n)/time.Since(buildStart).Seconds())
	}
	// Sub-benchmarks print their own lines only: the index size is logged.
	b.Logf("index on disk: %d bytes for %d documents = %.0f bytes/doc", dirSize(b, dir), n, float64(dirSize(b, dir))/float64(n))
	queries := []struct {
		name string
		q    index.Query
	}{
		{"text", index.Query{Text: "budget école"}},
		{"text+filter", index.Query{Text: "hospital", Filter: "language = en AND worthiness > 0.5"}},
		{"filter+facets+sort", index.Query{Filter: "flagged = true AND localities IN [FR-75056, FR-69123]", Facets: []string{"source", "language", "status"}, Sort: []string{"worthiness:desc"}}},
		{"arabic+highlight", index.Query{Text: "الاقتصاد", Highlight: []string{"text"}}},
		{"text+time+sort+facet", index.Query{Text: "pollution", Filter: `published >= "2026-06-01"`, Sort: []string{"published:desc"}, Facets: []string{"language"}}},
		{"queue page", index.Query{Filter: "status = new", Sort: []string{"detected:desc"}, Offset: 40, Limit: 20}},
	}
	run := func(b *testing.B, pick func(r *rand.Rand) index.Query) {
		r := rand.New(rand.NewPCG(1, 2))
		var lat []time.Duration
		for b.Loop() {
			q := pick(r)
			t0 := time.Now()
			if _, err := bl.Search(ctx, q); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t0))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*95/100)].Microseconds())/1000, "p95-ms")
	}
	for _, qc := range queries {
		if res, err := bl.Search(ctx, qc.q); err == nil {
			b.Logf("query %q matches %d documents", qc.name, res.Total)
		}
		b.Run(qc.name, func(b *testing.B) { run(b, func(*rand.Rand) index.Query { return qc.q }) })
	}
	b.Run("mix", func(b *testing.B) {
		run(b, func(r *rand.Rand) index.Query { return queries[r.IntN(len(queries))].q })
	})
}

func dirSize(b *testing.B, dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return total
}
