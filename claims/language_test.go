package claims

import (
	"errors"
	"testing"
)

func TestParseLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, base string // want "": refused
	}{
		{"pt", "pt", "pt"},
		{"pt-BR", "pt-BR", "pt"},
		{"pt-br", "pt-BR", "pt"},
		{" PT ", "pt", "pt"},
		{"pt_BR", "pt-BR", "pt"},
		{"zh-hant-tw", "zh-Hant-TW", "zh"},
		{"spa", "es", "es"},
		{"sv-SE", "sv-SE", "sv"},
		{"ar", "ar", "ar"},
		{"", "", ""},
		{"und", "", ""},
		{"français", "", ""},
		{"fr-", "", ""},
		{"abcd", "", ""},
		{"en-US-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			l, err := ParseLanguage(tt.in)
			if tt.want == "" {
				if err == nil || !errors.Is(err, ErrLanguage) {
					t.Fatalf("ParseLanguage(%q) = %q, %v; want ErrLanguage", tt.in, l, err)
				}
				if LanguageBase(tt.in) != "" {
					t.Errorf("LanguageBase(%q) = %q, want empty", tt.in, LanguageBase(tt.in))
				}
				return
			}
			if err != nil || l.String() != tt.want || l.Base() != tt.base || LanguageBase(tt.in) != tt.base {
				t.Fatalf("ParseLanguage(%q) = %q (base %q), %v; want %q (base %q)", tt.in, l, l.Base(), err, tt.want, tt.base)
			}
		})
	}
}

func TestValidLanguage(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{"fr": true, "pt-br": true, "pt-BR": true, "fr_FR": false, "fr FR": false, "": false, "xx-": false} {
		if got := ValidLanguage(s); got != want {
			t.Errorf("ValidLanguage(%q) = %v, want %v", s, got, want)
		}
	}
}

func FuzzParseLanguage(f *testing.F) {
	for _, s := range []string{"pt-BR", "fr_FR", "zh-Hant-TW", "x-private", "und", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLanguage(s)
		if err != nil {
			return
		}
		if len(l) > MaxLanguageLen*2 {
			t.Fatalf("ParseLanguage(%q) = %q: too long", s, l)
		}
		again, err := ParseLanguage(l.String())
		if err != nil || again != l {
			t.Fatalf("ParseLanguage(%q) = %q, then %q, %v: not stable", s, l, again, err)
		}
		if !ValidLanguage(l.String()) {
			t.Fatalf("canonical %q of %q is not valid as written", l, s)
		}
	})
}
