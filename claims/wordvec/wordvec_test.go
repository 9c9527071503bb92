package wordvec

import (
	"bytes"
	"strings"
	"testing"
)

func TestEnglishNeighbours(t *testing.T) {
	t.Parallel()
	tb := English()
	if tb.Len() != DefaultWords {
		t.Fatalf("embedded table has %d words, want %d", tb.Len(), DefaultWords)
	}
	tests := []struct{ word, near, far string }{
		{"biggest", "largest", "banana"},
		{"vaccine", "vaccines", "guitar"},
		{"cat", "kitten", "parliament"},
		{"wig", "hair", "mansion"},
		{"president", "obama", "banana"},
	}
	for _, tt := range tests {
		t.Run(tt.word, func(t *testing.T) {
			w, n, f := id(t, tb, tt.word), id(t, tb, tt.near), id(t, tb, tt.far)
			if cn, cf := tb.Cosine(w, n), tb.Cosine(w, f); cn <= cf+0.2 {
				t.Errorf("cos(%s,%s)=%.3f not clearly above cos(%s,%s)=%.3f", tt.word, tt.near, cn, tt.word, tt.far, cf)
			}
			if c := tb.Cosine(w, w); c != 1 {
				t.Errorf("self cosine %v", c)
			}
		})
	}
}

func id(t *testing.T, tb *Table, w string) uint32 {
	t.Helper()
	i, ok := tb.ID(w)
	if !ok {
		t.Fatalf("%q not in the table", w)
	}
	if tb.Word(i) != w {
		t.Fatalf("Word(ID(%q)) = %q", w, tb.Word(i))
	}
	return i
}

func TestEnglishMissing(t *testing.T) {
	t.Parallel()
	tb := English()
	for _, w := range []string{"", "Biggest", "zzqxv", "1999", ",", "l'etat"} {
		if _, ok := tb.ID(w); ok {
			t.Errorf("%q found", w)
		}
	}
}

// tiny is a wink-embeddings-like file: punctuation, numbers, a word that
// folds onto a more frequent one, a missing vector.
const tiny = `{"precision":8,"l2NormIndex":4,"wordIndex":5,"size":8,"dimensions":4,
"words":["the",",","big","Big","large","1999","café","ghost"],
"vectors":{"the":[1,0,0,0,1,0],",":[0,1,0,0,1,1],"big":[0,3,4,0,5,2],"Big":[0,0,0,1,1,3],
"large":[0,4,3,0,5,4],"1999":[1,1,1,1,2,5],"café":[0,0,2,0,2,6]},"unkVector":[0,0,0,0]}`

func TestBuild(t *testing.T) {
	t.Parallel()
	a, err := Build(strings.NewReader(tiny), 10)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(strings.NewReader(tiny), 10)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("two builds differ (err %v)", err)
	}
	// only the four-dimension test file: Parse wants Dims, so read the words directly
	if _, err := Parse(string(a)); err == nil {
		t.Errorf("a %d-dimension file parsed as %d", 4, Dims)
	}
	for _, w := range []string{"the", "big", "large", "cafe"} {
		if !bytes.Contains(a, append([]byte{byte(len(w))}, w...)) {
			t.Errorf("%q not kept", w)
		}
	}
	for _, w := range []string{",", "1999", "ghost", "café"} {
		if bytes.Contains(a, append([]byte{byte(len(w))}, w...)) {
			t.Errorf("%q kept", w)
		}
	}
	c, err := Build(strings.NewReader(tiny), 2)
	if err != nil || len(c) >= len(a) || !bytes.Contains(c, []byte("\x03big")) || bytes.Contains(c, []byte("large")) {
		t.Errorf("n=2 keeps the wrong words (err %v)", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "nope", magic + "\x01\x00\x00\x00\x64\x00\x00\x00", English().words[0]} {
		if _, err := Parse(in); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

func BenchmarkCosine(b *testing.B) {
	tb := English()
	x, _ := tb.ID("biggest")
	y, _ := tb.ID("largest")
	for b.Loop() {
		tb.Cosine(x, y)
	}
}
