package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"vigie/claims"
	"vigie/pipeline/bus"
)

// JudgeInput is a person's judgement of one of a claim's matches: the pair
// as it is shown (the judgement file's texts), the judgement, an optional
// note, and ClusterID to judge it for every claim of the claim's cluster.
type JudgeInput struct {
	Pair      claims.Judgement
	Note      string
	ClusterID string
}

// JudgeMatch records a person's judgement of the match of a claim to a
// fact-check: the same claim (confirmed: the claim takes the fact-check's
// verdict) or not (rejected: the pair is never suggested again for the
// claim, or its cluster when ClusterID is set). A later judgement of the
// same pair replaces the earlier one in the claim's state; both stay in its
// history.
func (w *Workflow) JudgeMatch(ctx context.Context, a claims.Actor, claimID string, seen uint64, in JudgeInput) (Result, error) {
	in.Note = strings.TrimSpace(in.Note)
	p := in.Pair
	switch {
	case !p.Judgement.Valid():
		return Result{}, fmt.Errorf("%s on claim %s: judgement %q: %w: want confirmed or rejected", claims.ActionJudgeMatch,
			claimID, p.Judgement, ErrInvalid)
	case p.FactCheckID == "" || len(p.FactCheckID) > 512:
		return Result{}, fmt.Errorf("%s on claim %s: fact-check id: %w: want 1 to 512 bytes", claims.ActionJudgeMatch, claimID, ErrInvalid)
	case len(in.Note) > MaxNoteLen:
		return Result{}, fmt.Errorf("%s on claim %s: note: %w: at most %d bytes", claims.ActionJudgeMatch, claimID, ErrInvalid, MaxNoteLen)
	case in.ClusterID != "" && !bus.TokenPattern.MatchString(in.ClusterID):
		return Result{}, fmt.Errorf("%s on claim %s: cluster id %q: %w", claims.ActionJudgeMatch, claimID, in.ClusterID, ErrInvalid)
	}
	p.ClaimID = claimID
	if p.FactCheckText == "" {
		p.FactCheckText = p.FactCheckTitle
	}
	return w.act(ctx, a, claimID, seen, claims.ActionJudgeMatch, func(cur claims.ReviewState, _ *claims.Verdict, at time.Time) (change, error) {
		if err := checkFrom(claims.ActionJudgeMatch, cur.Status, cur.Status); err != nil {
			return change{}, err
		}
		rec := claims.JudgementRecord{Judgement: p, JudgedBy: a.Name, Note: in.Note, ClusterID: in.ClusterID}
		rec.JudgedAt = at
		detail := string(p.Judgement) + " " + p.FactCheckID
		if in.ClusterID != "" {
			detail += " (cluster " + in.ClusterID + ")"
		}
		if in.Note != "" {
			detail += ": " + in.Note
		}
		return change{after: cur.Judge(rec.Judged()), detail: detail, judgement: &rec}, nil
	})
}

// Judgements is the projection of match judgements: the vigie_judgements
// bucket, one entry per (claim or cluster, fact-check), the latest
// judgement. The review workflow writes it when it applies a match_judge
// event; the matcher follows it to drop rejected pairs.
type Judgements struct {
	kv jetstream.KeyValue
}

// OpenJudgements opens the judgements bucket of b, whose topology must be
// applied.
func OpenJudgements(ctx context.Context, b *bus.Bus) (*Judgements, error) {
	kv, err := b.KV(ctx, bus.BucketJudgements)
	if err != nil {
		return nil, err
	}
	return &Judgements{kv: kv}, nil
}

// Judgements returns the workflow's judgements projection.
func (w *Workflow) Judgements() *Judgements { return w.judgements }

// JudgementScope is the key prefix of the judgements of a claim, or of a
// cluster when clusterID is set: "claim.<claim>" or "cluster.<cluster>".
func JudgementScope(claimID, clusterID string) string {
	if clusterID != "" {
		return "cluster." + bus.Token(clusterID)
	}
	return "claim." + bus.Token(claimID)
}

// JudgementKey is the bucket key of the judgement of a fact-check in a
// scope (JudgementScope): fact-check ids are not all valid keys, so the key
// holds a hash of it (the value holds the id).
func JudgementKey(scope, factCheckID string) string {
	h := sha256.Sum256([]byte(factCheckID))
	return scope + "." + hex.EncodeToString(h[:16])
}

