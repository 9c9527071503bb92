package match

import (
	"testing"
	"unicode/utf8"
)

func FuzzClean(f *testing.F) {
	for _, s := range []string{
		"RT @a: No collusion! — Donald J. Trump (@realDonaldTrump) March 24, 2019",
		"#StayHome#COVID19 pic.twitter.com/x https://t.co/y",
		"قال @وزير الصحة #كورونا",
		"",
	} {
		f.Add(s)
	}
	x := testIndex()
	f.Fuzz(func(t *testing.T, s string) {
		c := Clean(s)
		if utf8.ValidString(s) && !utf8.ValidString(c) {
			t.Fatalf("Clean(%q) = %q: invalid UTF-8", s, c)
		}
		for _, r := range x.Search(s, Options{Lang: "en", Clean: true}) {
			if r.Score < 0 || r.Score > 1 || r.Score != r.Score {
				t.Fatalf("score %v out of [0,1] for %q", r.Score, s)
			}
		}
	})
}
