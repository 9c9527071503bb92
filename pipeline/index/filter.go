package index

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFilterLength bounds a filter expression, in bytes.
const MaxFilterLength = 8 << 10

// maxFilterDepth bounds parentheses and NOT nesting.
const maxFilterDepth = 64

// Filter is a parsed filter expression; nil matches everything.
//
// The grammar is Meilisearch's (keywords are case-insensitive here):
//
//	expr      = and { "OR" and }
//	and       = not { "AND" not }
//	not       = "NOT" not | primary
//	primary   = "(" expr ")" | condition
//	condition = attr ( "=" | "!=" | ">" | ">=" | "<" | "<=" ) value
//	          | attr value "TO" value
//	          | attr [ "NOT" ] "IN" "[" [ value { "," value } [ "," ] ] "]"
//	          | attr [ "NOT" ] "EXISTS"
//	          | attr "IS" [ "NOT" ] ( "NULL" | "EMPTY" )
//	value     = word | "'" chars "'" | '"' chars '"'   (backslash escapes the quote)
type Filter interface {
	// String returns the canonical form: fully parenthesised, values quoted.
	String() string
	filterNode()
}

// Or matches documents matching any of its terms.
type Or struct{ Terms []Filter }

// And matches documents matching all of its terms.
type And struct{ Terms []Filter }

// Not matches documents not matching X (including those without the field).
type Not struct{ X Filter }

// Op is a comparison operator.
type Op string

// Comparison operators.
const (
	OpEq Op = "="
	OpNe Op = "!="
	OpGt Op = ">"
	OpGe Op = ">="
	OpLt Op = "<"
	OpLe Op = "<="
)

// Value is a literal of a filter expression.
type Value struct {
	Text   string
	Quoted bool
	// Pos is the byte offset of the value in the expression.
	Pos int
}

// Compare is attr OP value.
type Compare struct {
	Field    string
	FieldPos int
	Op       Op
	Value    Value
}

// Range is attr from TO to, both ends included.
type Range struct {
	Field    string
	FieldPos int
	From, To Value
}

// In is attr IN [values].
type In struct {
	Field    string
	FieldPos int
	Values   []Value
}

// Exists is attr EXISTS: the document has the attribute, even null or empty.
type Exists struct {
	Field    string
	FieldPos int
}

// IsNull is attr IS NULL: the attribute is present with the value null.
type IsNull struct {
	Field    string
	FieldPos int
}

// IsEmpty is attr IS EMPTY: the attribute is "", [] or {}.
type IsEmpty struct {
	Field    string
	FieldPos int
}

func (Or) filterNode()      {}
func (And) filterNode()     {}
func (Not) filterNode()     {}
func (Compare) filterNode() {}
func (Range) filterNode()   {}
func (In) filterNode()      {}
func (Exists) filterNode()  {}
func (IsNull) filterNode()  {}
func (IsEmpty) filterNode() {}

func joinFilters(terms []Filter, sep string) string {
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = t.String()
	}
	return "(" + strings.Join(parts, sep) + ")"
}

// String implements Filter.
func (f Or) String() string { return joinFilters(f.Terms, " OR ") }

// String implements Filter.
func (f And) String() string { return joinFilters(f.Terms, " AND ") }

// String implements Filter.
func (f Not) String() string { return "NOT " + f.X.String() }

// String implements Filter.
func (f Compare) String() string {
	return quoteAttr(f.Field) + " " + string(f.Op) + " " + f.Value.String()
}

// String implements Filter.
func (f Range) String() string {
	return quoteAttr(f.Field) + " " + f.From.String() + " TO " + f.To.String()
}

// String implements Filter.
func (f In) String() string {
	vals := make([]string, len(f.Values))
	for i, v := range f.Values {
		vals[i] = v.String()
	}
	return quoteAttr(f.Field) + " IN [" + strings.Join(vals, ", ") + "]"
}

// String implements Filter.
func (f Exists) String() string { return quoteAttr(f.Field) + " EXISTS" }

// String implements Filter.
func (f IsNull) String() string { return quoteAttr(f.Field) + " IS NULL" }

// String implements Filter.
func (f IsEmpty) String() string { return quoteAttr(f.Field) + " IS EMPTY" }

