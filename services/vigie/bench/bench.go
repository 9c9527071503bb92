package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
)

// Options are the sizes and outputs of one benchmark run: the flags of
// `vigie bench`.
type Options struct {
	// Out is the report file to write.
	Out string
	// Shared is the folder holding the evaluation datasets (datasets/).
	Shared string
	// CPUProfile, when set, receives a CPU profile of the first end-to-end run.
	CPUProfile string
	// Items are the generated items ingested end to end per run.
	Items int
	// Runs are the runs of each timing (the report gives medians).
	Runs int
	// FactChecks are the fact-checks in the pipeline's store.
	FactChecks int
	// MatcherStore are the fact-checks in the store of the sentence-rate figure.
	MatcherStore int
	// SearchDocs are the claim documents in the index of the search and restart figures.
	SearchDocs int
	// Queries are the queries of each kind for the search percentiles.
	Queries int
	// RestartItems are the items on ITEMS for the restart figure (topped up
	// with labelled copies).
	RestartItems int
	// Quick marks a run at small sizes (CI): the report says its figures
	// are not release figures.
	Quick bool
	// Command is the command line that ran the benchmark, for the report.
	Command string
}

// benchReport is everything `vigie bench` measured.
type benchReport struct {
	flags                       Options
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

// Run measures the pipeline end to end and the raw floors of its stages on
// the same inputs, and writes the report to f.Out; it tells its steps to
// stderr and its summary to stdout.
func Run(ctx context.Context, f Options, stdout, stderr io.Writer) error {
	rep := &benchReport{flags: f, started: time.Now().UTC(), loadBefore: LoadAverage()}
	log := zap.NewNop()
	step := func(format string, a ...any) { fmt.Fprintf(stderr, "vigie bench: "+format+"\n", a...) }
	tmp, err := os.MkdirTemp("", "vigie-bench-")
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)
	sub := func(name string) string { return filepath.Join(tmp, name) }

	entries, err := Entries(ctx)
	if err != nil {
		return err
	}
	rep.fixtureEntries = len(entries)
	docs := ExpandFeeds(entries, f.Items, 500)
	rep.feedsPerRun = len(docs)
	rows, err := readVClaims(f.Shared)
	if err != nil {
		return err
	}
	fcPath := sub("factchecks.tsv")
	if err := writeFactCheckTSV(fcPath, expandFactChecks(rows, f.FactChecks)); err != nil {
		return err
	}

	var first e2eResult
	for r := range f.Runs {
		step("end to end, run %d of %d: %d items, %d fact-checks", r+1, f.Runs, f.Items, f.FactChecks)
		var stopProfile func() error
		if r == 0 && f.CPUProfile != "" {
			if stopProfile, err = startCPUProfile(f.CPUProfile); err != nil {
				return err
			}
		}
		res, err := runE2E(ctx, sub(fmt.Sprintf("e2e-%d", r)), fcPath, docs, f.Items, log)
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
	if _, err := app.LoadFactChecks(store, fcPath); err != nil {
		return err
	}
	rep.fcBuild = time.Since(t)
	batch := config.Default().Index.BatchSize
	for r := range f.Runs {
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
	n := min(f.Items, max(200, int(half*20)))
	step("latency at half the measured rate: %.0f items/s, %d items", half, n)
	if rep.latency, err = runLatency(ctx, sub("latency"), fcPath, entries, n, half, log); err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	_ = os.RemoveAll(sub("latency"))

	step("sentence rate against %d fact-checks", f.MatcherStore)
	sentences, err := benchQuerySentences(f.Shared)
	if err != nil {
		return err
	}
	t = time.Now()
	big := claims.NewStore()
	big.Add(expandFactChecks(rows, f.MatcherStore)...)
	rep.matcherStoreBuild = time.Since(t)
	d := 3 * time.Second
	if f.Quick {
		d = time.Second
	}
	for range f.Runs {
		e, s := sentenceRates(big, sentences, d)
		rep.sentEngine, rep.sentSearch = append(rep.sentEngine, e), append(rep.sentSearch, s)
	}
	big = nil
	runtime.GC()

	step("search at %d claim documents, restart with %d items", f.SearchDocs, f.RestartItems)
	if rep.search, err = runSearch(ctx, sub("search"), fcPath, rep.shape.docs, f.SearchDocs, docs, f.Items, f.Queries, f.RestartItems, log); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	rep.peakRSS = peakRSS()
	rep.duration = time.Since(rep.started)
	rep.loadAfter = LoadAverage()

	if dir := filepath.Dir(f.Out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if err := os.WriteFile(f.Out, []byte(rep.markdown()), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	fmt.Fprintf(stdout, "end to end %.0f items/s (combined floor %.0f items/s, ratio %.2f); report written to %s\n",
		medianRate(rep.e2e), rep.combinedFloor(), medianRate(rep.e2e)/rep.combinedFloor(), f.Out)
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
