package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s normalised for comparison: NFKC, lower case, combining marks
// (accents, Arabic harakat) removed, Arabic letter variants unified (alef
// forms to bare alef, alef maqsura to ya, ta marbuta to ha, tatweel dropped),
// typographic quotes and dashes mapped to ASCII. It never changes the number
// of words.
func Fold(s string) string {
	if isASCII(s) {
		return asciiLower(s)
	}
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if m, ok := foldRune(r); ok {
			if m != 0 {
				b.WriteRune(m)
			}
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// foldRune maps special runes; ok reports a mapping, m==0 means drop.
func foldRune(r rune) (m rune, ok bool) {
	switch r {
	case '\u2018', '\u2019', '\u201B', '\u02BC', '\u2032', '`', '\u00B4':
		return '\'', true
	case '\u201C', '\u201D', '\u201E', '\u00AB', '\u00BB', '\u2033':
		return '"', true
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
		return '-', true
	case '\u0640': // tatweel
		return 0, true
	case '\u0622', '\u0623', '\u0625', '\u0671': // alef variants
		return '\u0627', true
	case '\u0649': // alef maqsura
		return '\u064A', true
	case '\u0629': // ta marbuta
		return '\u0647', true
	case '\u0624': // waw with hamza
		return '\u0648', true
	case '\u0626': // ya with hamza
		return '\u064A', true
	case '\u00A0', '\u2007', '\u202F', '\u200B':
		return ' ', true
	case '\u200C', '\u200D', '\u200E', '\u200F', '\uFEFF':
		return 0, true
	}
	// Arabic-Indic and extended Arabic-Indic digits to ASCII.
	if r >= '\u0660' && r <= '\u0669' {
		return '0' + (r - '\u0660'), true
	}
	if r >= '\u06F0' && r <= '\u06F9' {
		return '0' + (r - '\u06F0'), true
	}
	if r == '\u066B' { // Arabic decimal separator
		return '.', true
	}
	if r == '\u066C' { // Arabic thousands separator
		return ',', true
	}
	if r == '\u060C' { // Arabic comma
		return ',', true
	}
	return 0, false
}
