package feed

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	gjson "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"

	"vigie/claims"
	"vigie/pipeline/link"
)

// Limits bounds a parse. Zero fields take the defaults.
type Limits struct {
	// MaxBytes caps the body, after gzip decompression and after entity
	// expansion (default 10 MiB).
	MaxBytes int64
	// MaxDepth caps element (or JSON) nesting (default 256).
	MaxDepth int
	// MaxEntities caps DOCTYPE entity declarations (default 64).
	MaxEntities int
	// MaxEntityExpansion caps the bytes produced by entity expansion
	// (default 64 KiB).
	MaxEntityExpansion int64
	// Timeout bounds the whole parse (default 10s); the caller's context
	// deadline applies too.
	Timeout time.Duration
}

// DefaultLimits are the limits used by Parse.
var DefaultLimits = Limits{
	MaxBytes:           10 << 20,
	MaxDepth:           256,
	MaxEntities:        64,
	MaxEntityExpansion: 64 << 10,
	Timeout:            10 * time.Second,
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxEntities <= 0 {
		l.MaxEntities = DefaultLimits.MaxEntities
	}
	if l.MaxEntityExpansion <= 0 {
		l.MaxEntityExpansion = DefaultLimits.MaxEntityExpansion
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultLimits.Timeout
	}
	return l
}

// Parser parses feeds within its Limits. The zero value uses DefaultLimits.
// It is safe for concurrent use.
type Parser struct {
	Limits Limits
}

// Parse parses body with DefaultLimits; see Parser.Parse.
func Parse(ctx context.Context, body []byte, contentType, feedURL string) (*Feed, error) {
	return (&Parser{}).Parse(ctx, body, contentType, feedURL)
}

// Parse parses an RSS, RDF, Atom or JSON Feed body. contentType is the HTTP
// Content-Type (its charset is one hint among others; "" is fine) and feedURL
// the URL the body came from, against which relative links are resolved.
// Errors wrap ErrEmpty, ErrTooLarge, ErrTooDeep, ErrEntity,
// ErrUnknownFormat, ErrSyntax or ErrTimeout (or the context's error when
// the caller cancelled).
func (p *Parser) Parse(ctx context.Context, body []byte, contentType, feedURL string) (*Feed, error) {
	lim := p.Limits.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	f, err := p.parse(ctx, body, contentType, feedURL, lim)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrTimeout) {
			err = fmt.Errorf("%w: %w", ErrTimeout, err)
		}
		return nil, fmt.Errorf("parse feed %q: %w", feedURL, err)
	}
	return f, nil
}

func (p *Parser) parse(ctx context.Context, body []byte, contentType, feedURL string, lim Limits) (*Feed, error) {
	if int64(len(body)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes over %d", ErrTooLarge, len(body), lim.MaxBytes)
	}
	if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		var err error
		if body, err = gunzip(body, lim.MaxBytes); err != nil {
			return nil, err
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ErrEmpty
	}
	text, enc := decodeToUTF8(body, contentType)
	trimmed := bytes.TrimLeft(text, " \t\r\n\uFEFF")
	if len(trimmed) == 0 {
		return nil, ErrEmpty
	}
	var clean []byte
	var itemLangs []string
	switch trimmed[0] {
	case '{':
		if err := checkJSONDepth(trimmed, lim.MaxDepth); err != nil {
			return nil, err
		}
		clean = trimmed
	case '<':
		var err error
		if clean, itemLangs, err = prescanXML(ctx, trimmed, lim); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%w: body starts with %q", ErrUnknownFormat, string(head(trimmed, 16)))
	}
	gf, err := runGofeed(ctx, clean)
	if err != nil {
		return nil, err
	}
	out, err := translate(ctx, gf, feedURL, itemLangs)
	if err != nil {
		return nil, err
	}
	out.Encoding = enc
	return out, nil
}

