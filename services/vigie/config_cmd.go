package main

import (
	"fmt"
	"io"

	"vigie/services/vigie/config"
)

func runConfig(args []string, stdout, stderr io.Writer) error {
	if len(args) == 1 && args[0] == "docs" {
		_, err := io.WriteString(stdout, config.Markdown())
		return err
	}
	fmt.Fprintln(stderr, "usage: vigie config docs")
	return errUsage
}
