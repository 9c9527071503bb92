package opml

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Namespace is the XML namespace of Vigie's own OPML attributes.
const Namespace = "urn:x-vigie:opml:1"

// MaxBytes caps the size of an OPML document Parse reads.
const MaxBytes = 10 << 20

// MaxDepth caps outline nesting.
const MaxDepth = 64

// ErrInvalid is wrapped by every error Parse returns for a bad document;
// the error's text names the line.
var ErrInvalid = errors.New("invalid opml")

// Outline is one subscription of an OPML file.
type Outline struct {
	// Title is the subscription's name (the text attribute, else title).
	Title string
	// XMLURL is the feed URL.
	XMLURL string
	// HTMLURL is the site URL, if given.
	HTMLURL string
	// Language is the language attribute, if given.
	Language string
	// Localities are the locality codes the source covers, e.g. "FR-75056".
	Localities []string
	// Category is the path of the folders enclosing the outline, joined
	// with "/" ("" at the top level).
	Category string
}

// LineError is the error Parse returns for a bad document.
type LineError struct {
	// Line is the 1-based line of the problem (0 if unknown).
	Line int
	// Msg describes the problem.
	Msg string
}

// Error implements error.
func (e *LineError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("opml: line %d: %s", e.Line, e.Msg)
	}
	return "opml: " + e.Msg
}

// Unwrap makes errors.Is(err, ErrInvalid) hold.
func (e *LineError) Unwrap() error { return ErrInvalid }

var localityRE = regexp.MustCompile(`^[A-Z]{2}-[A-Za-z0-9]{1,16}$`)

// parser holds the state of one Parse.
type parser struct {
	d    *xml.Decoder
	outs []Outline
	seen map[string]bool
}

func (p *parser) line() int {
	l, _ := p.d.InputPos()
	return l
}

func (p *parser) errorf(format string, args ...any) error {
	return &LineError{Line: p.line(), Msg: fmt.Sprintf(format, args...)}
}

// Parse reads an OPML document and returns its subscriptions (outlines
// with an xmlUrl and a feed type: none, rss, atom, feed or json) in document order, without duplicates. Any error (see the
// package documentation) is a *LineError wrapping ErrInvalid, and no
// outline is returned with it.
func Parse(r io.Reader) ([]Outline, error) {
	lr := &io.LimitedReader{R: r, N: MaxBytes + 1}
	d := xml.NewDecoder(lr)
	d.Strict = true
	d.CharsetReader = charset.NewReaderLabel
	p := &parser{d: d, seen: map[string]bool{}}
	if err := p.document(); err != nil {
		if lr.N <= 0 {
			return nil, &LineError{Msg: fmt.Sprintf("document over %d bytes", MaxBytes)}
		}
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, &LineError{Line: se.Line, Msg: "not well-formed: " + se.Msg}
		}
		var le *LineError
		if errors.As(err, &le) {
			return nil, le
		}
		return nil, &LineError{Line: p.line(), Msg: err.Error()}
	}
	return p.outs, nil
}

// next returns the next start or end element, skipping the rest.
func (p *parser) next() (xml.Token, error) {
	for {
		tok, err := p.d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, p.errorf("unexpected end of document")
			}
			return nil, err
		}
		switch tok.(type) {
		case xml.StartElement, xml.EndElement:
			return tok, nil
		}
	}
}

func (p *parser) document() error {
	var root xml.StartElement
	for {
		tok, err := p.d.Token()
		if errors.Is(err, io.EOF) {
			return p.errorf("empty document")
		}
		if err != nil {
			return err
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "opml" {
		return p.errorf("root element is <%s>, not <opml>", root.Name.Local)
	}
	version, ok := attr(root, "version")
	switch {
	case !ok:
		return p.errorf("<opml> has no version attribute")
	case version != "1.0" && version != "1.1" && version != "2.0":
		return p.errorf("unsupported opml version %q", version)
	}
	var haveHead, haveBody bool
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if !haveHead {
				return p.errorf("<opml> has no <head>")
			}
			if !haveBody {
				return p.errorf("<opml> has no <body>")
			}
			// Anything after </opml> must still be well-formed.
			for {
				if _, err := p.d.Token(); err != nil {
					if errors.Is(err, io.EOF) {
						return nil
					}
					return err
				}
			}
		case xml.StartElement:
			switch t.Name.Local {
			case "head":
				haveHead = true
				if err := p.head(); err != nil {
					return err
				}
			case "body":
				haveBody = true
				if err := p.body(); err != nil {
					return err
				}
			case "outline":
				return p.errorf("<outline> outside <body>")
			default:
				if err := p.d.Skip(); err != nil {
					return err
				}
			}
		}
	}
}

