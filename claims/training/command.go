package training

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"vigie/claims"
	"vigie/claims/eval"
	"vigie/claims/match"
	"vigie/claims/worthiness"
)

// Default paths, relative to the repository root (../shared is beside it).
const (
	DefaultWorthinessTrain = "../shared/datasets/check-worthiness/claimbuster-en/train.tsv"
	DefaultWorthinessOut   = "claims/worthiness/model/worthiness.json"
	DefaultMatchDir        = "../shared/datasets/claim-matching/checkthat2020-en"
	DefaultMatcherOut      = "claims/match/model/matcher.json"
)

// Command runs `vigie train` with the arguments after "train":
//
//	worthiness [--train F] [--lang en] [--out F]
//	matcher [--vclaims V] [--train-queries Q --train-qrels R] [--dev-queries Q --dev-qrels R] [--judgements J…] [--out F]
func Command(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("train: want a subcommand: worthiness or matcher")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	case "worthiness":
		return worthinessCommand(ctx, args[1:], stdout, stderr)
	case "matcher":
		return matcherCommand(ctx, args[1:], stdout, stderr)
	}
	return fmt.Errorf("train: unknown subcommand %q (want worthiness or matcher)", args[0])
}

func worthinessCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train worthiness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	train := fs.String("train", DefaultWorthinessTrain, "labelled sentences (id, group, text, label); ClaimBuster (CC BY 4.0) by default")
	lang := fs.String("lang", "en", "language of the sentences")
	out := fs.String("out", DefaultWorthinessOut, "model file to write")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("train worthiness: %w", err)
	}
	m, err := TrainWorthiness(ctx, *train, *lang)
	if err != nil {
		return datasetHint(err)
	}
	b, err := m.MarshalIndent()
	if err != nil {
		return fmt.Errorf("train worthiness: %w", err)
	}
	if err := writeFile(*out, b); err != nil {
		return fmt.Errorf("train worthiness: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote %s (%d bytes, %d lexical weights)\n", *out, len(b), len(m.Lexical[*lang]))
	return err
}

// TrainWorthiness trains the committed check-worthiness model from a
// labelled TSV: interpretable features plus stem unigram and bigram weights
// (keys seen at least three times; weights under 0.05 pruned).
func TrainWorthiness(ctx context.Context, path, lang string) (*worthiness.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("train worthiness: %w", err)
	}
	defer f.Close()
	ss, err := eval.ReadSentences(f)
	if err != nil {
		return nil, fmt.Errorf("train worthiness: %s: %w", path, err)
	}
	ex := make([]worthiness.Example, len(ss))
	for i, s := range ss {
		ex[i] = worthiness.Example{Text: s.Text, Label: s.Label > 0}
	}
	src := fmt.Sprintf("vigie train worthiness on %s (%d sentences); lexical weights from this data only", filepath.ToSlash(path), len(ex))
	m, err := worthiness.Train(ctx, ex, worthiness.TrainOptions{Lang: lang, Bigrams: true, MinCount: 3, MinAbs: 0.05, Source: src})
	if err != nil {
		return nil, fmt.Errorf("train worthiness: %w", err)
	}
	return m, nil
}

func matcherCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train matcher", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o MatcherOptions
	fs.StringVar(&o.VClaims, "vclaims", filepath.Join(DefaultMatchDir, "vclaims.tsv"), "collection of fact-checked claims")
	fs.StringVar(&o.TrainQueries, "train-queries", filepath.Join(DefaultMatchDir, "train", "queries.tsv"), "training queries")
	fs.StringVar(&o.TrainQrels, "train-qrels", filepath.Join(DefaultMatchDir, "train", "qrels.tsv"), "training qrels")
	fs.StringVar(&o.DevQueries, "dev-queries", filepath.Join(DefaultMatchDir, "dev", "queries.tsv"), "calibration queries")
	fs.StringVar(&o.DevQrels, "dev-qrels", filepath.Join(DefaultMatchDir, "dev", "qrels.tsv"), "calibration qrels")
	out := fs.String("out", DefaultMatcherOut, "model file to write")
	pointwise := fs.Bool("pointwise", false, "ablation: fit the weights pointwise instead of pairwise (not the committed model)")
	fs.BoolVar(&o.Semantic, "semantic", false, "use the word-vector feature wv_cos (English; not the committed model, see docs/quality.md)")
	fs.BoolVar(&o.Split, "split", false, `split query words unknown to the claims into two known words ("georgesoros"; not the committed model, see docs/quality.md)`)
	omit := fs.String("omit", "", "ablation: comma-separated features left out (weight 0), e.g. figure_disagree,person_disagree")
	fs.Var((*fileList)(&o.Judgements), "judgements", "a workspace's judgement file (JSON Lines, docs/quality.md); repeat for several: refit with its confirmed and rejected pairs (requires --out)")
	fs.Float64Var(&o.JudgedWeight, "judgement-weight", match.DefaultJudgedWeight, "how many train candidates one judged pair weighs")
	fs.Func("judged-before", "use only the judgements judged before this time (RFC 3339), to score the model on the later ones", func(v string) error {
		t, err := time.Parse(time.RFC3339, v)
		o.JudgedBefore = t
		return err
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return fmt.Errorf("train matcher: %w", err)
	}
	if len(o.Judgements) > 0 && !explicit(fs, "out") {
		return errors.New("train matcher: --judgements needs --out: the committed model is replaced only when --out names it")
	}
	o.Pairwise = !*pointwise
	for _, f := range strings.Split(*omit, ",") {
		if f = strings.TrimSpace(f); f != "" {
			o.Omit = append(o.Omit, f)
		}
	}
	m, err := TrainMatcher(ctx, o)
	if err != nil {
		return datasetHint(err)
	}
	b, err := m.MarshalIndent()
	if err != nil {
		return fmt.Errorf("train matcher: %w", err)
	}
	if err := writeFile(*out, b); err != nil {
		return fmt.Errorf("train matcher: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, len(b))
	return err
}

// datasetHint says, on a missing training file, where the training sets are
// expected: they are evaluation data kept outside the repository.
func datasetHint(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (the training sets are not part of the repository: the defaults read ../shared/datasets, the shared folder beside the repository root; run from the root with it there, or name the files with the flags, see --help)", err)
	}
	return err
}

const usage = `usage:
  vigie train worthiness [--train F.tsv] [--lang en] [--out claims/worthiness/model/worthiness.json]
  vigie train matcher [--pointwise] [--semantic] [--split] [--omit F,G] [--judgements J.jsonl... --judgement-weight W --judged-before T] [--vclaims V] [--train-queries Q --train-qrels R] [--dev-queries Q --dev-qrels R] [--out claims/match/model/matcher.json]
Defaults read ../shared/datasets from the repository root. Run "vigie train matcher --help" for the flags.
`

// MatcherCandidates is the number of BM25F candidates the committed
// re-ranker sees, chosen on the dev split (see docs/quality.md).
const MatcherCandidates = 10

// MatcherOptions are the inputs of TrainMatcher.
type MatcherOptions struct {
	// VClaims is the collection; the train queries and qrels fit the
	// weights, the dev ones the calibration.
	VClaims, TrainQueries, TrainQrels, DevQueries, DevQrels string
	// Pairwise fits on relevant − non-relevant differences (the committed
	// model); false fits pointwise (an ablation).
	Pairwise bool
	// Semantic adds the word-vector feature (English).
	Semantic bool
	// Split sets Model.SplitCompounds.
	Split bool
	// Omit names features left out (ablations).
	Omit []string
	// Judgements are judgement files (claims.ReadJudgements) whose pairs
	// join the training data, each weighing JudgedWeight (0: the default).
	Judgements   []string
	JudgedWeight float64
	// JudgedBefore, when set, keeps the judgements judged before it.
	JudgedBefore time.Time
}

// TrainMatcher trains the re-ranker on the train queries and calibrates it
// on the dev queries.
func TrainMatcher(ctx context.Context, o MatcherOptions) (match.Model, error) {
	idx, err := eval.LoadIndex(o.VClaims, "en")
	if err != nil {
		return match.Model{}, fmt.Errorf("train matcher: %w", err)
	}
	train, err := labeled(o.TrainQueries, o.TrainQrels)
	if err != nil {
		return match.Model{}, fmt.Errorf("train matcher: %w", err)
	}
	dev, err := labeled(o.DevQueries, o.DevQrels)
	if err != nil {
		return match.Model{}, fmt.Errorf("train matcher: %w", err)
	}
	kind := "pairwise"
	if !o.Pairwise {
		kind = "pointwise"
	}
	if o.Semantic {
		kind += ", with the word-vector feature"
	}
	if o.Split {
		kind += ", glued query words split"
	}
	if len(o.Omit) > 0 {
		kind += ", without " + strings.Join(o.Omit, ", ")
	}
	judged, desc, err := judgedPairs(idx, o.Judgements, o.JudgedBefore)
	if err != nil {
		return match.Model{}, fmt.Errorf("train matcher: %w", err)
	}
	src := fmt.Sprintf("vigie train matcher: %s logistic regression (L2, Newton) on the BM25F candidates of %d train queries%s, Platt-calibrated on %d dev queries (%s)",
		kind, len(train), desc, len(dev), filepath.ToSlash(filepath.Dir(o.TrainQueries)))
	return match.Train(ctx, idx, train, dev, match.TrainOptions{Lang: "en", Candidates: MatcherCandidates, Pairwise: o.Pairwise, Lexical: !o.Semantic,
		SplitCompounds: o.Split, Omit: o.Omit, Judged: judged, JudgedWeight: o.JudgedWeight, Source: src})
}

// JudgedIDPrefix prefixes the ids of judged fact-checks in the training
// collection, apart from the data set's own ids.
const JudgedIDPrefix = "judged:"

// judgedPairs reads judgement files, adds their fact-checks to idx and
// returns their pairs, with a description for the model's provenance.
func judgedPairs(idx *match.Index, files []string, before time.Time) ([]match.Judged, string, error) {
	if len(files) == 0 {
		return nil, "", nil
	}
	var js []claims.Judgement
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			return nil, "", err
		}
		part, err := claims.ReadJudgements(fh)
		fh.Close()
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", f, err)
		}
		js = append(js, part...)
	}
	js = claims.JudgedBetween(js, time.Time{}, before)
	if len(js) == 0 {
		return nil, "", errors.New("no judgements to train on")
	}
	docs := map[string]match.Doc{}
	var order []string
	var out []match.Judged
	confirmed := 0
	for _, j := range js {
		id := JudgedIDPrefix + j.FactCheckID
		if _, ok := docs[id]; !ok {
			order = append(order, id)
		}
		docs[id] = match.Doc{ID: id, Text: j.FactCheckText, Title: j.FactCheckTitle, Language: j.FactCheckLanguage}
		year := 0
		if !j.ClaimPublished.IsZero() {
			year = j.ClaimPublished.Year()
		}
		same := j.Judgement == claims.JudgementConfirmed
		if same {
			confirmed++
		}
		out = append(out, match.Judged{Query: j.ClaimText, Lang: j.ClaimLanguage, Year: year, DocID: id, Same: same})
	}
	add := make([]match.Doc, len(order))
	for i, id := range order {
		add[i] = docs[id]
	}
	idx.Add(add...)
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	desc := fmt.Sprintf(" and %d judged pairs (%d confirmed, %d rejected; %s)", len(out), confirmed, len(out)-confirmed, strings.Join(names, ", "))
	return out, desc, nil
}

// fileList is a repeatable flag of file names.
type fileList []string

func (f *fileList) String() string { return strings.Join(*f, ",") }

func (f *fileList) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// explicit reports whether the flag was given on the command line.
func explicit(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

func labeled(queries, qrels string) ([]match.LabeledQuery, error) {
	qf, err := os.Open(queries)
	if err != nil {
		return nil, err
	}
	defer qf.Close()
	qs, err := eval.ReadQueries(qf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", queries, err)
	}
	rf, err := os.Open(qrels)
	if err != nil {
		return nil, err
	}
	defer rf.Close()
	qr, err := eval.ReadQrels(rf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", qrels, err)
	}
	var out []match.LabeledQuery
	for _, q := range qs {
		if rel := qr[q.ID]; len(rel) > 0 {
			out = append(out, match.LabeledQuery{Text: q.Text, Relevant: rel})
		}
	}
	return out, nil
}

func writeFile(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
