package eval

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// compareCommand scores two runs on the same qrels and the paired bootstrap
// interval of their difference in AP@5 (first run minus second).
func compareCommand(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	qrels := fs.String("qrels", "", "TREC qrels of the queries")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("eval compare: %w", err)
	}
	if *qrels == "" || fs.NArg() != 2 {
		return errors.New("eval compare: want --qrels R and two run files")
	}
	qr, err := readFile(*qrels, ReadQrels)
	if err != nil {
		return fmt.Errorf("eval compare: %w", err)
	}
	var runs [2]Ranking
	for i := range runs {
		if runs[i], err = readFile(fs.Arg(i), ReadRun); err != nil {
			return fmt.Errorf("eval compare: %w", err)
		}
	}
	c := Compare(runs[0], runs[1], qr)
	_, err = fmt.Fprintf(stdout, "queries  %d\nMAP@5    %.4f  %s\nMAP@5    %.4f  %s\ndiff     %+.4f  (paired bootstrap 95%% CI %+.4f to %+.4f, 1000 resamples); better %d, worse %d, equal %d\n",
		c.Queries, c.A, fs.Arg(0), c.B, fs.Arg(1), c.A-c.B, c.Lo, c.Hi, c.Better, c.Worse, c.Queries-c.Better-c.Worse)
	return err
}

// Comparison is the paired comparison of two rankings on MAP@5.
type Comparison struct {
	A, B          float64 // MAP@5 of each
	Lo, Hi        float64 // paired bootstrap 95% interval of A − B
	Better, Worse int     // queries whose AP@5 is higher / lower in A
	Queries       int
}

// Compare scores rankings a and b on q and the paired bootstrap interval of
// their difference (1000 resamples, seed 1).
func Compare(a, b Ranking, q Qrels) Comparison {
	pa, pb := PerQueryAP5(a, q), PerQueryAP5(b, q)
	c := Comparison{A: Match(a, q).MAP5, B: Match(b, q).MAP5, Queries: len(pa)}
	c.Lo, c.Hi = PairedBootstrap(pa, pb, 1000, 1)
	for i := range pa {
		switch {
		case pa[i] > pb[i]:
			c.Better++
		case pa[i] < pb[i]:
			c.Worse++
		}
	}
	return c
}