// rfc822Layouts are the date forms OPML's RFC 822 dates take.
var rfc822Layouts = []string{
	time.RFC1123Z, time.RFC1123, time.RFC822Z, time.RFC822,
	"Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 06 15:04:05 -0700", "Mon, 02 Jan 06 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04 -0700", "Mon, 2 Jan 2006 15:04 MST",
}

func validRFC822(s string) bool {
	s = strings.TrimSpace(s)
	for _, l := range rfc822Layouts {
		if _, err := time.Parse(l, s); err == nil {
			return true
		}
	}
	return false
}

func (p *parser) head() error {
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			switch t.Name.Local {
			case "outline":
				return p.errorf("<outline> inside <head>")
			case "dateCreated", "dateModified":
				line := p.line()
				var v string
				if err := p.d.DecodeElement(&v, &t); err != nil {
					return err
				}
				if !validRFC822(v) {
					return &LineError{Line: line, Msg: fmt.Sprintf("<%s> %q is not an RFC 822 date", t.Name.Local, strings.TrimSpace(v))}
				}
			default:
				if err := p.d.Skip(); err != nil {
					return err
				}
			}
		}
	}
}

func (p *parser) body() error {
	n := 0
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if n == 0 {
				return p.errorf("<body> has no <outline>")
			}
			return nil
		case xml.StartElement:
			if t.Name.Local != "outline" {
				return p.errorf("<%s> inside <body>", t.Name.Local)
			}
			n++
			if err := p.outline(t, nil, 1); err != nil {
				return err
			}
		}
	}
}

// outline reads one outline element (its start tag already read) and its
// children; folders is the path of enclosing folder names.
func (p *parser) outline(se xml.StartElement, folders []string, depth int) error {
	line := p.line()
	if depth > MaxDepth {
		return &LineError{Line: line, Msg: fmt.Sprintf("outlines nested deeper than %d", MaxDepth)}
	}
	text, _ := attr(se, "text")
	title, _ := attr(se, "title")
	name := strings.TrimSpace(text)
	if name == "" {
		name = strings.TrimSpace(title)
	}
	if name == "" {
		if _, ok := attr(se, "text"); !ok {
			return &LineError{Line: line, Msg: "<outline> has no text attribute"}
		}
	}
	for _, b := range []string{"isComment", "isBreakpoint"} {
		if v, ok := attr(se, b); ok && v != "true" && v != "false" {
			return &LineError{Line: line, Msg: fmt.Sprintf("%s=%q is neither \"true\" nor \"false\"", b, v)}
		}
	}
	typ, _ := attr(se, "type")
	if xmlURL, ok := attr(se, "xmlUrl"); ok && strings.TrimSpace(xmlURL) != "" && feedTypes[strings.ToLower(strings.TrimSpace(typ))] {
		o, err := p.subscription(se, name, xmlURL, folders, line)
		if err != nil {
			return err
		}
		if !p.seen[o.XMLURL] {
			p.seen[o.XMLURL] = true
			p.outs = append(p.outs, o)
		}
	}
	children := folders
	if name != "" {
		children = append(append([]string(nil), folders...), name)
	}
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if t.Name.Local != "outline" {
				if err := p.d.Skip(); err != nil {
					return err
				}
				continue
			}
			if err := p.outline(t, children, depth+1); err != nil {
				return err
			}
		}
	}
}

