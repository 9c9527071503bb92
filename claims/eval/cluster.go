package eval

import (
	"context"
	"errors"
	"io"
)

func clusterCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("todo")
}
