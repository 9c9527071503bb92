package claims

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MatchJudgement is a person's answer to a suggested match: the same claim
// or not.
type MatchJudgement string

// The judgements of a match.
const (
	JudgementConfirmed MatchJudgement = "confirmed" // same claim: the claim takes the fact-check's verdict
	JudgementRejected  MatchJudgement = "rejected"  // not the same claim: never suggested again
)

// Valid reports whether j is confirmed or rejected.
func (j MatchJudgement) Valid() bool { return j == JudgementConfirmed || j == JudgementRejected }

// Judgement is one judged pair of a workspace's judgement file: one JSON
// object per line (JSON Lines), as a workspace exports them and
// `vigie train matcher --judgements` and `vigie eval match --judgements`
// read them. Fields are added, never changed (docs/quality.md).
type Judgement struct {
	ClaimID       string `json:"claim_id"`
	ClaimText     string `json:"claim_text"`     // the claim's sentence
	ClaimLanguage string `json:"claim_language"` // BCP 47 / ISO 639-1; "" detects
	// ClaimPublished is when the claim's item was published (optional: the
	// matcher compares it with the years a fact-check names).
	ClaimPublished    time.Time      `json:"claim_published,omitzero"`
	FactCheckID       string         `json:"factcheck_id"`
	FactCheckText     string         `json:"factcheck_text"` // the fact-checked claim
	FactCheckTitle    string         `json:"factcheck_title,omitempty"`
	FactCheckLanguage string         `json:"factcheck_language,omitempty"`
	Judgement         MatchJudgement `json:"judgement"`
	JudgedAt          time.Time      `json:"judged_at"`
}

// maxJudgementLine bounds one line of a judgement file.
const maxJudgementLine = 1 << 20

// ReadJudgements reads a judgement file. Blank lines are skipped; a line
// that is not a valid judgement is an error naming the line. When a pair
// (claim id, fact-check id) is judged more than once, the latest judged_at
// wins (the later line on ties): a person may change their mind. The
// result keeps the order of each pair's first line.
func ReadJudgements(r io.Reader) ([]Judgement, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxJudgementLine)
	var out []Judgement
	at := map[[2]string]int{}
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if strings.TrimSpace(string(b)) == "" {
			continue
		}
		var j Judgement
		dec := json.NewDecoder(strings.NewReader(string(b)))
		if err := dec.Decode(&j); err != nil {
			return nil, fmt.Errorf("read judgements line %d: %w", line, err)
		}
		if err := j.check(); err != nil {
			return nil, fmt.Errorf("read judgements line %d: %w", line, err)
		}
		k := [2]string{j.ClaimID, j.FactCheckID}
		if i, ok := at[k]; ok {
			if !j.JudgedAt.Before(out[i].JudgedAt) {
				out[i] = j
			}
			continue
		}
		at[k] = len(out)
		out = append(out, j)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read judgements line %d: %w", line+1, err)
	}
	return out, nil
}

func (j Judgement) check() error {
	switch {
	case j.ClaimID == "" || j.FactCheckID == "":
		return errors.New("claim_id and factcheck_id are required")
	case strings.TrimSpace(j.ClaimText) == "" || strings.TrimSpace(j.FactCheckText) == "":
		return errors.New("claim_text and factcheck_text are required")
	case !j.Judgement.Valid():
		return fmt.Errorf("judgement %q: want confirmed or rejected", j.Judgement)
	case j.JudgedAt.IsZero():
		return errors.New("judged_at is required")
	}
	return nil
}

// WriteJudgements writes judgements as a judgement file, one line each.
func WriteJudgements(w io.Writer, js []Judgement) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, j := range js {
		if err := j.check(); err != nil {
			return fmt.Errorf("write judgement %s/%s: %w", j.ClaimID, j.FactCheckID, err)
		}
		if err := enc.Encode(j); err != nil {
			return fmt.Errorf("write judgement %s/%s: %w", j.ClaimID, j.FactCheckID, err)
		}
	}
	return nil
}

// JudgedBetween returns the judgements judged at or after since and before
// before (a zero time does not bound), in order: a newsroom trains on its
// earlier judgements and scores the model on the later ones.
func JudgedBetween(js []Judgement, since, before time.Time) []Judgement {
	var out []Judgement
	for _, j := range js {
		if !since.IsZero() && j.JudgedAt.Before(since) || !before.IsZero() && !j.JudgedAt.Before(before) {
			continue
		}
		out = append(out, j)
	}
	return out
}

// JudgementRecord is one judgement as the review workflow records it (in
// the match_judge event and the vigie_judgements bucket): the pair as it
// was judged, in the judgement file's shape, with who judged it, their note
// and, for a judgement made for a whole cluster, the cluster.
type JudgementRecord struct {
	Judgement
	JudgedBy  string `json:"judged_by"`
	Note      string `json:"note,omitempty"`
	ClusterID string `json:"cluster_id,omitempty"`
}

// Judged is the record as a claim's review state keeps it.
func (r JudgementRecord) Judged() JudgedMatch {
	return JudgedMatch{FactCheckID: r.FactCheckID, Judgement: r.Judgement.Judgement, By: r.JudgedBy, At: r.JudgedAt,
		Note: r.Note, ClusterID: r.ClusterID}
}
