package match

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	reURL       = regexp.MustCompile(`(?i)(?:https?://|www\.)\S+|pic\.twitter\.com/\S+|\b[a-z0-9.-]+\.(?:com|org|net|ly|co)/\S*`)
	reSignature = regexp.MustCompile(`\s*(?:—|--|\s–\s)\s*([^—\n]{0,80}?)\s*\(@\w+\)\s*(?:(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4})?`)
	reDateTail  = regexp.MustCompile(`\s+(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\s*$`)
	reRT        = regexp.MustCompile(`^RT @\w+:\s*`)
	reHandle    = regexp.MustCompile(`@(\w+)`)
	reHashtag   = regexp.MustCompile(`#(\w+)`)
	reSpaces    = regexp.MustCompile(`\s+`)
)

// Clean prepares social-media text for matching: it drops retweet prefixes,
// URLs and pic.twitter.com links, reduces the "— Name (@handle) Month D,
// YYYY" signature of embedded tweets to the author's name (who said it is
// part of the claim), and turns @handles and #hashtags into words
// ("#CoronaVirusUSA" → "Corona Virus USA"). Other text is returned with
// whitespace collapsed.
func Clean(s string) string {
	s = reRT.ReplaceAllString(s, "")
	s = reSignature.ReplaceAllString(s, " ${1} ")
	s = reURL.ReplaceAllString(s, " ")
	s = reDateTail.ReplaceAllString(s, "")
	s = reHandle.ReplaceAllStringFunc(s, func(m string) string { return " " + SplitCompound(m[1:]) + " " })
	s = reHashtag.ReplaceAllStringFunc(s, func(m string) string { return " " + SplitCompound(m[1:]) + " " })
	return strings.TrimSpace(reSpaces.ReplaceAllString(s, " "))
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
