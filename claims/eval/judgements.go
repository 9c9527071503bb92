package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"vigie/claims"
	"vigie/claims/match"
)

// JudgementScores measure a re-ranker on a workspace's judgements: the
// engine's decisions on each judged pair against the person's.
type JudgementScores struct {
	Model     string `json:"model"` // the model's provenance
	Pairs     int    `json:"pairs"`
	Confirmed int    `json:"confirmed"`
	Claims    int    `json:"claims"`
	// Automatic decisions (Match.Auto) as predictions of "confirmed".
	AutoTP          int     `json:"auto_tp"`
	AutoFP          int     `json:"auto_fp"`
	AutoFN          int     `json:"auto_fn"`
	AutoTN          int     `json:"auto_tn"`
	AutoAccuracy    float64 `json:"auto_accuracy"`
	AutoPrecision   float64 `json:"auto_precision"`
	AutoRecall      float64 `json:"auto_recall"`
	SuggestedPrec   float64 `json:"suggested_precision"` // matches shown (score ≥ suggest) as predictions
	SuggestedRecall float64 `json:"suggested_recall"`
	// MAP5 is over the judged claims with a confirmed fact-check, the
	// confirmed ones relevant, ranked among the collection.
	MAP5       float64 `json:"map@5"`
	MAP5Claims int     `json:"map@5_claims"`
}

// ScoreJudgements runs the engine (DefaultConfig, re-ranker m) over each
// judged claim against a store of the judged fact-checks plus extra ones,
// and scores its decisions on the judged pairs.
func ScoreJudgements(ctx context.Context, js []claims.Judgement, m match.Model, extra []claims.FactCheck) (JudgementScores, error) {
	store := claims.NewStore()
	store.Add(extra...)
	for _, j := range js {
		store.Add(claims.FactCheck{ID: j.FactCheckID, Text: j.FactCheckText, Title: j.FactCheckTitle, Language: j.FactCheckLanguage})
	}
	cfg := claims.DefaultConfig()
	e := claims.NewEngine(store, cfg).WithMatcherModel(m)
	s := JudgementScores{Model: m.Source, Pairs: len(js)}
	type claimCase struct {
		j         claims.Judgement
		confirmed map[string]bool
		judged    []claims.Judgement
	}
	var order []string
	cases := map[string]*claimCase{}
	for _, j := range js {
		c, ok := cases[j.ClaimID]
		if !ok {
			c = &claimCase{j: j, confirmed: map[string]bool{}}
			cases[j.ClaimID] = c
			order = append(order, j.ClaimID)
		}
		c.judged = append(c.judged, j)
		if j.Judgement == claims.JudgementConfirmed {
			c.confirmed[j.FactCheckID] = true
			s.Confirmed++
		}
	}
	s.Claims = len(order)
	suggestedTP, suggested := 0, 0
	for _, id := range order {
		if err := ctx.Err(); err != nil {
			return s, err
		}
		c := cases[id]
		cl := e.AnalyzeSentenceAt(id, 0, c.j.ClaimText, c.j.ClaimLanguage, c.j.ClaimPublished)
		shown := map[string]claims.Match{}
		for _, mt := range cl.Matches {
			shown[mt.FactCheckID] = mt
		}
		for _, j := range c.judged {
			mt, ok := shown[j.FactCheckID]
			yes := j.Judgement == claims.JudgementConfirmed
			switch auto := ok && mt.Auto; {
			case auto && yes:
				s.AutoTP++
			case auto:
				s.AutoFP++
			case yes:
				s.AutoFN++
			default:
				s.AutoTN++
			}
			if ok {
				suggested++
				if yes {
					suggestedTP++
				}
			}
		}
		if len(c.confirmed) == 0 {
			continue
		}
		lang := c.j.ClaimLanguage
		rs := store.Index().Search(match.Clean(c.j.ClaimText), match.Options{Lang: lang, Limit: 5, Model: &m, Year: yearOf(c.j.ClaimPublished), CapDecisive: cfg.SuggestThreshold})
		ranked := make([]string, len(rs))
		for i, r := range rs {
			ranked[i] = r.ID
		}
		s.MAP5 += AveragePrecision(ranked, c.confirmed, 5)
		s.MAP5Claims++
	}
	if s.MAP5Claims > 0 {
		s.MAP5 /= float64(s.MAP5Claims)
	}
	if s.Pairs > 0 {
		s.AutoAccuracy = float64(s.AutoTP+s.AutoTN) / float64(s.Pairs)
	}
	if s.AutoTP+s.AutoFP > 0 {
		s.AutoPrecision = float64(s.AutoTP) / float64(s.AutoTP+s.AutoFP)
	}
	if s.Confirmed > 0 {
		s.AutoRecall = float64(s.AutoTP) / float64(s.Confirmed)
		s.SuggestedRecall = float64(suggestedTP) / float64(s.Confirmed)
	}
	if suggested > 0 {
		s.SuggestedPrec = float64(suggestedTP) / float64(suggested)
	}
	return s, nil
}

func yearOf(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	return t.Year()
}

// judgementsCommand is `vigie eval match --judgements`.
func judgementsCommand(ctx context.Context, files []string, since time.Time, modelFile, vclaims, lang string, asJSON bool, stdout io.Writer) error {
	var js []claims.Judgement
	for _, f := range files {
		part, err := readFile(f, claims.ReadJudgements)
		if err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		js = append(js, part...)
	}
	js = claims.JudgedBetween(js, since, time.Time{})
	if len(js) == 0 {
		return errors.New("eval match: no judgements to score")
	}
	m, err := match.LoadModel(modelFile)
	if err != nil {
		return fmt.Errorf("eval match: %w", err)
	}
	var extra []claims.FactCheck
	if vclaims != "" {
		if extra, err = readFile(vclaims, claims.LoadTSV); err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		for i := range extra {
			if extra[i].Language == "" {
				extra[i].Language = lang
			}
		}
	}
	s, err := ScoreJudgements(ctx, js, m, extra)
	if err != nil {
		return fmt.Errorf("eval match: %w", err)
	}
	if asJSON {
		b, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("eval match: %w", err)
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	_, err = fmt.Fprintf(stdout, "model      %s\njudged     %d pairs (%d confirmed, %d rejected) of %d claims\nautomatic  accuracy %.4f  precision %.4f  recall %.4f  (tp %d, fp %d, fn %d, tn %d)\nsuggested  precision %.4f  recall %.4f\nMAP@5      %.4f  (%d claims with a confirmed fact-check)\n",
		s.Model, s.Pairs, s.Confirmed, s.Pairs-s.Confirmed, s.Claims, s.AutoAccuracy, s.AutoPrecision, s.AutoRecall, s.AutoTP, s.AutoFP, s.AutoFN, s.AutoTN,
		s.SuggestedPrec, s.SuggestedRecall, s.MAP5, s.MAP5Claims)
	return err
}
