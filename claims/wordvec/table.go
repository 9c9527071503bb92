package wordvec

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// magic starts a vector file; the version is its last byte.
const magic = "vigie-wordvec\x01"

// Table is a read-only set of unit word vectors. It is safe for concurrent
// use.
type Table struct {
	index map[string]uint32 // folded word → id (frequency rank, 0 first)
	words []string
	scale []float32 // component = int8 × scale
	vecs  []int8    // len(words)·Dims, row-major
}

// Dims is the number of dimensions of every table.
const Dims = 100

//go:embed data/en.bin
var englishFile string

// English returns the embedded English table, parsed on first call (about
// 10 ms; 5 MB of heap for the vectors, about 3 MB for the map of words).
var English = sync.OnceValue(func() *Table {
	t, err := Parse(englishFile)
	if err != nil {
		panic(fmt.Sprintf("wordvec: embedded table: %v", err)) // build-time invariant, covered by tests
	}
	return t
})

// Parse decodes a vector file written by Build.
func Parse(b string) (*Table, error) {
	if len(b) < len(magic)+8 || b[:len(magic)] != magic {
		return nil, errors.New("parse word vectors: not a vigie-wordvec file")
	}
	p := len(magic)
	n := int(binary.LittleEndian.Uint32([]byte(b[p : p+4])))
	dims := int(binary.LittleEndian.Uint32([]byte(b[p+4 : p+8])))
	p += 8
	if dims != Dims || n < 0 || n > len(b) {
		return nil, fmt.Errorf("parse word vectors: bad header (%d words, %d dims)", n, dims)
	}
	t := &Table{index: make(map[string]uint32, n), words: make([]string, n), scale: make([]float32, n)}
	for i := range n {
		if p >= len(b) {
			return nil, errors.New("parse word vectors: truncated words")
		}
		l := int(b[p])
		p++
		if p+l > len(b) {
			return nil, errors.New("parse word vectors: truncated words")
		}
		w := b[p : p+l]
		p += l
		if _, dup := t.index[w]; dup {
			return nil, fmt.Errorf("parse word vectors: duplicate word %q", w)
		}
		t.words[i] = w
		t.index[w] = uint32(i)
	}
	if len(b)-p != n*4+n*dims {
		return nil, fmt.Errorf("parse word vectors: %d bytes of scales and vectors, want %d", len(b)-p, n*4+n*dims)
	}
	for i := range n {
		t.scale[i] = math.Float32frombits(binary.LittleEndian.Uint32([]byte(b[p : p+4])))
		p += 4
	}
	t.vecs = make([]int8, len(b)-p)
	for i := range t.vecs {
		t.vecs[i] = int8(b[p+i])
	}
	return t, nil
}

// Len returns the number of words.
func (t *Table) Len() int { return len(t.words) }

// ID returns the id of a folded word; ids are frequency ranks (0 is the
// most frequent word of the source corpus).
func (t *Table) ID(word string) (uint32, bool) {
	id, ok := t.index[word]
	return id, ok
}

// Word returns the word of an id.
func (t *Table) Word(id uint32) string { return t.words[id] }

func (t *Table) row(id uint32) *[Dims]int8 {
	return (*[Dims]int8)(t.vecs[int(id)*Dims : int(id+1)*Dims])
}

// Cosine returns the cosine of two words' vectors.
func (t *Table) Cosine(a, b uint32) float32 {
	if a == b {
		return 1
	}
	va, vb := t.row(a), t.row(b)
	var s0, s1, s2, s3 int32
	for i := 0; i < Dims; i += 4 {
		s0 += int32(va[i]) * int32(vb[i])
		s1 += int32(va[i+1]) * int32(vb[i+1])
		s2 += int32(va[i+2]) * int32(vb[i+2])
		s3 += int32(va[i+3]) * int32(vb[i+3])
	}
	return float32(s0+s1+s2+s3) * t.scale[a] * t.scale[b]
}

// AddTo adds w times the unit vector of id to dst (len Dims).
func (t *Table) AddTo(dst []float32, id uint32, w float32) {
	v := t.row(id)
	f := w * t.scale[id]
	d := (*[Dims]float32)(dst)
	for i := range d {
		d[i] += f * float32(v[i])
	}
}
