package claims

import (
	"strings"
	"testing"
)

func FuzzLoadTSV(f *testing.F) {
	f.Add("id\ttext\ttitle\n0\tsome claim\tits title\n")
	f.Add("title\tid\ttext\trating\n\t1\tx\tfalse\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		fcs, err := LoadTSV(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, fc := range fcs {
			if fc.ID == "" || !fc.Rating.Valid() {
				t.Fatalf("bad fact-check %+v", fc)
			}
		}
	})
}
