package feed

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

// scanner is the bounded pre-scan of an XML feed. In one linear pass over
// UTF-8 input it drops the XML declaration, processing instructions,
// comments and the DOCTYPE (whose internal entities it records, refusing
// external, nested or excessive ones), expands recorded entities within an
// expansion budget, rewrites HTML named entities to characters and stray
// '&' or '<' to escapes, drops characters illegal in XML, closes elements
// left open or closed out of order, and enforces the depth and size caps.
// Its output is well-nested XML that gofeed parses without surprises.
type scanner struct {
	ctx      context.Context
	lim      Limits
	in       []byte
	i        int
	out      []byte
	stack    []string
	entities map[string]string
	expanded int64
	nextPoll int
	// itemLangs holds, per item or entry start tag in document order, its
	// xml:lang attribute ("" when absent): gofeed drops entry-level
	// languages, translate puts them back.
	itemLangs []string
}

// prescanXML runs the pre-scan; see scanner. It returns the clean XML and
// the xml:lang of each item or entry.
func prescanXML(ctx context.Context, in []byte, lim Limits) ([]byte, []string, error) {
	s := &scanner{ctx: ctx, lim: lim, in: in, out: make([]byte, 0, len(in)+len(in)/8), nextPoll: 1 << 16}
	if err := s.run(); err != nil {
		return nil, nil, err
	}
	return s.out, s.itemLangs, nil
}

// xmlLangAttr finds an xml:lang attribute in a start tag.
var xmlLangAttr = regexp.MustCompile(`\sxml:lang\s*=\s*["']([^"']*)["']`)

// noteItem records the xml:lang of an item or entry start tag.
func (s *scanner) noteItem(name string, tag []byte) {
	local := name
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		local = name[i+1:]
	}
	if local != "item" && local != "entry" {
		return
	}
	lang := ""
	if m := xmlLangAttr.FindSubmatch(tag); m != nil {
		lang = string(m[1])
	}
	s.itemLangs = append(s.itemLangs, lang)
}

func (s *scanner) run() error {
	// Leading whitespace and stray byte-order marks before the first markup.
	for s.i < len(s.in) {
		if c := s.in[s.i]; c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			s.i++
		} else if bytes.HasPrefix(s.in[s.i:], []byte("\uFEFF")) {
			s.i += 3
		} else {
			break
		}
	}
	for s.i < len(s.in) {
		if s.i >= s.nextPoll {
			s.nextPoll = s.i + 1<<16
			if err := s.ctx.Err(); err != nil {
				return err
			}
			if int64(len(s.out)) > s.lim.MaxBytes {
				return fmt.Errorf("%w: expanded over %d bytes", ErrTooLarge, s.lim.MaxBytes)
			}
		}
		switch c := s.in[s.i]; {
		case c == '<':
			if err := s.markup(); err != nil {
				return err
			}
		case c == '&':
			if err := s.reference(false); err != nil {
				return err
			}
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			s.i++ // illegal in XML 1.0
		case c == 0xEF && s.i+2 < len(s.in) && s.in[s.i+1] == 0xBF && (s.in[s.i+2] == 0xBE || s.in[s.i+2] == 0xBF):
			s.i += 3 // U+FFFE, U+FFFF: illegal in XML
		default:
			s.out = append(s.out, c)
			s.i++
		}
	}
	if int64(len(s.out)) > s.lim.MaxBytes {
		return fmt.Errorf("%w: expanded over %d bytes", ErrTooLarge, s.lim.MaxBytes)
	}
	// Close what a truncated document left open, innermost first.
	for i := len(s.stack) - 1; i >= 0; i-- {
		s.out = append(s.out, "</"+s.stack[i]+">"...)
	}
	return nil
}

// skipPast moves past the next occurrence of end and reports whether it was
// found; if not, the rest of the input is consumed.
func (s *scanner) skipPast(end string) bool {
	j := bytes.Index(s.in[s.i:], []byte(end))
	if j < 0 {
		s.i = len(s.in)
		return false
	}
	s.i += j + len(end)
	return true
}

func (s *scanner) markup() error {
	rest := s.in[s.i:]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		s.i += 4
		s.skipPast("-->")
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		start := s.i
		if s.skipPast("]]>") {
			s.out = append(s.out, s.in[start:s.i]...)
		} else {
			// Unterminated CDATA: keep its text, close it.
			s.out = append(s.out, s.in[start:]...)
			s.out = append(s.out, "]]>"...)
		}
	case len(rest) >= 9 && strings.EqualFold(string(rest[:9]), "<!DOCTYPE"):
		return s.doctype()
	case bytes.HasPrefix(rest, []byte("<!")), bytes.HasPrefix(rest, []byte("<?")):
		// Processing instructions (the XML declaration included: the body is
		// UTF-8 now) and stray declarations are dropped.
		if rest[1] == '?' {
			s.i += 2
			s.skipPast("?>")
		} else {
			s.i += 2
			s.skipPast(">")
		}
	case len(rest) > 1 && rest[1] == '/':
		s.endTag()
	case len(rest) > 1 && isNameStart(rest[1:]):
		return s.startTag()
	default:
		s.out = append(s.out, "&lt;"...)
		s.i++
	}
	return nil
}

