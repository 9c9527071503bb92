package mastodon

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// StatusText is the result of converting status HTML.
type StatusText struct {
	// Text is the plain text: paragraphs separated by a blank line, <br> as a
	// newline, mentions as @user, hashtags as #tag, links as their full URL
	// (Mastodon's invisible spans included) or their text.
	Text string
	// Links are the href of the links that are neither mentions nor hashtags,
	// in document order, without duplicates.
	Links []string
	// Tags are the hashtags linked in the HTML, without '#'.
	Tags []string
}

// HTMLToText converts the HTML of a status (as Mastodon, Pleroma or Akkoma
// render it) to plain text for matching, and collects its links and hashtags.
// Script and style content is dropped; entities are decoded; runs of
// whitespace collapse to one space outside <pre>. It never fails: malformed
// HTML is read the way a browser's tokenizer reads it.
func HTMLToText(s string) StatusText {
	var (
		out       strings.Builder
		res       StatusText
		z         = html.NewTokenizer(strings.NewReader(s))
		skip      int // inside script/style
		pre       int
		depth     int
		anchor    int // depth+1 of the open <a>, 0 if none
		anchorKd  linkKind
		anchorTxt strings.Builder
		pendingNL int  // newlines owed before the next text
		pendingSp bool // a collapsed space owed before the next text
		seenLink  = map[string]bool{}
		seenTag   = map[string]bool{}
	)
	write := func(t string) {
		if t == "" {
			return
		}
		if out.Len() > 0 {
			if pendingNL > 0 {
				out.WriteString(strings.Repeat("\n", min(pendingNL, 2)))
			} else if pendingSp {
				out.WriteByte(' ')
			}
		}
		pendingNL, pendingSp = 0, false
		out.WriteString(t)
		if anchor > 0 {
			anchorTxt.WriteString(t)
		}
	}
	breakLines := func(n int) {
		pendingNL = max(pendingNL, n)
		pendingSp = false
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			res.Text = strings.TrimSpace(out.String())
			return res
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if pre > 0 {
				write(t)
				continue
			}
			// Collapse whitespace the way a browser lays it out.
			lead := len(t) > 0 && isHTMLSpace(rune(t[0]))
			trail := len(t) > 0 && isHTMLSpace(rune(t[len(t)-1]))
			f := strings.Join(strings.FieldsFunc(t, isHTMLSpace), " ")
			if f == "" {
				if lead {
					pendingSp = true
				}
				continue
			}
			if lead {
				pendingSp = true
			}
			write(f)
			if trail {
				pendingSp = true
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			if tt == html.StartTagToken && !isVoid(a) {
				depth++
			}
			switch a {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				if tt == html.StartTagToken {
					skip++
				}
			case atom.Br:
				breakLines(1)
			case atom.P, atom.Blockquote, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol:
				breakLines(2)
			case atom.Div, atom.Li, atom.Tr, atom.Hr:
				breakLines(1)
			case atom.Pre:
				breakLines(2)
				if tt == html.StartTagToken {
					pre++
				}
			case atom.A:
				if tt != html.StartTagToken || anchor > 0 {
					continue
				}
				var href, class, rel string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "href":
						href = string(v)
					case "class":
						class = string(v)
					case "rel":
						rel = string(v)
					}
				}
				anchor = depth
				anchorKd = classify(class, rel)
				anchorTxt.Reset()
				if anchorKd == linkPlain {
					if h := strings.TrimSpace(href); h != "" && !seenLink[h] && isWebURL(h) {
						seenLink[h] = true
						res.Links = append(res.Links, h)
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				if skip > 0 {
					skip--
				}
			case atom.P, atom.Blockquote, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Pre:
				breakLines(2)
				if a == atom.Pre && pre > 0 {
					pre--
				}
			case atom.Div, atom.Li, atom.Tr:
				breakLines(1)
			case atom.A:
				if anchor > 0 {
					if anchorKd == linkHashtag {
						tag := strings.TrimPrefix(strings.TrimSpace(anchorTxt.String()), "#")
						if k := strings.ToLower(tag); tag != "" && !seenTag[k] {
							seenTag[k] = true
							res.Tags = append(res.Tags, tag)
						}
					}
					anchor = 0
				}
			}
			if !isVoid(a) && depth > 0 {
				depth--
			}
		}
	}
}

type linkKind int

const (
	linkPlain linkKind = iota
	linkMention
	linkHashtag
)

func classify(class, rel string) linkKind {
	has := func(list, w string) bool {
		for _, f := range strings.Fields(list) {
			if strings.EqualFold(f, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has(class, "hashtag") || has(rel, "tag"):
		return linkHashtag
	case has(class, "mention") || has(class, "u-url"):
		return linkMention
	}
	return linkPlain
}

func isWebURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

func isHTMLSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f':
		return true
	}
	return r != '\u00a0' && unicode.IsSpace(r) && r < 0x80
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
