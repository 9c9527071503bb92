package text

import (
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"Mr. Smith said 3.5% of U.S. voters… agreed!",
	"l'État a dépensé 1.200,50 € en 2021 ? Oui.",
	"قال الوزير إن ٣٫٥٪ من الحالات… هل هذا صحيح؟",
	"Kommunen satsade bl.a. 1,5 mkr. Den 1. januari.",
	"ﬁ２０２１\u200b\u0640 “x” — y",
	"",
	"\xff\xfe invalid",
}

func FuzzFold(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Fold(s)
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Fold(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Fold(got); utf8.ValidString(s) && Fold(again) != again {
			t.Fatalf("Fold not stable on %q: %q then %q", s, got, again)
		}
	})
}

func FuzzTokenize(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := 0
		for _, tok := range Tokenize(s) {
			if tok.Start < prev || tok.End <= tok.Start || tok.End > len(s) {
				t.Fatalf("Tokenize(%q): bad offsets %+v after %d", s, tok, prev)
			}
			if tok.Text == "" {
				t.Fatalf("Tokenize(%q): empty token at %d", s, tok.Start)
			}
			prev = tok.End
		}
		for _, l := range Languages {
			_ = AnalyzerFor(l).Terms(s)
		}
	})
}

func FuzzSentences(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "en")
		f.Add(s, "ar")
	}
	f.Fuzz(func(t *testing.T, s, lang string) {
		prev := 0
		for _, sn := range Sentences(s, lang) {
			if sn.Start < prev || sn.End <= sn.Start || sn.End > len(s) {
				t.Fatalf("Sentences(%q): bad offsets %d:%d after %d", s, sn.Start, sn.End, prev)
			}
			if s[sn.Start:sn.End] != sn.Text {
				t.Fatalf("Sentences(%q): text %q does not match offsets", s, sn.Text)
			}
			prev = sn.End
		}
		_ = Detect(s)
	})
}