func isNameStart(b []byte) bool {
	c := b[0]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == ':' || c == '-' || c == '.' || c >= 0x80
}

// name reads an XML name at s.i.
func (s *scanner) name() string {
	j := s.i
	for j < len(s.in) && isNameByte(s.in[j]) {
		j++
	}
	n := string(s.in[s.i:j])
	s.i = j
	return n
}

func (s *scanner) startTag() error {
	start := len(s.out)
	s.i++ // '<'
	name := s.name()
	s.out = append(s.out, '<')
	s.out = append(s.out, name...)
	var quote byte
	for s.i < len(s.in) {
		c := s.in[s.i]
		switch {
		case quote == smartQuote && isSmartQuote(s.in[s.i:]):
			quote = 0
			s.out = append(s.out, '"')
			s.i += 3
		case quote == smartQuote && c == '"':
			s.out = append(s.out, "&quot;"...)
			s.i++
		case quote != 0 && c == quote:
			quote = 0
			s.out = append(s.out, c)
			s.i++
		case quote != 0 && c == '&':
			if err := s.reference(true); err != nil {
				return err
			}
		case quote != 0 && c == '<':
			s.out = append(s.out, "&lt;"...)
			s.i++
		case quote == 0 && isSmartQuote(s.in[s.i:]):
			// Typographic quotes as attribute delimiters (a word processor
			// wrote the feed): read them as '"'.
			quote = smartQuote
			s.out = append(s.out, '"')
			s.i += 3
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
			s.out = append(s.out, c)
			s.i++
		case quote == 0 && c == '<':
			// A tag cut short by the next one: close it here.
			s.out = append(s.out, '>')
			s.noteItem(name, s.out[start:])
			return s.push(name)
		case quote == 0 && c == '>':
			s.i++
			selfClosing := s.out[len(s.out)-1] == '/'
			s.out = append(s.out, '>')
			s.noteItem(name, s.out[start:])
			if selfClosing {
				return nil
			}
			return s.push(name)
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			s.i++
		default:
			s.out = append(s.out, c)
			s.i++
		}
	}
	// Truncated inside the tag: drop it.
	s.out = s.out[:start]
	return nil
}

// smartQuote marks an attribute value opened by a typographic quote.
const smartQuote = 1

// isSmartQuote reports whether b starts with U+201C or U+201D.
func isSmartQuote(b []byte) bool {
	return len(b) >= 3 && b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0x9C || b[2] == 0x9D)
}

func (s *scanner) push(name string) error {
	s.stack = append(s.stack, name)
	if len(s.stack) > s.lim.MaxDepth {
		return fmt.Errorf("%w: more than %d levels", ErrTooDeep, s.lim.MaxDepth)
	}
	return nil
}

// endTag copies a well-placed end tag, closes the elements an out-of-order
// end tag skips over, and drops end tags that match no open element.
func (s *scanner) endTag() {
	s.i += 2
	name := s.name()
	s.skipPast(">")
	for k := len(s.stack) - 1; k >= 0; k-- {
		if s.stack[k] != name {
			continue
		}
		for j := len(s.stack) - 1; j >= k; j-- {
			s.out = append(s.out, "</"+s.stack[j]+">"...)
		}
		s.stack = s.stack[:k]
		return
	}
}

// predefined are XML's own entities, kept as they are.
var predefined = map[string]bool{"amp": true, "lt": true, "gt": true, "quot": true, "apos": true}

// reference handles '&' in text or an attribute value.
func (s *scanner) reference(inAttr bool) error {
	j := s.i + 1
	for j < len(s.in) && j-s.i <= 64 && (isNameByte(s.in[j]) || s.in[j] == '#') {
		j++
	}
	if j >= len(s.in) || s.in[j] != ';' || j == s.i+1 {
		s.out = append(s.out, "&amp;"...)
		s.i++
		return nil
	}
	name := string(s.in[s.i+1 : j])
	ref := s.in[s.i : j+1]
	s.i = j + 1
	switch {
	case name[0] == '#':
		if validCharRef(name[1:]) {
			s.out = append(s.out, ref...)
		} else {
			s.out = append(s.out, "&amp;"...)
			s.out = append(s.out, ref[1:]...)
		}
	case predefined[name]:
		s.out = append(s.out, ref...)
	case s.entities[name] != "" || s.hasEntity(name):
		v := s.entities[name]
		s.expanded += int64(len(v))
		if s.expanded > s.lim.MaxEntityExpansion {
			return fmt.Errorf("%w: entity expansion over %d bytes", ErrEntity, s.lim.MaxEntityExpansion)
		}
		for k := 0; k < len(v); k++ {
			switch v[k] {
			case '<':
				s.out = append(s.out, "&lt;"...)
			case '"':
				if inAttr {
					s.out = append(s.out, "&quot;"...)
				} else {
					s.out = append(s.out, '"')
				}
			default:
				s.out = append(s.out, v[k])
			}
		}
	default:
		if u := html.UnescapeString(string(ref)); u != string(ref) && !strings.ContainsAny(u, "<&\"'") {
			s.out = append(s.out, u...)
		} else {
			s.out = append(s.out, "&amp;"...)
			s.out = append(s.out, ref[1:]...)
		}
	}
	return nil
}

