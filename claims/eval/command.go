package eval

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"vigie/claims"
	"vigie/claims/match"
	"vigie/claims/worthiness"
)

// Command runs `vigie eval` with the arguments after "eval":
//
//	match --vclaims V --queries Q --qrels R [--run OUT] [--json] [--stages S] [--lang L] [--model M] [--cap-decisive C]
//	match --judgements J [--model M] [--vclaims V] [--json]
//	compare --qrels R A.run B.run
//	cluster --dir D [--split S] [--threshold T] [--sweep] [--json]
//	worthiness --sentences F [--json] [--threshold T] [--lang L] [--train F] [--baseline]
//
// Output is deterministic: two runs print the same bytes.
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("eval: want a subcommand: match, compare, cluster or worthiness")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	case "match":
		return matchCommand(ctx, args[1:], stdout, stderr)
	case "worthiness":
		return worthinessCommand(ctx, args[1:], stdout, stderr)
	case "compare":
		return compareCommand(args[1:], stdout, stderr)
	case "cluster":
		return clusterCommand(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("eval: unknown subcommand %q (want match, compare, cluster or worthiness)", args[0])
}

const usage = `usage:
  vigie eval match --vclaims V.tsv --queries Q.tsv --qrels R.tsv [--run OUT] [--json] [--stages S] [--lang L] [--model M.json] [--cap-decisive 0.70] [--against M2.json|committed]
  vigie eval match --judgements J.jsonl... [--judged-since T] [--model M.json] [--vclaims V.tsv] [--json]
  vigie eval compare --qrels R.tsv A.run B.run
  vigie eval cluster --dir D [--split dev] [--threshold T] [--sweep] [--json]
  vigie eval worthiness --sentences F.tsv [--json] [--threshold T] [--lang L] [--train T.tsv [--baseline] [--c C]]
Run "vigie eval match --help" for the flags.
`

func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// LoadIndex reads a vclaims TSV into a new match index, with language lang
// for every document ("" detects per document).
func LoadIndex(path, lang string) (*match.Index, error) {
	fcs, err := readFile(path, claims.LoadTSV)
	if err != nil {
		return nil, err
	}
	idx := match.NewIndex()
	docs := make([]match.Doc, len(fcs))
	for i, fc := range fcs {
		l := fc.Language
		if l == "" {
			l = lang
		}
		docs[i] = match.Doc{ID: fc.ID, Text: fc.Text, Title: fc.Title, Language: l}
	}
	idx.Add(docs...)
	return idx, nil
}

func matchCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vclaims := fs.String("vclaims", "", "TSV of fact-checked claims (id, text, title)")
	queries := fs.String("queries", "", "TSV of queries (id, text)")
	qrels := fs.String("qrels", "", "TREC qrels of the queries")
	runOut := fs.String("run", "", "write the ranking as a TREC run file")
	asJSON := fs.Bool("json", false, "print one JSON object")
	stages := fs.String("stages", "", `ablation, comma-separated: "bm25" ranks by BM25F only, "nodup" keeps duplicate claims apart, "noclean" skips social-text cleaning`)
	lang := fs.String("lang", "en", `language of queries and claims ("" detects)`)
	modelFile := fs.String("model", "", "re-ranker model file to use instead of the committed one (ablations)")
	var judgements []string
	fs.Func("judgements", "score the model on a workspace's judgement file instead (JSON Lines, docs/quality.md); repeat for several", func(v string) error {
		judgements = append(judgements, v)
		return nil
	})
	var judgedSince time.Time
	fs.Func("judged-since", "with --judgements: score only the judgements judged at or after this time (RFC 3339)", func(v string) error {
		t, err := time.Parse(time.RFC3339, v)
		judgedSince = t
		return err
	})
	against := fs.String("against", "", "also run this model file (\"committed\": the committed model), with the same options but --cap-decisive, and print the paired comparison of MAP@5 (this run minus that one)")
	capDecisive := fs.Float64("cap-decisive", 0, "cap the score of a claim whose central figure differs from the query's at this value, as the engine does at its suggest threshold (0: off)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("eval match: %w", err)
	}
	if len(judgements) > 0 {
		return judgementsCommand(ctx, judgements, judgedSince, *modelFile, *vclaims, *lang, *asJSON, stdout)
	}
	var model *match.Model
	if *modelFile != "" {
		b, err := os.ReadFile(*modelFile)
		if err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		m, err := match.ParseModel(b)
		if err != nil {
			return fmt.Errorf("eval match: %s: %w", *modelFile, err)
		}
		model = &m
	}
	if *vclaims == "" || *queries == "" || *qrels == "" {
		return errors.New("eval match: --vclaims, --queries and --qrels are required")
	}
	idx, err := LoadIndex(*vclaims, *lang)
	if err != nil {
		return fmt.Errorf("eval match: %w", err)
	}
	qs, err := readFile(*queries, ReadQueries)
	if err != nil {
		return fmt.Errorf("eval match: %w", err)
	}
	qr, err := readFile(*qrels, ReadQrels)
	if err != nil {
		return fmt.Errorf("eval match: %w", err)
	}
	run, res, err := RunMatch(ctx, idx, qs, match.Options{Lang: *lang, Stages: *stages, Model: model, CapDecisive: *capDecisive}, 10)
	if err != nil {
		return fmt.Errorf("eval match: %w", err)
	}
	if *runOut != "" {
		if err := writeRun(*runOut, qs, res); err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
	}
	s := Match(run, qr)
	if *against != "" {
		path := *against
		if path == "committed" {
			path = ""
		}
		m, err := match.LoadModel(path)
		if err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		other, _, err := RunMatch(ctx, idx, qs, match.Options{Lang: *lang, Stages: *stages, Model: &m}, 10)
		if err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		c := Compare(run, other, qr)
		o := Match(other, qr)
		_, err = fmt.Fprintf(stdout, "queries  %d\n%-8s %-10s %-10s\nMAP@1    %.4f     %.4f\nMAP@5    %.4f     %.4f\nMRR      %.4f     %.4f\nP@1      %.4f     %.4f\nMAP@5 difference %+.4f (paired bootstrap 95%% CI %+.4f to %+.4f, 1000 resamples); better %d, worse %d, equal %d queries\n",
			s.Queries, "", "this", "against", s.MAP1, o.MAP1, s.MAP5, o.MAP5, s.MRR, o.MRR, s.P1, o.P1, c.A-c.B, c.Lo, c.Hi, c.Better, c.Worse, c.Queries-c.Better-c.Worse)
		return err
	}
	if *asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	lo, hi := Bootstrap(PerQueryAP5(run, qr), 1000, 1)
	_, err = fmt.Fprintf(stdout, "queries  %d\nMAP@1    %.4f\nMAP@5    %.4f  (95%% bootstrap CI %.4f-%.4f, 1000 resamples)\nMRR      %.4f\nP@1      %.4f\n",
		s.Queries, s.MAP1, s.MAP5, lo, hi, s.MRR, s.P1)
	return err
}

