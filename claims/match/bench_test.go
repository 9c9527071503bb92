package match

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"vigie/claims/text"
)

// The 200k benchmark store is a documented, clearly labelled SYNTHETIC
// expansion of the 10,375-claim CheckThat! 2020 collection: every claim text
// appears ExpansionFactor times, copy v paired with the title of claim
// (i + 517·v) mod N and id "i#v". Vocabulary and posting-list lengths thus
// scale like a 20× larger store of the same domain; it is not real data and
// is never used for quality figures.
const ExpansionFactor = 20

type benchStore struct {
	idx         *Index
	bytesPerDoc float64
	sentences   []string
	docs        int
}

var (
	benchOnce sync.Once
	bench     benchStore
)

func readTSV(tb testing.TB, path string, cols int) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("benchmark data missing: %v", err)
	}
	defer f.Close()
	var out [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for i := 0; sc.Scan(); i++ {
		if i == 0 {
			continue
		}
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) >= cols {
			out = append(out, fs)
		}
	}
	return out
}

func loadBench(tb testing.TB) *benchStore {
	benchOnce.Do(func() {
		rows := readTSV(tb, sharedMatch(tb, "vclaims.tsv"), 3)
		n := len(rows)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		x := NewIndex()
		batch := make([]Doc, 0, 1024)
		for v := 0; v < ExpansionFactor; v++ {
			for i, r := range rows {
				batch = append(batch, Doc{ID: fmt.Sprintf("%s#%d", r[0], v), Text: r[1], Title: rows[(i+517*v)%n][2], Language: "en"})
				if len(batch) == cap(batch) {
					x.Add(batch...)
					batch = batch[:0]
				}
			}
		}
		x.Add(batch...)
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		bench.idx = x
		bench.docs = x.Len()
		bench.bytesPerDoc = float64(after.HeapAlloc-before.HeapAlloc) / float64(x.Len())
		// the query sentences: dev and test tweets, split into sentences
		for _, split := range []string{"dev", "test"} {
			for _, q := range readTSV(tb, sharedMatch(tb, split, "queries.tsv"), 2) {
				for _, s := range text.Sentences(q[1], "en") {
					bench.sentences = append(bench.sentences, s.Text)
				}
			}
		}
	})
	return &bench
}

// BenchmarkMatch200k measures matching throughput (sentences/s, all cores
// through RunParallel) against the 200k synthetic store, and reports the heap
// bytes per stored claim.
func BenchmarkMatch200k(b *testing.B) {
	s := loadBench(b)
	var mu sync.Mutex
	next := 0
	b.ResetTimer()
	cpu0 := cpuSeconds()
	b.RunParallel(func(pb *testing.PB) {
		mu.Lock()
		i := next
		next += 7919
		mu.Unlock()
		for pb.Next() {
			_ = s.idx.Search(s.sentences[i%len(s.sentences)], Options{Lang: "en", Clean: true, Limit: 3})
			i++
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
	// CPU time per sentence (all threads, GC included): on a shared
	// machine wall-clock throughput understates what two idle cores do.
	b.ReportMetric((cpuSeconds()-cpu0)*1e6/float64(b.N), "cpu-µs/sentence")
	b.ReportMetric(s.bytesPerDoc, "heap-B/claim")
	b.ReportMetric(float64(s.docs), "claims")
}

// BenchmarkMatch10k is the same on the real 10k collection.
func BenchmarkMatch10k(b *testing.B) {
	rows := readTSV(b, sharedMatch(b, "vclaims.tsv"), 3)
	x := NewIndex()
	for _, r := range rows {
		x.Add(Doc{ID: r[0], Text: r[1], Title: r[2], Language: "en"})
	}
	qs := readTSV(b, sharedMatch(b, "dev", "queries.tsv"), 2)
	i := 0
	for b.Loop() {
		_ = x.Search(qs[i%len(qs)][1], Options{Lang: "en", Clean: true, Limit: 3})
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "queries/s")
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
