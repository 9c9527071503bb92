package locality

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// token is one word of a text: its byte span and its folded form.
type token struct {
	start, end int
	// capital is true unless the word starts with a lower-case letter
	// (letters of scripts without case and digits count as capitals).
	capital bool
}

// isWordRune reports whether r belongs to a word: letters, digits and
// combining marks (of decomposed input).
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// special folds letters that do not decompose into a base letter and marks.
var special = map[rune]string{
	'œ': "oe", 'Œ': "oe", 'æ': "ae", 'Æ': "ae", 'ß': "ss", 'ẞ': "ss", 'ø': "o", 'Ø': "o",
	'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'þ': "th", 'Þ': "th", 'ı': "i",
	'\u0640': "", // Arabic tatweel, a stretching mark
}

// foldWord appends the folded form of word (lower case, no diacritics) to
// dst. Words are runs of isWordRune runes, so folding never merges words.
func foldWord(dst []byte, word string) []byte {
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		for i := 0; i < len(word); i++ {
			c := word[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	var it norm.Iter
	it.InitString(norm.NFD, word)
	for !it.Done() {
		seg := it.Next()
		for len(seg) > 0 {
			r, n := utf8.DecodeRune(seg)
			seg = seg[n:]
			if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Me, r) {
				continue
			}
			if s, ok := special[r]; ok {
				dst = append(dst, s...)
				continue
			}
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
		}
	}
	return dst
}

// tokenize calls fn for each word of s with its span and folded form; the
// folded slice is only valid during the call.
func tokenize(s string, buf []byte, fn func(t token, folded []byte)) []byte {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		start := i
		capital := !unicode.IsLower(r)
		for i < len(s) {
			r, n = utf8.DecodeRuneInString(s[i:])
			if !isWordRune(r) {
				break
			}
			i += n
		}
		buf = foldWord(buf[:0], s[start:i])
		if len(buf) > 0 {
			fn(token{start: start, end: i, capital: capital}, buf)
		}
	}
	return buf
}

// Fold returns s folded as the matcher sees it: words lower-cased without
// diacritics, joined by single spaces ("L'Haÿ-les-Roses" → "l hay les roses").
func Fold(s string) string {
	var out []byte
	tokenize(s, nil, func(_ token, f []byte) {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		out = append(out, f...)
	})
	return string(out)
}
