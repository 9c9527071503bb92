package index

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFoldTerm(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"ascii unchanged", "budget", "budget"},
		{"french accents", "écologie", "ecologie"},
		{"cedilla and circumflex", "façade-hôpital", "facade-hopital"},
		{"swedish", "höjer-åtgärd", "hojer-atgard"},
		{"portuguese", "orçamento-poluição", "orcamento-poluicao"},
		{"german sharp s", "straße", "strasse"},
		{"ligature", "cœur", "coeur"},
		{"arabic harakat", "الاقْتِصَادُ", "الاقتصاد"},
		{"arabic hamza on alef", "أحمد", "احمد"},
		{"arabic tatweel, hamza on yeh", "الـــرئيس", "الرييس"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(foldTerm([]byte(tc.in))); got != tc.want {
				t.Errorf("foldTerm(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// FuzzFoldTerm: valid UTF-8 in, valid UTF-8 out, and folding is idempotent.
func FuzzFoldTerm(f *testing.F) {
	for _, s := range []string{"écologie", "الاقْتِصَادُ", "straße", "", "a\u0301", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		once := foldTerm([]byte(s))
		if !utf8.Valid(once) {
			t.Fatalf("foldTerm(%q) = invalid UTF-8 %q", s, once)
		}
		if twice := foldTerm(once); string(twice) != string(once) {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, once, twice)
		}
	})
}

func TestMarkSnippet(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("mot ", 100) + "budget " + strings.Repeat("fin ", 100)
	tests := []struct {
		name  string
		text  string
		spans []span
		want  string
	}{
		{"no span", "a < b", nil, "a &lt; b"},
		{"one span", "le budget", []span{{3, 9}}, "le <mark>budget</mark>"},
		{"overlapping spans merge", "budgetaire", []span{{0, 6}, {0, 10}}, "<mark>budgetaire</mark>"},
		{"escape around marks", "<b>x</b>", []span{{3, 4}}, "&lt;b&gt;<mark>x</mark>&lt;/b&gt;"},
		{"spans out of range ignored", "abc", []span{{2, 9}}, "abc"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := markSnippet(tc.text, tc.spans, SnippetBytes); got != tc.want {
				t.Errorf("markSnippet = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("long text is cropped around the match", func(t *testing.T) {
		i := strings.Index(long, "budget")
		got := markSnippet(long, []span{{i, i + 6}}, SnippetBytes)
		if !strings.Contains(got, "<mark>budget</mark>") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
			t.Errorf("cropped snippet = %q", got)
		}
		if len(got) > SnippetBytes+len("<mark></mark>……")+8 {
			t.Errorf("snippet of %d bytes, limit %d", len(got), SnippetBytes)
		}
	})
}

// FuzzMarkSnippet: any spans over any text give valid UTF-8 with balanced
// marks and no raw '<' from the text.
func FuzzMarkSnippet(f *testing.F) {
	f.Add("le budget <b>", 3, 9, 40)
	f.Add("الاقتصاد ينمو", 0, 16, 10)
	f.Fuzz(func(t *testing.T, text string, start, end, limit int) {
		if !utf8.ValidString(text) || limit < 1 || limit > 1000 {
			return
		}
		// Spans come from the tokenizer: on rune boundaries.
		if start < 0 || end > len(text) || start > end || !utf8.RuneStart(byteAt(text, start)) || !utf8.RuneStart(byteAt(text, end)) {
			return
		}
		got := markSnippet(text, []span{{start, end}}, limit)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		stripped := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got)
		if strings.ContainsAny(stripped, "<>") {
			t.Fatalf("unescaped markup in %q", got)
		}
		if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
			t.Fatalf("unbalanced marks in %q", got)
		}
	})
}

func byteAt(s string, i int) byte {
	if i >= len(s) {
		return 0
	}
	return s[i]
}

// BenchmarkFoldTerm: every indexed and queried word goes through it.
func BenchmarkFoldTerm(b *testing.B) {
	words := [][]byte{[]byte("budget"), []byte("écologie"), []byte("الاقْتِصَادُ"), []byte("höjer")}
	for b.Loop() {
		for _, w := range words {
			foldTerm(w)
		}
	}
}
