package main

import (
	"context"
	"errors"
	"io"
)

// Placeholders until the claims engine's commands land in cmd_claims.go.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("vigie eval: not available in this build")
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("vigie train: not available in this build")
}
