package feed

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	unicodeenc "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// xmlDeclEncoding finds the encoding pseudo-attribute of an XML declaration,
// tolerating typographic quotes and spaces around '='.
var xmlDeclEncoding = regexp.MustCompile(`(?i)^\s*<\?xml[^>]*?encoding\s*=\s*(?:["'\x{2018}\x{2019}\x{201C}\x{201D}]|&quot;)?\s*([A-Za-z0-9._:\-]+)`)

// xmlLanguage finds a feed's or item's language element, which is ASCII and
// so readable before the body is decoded; it hints undeclared encodings.
var xmlLanguage = regexp.MustCompile(`(?i)<(?:dc:)?language>\s*(?:<!\[CDATA\[)?\s*([a-z]{2,3})`)

// languageCharsets maps a language to the label of the legacy encoding its
// undeclared feeds most likely use.
var languageCharsets = map[string]string{
	"ru": "windows-1251", "uk": "windows-1251", "be": "windows-1251",
	"bg": "windows-1251", "sr": "windows-1251", "mk": "windows-1251",
	"el": "windows-1253", "he": "windows-1255", "iw": "windows-1255",
	"ar": "windows-1256", "fa": "windows-1256", "tr": "windows-1254",
	"pl": "windows-1250", "cs": "windows-1250", "sk": "windows-1250",
	"hu": "windows-1250", "hr": "windows-1250", "sl": "windows-1250",
	"ro": "windows-1250", "lt": "windows-1257", "lv": "windows-1257",
	"et": "windows-1257", "vi": "windows-1258", "th": "windows-874",
	"zh": "gb18030", "ja": "shift_jis", "ko": "euc-kr",
}

// decodeToUTF8 returns body as UTF-8 and the name of the encoding used.
// Order: a byte-order mark; UTF-16/32 patterns without a mark; valid UTF-8
// (so a wrong legacy declaration over UTF-8 bytes is ignored); the XML
// declaration; the Content-Type charset; a guess from the declared language
// and the byte distribution; windows-1252 (the Latin-1 superset) last.
func decodeToUTF8(body []byte, contentType string) ([]byte, string) {
	switch {
	case bytes.HasPrefix(body, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return transformAll(utf32.UTF32(utf32.BigEndian, utf32.ExpectBOM), body), "utf-32be"
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return transformAll(utf32.UTF32(utf32.LittleEndian, utf32.ExpectBOM), body), "utf-32le"
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		return transformAll(unicodeenc.UTF16(unicodeenc.BigEndian, unicodeenc.ExpectBOM), body), "utf-16be"
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		return transformAll(unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.ExpectBOM), body), "utf-16le"
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
	}
	if enc, name := sniffWide(body); enc != nil {
		return transformAll(enc, body), name
	}
	if utf8.Valid(body) {
		return body, "utf-8"
	}
	if valid, invalid := utf8Stats(body); valid > 0 && valid >= invalid {
		// Mostly UTF-8 with stray legacy bytes (a Latin-1 fragment pasted
		// into a UTF-8 feed): keep the UTF-8, read the strays as windows-1252.
		return mixedToUTF8(body), "utf-8"
	}
	if m := xmlDeclEncoding.FindSubmatch(head(body, 1024)); m != nil {
		if enc, name := lookupCharset(string(m[1])); enc != nil {
			return transformAll(enc, body), name
		}
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		if enc, name := lookupCharset(params["charset"]); enc != nil {
			return transformAll(enc, body), name
		}
	}
	enc, name := guessLegacy(body)
	return transformAll(enc, body), name
}

// utf8Stats counts valid multi-byte UTF-8 sequences and invalid bytes.
func utf8Stats(b []byte) (valid, invalid int) {
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			invalid++
			i++
			continue
		}
		valid++
		i += size
	}
	return valid, invalid
}

// mixedToUTF8 keeps valid UTF-8 sequences and decodes every invalid byte
// as windows-1252.
func mixedToUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	dec := charmap.Windows1252
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			out = append(out, b[i])
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			out = utf8.AppendRune(out, dec.DecodeByte(b[i]))
			i++
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out
}

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// lookupCharset resolves a charset label to a legacy (single- or
// multi-byte, ASCII-compatible) encoding. UTF-8 and unknown labels give nil:
// the body was already found not to be UTF-8, so the label is wrong.
func lookupCharset(label string) (encoding.Encoding, string) {
	enc, name := charset.Lookup(strings.TrimSpace(label))
	if enc == nil || name == "utf-8" || strings.HasPrefix(name, "utf-16") || name == "replacement" {
		return nil, ""
	}
	return enc, name
}

