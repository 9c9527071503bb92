package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/services/vigie/config"
)

// benchFlags are the flags of `vigie bench`.
type benchFlags struct {
	out, shared, cpuProfile                           string
	items, runs, factchecks, matcherStore, searchDocs int
	queries                                           int
	restartItems                                      int
	quick                                             bool
}

func parseBenchFlags(args []string, stderr io.Writer) (benchFlags, error) {
	var f benchFlags
	fs := flag.NewFlagSet("vigie bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.out, "out", "docs/benchmarks.md", "report `file` to write")
	fs.StringVar(&f.shared, "shared", "../shared", "the shared `folder` holding datasets/ (relative to the current folder)")
	fs.IntVar(&f.items, "items", 5000, "generated items ingested end to end per run")
	fs.IntVar(&f.runs, "runs", 3, "runs of each timing (the report gives medians)")
	fs.IntVar(&f.factchecks, "factchecks", 100_000, "fact-checks in the pipeline's store")
	fs.IntVar(&f.matcherStore, "matcher-store", 200_000, "fact-checks in the store of the sentence-rate figure")
	fs.IntVar(&f.searchDocs, "search-docs", 200_000, "claim documents in the index of the search and restart figures")
	fs.IntVar(&f.queries, "queries", 200, "queries of each kind for the search percentiles")
	fs.IntVar(&f.restartItems, "restart-items", 0, "items on ITEMS for the restart figure, topped up with labelled copies (default: --search-docs)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the first end-to-end run to `file` (go tool pprof)")
	fs.BoolVar(&f.quick, "quick", false, "small sizes and one run, report to a temporary file unless --out is given (CI)")
	if err := fs.Parse(args); err != nil {
		return f, errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "vigie bench: unexpected argument %q\n", fs.Arg(0))
		return f, errUsage
	}
	if f.quick {
		set := map[string]bool{}
		fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
		quick := map[string]*int{"items": &f.items, "runs": &f.runs, "factchecks": &f.factchecks, "matcher-store": &f.matcherStore, "search-docs": &f.searchDocs, "queries": &f.queries}
		small := map[string]int{"items": 500, "runs": 1, "factchecks": 10_000, "matcher-store": 20_000, "search-docs": 5_000, "queries": 30}
		for name, p := range quick {
			if !set[name] {
				*p = small[name]
			}
		}
		if !set["out"] {
			f.out = filepath.Join(os.TempDir(), fmt.Sprintf("vigie-bench-%d.md", os.Getpid()))
		}
	}
	if f.restartItems <= 0 {
		f.restartItems = f.searchDocs
	}
	if f.items < 1 || f.runs < 1 || f.factchecks < 1 || f.matcherStore < 1 || f.searchDocs < 1 || f.queries < 1 {
		fmt.Fprintln(stderr, "vigie bench: sizes must be positive")
		return f, errUsage
	}
	return f, nil
}

// benchReport is everything `vigie bench` measured.
type benchReport struct {
	flags                       benchFlags
	command                     string
	started                     time.Time
	duration                    time.Duration
	loadBefore, loadAfter       string
	e2e                         []measure // items/s
	cold                        []float64 // seconds
	shape                       shape
	parse, js, bleve, matcher   []measure // items/s
	latency                     latencyResult
	sentEngine, sentSearch      []measure
	search                      searchResult
	peakRSS                     int64
	matcherStoreBuild, fcBuild  time.Duration
	fixtureEntries, feedsPerRun int
}

