package match

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	rePic       = regexp.MustCompile(`(?i)pic\.twitter\.com/\S+`)
	reURL       = regexp.MustCompile(`(?i)(?:https?://|www\.)\S+|\b[a-z0-9.-]+\.(?:com|org|net|ly|co)/\S*`)
	reSignature = regexp.MustCompile(`\s*(?:—|--|\s–\s)\s*([^—\n]{0,80}?)\s*\(@\w+\)\s*(?:(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4})?`)
	reDateTail  = regexp.MustCompile(`\s+(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\s*$`)
	reRT        = regexp.MustCompile(`^RT @\w+:\s*`)
	reHandle    = regexp.MustCompile(`@(\w+)`)
	reHashtag   = regexp.MustCompile(`#([\p{L}\p{N}_]+)`)
)

// Clean prepares social-media text for matching: it drops retweet prefixes,
// URLs and pic.twitter.com links, reduces the "— Name (@handle) Month D,
// YYYY" signature of embedded tweets to the author's name (who said it is
// part of the claim), and turns @handles and #hashtags into words
// ("#CoronaVirusUSA" → "Corona Virus USA"). Other text is returned with
// whitespace collapsed.
func Clean(s string) string {
	c, _ := cleanSigned(s)
	return c
}

// cleanSigned is Clean, also returning the authors' names of the embedded
// tweets' signatures it reduced.
func cleanSigned(s string) (string, []string) {
	// each rewrite runs only when a cheap check says it can apply
	if strings.HasPrefix(s, "RT @") {
		s = reRT.ReplaceAllString(s, "")
	}
	var authors []string
	if strings.ContainsAny(s, "—–") || strings.Contains(s, "--") {
		s, authors = reduceSignatures(s)
	}
	if strings.Contains(s, "/") {
		s = rePic.ReplaceAllString(s, " ")
		s = reURL.ReplaceAllString(s, " ")
	}
	if t := strings.TrimRightFunc(s, unicode.IsSpace); t != "" && t[len(t)-1] >= '0' && t[len(t)-1] <= '9' {
		s = reDateTail.ReplaceAllString(s, "")
	}
	if strings.ContainsRune(s, '@') {
		s = reHandle.ReplaceAllStringFunc(s, func(m string) string { return " " + SplitCompound(m[1:]) + " " })
	}
	if strings.ContainsRune(s, '#') {
		s = reHashtag.ReplaceAllStringFunc(s, func(m string) string { return " " + SplitCompound(m[1:]) + " " })
	}
	return strings.Join(strings.Fields(s), " "), authors
}

// reduceSignatures replaces each signature by its author's name (as
// ReplaceAllString with " ${1} " would) in one pass, returning the names.
func reduceSignatures(s string) (string, []string) {
	ms := reSignature.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s, nil
	}
	var b strings.Builder
	var authors []string
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		b.WriteByte(' ')
		if m[2] >= 0 {
			b.WriteString(s[m[2]:m[3]])
			authors = append(authors, s[m[2]:m[3]])
		}
		b.WriteByte(' ')
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String(), authors
}

var reSigDate = regexp.MustCompile(`\(@\w+\)\s*(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, (\d{4})`)

// SignatureYear returns the year of the last embedded-tweet signature
// ("— Name (@handle) Month D, YYYY") in s, or 0.
func SignatureYear(s string) int {
	if !strings.Contains(s, "(@") {
		return 0
	}
	m := reSigDate.FindAllStringSubmatch(s, -1)
	if len(m) == 0 {
		return 0
	}
	y := m[len(m)-1][1]
	return int(y[0]-'0')*1000 + int(y[1]-'0')*100 + int(y[2]-'0')*10 + int(y[3]-'0')
}

// SplitCompound splits a camel-case or underscore compound into words:
// "realDonaldTrump" → "real Donald Trump", "COVID19Vaccine" → "COVID 19 Vaccine",
// "stay_home" → "stay home".
func SplitCompound(w string) string {
	var b strings.Builder
	prev := rune(0)
	for i, r := range w {
		if r == '_' {
			b.WriteByte(' ')
			prev = ' '
			continue
		}
		if i > 0 && prev != ' ' {
			next, _ := utf8.DecodeRuneInString(w[i+utf8.RuneLen(r):])
			switch {
			case unicode.IsUpper(r) && unicode.IsLower(prev):
				b.WriteByte(' ')
			case unicode.IsUpper(r) && unicode.IsUpper(prev) && unicode.IsLower(next):
				b.WriteByte(' ')
			case unicode.IsDigit(r) != unicode.IsDigit(prev) && (unicode.IsLetter(prev) || unicode.IsLetter(r)):
				b.WriteByte(' ')
			}
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}