// sniffWide recognises UTF-32 and UTF-16 without a byte-order mark from the
// position of zero bytes around the first '<' or '{'.
func sniffWide(b []byte) (encoding.Encoding, string) {
	if len(b) < 4 {
		return nil, ""
	}
	switch {
	case b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] != 0:
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be"
	case b[0] != 0 && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le"
	case b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0:
		return unicodeenc.UTF16(unicodeenc.BigEndian, unicodeenc.IgnoreBOM), "utf-16be"
	case b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return unicodeenc.UTF16(unicodeenc.LittleEndian, unicodeenc.IgnoreBOM), "utf-16le"
	}
	return nil, ""
}

// guessLegacy picks a legacy encoding for a body that is not UTF-8 and
// declares nothing usable: the language element's usual encoding, else
// Cyrillic or Hebrew when high bytes dominate the letters, else windows-1252.
func guessLegacy(b []byte) (encoding.Encoding, string) {
	if m := xmlLanguage.FindSubmatch(head(b, 64<<10)); m != nil {
		lang := strings.ToLower(string(m[1]))
		if len(lang) > 2 {
			lang = lang[:2]
		}
		if label, ok := languageCharsets[lang]; ok {
			if enc, name := charset.Lookup(label); enc != nil {
				return enc, name
			}
		}
	}
	return sniffLegacy(b)
}

// sniffLegacy guesses the legacy encoding of undeclared non-UTF-8 text
// from its byte distribution:
//   - runs of high bytes short and touching ASCII letters (accents inside
//     Latin words): windows-1252;
//   - many high bytes in A1–BF, the trail range of two-byte CJK codes that
//     Cyrillic, Greek and Hebrew text hardly uses: GB18030 (GB2312's
//     superset);
//   - letters in E0–FA only (no capitals in C0–DF, none of the FB–FF that
//     Cyrillic and Greek use a lot): Hebrew, windows-1255;
//   - otherwise a cased alphabet: windows-1251, KOI8-R or windows-1253,
//     whichever decodes with the fewest capitals inside words.
func sniffLegacy(b []byte) (encoding.Encoding, string) {
	var high, a1bf, c0df, e0fa, fbff, runs, latinRuns int
	isASCIILetter := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] >= 0x80 {
			c := b[j]
			high++
			switch {
			case c >= 0xA1 && c <= 0xBF:
				a1bf++
			case c >= 0xC0 && c <= 0xDF:
				c0df++
			case c >= 0xE0 && c <= 0xFA:
				e0fa++
			case c >= 0xFB:
				fbff++
			}
			j++
		}
		runs++
		if j-i <= 2 && ((i > 0 && isASCIILetter(b[i-1])) || (j < len(b) && isASCIILetter(b[j]))) {
			latinRuns++
		}
		i = j
	}
	switch {
	case high == 0 || latinRuns*10 >= runs*6:
		return charmap.Windows1252, "windows-1252"
	case a1bf*100 > high*15:
		enc, name := charset.Lookup("gb18030")
		return enc, name
	case c0df*50 < high && fbff*100 < high && e0fa*10 > high*8:
		return charmap.Windows1255, "windows-1255"
	}
	best, bestName, bestScore := encoding.Encoding(charmap.Windows1251), "windows-1251", 2.0
	for _, cand := range []struct {
		enc  encoding.Encoding
		name string
	}{
		{charmap.Windows1251, "windows-1251"},
		{charmap.KOI8R, "koi8-r"},
		{charmap.Windows1253, "windows-1253"},
	} {
		if sc := caseAnomaly(transformAll(cand.enc, b)); sc < bestScore {
			best, bestName, bestScore = cand.enc, cand.name, sc
		}
	}
	return best, bestName
}

// caseAnomaly returns the share of non-ASCII letters that are capitals
// following a lower-case letter: rare in real text, frequent when a cased
// alphabet is decoded with the wrong code page.
func caseAnomaly(text []byte) float64 {
	var letters, anomalies int
	prevLower := false
	for _, r := range string(text) {
		if r < 0x80 {
			prevLower = r >= 'a' && r <= 'z'
			continue
		}
		if !unicode.IsLetter(r) {
			prevLower = false
			continue
		}
		letters++
		if unicode.IsUpper(r) && prevLower {
			anomalies++
		}
		prevLower = unicode.IsLower(r)
	}
	if letters == 0 {
		return 1
	}
	return float64(anomalies) / float64(letters)
}

// transformAll decodes b with enc, replacing invalid sequences.
func transformAll(enc encoding.Encoding, b []byte) []byte {
	out, _, err := transform.Bytes(enc.NewDecoder(), b)
	if err != nil {
		return bytes.ToValidUTF8(b, []byte("\uFFFD"))
	}
	return bytes.ToValidUTF8(out, []byte("\uFFFD"))
}
