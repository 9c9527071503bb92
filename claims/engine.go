package claims

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"vigie/claims/match"
	"vigie/claims/text"
	"vigie/claims/worthiness"
)

// Engine analyses items against a Store. It is safe for concurrent use.
type Engine struct {
	store    *Store
	cfg      Config
	worth    *worthiness.Model
	matcher  match.Model
	embedder match.Embedder
}

// NewEngine returns an engine over store with the committed models. Zero
// fields of cfg take their DefaultConfig value.
func NewEngine(store *Store, cfg Config) *Engine {
	d := DefaultConfig()
	if cfg.SuggestThreshold == 0 {
		cfg.SuggestThreshold = d.SuggestThreshold
	}
	if cfg.AutoThreshold == 0 {
		cfg.AutoThreshold = d.AutoThreshold
	}
	if cfg.WorthinessThreshold == 0 {
		cfg.WorthinessThreshold = d.WorthinessThreshold
	}
	if cfg.MaxMatches == 0 {
		cfg.MaxMatches = d.MaxMatches
	}
	if cfg.MinAutoWords == 0 {
		cfg.MinAutoWords = d.MinAutoWords
	}
	if store == nil {
		store = NewStore()
	}
	return &Engine{store: store, cfg: cfg, worth: worthiness.DefaultModel(), matcher: match.DefaultModel()}
}

// WithMatcherModel returns a copy of the engine that re-ranks with m instead
// of the committed model (match.LoadModel reads one from a file, such as
// `vigie train matcher --judgements … --out` writes).
func (e *Engine) WithMatcherModel(m match.Model) *Engine {
	c := *e
	c.matcher = m
	return &c
}

// MatcherModel returns the re-ranker the engine uses; its Source says where
// it comes from.
func (e *Engine) MatcherModel() match.Model { return e.matcher }

// WithEmbedder returns a copy of the engine whose re-ranker uses e for its
// semantic-similarity feature.
func (e *Engine) WithEmbedder(emb match.Embedder) *Engine {
	c := *e
	c.embedder = emb
	return &c
}

// Config returns the engine's effective configuration.
func (e *Engine) Config() Config { return e.cfg }

// Analyze splits the item into sentences (title first, then text), scores
// each for check-worthiness, matches it against the store, and returns the
// claims whose worthiness is at least WorthinessThreshold or that have a
// match at or above SuggestThreshold, in sentence order; with
// KeepLowPriority, also the other sentences that could be claims, marked
// LowPriority. It is deterministic for a given item and store content.
// Claim.ID is a stable hex hash of the item ID and the sentence index (the
// index among all the item's sentences, kept or not).
func (e *Engine) Analyze(it Item) []Claim {
	cs, _ := e.AnalyzeContext(context.Background(), it)
	return cs
}

// AnalyzeContext is Analyze with a context for the optional Embedder; an
// embedder error is returned with the lexical-only result.
func (e *Engine) AnalyzeContext(ctx context.Context, it Item) ([]Claim, error) {
	lang := it.Language
	if lang == "" {
		lang = text.Detect(it.Title + "\n" + it.Text)
	}
	var sents []string
	for _, part := range []string{it.Title, it.Text} {
		for _, s := range text.Sentences(part, lang) {
			sents = append(sents, s.Text)
		}
	}
	var out []Claim
	var firstErr error
	for i, s := range sents {
		c, err := e.analyzeSentence(ctx, it.ID, i, s, lang, it.Published.Year())
		if err != nil && firstErr == nil {
			firstErr = err
		}
		switch {
		case c.Worthiness >= e.cfg.WorthinessThreshold || len(c.Matches) > 0:
			out = append(out, c)
		case e.cfg.KeepLowPriority && CouldBeClaim(s, c.Language):
			c.LowPriority = true
			out = append(out, c)
		}
	}
	return out, firstErr
}

// AnalyzeSentence scores and matches one sentence as sentence index of item
// itemID, whatever its worthiness.
func (e *Engine) AnalyzeSentence(itemID string, index int, sentence, lang string) Claim {
	c, _ := e.analyzeSentence(context.Background(), itemID, index, sentence, lang, 0)
	return c
}

