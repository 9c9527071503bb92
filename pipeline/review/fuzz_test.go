package review

import (
	"errors"
	"testing"

	"vigie/claims"
	"vigie/pipeline/codec"

	"github.com/nats-io/nats.go"
)

// FuzzDecodeEvent feeds arbitrary bodies and extension headers to the event
// decoder: it must return an event or an error, never panic, and a decoded
// event must encode again.
func FuzzDecodeEvent(f *testing.F) {
	ev := claims.ReviewEvent{ID: "c.1", ClaimID: "c", Actor: fc, Action: claims.ActionNote, After: claims.ReviewState{Status: claims.StatusTriage, Notes: []string{"n"}},
		Revision: 1, Detail: "n", Verdict: &claims.Verdict{ID: "c", VerdictInput: goodInput()}}
	data, ext, err := codec.EncodeReviewEvent(ev)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, ext)
	f.Add([]byte{}, "")
	f.Add([]byte{0x0a, 0xff}, "not base64!")
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		h := nats.Header{}
		h.Set(codec.HeaderReviewExt, ext)
		e, err := decodeEvent(data, h, 1)
		if err != nil {
			return
		}
		if _, _, err := codec.EncodeReviewEvent(e); err != nil {
			t.Fatalf("decoded event does not encode: %v", err)
		}
	})
}

// FuzzVerdictInput checks that normalising is idempotent and that
// validation only ever fails with ErrInvalid.
func FuzzVerdictInput(f *testing.F) {
	g := goodInput()
	f.Add(g.ClaimReviewed, string(g.Rating), g.Summary, g.Sources[0], g.Localities[0], g.Language)
	f.Add("", "", "", "", "", "")
	f.Add(" x ", "unknown", "\u0000", "javascript:alert(1)", "fr-75056", "pt-BR")
	f.Fuzz(func(t *testing.T, claim, rating, summary, source, locality, lang string) {
		in := claims.VerdictInput{ClaimReviewed: claim, Rating: ratingOf(rating), Summary: summary, Sources: []string{source},
			Localities: []string{locality}, Language: lang}
		n := NormalizeInput(in)
		if n2 := NormalizeInput(n); !sameInput(n, n2) {
			t.Fatalf("normalize not idempotent: %+v → %+v", n, n2)
		}
		for _, complete := range []bool{false, true} {
			if err := ValidateInput(n, complete); err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("validate: %v", err)
			}
		}
	})
}
