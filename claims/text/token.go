package text

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Token is one word or number of a text, folded (see Fold), with its byte
// offsets in the text it was read from.
type Token struct {
	Text       string
	Start, End int
	Number     bool // the token is a number (digits with inner separators)
}

// Tokenize splits s into word and number tokens. Words are runs of letters
// and combining marks (Latin, Arabic and any other script); apostrophes split
// words (l'état → l, etat). Numbers keep inner '.' and ',' between digits, with
// thousands separators removed ("1,000" → "1000", "3.5" → "3.5"); a percent
// sign is not part of the token. Tokens are folded with Fold.
func Tokenize(s string) []Token {
	var out []Token
	i := 0
	for i < len(s) {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case '0' <= r && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r):
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if unicode.IsDigit(r2) {
					j += w2
					continue
				}
				if (r2 == '.' || r2 == ',' || r2 == '\u066B' || r2 == '\u066C') && j+w2 < len(s) {
					r3, _ := utf8.DecodeRuneInString(s[j+w2:])
					if unicode.IsDigit(r3) {
						j += w2
						continue
					}
				}
				break
			}
			// digits glued to letters (covid19, 5g, 2nd) form one word token
			k := j
			for k < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[k:])
				if !isWordRune(r2) {
					break
				}
				k += w2
			}
			if k > j {
				out = append(out, Token{Text: Fold(s[i:k]), Start: i, End: k})
				i = k
				continue
			}
			out = append(out, Token{Text: NormalizeNumber(s[i:j]), Start: i, End: j, Number: true})
			i = j
		case isWordRune(r):
			j := i + w
			for j < len(s) {
				r2, w2 := utf8.DecodeRuneInString(s[j:])
				if !isWordRune(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += w2
			}
			t := Fold(s[i:j])
			if t != "" {
				out = append(out, Token{Text: t, Start: i, End: j})
			}
			i = j
		default:
			i += w
		}
	}
	return out
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// NormalizeNumber returns the canonical form of a numeric token: ASCII
// digits, thousands separators removed, a decimal separator written '.'.
// A separator followed by exactly three digits is read as a thousands
// separator unless it is the only separator and is a comma-decimal style
// (e.g. "3,5"); "1.000.000" and "1,000,000" both give "1000000".
func NormalizeNumber(s string) string {
	s = Fold(s)
	seps := 0
	lastSep := -1
	for i := 0; i < len(s); i++ {
		if s[i] == '.' || s[i] == ',' {
			seps++
			lastSep = i
		}
	}
	if seps == 0 {
		return trimZeros(s)
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' || c == ',' {
			// decimal separator: the last one, not followed by exactly 3 digits
			if i == lastSep && len(s)-i-1 != 3 {
				b.WriteByte('.')
			}
			continue
		}
		b.WriteByte(c)
	}
	return trimZeros(b.String())
}

func trimZeros(s string) string {
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	for len(s) > 1 && s[0] == '0' && s[1] != '.' {
		s = s[1:]
	}
	return s
}
