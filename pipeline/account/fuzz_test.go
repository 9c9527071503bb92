package account

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// FuzzParseToken: ParseToken never panics, accepts exactly the canonical
// shape, and what it accepts round-trips through a Bearer header.
func FuzzParseToken(f *testing.F) {
	f.Add(TokenPrefix + strings.Repeat("A", 43))
	f.Add(TokenPrefix + strings.Repeat("_", 42) + "w")
	f.Add("vig_")
	f.Add("Bearer vig_x")
	f.Add(" vig_" + strings.Repeat("a", 43) + " ")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedCredential) {
				t.Fatalf("error %v does not wrap ErrMalformedCredential", err)
			}
			return
		}
		rest := strings.TrimPrefix(tok, TokenPrefix)
		raw, derr := base64.RawURLEncoding.Strict().DecodeString(rest)
		if derr != nil || len(raw) != secretBytes || base64.RawURLEncoding.EncodeToString(raw) != rest {
			t.Fatalf("accepted non-canonical token %q", tok)
		}
		got, ok, berr := ParseBearer("Bearer " + tok)
		if !ok || berr != nil || got != tok {
			t.Fatalf("bearer round trip of %q: %q %v %v", tok, got, ok, berr)
		}
	})
}

// FuzzSessionCookie: a cookie header of any content never panics, and a
// session id is accepted only in canonical form.
func FuzzSessionCookie(f *testing.F) {
	f.Add(SessionCookieName + "=" + strings.Repeat("B", 43))
	f.Add(SessionCookieName + "=" + strings.Repeat("B", 42) + "C")
	f.Add(SessionCookieName + "=; other=1")
	f.Add(SessionCookieName + `="quoted"`)
	f.Add("a=b; " + SessionCookieName + "=" + strings.Repeat("-", 43))
	f.Fuzz(func(t *testing.T, header string) {
		req := &http.Request{Header: http.Header{"Cookie": {header}}}
		id, ok, err := Cookie{}.Read(req)
		if !ok || err != nil {
			if id != "" {
				t.Fatalf("id %q returned with ok=%v err=%v", id, ok, err)
			}
			return
		}
		raw, derr := base64.RawURLEncoding.Strict().DecodeString(id)
		if derr != nil || len(raw) != secretBytes {
			t.Fatalf("accepted session id %q", id)
		}
		if _, err := ParseSessionID(id); err != nil {
			t.Fatalf("Read accepted what ParseSessionID refuses: %v", err)
		}
	})
}
