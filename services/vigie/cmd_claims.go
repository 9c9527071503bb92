package main

import (
	"context"
	"io"

	"vigie/claims/eval"
	"vigie/claims/training"
)

// runEval runs `vigie eval` (arguments after "eval"):
//
//	match --vclaims V --queries Q --qrels R [--run OUT] [--json] [--stages S] [--lang L]
//	worthiness --sentences F [--json] [--threshold T] [--lang L] [--train F [--baseline]]
//
// Figures and the commands that reproduce them are in docs/quality.md.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return eval.Command(ctx, args, stdout, stderr)
}

// runTrain runs `vigie train` (arguments after "train"): `worthiness` or
// `matcher`, writing the committed models under claims/ (paths relative to
// the repository root, data from ../shared). Deterministic: two runs write
// byte-identical files.
func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return training.Command(ctx, args, stdout, stderr)
}