// AnalyzeSentenceAt is AnalyzeSentence for a sentence published at
// published (zero: unknown), which the matcher compares with the years a
// fact-check names, as Analyze does with Item.Published.
func (e *Engine) AnalyzeSentenceAt(itemID string, index int, sentence, lang string, published time.Time) Claim {
	c, _ := e.analyzeSentence(context.Background(), itemID, index, sentence, lang, published.Year())
	return c
}

func (e *Engine) analyzeSentence(ctx context.Context, itemID string, index int, s, lang string, year int) (Claim, error) {
	if year <= 1 { // zero time.Time
		year = match.SignatureYear(s)
	}
	slang := lang
	if slang == "" {
		slang = text.Detect(s)
	}
	w, contrib := e.worth.Score(s, slang)
	cleaned := match.Clean(s)
	c := Claim{
		ID: ClaimID(itemID, index), ItemID: itemID, Index: index, Text: s, Language: slang,
		Worthiness: w, Fingerprint: fingerprintCleaned(cleaned, slang),
	}
	for _, k := range contrib {
		c.Reasons = append(c.Reasons, Feature{Name: k.Name, Weight: k.Weight})
	}
	words := 0
	for _, t := range text.Tokenize(cleaned) {
		if !t.Number {
			words++
		}
	}
	// a central figure that differs caps the score at the suggest threshold:
	// shown for a person to judge, never automatic, never flagging
	res, err := e.store.index.SearchContext(ctx, cleaned, match.Options{Lang: slang, Limit: e.cfg.MaxMatches, Model: &e.matcher, Embedder: e.embedder, Year: year, CapDecisive: e.cfg.SuggestThreshold})
	for _, r := range res {
		if r.Score < e.cfg.SuggestThreshold {
			continue
		}
		fc, ok := e.store.Get(r.ID)
		if !ok { // removed between search and lookup
			continue
		}
		m := Match{
			FactCheckID: fc.ID, Text: fc.Text, Title: fc.Title, Score: r.Score, Rating: fc.Rating,
			TextualRating: fc.TextualRating, Publisher: fc.Publisher, URL: fc.URL,
			Auto:        r.Score >= e.cfg.AutoThreshold && words >= e.cfg.MinAutoWords,
			SharedTerms: r.SharedTerms, SharedNumbers: r.SharedNumbers,
			Disagreements: disagreementsOf(r.Disagreements, s, slang),
		}
		decisive := m.Decisive()
		if decisive {
			m.Auto = false
		}
		m.Explanation = explain(m)
		c.Matches = append(c.Matches, m)
		if fc.Rating.Flagged() && !decisive {
			c.Flagged = true
		}
	}
	return c, err
}

func explain(m Match) string {
	var b strings.Builder
	fmt.Fprintf(&b, "score %.2f", m.Score)
	if m.Auto {
		b.WriteString(" (automatic)")
	}
	if len(m.SharedTerms) > 0 {
		terms := m.SharedTerms
		if len(terms) > 8 {
			terms = terms[:8]
		}
		b.WriteString("; shared terms: ")
		b.WriteString(strings.Join(terms, ", "))
	}
	if len(m.SharedNumbers) > 0 {
		b.WriteString("; shared numbers: ")
		b.WriteString(strings.Join(m.SharedNumbers, ", "))
	}
	for _, d := range m.Disagreements {
		fmt.Fprintf(&b, "; %s differs: %q vs %q", d.Kind, d.Claim, d.FactCheck)
	}
	if m.Decisive() {
		b.WriteString(" (not automatic: a person must confirm)")
	}
	if m.Rating != "" && m.Rating != RatingUnknown {
		b.WriteString("; rated ")
		b.WriteString(string(m.Rating))
	} else if m.TextualRating != "" {
		fmt.Fprintf(&b, "; rated %q", m.TextualRating)
	}
	return b.String()
}

// ClaimID returns the stable id of sentence index of item itemID: the first
// 16 bytes of SHA-256 over the item id, a NUL and the decimal index, in hex.
func ClaimID(itemID string, index int) string {
	h := sha256.Sum256([]byte(itemID + "\x00" + strconv.Itoa(index)))
	return hex.EncodeToString(h[:16])
}