// gunzip decompresses a gzip body served without Content-Encoding, within
// the size cap.
func gunzip(body []byte, maxBytes int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%w: gzip: %w", ErrSyntax, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("%w: gzip: %w", ErrSyntax, err)
	}
	if int64(len(out)) > maxBytes {
		return nil, fmt.Errorf("%w: decompressed over %d bytes", ErrTooLarge, maxBytes)
	}
	return out, nil
}

// checkJSONDepth refuses JSON nested deeper than maxDepth, in one pass.
func checkJSONDepth(b []byte, maxDepth int) error {
	depth, inStr, esc := 0, false, false
	for _, c := range b {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxDepth)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// ctxReader stops a parse whose context is done at its next read.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	if len(p) > 32<<10 {
		p = p[:32<<10]
	}
	return c.r.Read(p)
}

// runGofeed parses clean input with gofeed, giving up when ctx is done. A
// panic inside gofeed becomes ErrSyntax.
func runGofeed(ctx context.Context, clean []byte) (*gofeed.Feed, error) {
	type result struct {
		f   *gofeed.Feed
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("%w: parser panic: %v", ErrSyntax, r)}
			}
		}()
		fp := gofeed.NewParser()
		fp.KeepOriginalFeed = true
		f, err := fp.Parse(ctxReader{ctx: ctx, r: bytes.NewReader(clean)})
		done <- result{f, err}
	}()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-done:
		switch {
		case r.err == nil:
			return r.f, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case errors.Is(r.err, gofeed.ErrFeedTypeNotDetected):
			return nil, fmt.Errorf("%w: %w", ErrUnknownFormat, r.err)
		case errors.Is(r.err, ErrSyntax):
			return nil, r.err
		default:
			return nil, fmt.Errorf("%w: %w", ErrSyntax, r.err)
		}
	}
}

// translate turns gofeed's universal feed into ours, checking ctx between
// entries (sanitizing is the costly part). itemLangs are the xml:lang
// attributes of the items found by the pre-scan, used when they line up
// one to one with gofeed's items.
func translate(ctx context.Context, gf *gofeed.Feed, feedURL string, itemLangs []string) (*Feed, error) {
	out := &Feed{
		Title:    plainText(gf.Title),
		Language: normalizeLanguage(gf.Language),
		Format:   gf.FeedType,
	}
	if out.Language == "" && gf.DublinCoreExt != nil && len(gf.DublinCoreExt.Language) > 0 {
		out.Language = normalizeLanguage(gf.DublinCoreExt.Language[0])
	}
	out.Link = resolveLink(feedURL, gf.Link)
	var itemLang func(i int) string
	if len(itemLangs) == len(gf.Items) {
		itemLang = func(i int) string { return itemLangs[i] }
	}
	switch orig := gf.OriginalFeed().(type) {
	case *rss.Feed:
		if n, err := strconv.Atoi(strings.TrimSpace(orig.TTL)); err == nil && n > 0 && n < 60*24*365 {
			out.TTL = time.Duration(n) * time.Minute
		}
	case *gjson.Feed:
		itemLang = func(i int) string {
			if i < len(orig.Items) {
				return orig.Items[i].Language
			}
			return ""
		}
	}
	base := feedURL
	if base == "" {
		base = out.Link
	}
	out.Entries = make([]Entry, 0, len(gf.Items))
	for i, it := range gf.Items {
		if it == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		e := Entry{Title: plainText(it.Title)}
		e.Link = resolveLink(base, it.Link)
		if e.Link == "" {
			for _, l := range it.Links {
				if e.Link = resolveLink(base, l); e.Link != "" {
					break
				}
			}
		}
		if e.Link == "" && strings.HasPrefix(strings.TrimSpace(it.GUID), "http") {
			// RSS: a guid is a permalink unless it says otherwise.
			e.Link = resolveLink(base, it.GUID)
		}
		raw := it.Content
		if strings.TrimSpace(raw) == "" {
			raw = it.Description
		}
		if strings.TrimSpace(raw) == "" {
			raw = html.EscapeString(mediaDescription(it))
		}
		e.ContentHTML = sanitizeHTML(raw, firstNonEmpty(e.Link, base))
		e.Text = plainText(e.ContentHTML)
		if it.DublinCoreExt != nil && len(it.DublinCoreExt.Language) > 0 {
			e.Language = normalizeLanguage(it.DublinCoreExt.Language[0])
		}
		if e.Language == "" && itemLang != nil {
			e.Language = normalizeLanguage(itemLang(i))
		}
		if e.Language == "" {
			e.Language = out.Language
		}
		e.Published = entryTime(it)
		e.Authors = authors(it)
		e.Categories = categories(it.Categories)
		e.GUID = strings.TrimSpace(it.GUID)
		if e.GUID == "" {
			e.GUID = e.Link
		}
		if e.GUID == "" {
			e.GUID = contentID(e)
		}
		out.Entries = append(out.Entries, e)
	}
	return out, nil
}