func (p *parser) subscription(se xml.StartElement, name, xmlURL string, folders []string, line int) (Outline, error) {
	u, err := feedURL(xmlURL)
	if err != nil {
		return Outline{}, &LineError{Line: line, Msg: fmt.Sprintf("xmlUrl %q: %v", xmlURL, err)}
	}
	o := Outline{Title: name, XMLURL: u, Category: strings.Join(folders, "/")}
	if h, ok := attr(se, "htmlUrl"); ok && strings.TrimSpace(h) != "" {
		if hu, err := feedURL(h); err == nil {
			o.HTMLURL = hu
		}
	}
	if l, ok := attr(se, "language"); ok {
		o.Language = strings.TrimSpace(l)
	}
	if raw, ok := attr(se, "localities"); ok {
		for _, f := range strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' || r == ';' || r == '\t' }) {
			if !localityRE.MatchString(f) {
				return Outline{}, &LineError{Line: line, Msg: fmt.Sprintf("locality %q is not a code like FR-75056", f)}
			}
			if !contains(o.Localities, f) {
				o.Localities = append(o.Localities, f)
			}
		}
	}
	if o.Title == "" {
		o.Title = o.XMLURL
	}
	return o, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// feedTypes are the outline types that are feed subscriptions; others
// (Liferea's "vfolder" search folders, "rule", "link", "include") are not.
var feedTypes = map[string]bool{"": true, "rss": true, "atom": true, "feed": true, "json": true}

// feedURL validates a subscription URL: absolute http(s), feed:// read as
// http://.
func feedURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if rest, ok := strings.CutPrefix(raw, "feed://"); ok {
		raw = "http://" + rest
	} else if rest, ok := strings.CutPrefix(raw, "feed:"); ok && strings.HasPrefix(rest, "http") {
		raw = rest
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("not a url: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("not an absolute http(s) url")
	}
	return u.String(), nil
}

// attr returns the value of the attribute with the given local name, in any
// namespace.
func attr(se xml.StartElement, local string) (string, bool) {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// now is the clock of Write, replaced in tests.
var now = time.Now

// Write writes outs as an OPML 2.0 document titled title. Outlines are
// grouped in folder outlines by Category (in order of first appearance);
// localities go in the vigie:localities attribute.
func Write(w io.Writer, title string, outs []Outline) error {
	var b strings.Builder
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<opml version=\"2.0\" xmlns:vigie=\"%s\">\n", Namespace)
	b.WriteString("  <head>\n")
	fmt.Fprintf(&b, "    <title>%s</title>\n", escape(title))
	fmt.Fprintf(&b, "    <dateCreated>%s</dateCreated>\n", now().UTC().Format(time.RFC1123Z))
	b.WriteString("    <docs>https://opml.org/spec2.opml</docs>\n")
	b.WriteString("  </head>\n  <body>\n")
	if len(outs) == 0 {
		// OPML requires at least one outline in the body.
		fmt.Fprintf(&b, "    <outline text=\"%s\"/>\n", escape(title))
	}
	// Group by category, keeping order of first appearance.
	var cats []string
	byCat := map[string][]Outline{}
	for _, o := range outs {
		if _, ok := byCat[o.Category]; !ok {
			cats = append(cats, o.Category)
		}
		byCat[o.Category] = append(byCat[o.Category], o)
	}
	for _, c := range cats {
		indent := "    "
		parts := []string{}
		if c != "" {
			parts = strings.Split(c, "/")
		}
		for i, p := range parts {
			fmt.Fprintf(&b, "%s<outline text=\"%s\">\n", strings.Repeat("  ", i)+indent, escape(p))
		}
		inner := strings.Repeat("  ", len(parts)) + indent
		for _, o := range byCat[c] {
			writeOutline(&b, inner, o)
		}
		for i := len(parts) - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "%s</outline>\n", strings.Repeat("  ", i)+indent)
		}
	}
	b.WriteString("  </body>\n</opml>\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write opml: %w", err)
	}
	return nil
}

func writeOutline(b *strings.Builder, indent string, o Outline) {
	fmt.Fprintf(b, "%s<outline type=\"rss\" text=\"%s\" title=\"%s\" xmlUrl=\"%s\"", indent, escape(o.Title), escape(o.Title), escape(o.XMLURL))
	if o.HTMLURL != "" {
		fmt.Fprintf(b, " htmlUrl=\"%s\"", escape(o.HTMLURL))
	}
	if o.Language != "" {
		fmt.Fprintf(b, " language=\"%s\"", escape(o.Language))
	}
	if len(o.Localities) > 0 {
		fmt.Fprintf(b, " vigie:localities=\"%s\"", escape(strings.Join(o.Localities, ",")))
	}
	b.WriteString("/>\n")
}

// escape escapes text for an XML attribute or element.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
