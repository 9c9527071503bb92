package eval

import (
	"context"

	"vigie/claims/match"
)

// RunMatch searches every query in idx and returns the ranking of the top
// depth documents per query. Queries are cleaned as social text.
func RunMatch(ctx context.Context, idx *match.Index, qs []Query, opt match.Options, depth int) (Ranking, map[string][]match.Result, error) {
	run := Ranking{}
	res := map[string][]match.Result{}
	opt.Limit = depth
	opt.Clean = true
	for _, q := range qs {
		if err := ctx.Err(); err != nil {
			return run, res, err
		}
		rs, err := idx.SearchContext(ctx, q.Text, opt)
		if err != nil {
			return run, res, err
		}
		ids := make([]string, len(rs))
		for i, r := range rs {
			ids[i] = r.ID
		}
		run[q.ID] = ids
		res[q.ID] = rs
	}
	return run, res, nil
}
