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

func FuzzMentions(f *testing.F) {
	for _, s := range append(fuzzSeeds,
		"La prime passe à 1 000 € (R$ 1,5 bilhão, $33 mil, 7 %) le 3 mars 2020 selon M. Dupont et Marine Le Pen.",
		"12/03/2021 2021-03-12 10:30 1/2 COVID-19 25K 1.2bn €5m mil reais dois milhões",
		"€ $ R$ 1 000\u00a0000,50 — Donald J. Trump") {
		f.Add(s, "fr")
		f.Add(s, "en")
	}
	f.Fuzz(func(t *testing.T, s, lang string) {
		ms := Mentions(s, lang)
		prev := -1
		for _, m := range ms {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("Mentions(%q): bad offsets %+v", s, m)
			}
			if m.Start < prev {
				t.Fatalf("Mentions(%q): not in text order at %+v", s, m)
			}
			prev = m.Start
			if m.Surface(s) != s[m.Start:m.End] {
				t.Fatalf("Surface differs from offsets")
			}
			switch {
			case m.Kind.Figure():
				if m.Value != m.Value || m.Value < 0 || m.Tol < 0 {
					t.Fatalf("Mentions(%q): bad figure %+v", s, m)
				}
				if !m.SameAs(m) {
					t.Fatalf("figure not the same as itself: %+v", m)
				}
			case m.Kind == MentionDate:
				if m.Month < 0 || m.Month > 12 || m.Day < 0 || m.Day > 31 || m.Year == 0 && m.Month == 0 {
					t.Fatalf("Mentions(%q): bad date %+v", s, m)
				}
			case m.Kind == MentionPerson:
				if m.Name == "" {
					t.Fatalf("Mentions(%q): person without a name %+v", s, m)
				}
			default:
				t.Fatalf("Mentions(%q): unknown kind %q", s, m.Kind)
			}
		}
		// deterministic
		if again := Mentions(s, lang); len(again) != len(ms) {
			t.Fatalf("Mentions(%q) not deterministic", s)
		}
	})
}