// mediaDescription returns the Media RSS description (media:group or
// media:description), the only text of YouTube and many podcast items.
func mediaDescription(it *gofeed.Item) string {
	media := it.Extensions["media"]
	if media == nil {
		return ""
	}
	for _, d := range media["description"] {
		if v := strings.TrimSpace(d.Value); v != "" {
			return v
		}
	}
	for _, g := range media["group"] {
		for _, d := range g.Children["description"] {
			if v := strings.TrimSpace(d.Value); v != "" {
				return v
			}
		}
	}
	return ""
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// resolveLink resolves ref against base and canonicalises it; "" when the
// result is not an http(s) URL.
func resolveLink(base, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	l, err := link.Resolve(base, ref)
	if err != nil {
		return ""
	}
	return l
}

// normalizeLanguage returns the canonical BCP 47 form of a language tag
// ("en-us" → "en-US", "spa" → "es", "pt_BR" → "pt-BR"), "" if invalid.
func normalizeLanguage(s string) string {
	if l, err := claims.ParseLanguage(s); err == nil {
		return l.String()
	}
	// Keep a recognisable primary subtag ("fr-xx-yy" → "fr").
	prefix, _, _ := strings.Cut(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"), "-")
	if l, err := claims.ParseLanguage(prefix); err == nil {
		return l.String()
	}
	return ""
}

// entryTime returns the published time, else the updated time, in UTC.
func entryTime(it *gofeed.Item) time.Time {
	for _, t := range []*time.Time{it.PublishedParsed, it.UpdatedParsed} {
		if t != nil && plausibleDate(*t) {
			return t.UTC()
		}
	}
	for _, s := range []string{it.Published, it.Updated} {
		if t, ok := parseLooseDate(s); ok {
			return t
		}
	}
	if it.DublinCoreExt != nil {
		for _, s := range it.DublinCoreExt.Date {
			if t, ok := parseLooseDate(s); ok {
				return t
			}
		}
	}
	return time.Time{}
}

func authors(it *gofeed.Item) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		s = plainText(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, a := range it.Authors {
		if a == nil {
			continue
		}
		if a.Name != "" {
			add(a.Name)
		} else {
			add(a.Email)
		}
	}
	if len(out) == 0 && it.DublinCoreExt != nil {
		for _, c := range it.DublinCoreExt.Creator {
			add(c)
		}
	}
	return out
}

func categories(cs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range cs {
		c = plainText(c)
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// ItemID returns a stable identifier for an entry of a source, suitable as
// a NATS message id and subject token: 32 lower-case hex digits derived
// from the source id and the entry's GUID (itself the canonical link or a
// content hash when the feed gives none). It does not change when the feed
// is re-fetched or re-ordered. Entries of different sources get different
// ids; link them as the same article by their canonical Link.
func ItemID(sourceID string, e Entry) string {
	h := sha256.Sum256([]byte(sourceID + "\x00" + e.GUID))
	return hex.EncodeToString(h[:16])
}

// contentID identifies an entry with neither GUID nor link by its content.
func contentID(e Entry) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s", e.Title, e.Published.Format(time.RFC3339), e.Text)
	return "urn:sha256:" + hex.EncodeToString(h.Sum(nil)[:16])
}