func (s *scanner) hasEntity(name string) bool {
	_, ok := s.entities[name]
	return ok
}

// validCharRef reports whether the text after "&#" is a character
// reference to a character allowed in XML.
func validCharRef(num string) bool {
	base := 10
	if strings.HasPrefix(num, "x") || strings.HasPrefix(num, "X") {
		base, num = 16, num[1:]
	}
	if num == "" || len(num) > 8 {
		return false
	}
	var v rune
	for _, c := range num {
		var d rune
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case base == 16 && c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case base == 16 && c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return false
		}
		v = v*rune(base) + d
	}
	return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) ||
		(v >= 0xE000 && v <= 0xFFFD) || (v >= 0x10000 && v <= utf8.MaxRune)
}

// doctype parses and drops a DOCTYPE, recording its internal general
// entities. External general entities, entities whose value refers to
// another entity (the root of billion-laughs and cyclic bombs) and more
// than Limits.MaxEntities declarations are refused with ErrEntity.
// Parameter entities are ignored and never fetched.
func (s *scanner) doctype() error {
	s.i += len("<!DOCTYPE")
	var quote byte
	for s.i < len(s.in) {
		c := s.in[s.i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
			s.i++
		case c == '"' || c == '\'':
			quote = c
			s.i++
		case c == '[':
			s.i++
			if err := s.internalSubset(); err != nil {
				return err
			}
		case c == '>':
			s.i++
			return nil
		default:
			s.i++
		}
	}
	return nil
}

func (s *scanner) internalSubset() error {
	for s.i < len(s.in) {
		rest := s.in[s.i:]
		switch {
		case rest[0] == ']':
			s.i++
			return nil
		case bytes.HasPrefix(rest, []byte("<!--")):
			s.i += 4
			s.skipPast("-->")
		case bytes.HasPrefix(rest, []byte("<?")):
			s.i += 2
			s.skipPast("?>")
		case bytes.HasPrefix(rest, []byte("<!ENTITY")):
			if err := s.entityDecl(); err != nil {
				return err
			}
		case bytes.HasPrefix(rest, []byte("<!")):
			s.skipDecl()
		default:
			s.i++
		}
	}
	return nil
}

// skipDecl skips a markup declaration, respecting quoted literals.
func (s *scanner) skipDecl() {
	var quote byte
	for s.i < len(s.in) {
		c := s.in[s.i]
		s.i++
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return
		}
	}
}

func (s *scanner) skipSpace() {
	for s.i < len(s.in) {
		switch s.in[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) entityDecl() error {
	declStart := s.i
	s.i += len("<!ENTITY")
	s.skipSpace()
	param := false
	if s.i < len(s.in) && s.in[s.i] == '%' {
		param = true
		s.i++
		s.skipSpace()
	}
	name := s.name()
	s.skipSpace()
	if s.i >= len(s.in) {
		return nil
	}
	c := s.in[s.i]
	if c != '"' && c != '\'' {
		// SYSTEM or PUBLIC: an external entity, never fetched.
		s.i = declStart
		s.skipDecl()
		if param {
			return nil
		}
		return fmt.Errorf("%w: external entity %q", ErrEntity, name)
	}
	s.i++
	j := bytes.IndexByte(s.in[s.i:], c)
	if j < 0 {
		return fmt.Errorf("%w: unterminated entity %q", ErrEntity, name)
	}
	value := string(s.in[s.i : s.i+j])
	s.i += j + 1
	s.skipDecl()
	if param {
		return nil
	}
	if s.entities == nil {
		s.entities = map[string]string{}
	}
	if len(s.entities) >= s.lim.MaxEntities {
		return fmt.Errorf("%w: more than %d entity declarations", ErrEntity, s.lim.MaxEntities)
	}
	if err := checkEntityValue(name, value); err != nil {
		return err
	}
	if _, dup := s.entities[name]; !dup { // XML: the first declaration wins
		s.entities[name] = value
	}
	return nil
}

// checkEntityValue refuses entity values that reference other entities:
// only character references and XML's predefined entities may appear, so
// expansion is linear and cycles are impossible.
func checkEntityValue(name, v string) error {
	for {
		k := strings.IndexAny(v, "&%")
		if k < 0 {
			return nil
		}
		if v[k] == '%' {
			return fmt.Errorf("%w: entity %q refers to a parameter entity", ErrEntity, name)
		}
		end := strings.IndexByte(v[k:], ';')
		if end < 0 {
			return fmt.Errorf("%w: entity %q has a bare '&'", ErrEntity, name)
		}
		ref := v[k+1 : k+end]
		if !(strings.HasPrefix(ref, "#") && validCharRef(ref[1:])) && !predefined[ref] {
			return fmt.Errorf("%w: entity %q refers to entity %q", ErrEntity, name, ref)
		}
		v = v[k+end+1:]
	}
}
