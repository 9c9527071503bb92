package bluesky

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"vigie/pipeline/social"
)

// Filter selects the posts a Stream emits. Empty fields select everything;
// non-empty fields must all match.
type Filter struct {
	// Keywords: a post matches when its text or a hashtag contains one of
	// them, case-insensitively. A keyword that starts or ends with a letter
	// or digit of a spaced script (Latin, Greek, Cyrillic...) must start or
	// end a word ("vote" does not match "devoted"); in other scripts
	// (Chinese, Japanese, Thai) it matches anywhere.
	Keywords []string
	// DIDs are the authors to follow. They are also sent to Jetstream as
	// wantedDids (up to 10,000), so that the server filters first.
	DIDs []string
	// Languages are BCP 47 tags; a post matches when one of its declared
	// languages has the same primary subtag ("pt" matches "pt-BR"). A post
	// declaring no language does not match a non-empty list.
	Languages []string
}

// matcher is a compiled Filter.
type matcher struct {
	keywords []string
	dids     map[string]bool
	langs    map[string]bool
}

func (f Filter) compile() *matcher {
	m := &matcher{}
	for _, k := range f.Keywords {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
			m.keywords = append(m.keywords, k)
		}
	}
	if len(f.DIDs) > 0 {
		m.dids = make(map[string]bool, len(f.DIDs))
		for _, d := range f.DIDs {
			m.dids[strings.TrimSpace(d)] = true
		}
	}
	if len(f.Languages) > 0 {
		m.langs = map[string]bool{}
		for _, l := range f.Languages {
			if p := primaryTag(l); p != "" {
				m.langs[p] = true
			}
		}
	}
	return m
}

// hasContentFilter reports whether posts are selected by keyword or language.
func (m *matcher) hasContentFilter() bool { return len(m.keywords) > 0 || m.langs != nil }

// author reports whether posts of did are wanted.
func (m *matcher) author(did string) bool { return m.dids == nil || m.dids[did] }

// post reports whether a post (created or updated) is wanted.
func (m *matcher) post(p social.Post, langs []string) bool {
	if !m.author(p.AuthorID) {
		return false
	}
	if m.langs != nil {
		ok := false
		for _, l := range langs {
			if m.langs[primaryTag(l)] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(m.keywords) == 0 {
		return true
	}
	text := strings.ToLower(p.Text)
	for _, k := range m.keywords {
		if containsWord(text, k) {
			return true
		}
		for _, t := range p.Tags {
			if strings.EqualFold(strings.TrimPrefix(k, "#"), t) {
				return true
			}
		}
	}
	return false
}

func primaryTag(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}

// containsWord reports whether text contains kw (both lower-case) at word
// boundaries where the script has them.
func containsWord(text, kw string) bool {
	first, _ := utf8.DecodeRuneInString(kw)
	last, _ := utf8.DecodeLastRuneInString(kw)
	for from := 0; from <= len(text); {
		i := strings.Index(text[from:], kw)
		if i < 0 {
			return false
		}
		i += from
		j := i + len(kw)
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[j:])
		okStart := i == 0 || !spacedWordRune(first) || !isWordRune(before)
		okEnd := j == len(text) || !spacedWordRune(last) || !isWordRune(after)
		if okStart && okEnd {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		from = i + max(size, 1)
	}
	return false
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// spacedWordRune reports whether r is a word character of a script that
// separates words with spaces.
func spacedWordRune(r rune) bool {
	if unicode.IsDigit(r) {
		return true
	}
	return unicode.In(r, unicode.Latin, unicode.Greek, unicode.Cyrillic, unicode.Armenian,
		unicode.Georgian, unicode.Arabic, unicode.Hebrew, unicode.Devanagari, unicode.Hangul)
}