// put stores rec under its scope: the cluster's when it was made for the
// cluster, else the claim's.
func (j *Judgements) put(ctx context.Context, claimID string, rec claims.JudgementRecord) error {
	val, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("encode judgement of %s: %w", claimID, err)
	}
	key := JudgementKey(JudgementScope(claimID, rec.ClusterID), rec.FactCheckID)
	if _, err := j.kv.Put(ctx, key, val); err != nil {
		return fmt.Errorf("store judgement of %s: %w", claimID, err)
	}
	return nil
}

// DecodeJudgement decodes a value of the judgements bucket.
func DecodeJudgement(val []byte) (claims.JudgementRecord, error) {
	var r claims.JudgementRecord
	if err := json.Unmarshal(val, &r); err != nil {
		return r, fmt.Errorf("decode judgement: %w", err)
	}
	if r.FactCheckID == "" || !r.Judgement.Judgement.Valid() {
		return r, fmt.Errorf("decode judgement: %w: no fact-check or judgement", ErrInvalid)
	}
	return r, nil
}

// For returns the judgements that apply to a claim: its own and, when
// clusterID is set, those made for its cluster; one per fact-check, the
// latest, ordered by fact-check id.
func (j *Judgements) For(ctx context.Context, claimID, clusterID string) ([]claims.JudgementRecord, error) {
	filters := []string{JudgementScope(claimID, "") + ".*"}
	if clusterID != "" {
		filters = append(filters, JudgementScope("", clusterID)+".*")
	}
	return j.list(ctx, filters...)
}

// All returns every judgement of the workspace, ordered by claim then
// fact-check.
func (j *Judgements) All(ctx context.Context) ([]claims.JudgementRecord, error) {
	return j.list(ctx, jetstream.AllKeys)
}

// Confirmed and Rejected split judgements by their answer.
func Confirmed(rs []claims.JudgementRecord) []claims.JudgementRecord {
	return slices.DeleteFunc(slices.Clone(rs), func(r claims.JudgementRecord) bool {
		return r.Judgement.Judgement != claims.JudgementConfirmed
	})
}

// Rejected returns the rejected judgements of rs.
func Rejected(rs []claims.JudgementRecord) []claims.JudgementRecord {
	return slices.DeleteFunc(slices.Clone(rs), func(r claims.JudgementRecord) bool {
		return r.Judgement.Judgement != claims.JudgementRejected
	})
}

// Export writes every judgement as a judgement file (claims.Judgement, one
// JSON object per line), as `vigie train matcher --judgements` reads it.
func (j *Judgements) Export(ctx context.Context, out io.Writer) error {
	rs, err := j.All(ctx)
	if err != nil {
		return err
	}
	lines := make([]claims.Judgement, 0, len(rs))
	for _, r := range rs {
		lines = append(lines, r.Judgement)
	}
	if err := claims.WriteJudgements(out, lines); err != nil {
		return fmt.Errorf("export judgements: %w", err)
	}
	return nil
}

// list reads the entries matching filters (a watch, which ends with the
// current content), latest per fact-check.
func (j *Judgements) list(ctx context.Context, filters ...string) ([]claims.JudgementRecord, error) {
	all := len(filters) == 1 && filters[0] == jetstream.AllKeys
	// a copy: the watch rewrites the keys it is given in place
	wa, err := j.kv.WatchFiltered(ctx, slices.Clone(filters), jetstream.IgnoreDeletes())
	if err != nil {
		return nil, fmt.Errorf("read judgements: %w", err)
	}
	defer func() { _ = wa.Stop() }()
	latest := map[[2]string]claims.JudgementRecord{}
	for {
		var e jetstream.KeyValueEntry
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case e = <-wa.Updates():
		}
		if e == nil {
			break
		}
		r, err := DecodeJudgement(e.Value())
		if err != nil {
			return nil, fmt.Errorf("judgement %s: %w", e.Key(), err)
		}
		k := [2]string{r.ClaimID, r.FactCheckID}
		if !all {
			k[0] = "" // one claim: latest per fact-check, the claim's or its cluster's
		}
		if o, ok := latest[k]; !ok || !r.JudgedAt.Before(o.JudgedAt) {
			latest[k] = r
		}
	}
	out := make([]claims.JudgementRecord, 0, len(latest))
	for _, r := range latest {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b claims.JudgementRecord) int {
		if c := strings.Compare(a.ClaimID, b.ClaimID); c != 0 && all {
			return c
		}
		return strings.Compare(a.FactCheckID, b.FactCheckID)
	})
	return out, nil
}