// runBench runs `vigie bench`: it measures the pipeline end to end and the
// raw floors of its stages on the same inputs, and writes the report.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBenchFlags(args, stderr)
	if err != nil {
		return err
	}
	rep := &benchReport{flags: f, command: "vigie bench " + strings.Join(args, " "), started: time.Now().UTC(), loadBefore: loadAverage()}
	log := zap.NewNop()
	step := func(format string, a ...any) { fmt.Fprintf(stderr, "vigie bench: "+format+"\n", a...) }
	tmp, err := os.MkdirTemp("", "vigie-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)
	sub := func(name string) string { return filepath.Join(tmp, name) }

	entries, err := benchEntries(ctx)
	if err != nil {
		return err
	}
	rep.fixtureEntries = len(entries)
	docs := expandFeeds(entries, f.items, 500)
	rep.feedsPerRun = len(docs)
	rows, err := readVClaims(f.shared)
	if err != nil {
		return err
	}
	fcPath := sub("factchecks.tsv")
	if err := writeFactCheckTSV(fcPath, expandFactChecks(rows, f.factchecks)); err != nil {
		return err
	}

	var first e2eResult
	for r := range f.runs {
		step("end to end, run %d of %d: %d items, %d fact-checks", r+1, f.runs, f.items, f.factchecks)
		var stopProfile func() error
		if r == 0 && f.cpuProfile != "" {
			if stopProfile, err = startCPUProfile(f.cpuProfile); err != nil {
				return err
			}
		}
		res, err := runE2E(ctx, sub(fmt.Sprintf("e2e-%d", r)), fcPath, docs, f.items, log)
		if stopProfile != nil {
			if perr := stopProfile(); perr != nil && err == nil {
				err = perr
			}
		}
		if err != nil {
			return fmt.Errorf("end to end: %w", err)
		}
		rep.e2e = append(rep.e2e, res.throughput)
		rep.cold = append(rep.cold, res.coldStart.Seconds())
		if r == 0 {
			first = res
		}
		_ = os.RemoveAll(sub(fmt.Sprintf("e2e-%d", r)))
	}
	if rep.shape, err = pipelineShape(first.items, first.claims); err != nil {
		return err
	}

	step("raw floors")
	t := time.Now()
	store := claims.NewStore()
	if _, err := loadFactChecks(store, fcPath); err != nil {
		return err
	}
	rep.fcBuild = time.Since(t)
	batch := config.Default().Index.BatchSize
	for r := range f.runs {
		v, err := parseFloor(ctx, docs)
		if err != nil {
			return err
		}
		rep.parse = append(rep.parse, v)
		if v, err = jetstreamFloor(ctx, sub(fmt.Sprintf("js-%d", r)), first.items, first.claims); err != nil {
			return err
		}
		rep.js = append(rep.js, v)
		if v, err = bleveFloor(ctx, sub(fmt.Sprintf("bleve-%d", r)), rep.shape.docs, batch); err != nil {
			return err
		}
		rep.bleve = append(rep.bleve, v)
		if v, err = matcherFloor(ctx, store, first.items); err != nil {
			return err
		}
		rep.matcher = append(rep.matcher, v)
		_ = os.RemoveAll(sub(fmt.Sprintf("js-%d", r)))
		_ = os.RemoveAll(sub(fmt.Sprintf("bleve-%d", r)))
	}
	store = nil

	half := medianRate(rep.e2e) / 2
	n := min(f.items, max(200, int(half*20)))
	step("latency at half the measured rate: %.0f items/s, %d items", half, n)
	if rep.latency, err = runLatency(ctx, sub("latency"), fcPath, entries, n, half, log); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	_ = os.RemoveAll(sub("latency"))

	step("sentence rate against %d fact-checks", f.matcherStore)
	sentences, err := benchQuerySentences(f.shared)
	if err != nil {
		return err
	}
	t = time.Now()
	big := claims.NewStore()
	big.Add(expandFactChecks(rows, f.matcherStore)...)
	rep.matcherStoreBuild = time.Since(t)
	d := 3 * time.Second
	if f.quick {
		d = time.Second
	}
	for range f.runs {
		e, s := sentenceRates(big, sentences, d)
		rep.sentEngine, rep.sentSearch = append(rep.sentEngine, e), append(rep.sentSearch, s)
	}
	big = nil
	runtime.GC()

	step("search at %d claim documents, restart with %d items", f.searchDocs, f.restartItems)
	if rep.search, err = runSearch(ctx, sub("search"), fcPath, rep.shape.docs, f.searchDocs, docs, f.items, f.queries, f.restartItems, log); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	rep.peakRSS = peakRSS()
	rep.duration = time.Since(rep.started)
	rep.loadAfter = loadAverage()

	if dir := filepath.Dir(f.out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if err := os.WriteFile(f.out, []byte(rep.markdown()), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(stdout, "end to end %.0f items/s (combined floor %.0f items/s, ratio %.2f); report written to %s\n",
		medianRate(rep.e2e), rep.combinedFloor(), medianRate(rep.e2e)/rep.combinedFloor(), f.out)
	return nil
}

// startCPUProfile starts a CPU profile into path and returns its stop.
func startCPUProfile(path string) (func() error, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// median of xs (0 for none).
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medianRate and medianCPU are the medians of a phase's runs.
func medianRate(ms []measure) float64 {
	xs := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = m.rate
	}
	return median(xs)
}

func medianCPU(ms []measure) float64 {
	xs := make([]float64, len(ms))
	for i, m := range ms {
		xs[i] = m.cpu
	}
	return median(xs)
}

// combinedFloor is 1/Σ(1/floorᵢ): the rate of the four stages run one
// after the other on the same cores (medians of the wall-clock rates).
func (r *benchReport) combinedFloor() float64 {
	sum := 0.0
	for _, f := range [][]measure{r.parse, r.js, r.bleve, r.matcher} {
		m := medianRate(f)
		if m <= 0 {
			return 0
		}
		sum += 1 / m
	}
	return 1 / sum
}

// floorCPU is Σ CPU per item of the four floors: the CPU an item costs
// when each stage is only its library.
func (r *benchReport) floorCPU() float64 {
	sum := 0.0
	for _, f := range [][]measure{r.parse, r.js, r.bleve, r.matcher} {
		sum += medianCPU(f)
	}
	return sum
}