func writeRun(path string, qs []Query, res map[string][]match.Result) error {
	var b strings.Builder
	for _, q := range qs {
		for i, r := range res[q.ID] {
			fmt.Fprintf(&b, "%s\tQ0\t%s\t%d\t%.6f\tvigie\n", q.ID, r.ID, i+1, r.Score)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	return nil
}

func worthinessCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval worthiness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	sentences := fs.String("sentences", "", "TSV of labelled sentences (id, group, text, label)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	threshold := fs.Float64("threshold", claims.DefaultConfig().WorthinessThreshold, "score from which a sentence is predicted check-worthy")
	lang := fs.String("lang", "", `language of the sentences ("" detects per sentence)`)
	train := fs.String("train", "", "fit the model's weights on this labelled TSV first, intercept shifted by its positive rate (same-split comparison; nothing is written)")
	c := fs.Float64("c", 1, "inverse L2 strength of the model fitted with --train (the baseline always uses C = 1)")
	baseline := fs.Bool("baseline", false, "score with the baseline instead: logistic regression on lower-cased unigrams+bigrams, L2, C=1, fitted on --train")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("eval worthiness: %w", err)
	}
	if *sentences == "" {
		return errors.New("eval worthiness: --sentences is required")
	}
	if *baseline && *train == "" {
		return errors.New("eval worthiness: --baseline needs --train")
	}
	sents, err := readFile(*sentences, ReadSentences)
	if err != nil {
		return fmt.Errorf("eval worthiness: %w", err)
	}
	var score func(s string) float64
	switch {
	case *baseline:
		tr, err := readFile(*train, ReadSentences)
		if err != nil {
			return fmt.Errorf("eval worthiness: %w", err)
		}
		b := worthiness.TrainBaseline(examples(tr))
		score = b.Score
	case *train != "":
		tr, err := readFile(*train, ReadSentences)
		if err != nil {
			return fmt.Errorf("eval worthiness: %w", err)
		}
		if *lang == "" {
			*lang = DominantLanguage(tr)
		}
		m, err := worthiness.Train(ctx, examples(tr), worthiness.TrainOptions{Lang: *lang, Bigrams: true, C: *c, BaseRateThreshold: true, Source: *train})
		if err != nil {
			return fmt.Errorf("eval worthiness: %w", err)
		}
		fixed := *lang // the training language, even "": scoring must use the same keys
		score = func(s string) float64 { p, _ := m.Score(s, fixed); return p }
	default:
		m := worthiness.DefaultModel()
		score = func(s string) float64 { p, _ := m.Score(s, langOf(*lang, s)); return p }
	}
	scores := make([]float64, len(sents))
	for i, s := range sents {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("eval worthiness: %w", err)
		}
		scores[i] = score(s.Text)
	}
	ws := Worthiness(sents, scores, *threshold)
	if *asJSON {
		b, err := json.Marshal(ws)
		if err != nil {
			return fmt.Errorf("eval worthiness: %w", err)
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	groups := map[string]bool{}
	for _, s := range sents {
		groups[s.Group] = true
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	_, err = fmt.Fprintf(stdout, "sentences %d (groups %d)\nMAP       %.4f\nP@10      %.4f\nF1        %.4f  (positive class, threshold %.2f)\n",
		ws.Sentences, len(names), ws.MAP, ws.P10, ws.F1, *threshold)
	return err
}

func examples(ss []Sentence) []worthiness.Example {
	out := make([]worthiness.Example, len(ss))
	for i, s := range ss {
		out[i] = worthiness.Example{Text: s.Text, Label: s.Label > 0}
	}
	return out
}
