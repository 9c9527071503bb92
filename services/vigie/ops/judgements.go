package ops

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"go.uber.org/zap"

	"vigie/pipeline/review"
	"vigie/services/vigie/app"
)

// ExportJudgements writes the match judgements of a data folder as a
// judgement file (the review workflow's projection, review.Judgements) and
// returns how many it wrote.
func ExportJudgements(ctx context.Context, dir string, w io.Writer) (int, error) {
	b, closeFn, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return 0, err
	}
	defer closeFn()
	j, err := review.OpenJudgements(ctx, b)
	if err != nil {
		return 0, fmt.Errorf("export judgements: %w", err)
	}
	var buf bytes.Buffer
	if err := j.Export(ctx, &buf); err != nil {
		return 0, err
	}
	n := bytes.Count(buf.Bytes(), []byte("\n"))
	if _, err := w.Write(buf.Bytes()); err != nil {
		return 0, fmt.Errorf("export judgements: %w", err)
	}
	return n, nil
}
