package feed

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is the display policy for feed HTML: bluemonday's user-generated
// content policy (no script, style, iframe, event handlers or javascript:
// URLs), links opened without referrer.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoReferrerOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}()

// MaxHTMLBytes caps the HTML of one entry kept for display and matching.
const MaxHTMLBytes = 1 << 20

// sanitizeHTML sanitizes an entry's HTML for display, resolving relative
// links and images against base first.
func sanitizeHTML(s, base string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > MaxHTMLBytes {
		s = s[:MaxHTMLBytes] // the sanitizer closes what this cuts
	}
	if b, err := url.Parse(base); err == nil && b.IsAbs() && strings.ContainsAny(s, "<") {
		s = absolutize(s, b)
	}
	return strings.TrimSpace(policy.Sanitize(s))
}

// absolutize rewrites relative href and src attributes against base.
func absolutize(s string, base *url.URL) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s))
	changed := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(raw)
			continue
		}
		tok := z.Token()
		touched := false
		for i, a := range tok.Attr {
			if a.Key != "href" && a.Key != "src" {
				continue
			}
			u, err := url.Parse(strings.TrimSpace(a.Val))
			if err != nil || u.IsAbs() {
				continue
			}
			tok.Attr[i].Val = base.ResolveReference(u).String()
			touched = true
		}
		if touched {
			changed = true
			b.WriteString(tok.String())
		} else {
			b.Write(raw)
		}
	}
	if !changed {
		return s
	}
	return b.String()
}

// blockElements end a line of plain text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Br: true, atom.Div: true, atom.Li: true, atom.Tr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Hr: true, atom.Table: true, atom.Ul: true,
	atom.Ol: true, atom.Section: true, atom.Article: true, atom.Figure: true, atom.Figcaption: true,
	atom.Td: true, atom.Th: true, atom.Dd: true, atom.Dt: true,
}

// plainText extracts readable text from HTML (or plain text with
// entities): tags dropped, script and style skipped, entities decoded,
// block elements ending lines, runs of spaces collapsed.
func plainText(s string) string {
	if s == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<&") {
		return collapse(s)
	}
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return collapse(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if a == atom.Script || a == atom.Style || a == atom.Noscript || a == atom.Template {
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if blockElements[a] {
				b.WriteByte('\n')
			} else if a == atom.Img || a == atom.Td {
				b.WriteByte(' ')
			}
		}
	}
}

// collapse trims lines and collapses runs of spaces; it keeps single line
// breaks between blocks.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			newline = true
		case unicode.IsSpace(r) || r == '\u00A0' || r == '\u200B':
			space = true
		case unicode.IsControl(r):
		default:
			if b.Len() > 0 {
				if newline {
					b.WriteByte('\n')
				} else if space {
					b.WriteByte(' ')
				}
			}
			space, newline = false, false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// looseLayouts are date forms seen in real feeds that gofeed does not
// read, tried after normalizeDate.
var looseLayouts = []string{
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04",
	"2006-01-02T15:04:05",
	"2006-01-02",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006/1/2",
	"2/1/2006 15:04:05",
	"2/1/2006 15:04",
	"2/1/2006",
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"2.1.2006",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04 MST",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"2 Jan 2006",
	"Jan 2 2006 03:04:05 PM",
	"Jan 2 2006 03:04:05 PM -0700",
	"Jan 2 2006 15:04:05 -0700",
	"Jan 2 2006 15:04:05",
	"Jan 2 2006",
}

// monthPrefixes maps the first three letters of month names in English,
// Spanish, Portuguese, French, Italian, German, Dutch and Swedish to the
// month (juin and juillet are told apart by their fourth letter).
var monthPrefixes = map[string]time.Month{
	"jan": 1, "ene": 1, "gen": 1, "jän": 1,
	"feb": 2, "fev": 2, "fév": 2,
	"mar": 3, "mär": 3, "maa": 3,
	"apr": 4, "abr": 4, "avr": 4,
	"may": 5, "mai": 5, "mag": 5, "mei": 5, "maj": 5,
	"jun": 6, "giu": 6,
	"jul": 7, "lug": 7,
	"aug": 8, "ago": 8, "aoû": 8, "aou": 8,
	"sep": 9, "set": 9,
	"oct": 10, "out": 10, "ott": 10, "okt": 10,
	"nov": 11,
	"dec": 12, "dic": 12, "dez": 12, "déc": 12,
}

// normalizeDate rewrites a localised date to English month abbreviations,
// dropping a leading weekday name and commas, so the layouts above apply.
func normalizeDate(s string) string {
	fields := strings.Fields(strings.ReplaceAll(s, ",", " "))
	out := make([]string, 0, len(fields))
	for i, f := range fields {
		lf := strings.TrimSuffix(strings.ToLower(f), ".")
		if m, ok := monthOf(lf); ok {
			out = append(out, m.String()[:3])
			continue
		}
		if i == 0 && isLetters(lf) {
			continue // weekday
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

func monthOf(tok string) (time.Month, bool) {
	r := []rune(tok)
	if len(r) < 3 || !isLetters(tok) {
		return 0, false
	}
	switch {
	case strings.HasPrefix(tok, "juin"):
		return time.June, true
	case strings.HasPrefix(tok, "juil"):
		return time.July, true
	}
	m, ok := monthPrefixes[string(r[:3])]
	return m, ok
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

var epochRE = regexp.MustCompile(`^\d{9,10}$`)

// plausibleDate reports whether a feed date can be true: not before 1990
// (zero values, epoch 0) and not more than two years ahead.
func plausibleDate(t time.Time) bool {
	return t.Year() >= 1990 && !t.After(time.Now().AddDate(2, 0, 0))
}

// parseLooseDate parses date strings gofeed's parser rejects: numeric
// layouts, Unix epochs and RFC 822-like dates with localised names. Dates
// before 1990 or more than two years ahead are refused.
func parseLooseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	check := func(t time.Time) (time.Time, bool) {
		if !plausibleDate(t) {
			return time.Time{}, false
		}
		return t.UTC(), true
	}
	if epochRE.MatchString(s) {
		n, _ := strconv.ParseInt(s, 10, 64)
		return check(time.Unix(n, 0))
	}
	for _, cand := range []string{s, normalizeDate(s)} {
		for _, l := range looseLayouts {
			if t, err := time.Parse(l, cand); err == nil {
				return check(t)
			}
		}
	}
	return time.Time{}, false
}