// String returns the value double-quoted with \" and \\ escaped, which
// Meilisearch reads back as the same literal.
func (v Value) String() string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range v.Text {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

func quoteAttr(a string) string {
	if a == "" {
		return `""`
	}
	for _, r := range a {
		if !isWordRune(r) {
			return Value{Text: a}.String()
		}
	}
	if isKeyword(a) {
		return Value{Text: a}.String()
	}
	return a
}

// ErrInvalidQuery matches every error Search returns for a query the caller
// got wrong: a *FilterError (syntax, unknown or non-filterable attribute,
// value of the wrong type), a sort key, facet or highlight field that is not
// declared so, a negative offset. Map it to 400 Bad Request.
var ErrInvalidQuery = errors.New("index: invalid query")

// FilterError is an error in a filter expression: its syntax, or an
// attribute that is not filterable, or a value of the wrong type.
type FilterError struct {
	// Offset is the byte offset of the error; Column is 1-based, in runes.
	Offset, Column int
	Msg            string
}

// Error implements error.
func (e *FilterError) Error() string {
	return fmt.Sprintf("index: filter: column %d: %s", e.Column, e.Msg)
}

// Is makes a FilterError match ErrInvalidQuery.
func (e *FilterError) Is(target error) bool { return target == ErrInvalidQuery }

// tokens

type tokKind int

const (
	tkEOF tokKind = iota
	tkWord
	tkString
	tkLParen
	tkRParen
	tkLBrack
	tkRBrack
	tkComma
	tkOp
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func isWordRune(r rune) bool {
	if unicode.IsSpace(r) {
		return false
	}
	switch r {
	case '(', ')', '[', ']', ',', '=', '!', '<', '>', '"', '\'':
		return false
	}
	return true
}

var keywords = map[string]bool{"AND": true, "OR": true, "NOT": true, "TO": true, "IN": true, "EXISTS": true, "IS": true, "NULL": true, "EMPTY": true}

func isKeyword(s string) bool { return keywords[strings.ToUpper(s)] }

type lexer struct {
	src string
	pos int
}

func (l *lexer) errAt(pos int, format string, args ...any) *FilterError {
	return &FilterError{Offset: pos, Column: utf8.RuneCountInString(l.src[:pos]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func (l *lexer) next() (token, error) {
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tkEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	switch c {
	case '(':
		l.pos++
		return token{tkLParen, "(", start}, nil
	case ')':
		l.pos++
		return token{tkRParen, ")", start}, nil
	case '[':
		l.pos++
		return token{tkLBrack, "[", start}, nil
	case ']':
		l.pos++
		return token{tkRBrack, "]", start}, nil
	case ',':
		l.pos++
		return token{tkComma, ",", start}, nil
	case '=':
		l.pos++
		return token{tkOp, "=", start}, nil
	case '!':
		if strings.HasPrefix(l.src[l.pos:], "!=") {
			l.pos += 2
			return token{tkOp, "!=", start}, nil
		}
		return token{}, l.errAt(start, "unexpected %q (did you mean \"!=\"?)", "!")
	case '<', '>':
		l.pos++
		if l.pos < len(l.src) && l.src[l.pos] == '=' {
			l.pos++
		}
		return token{tkOp, l.src[start:l.pos], start}, nil
	case '"', '\'':
		quote := c
		l.pos++
		var b strings.Builder
		for l.pos < len(l.src) {
			ch := l.src[l.pos]
			if ch == '\\' && l.pos+1 < len(l.src) && (l.src[l.pos+1] == quote || l.src[l.pos+1] == '\\') {
				b.WriteByte(l.src[l.pos+1])
				l.pos += 2
				continue
			}
			if ch == quote {
				l.pos++
				return token{tkString, b.String(), start}, nil
			}
			b.WriteByte(ch)
			l.pos++
		}
		return token{}, l.errAt(start, "unterminated quoted value")
	}
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if r == utf8.RuneError && n == 1 {
			return token{}, l.errAt(l.pos, "invalid UTF-8")
		}
		if !isWordRune(r) {
			break
		}
		l.pos += n
	}
	return token{tkWord, l.src[start:l.pos], start}, nil
}

type parser struct {
	lex   lexer
	tok   token
	depth int
}

// ParseFilter parses a filter expression in Meilisearch's syntax. An empty
// or blank expression gives a nil Filter. Errors are *FilterError and name
// the column.
func ParseFilter(s string) (Filter, error) {
	if len(s) > MaxFilterLength {
		return nil, &FilterError{Column: 1, Msg: fmt.Sprintf("expression longer than %d bytes", MaxFilterLength)}
	}
	if !utf8.ValidString(s) {
		return nil, &FilterError{Column: 1, Msg: "invalid UTF-8"}
	}
	p := &parser{lex: lexer{src: s}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tkEOF {
		return nil, nil
	}
	f, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tkEOF {
		return nil, p.unexpected("AND, OR or the end of the expression")
	}
	return f, nil
}

func (p *parser) advance() error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *parser) isKw(kw string) bool {
	return p.tok.kind == tkWord && strings.EqualFold(p.tok.text, kw)
}

func (p *parser) unexpected(want string) error {
	if p.tok.kind == tkEOF {
		return p.lex.errAt(p.tok.pos, "expected %s, found the end of the expression", want)
	}
	return p.lex.errAt(p.tok.pos, "expected %s, found %q", want, p.tok.text)
}

func (p *parser) parseOr() (Filter, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	terms := []Filter{left}
	for p.isKw("OR") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		terms = append(terms, right)
	}
	if len(terms) == 1 {
		return left, nil
	}
	return Or{Terms: terms}, nil
}

func (p *parser) parseAnd() (Filter, error) {
	left, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	terms := []Filter{left}
	for p.isKw("AND") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		terms = append(terms, right)
	}
	if len(terms) == 1 {
		return left, nil
	}
	return And{Terms: terms}, nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxFilterDepth {
		return p.lex.errAt(p.tok.pos, "expression nested deeper than %d", maxFilterDepth)
	}
	return nil
}

func (p *parser) parseNot() (Filter, error) {
	if p.isKw("NOT") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		return Not{X: x}, nil
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() (Filter, error) {
	if p.tok.kind == tkLParen {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		open := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		f, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tkRParen {
			if p.tok.kind == tkEOF {
				return nil, p.lex.errAt(open, "unclosed parenthesis")
			}
			return nil, p.unexpected(`")"`)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return f, nil
	}
	return p.parseCondition()
}

// value reads a word or a quoted string.
func (p *parser) value(what string) (Value, error) {
	switch p.tok.kind {
	case tkWord:
		if isKeyword(p.tok.text) {
			return Value{}, p.lex.errAt(p.tok.pos, "expected %s, found the keyword %q (quote it to use it as a value)", what, p.tok.text)
		}
		v := Value{Text: p.tok.text, Pos: p.tok.pos}
		return v, p.advance()
	case tkString:
		v := Value{Text: p.tok.text, Quoted: true, Pos: p.tok.pos}
		return v, p.advance()
	}
	return Value{}, p.unexpected(what)
}

func (p *parser) parseCondition() (Filter, error) {
	attr, err := p.value("an attribute name")
	if err != nil {
		return nil, err
	}
	field, fpos := attr.Text, attr.Pos
	if field == "" {
		return nil, p.lex.errAt(fpos, "expected an attribute name, found an empty string")
	}
	switch {
	case p.tok.kind == tkOp:
		op := Op(p.tok.text)
		if err := p.advance(); err != nil {
			return nil, err
		}
		v, err := p.value(fmt.Sprintf("a value after %q", op))
		if err != nil {
			return nil, err
		}
		return Compare{Field: field, FieldPos: fpos, Op: op, Value: v}, nil
	case p.isKw("EXISTS"):
		return Exists{Field: field, FieldPos: fpos}, p.advance()
	case p.isKw("IN"):
		return p.parseIn(field, fpos)
	case p.isKw("NOT"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		switch {
		case p.isKw("EXISTS"):
			return Not{X: Exists{Field: field, FieldPos: fpos}}, p.advance()
		case p.isKw("IN"):
			in, err := p.parseIn(field, fpos)
			if err != nil {
				return nil, err
			}
			return Not{X: in}, nil
		}
		if p.tok.kind == tkWord && (strings.EqualFold(p.tok.text, "CONTAINS") || strings.EqualFold(p.tok.text, "STARTS_WITH")) {
			return nil, p.lex.errAt(p.tok.pos, "operator NOT %s is not supported (experimental in Meilisearch)", strings.ToUpper(p.tok.text))
		}
		return nil, p.unexpected("EXISTS or IN after NOT")
	case p.isKw("IS"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		neg := false
		if p.isKw("NOT") {
			neg = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		var f Filter
		switch {
		case p.isKw("NULL"):
			f = IsNull{Field: field, FieldPos: fpos}
		case p.isKw("EMPTY"):
			f = IsEmpty{Field: field, FieldPos: fpos}
		default:
			return nil, p.unexpected("NULL or EMPTY")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		if neg {
			f = Not{X: f}
		}
		return f, nil
	case p.tok.kind == tkWord && (strings.EqualFold(p.tok.text, "CONTAINS") || strings.EqualFold(p.tok.text, "STARTS_WITH")):
		return nil, p.lex.errAt(p.tok.pos, "operator %s is not supported (experimental in Meilisearch)", strings.ToUpper(p.tok.text))
	case p.tok.kind == tkWord || p.tok.kind == tkString:
		from, err := p.value("a value")
		if err != nil {
			return nil, err
		}
		if !p.isKw("TO") {
			return nil, p.unexpected("TO")
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		to, err := p.value(`a value after "TO"`)
		if err != nil {
			return nil, err
		}
		return Range{Field: field, FieldPos: fpos, From: from, To: to}, nil
	}
	return nil, p.unexpected(fmt.Sprintf("an operator after %s (=, !=, >, >=, <, <=, TO, IN, EXISTS, IS)", strconv.Quote(field)))
}

func (p *parser) parseIn(field string, fpos int) (Filter, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tkLBrack {
		return nil, p.unexpected(`"[" after IN`)
	}
	open := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	in := In{Field: field, FieldPos: fpos}
	for p.tok.kind != tkRBrack {
		if p.tok.kind == tkEOF {
			return nil, p.lex.errAt(open, "unclosed \"[\"")
		}
		v, err := p.value(`a value or "]"`)
		if err != nil {
			return nil, err
		}
		in.Values = append(in.Values, v)
		if p.tok.kind == tkComma {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		if p.tok.kind == tkEOF {
			return nil, p.lex.errAt(open, "unclosed \"[\"")
		}
		if p.tok.kind != tkRBrack {
			return nil, p.unexpected(`"," or "]"`)
		}
	}
	return in, p.advance()
}
