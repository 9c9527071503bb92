package claimreview

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"vigie/claims"
)

// MaxInput bounds the bytes read from one import source.
const MaxInput = 256 << 20

// ErrTooLarge is returned when an input exceeds MaxInput.
var ErrTooLarge = errors.New("input too large")

// Format is an input format.
type Format string

// The formats Import recognises.
const (
	FormatJSONLD Format = "claimreview-jsonld"
	FormatAPI    Format = "factcheck-api"
	FormatTSV    Format = "tsv"
	FormatCSV    Format = "csv"
)

// RecordError is the error of one record, by position in the input.
type RecordError struct {
	Record int // 1-based record number (line for TSV/CSV, object for JSON)
	Err    string
}

// Report counts the outcome of an import.
type Report struct {
	Format   Format
	Records  int                   // records read
	Imported int                   // fact-checks produced
	Skipped  int                   // records without claim text
	Ratings  map[claims.Rating]int // imported fact-checks per normalised rating
	// UnknownRatings counts the verbatim textual ratings that were not
	// recognised (marked unknown), by text.
	UnknownRatings map[string]int
	Errors         []RecordError
}

func newReport(f Format) *Report {
	return &Report{Format: f, Ratings: map[claims.Rating]int{}, UnknownRatings: map[string]int{}}
}

func (r *Report) add(fc claims.FactCheck) {
	r.Imported++
	r.Ratings[fc.Rating]++
	if fc.Rating == claims.RatingUnknown && fc.TextualRating != "" {
		r.UnknownRatings[fc.TextualRating]++
	}
}

// Import detects the format of r from a bounded peek and imports it.
// Per-record problems are reported in Report.Errors, not returned; the error
// is for unreadable or undecodable input.
func Import(r io.Reader) ([]claims.FactCheck, *Report, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, nil, fmt.Errorf("import fact-checks: %w", err)
	}
	if len(b) > MaxInput {
		return nil, nil, fmt.Errorf("import fact-checks: %w (limit %d bytes)", ErrTooLarge, MaxInput)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	trim := bytes.TrimLeft(b, " \t\r\n")
	if len(trim) > 0 && (trim[0] == '{' || trim[0] == '[') {
		var v any
		if err := json.Unmarshal(trim, &v); err != nil {
			return nil, nil, fmt.Errorf("import fact-checks: decode json: %w", err)
		}
		if isAPI(v) {
			fcs, rep := fromAPI(v)
			return fcs, rep, nil
		}
		fcs, rep := fromJSONLD(v)
		return fcs, rep, nil
	}
	first, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(first, []byte("\t")) >= bytes.Count(first, []byte(",")) && bytes.Contains(first, []byte("\t")) {
		fcs, rep, err := fromTable(b, '\t', FormatTSV)
		return fcs, rep, err
	}
	fcs, rep, err := fromTable(b, ',', FormatCSV)
	return fcs, rep, err
}

// FactCheckID returns the stable id of a fact-check: a hash of the review
// URL and the claim text (one review may check several claims).
func FactCheckID(url, claim string) string {
	h := sha256.Sum256([]byte(strings.TrimSpace(url) + "\x00" + strings.TrimSpace(claim)))
	return "fc-" + hex.EncodeToString(h[:12])
}

// --- JSON helpers over decoded any values ---

func str(v any) string {
	switch x := v.(type) {
	case string:
		return strings.TrimSpace(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case map[string]any:
		for _, k := range []string{"name", "@value", "url", "@id"} {
			if s := str(x[k]); s != "" {
				return s
			}
		}
	case []any:
		for _, e := range x {
			if s := str(e); s != "" {
				return s
			}
		}
	}
	return ""
}

func num(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

func obj(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		return x
	case []any:
		for _, e := range x {
			if m, ok := e.(map[string]any); ok {
				return m
			}
		}
	}
	return nil
}

func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, l := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "02/01/2006"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

func hasType(m map[string]any, want string) bool {
	switch t := m["@type"].(type) {
	case string:
		return strings.EqualFold(t, want) || strings.EqualFold(strings.TrimPrefix(t, "schema:"), want)
	case []any:
		for _, e := range t {
			if s, ok := e.(string); ok && strings.EqualFold(s, want) {
				return true
			}
		}
	}
	return false
}

// --- ClaimReview JSON-LD ---

// collectReviews walks any JSON-LD value (object, array, @graph, nesting)
// and returns every ClaimReview object, in document order.
func collectReviews(v any, out *[]map[string]any, depth int) {
	if depth > 32 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectReviews(e, out, depth+1)
		}
	case map[string]any:
		if hasType(x, "ClaimReview") || (x["claimReviewed"] != nil && x["@type"] == nil) {
			*out = append(*out, x)
			return
		}
		for _, k := range []string{"@graph", "mainEntity", "review", "itemListElement", "item", "hasPart"} {
			if e, ok := x[k]; ok {
				collectReviews(e, out, depth+1)
			}
		}
	}
}

func fromJSONLD(v any) ([]claims.FactCheck, *Report) {
	rep := newReport(FormatJSONLD)
	var reviews []map[string]any
	collectReviews(v, &reviews, 0)
	var out []claims.FactCheck
	for i, m := range reviews {
		rep.Records++
		fc, err := reviewToFactCheck(m)
		if err != nil {
			rep.Skipped++
			rep.Errors = append(rep.Errors, RecordError{Record: i + 1, Err: err.Error()})
			continue
		}
		rep.add(fc)
		out = append(out, fc)
	}
	return out, rep
}

func reviewToFactCheck(m map[string]any) (claims.FactCheck, error) {
	item := obj(m["itemReviewed"])
	text := str(m["claimReviewed"])
	if text == "" && item != nil {
		text = firstNonEmpty(str(item["text"]), str(item["name"]), str(item["headline"]))
	}
	if text == "" {
		return claims.FactCheck{}, errors.New("claim review has no claimReviewed text")
	}
	fc := claims.FactCheck{
		Text:      text,
		Title:     firstNonEmpty(str(m["name"]), str(m["headline"])),
		URL:       str(m["url"]),
		Publisher: str(m["author"]),
		Language:  firstNonEmpty(str(m["inLanguage"]), str(obj(m["inLanguage"])["alternateName"])),
		Date:      parseDate(str(m["datePublished"])),
	}
	if a := obj(m["author"]); a != nil && fc.Publisher == "" {
		fc.Publisher = firstNonEmpty(str(a["name"]), str(a["url"]))
	}
	if item != nil {
		fc.Claimant = str(item["author"])
		if fc.Claimant == "" {
			if p := obj(item["isPartOf"]); p != nil {
				fc.Claimant = str(p["author"])
			}
		}
		if d := parseDate(str(item["datePublished"])); !d.IsZero() && fc.Date.IsZero() {
			fc.Date = d
		}
	}
	rr := obj(m["reviewRating"])
	var n Numeric
	if rr != nil {
		fc.TextualRating = firstNonEmpty(str(rr["alternateName"]), str(rr["ratingExplanation"]), str(rr["name"]))
		if v, ok := num(rr["ratingValue"]); ok {
			n.Value, n.Set = v, true
			n.Best, _ = num(rr["bestRating"])
			n.Worst, _ = num(rr["worstRating"])
		}
	}
	fc.Rating = Normalize(fc.TextualRating, n)
	fc.ID = FactCheckID(fc.URL, fc.Text)
	return fc, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// --- Google Fact Check Tools API ---

func isAPI(v any) bool {
	if m, ok := v.(map[string]any); ok {
		if _, ok := m["claims"]; ok {
			return true
		}
		_, ok := m["claimReview"]
		return ok
	}
	if a, ok := v.([]any); ok {
		for _, e := range a {
			if m, ok := e.(map[string]any); ok {
				_, has := m["claimReview"]
				return has
			}
		}
	}
	return false
}

func fromAPI(v any) ([]claims.FactCheck, *Report) {
	rep := newReport(FormatAPI)
	var list []any
	switch x := v.(type) {
	case map[string]any:
		if c, ok := x["claims"].([]any); ok {
			list = c
		} else {
			list = []any{x}
		}
	case []any:
		list = x
	}
	var out []claims.FactCheck
	for i, e := range list {
		rep.Records++
		c, ok := e.(map[string]any)
		if !ok {
			rep.Skipped++
			rep.Errors = append(rep.Errors, RecordError{Record: i + 1, Err: "claim is not an object"})
			continue
		}
		text := str(c["text"])
		reviews, _ := c["claimReview"].([]any)
		if text == "" || len(reviews) == 0 {
			rep.Skipped++
			msg := "claim has no text"
			if text != "" {
				msg = "claim has no claimReview"
			}
			rep.Errors = append(rep.Errors, RecordError{Record: i + 1, Err: msg})
			continue
		}
		for _, re := range reviews {
			r, ok := re.(map[string]any)
			if !ok {
				continue
			}
			fc := claims.FactCheck{
				Text: text, Claimant: str(c["claimant"]), Title: str(r["title"]), URL: str(r["url"]),
				Publisher: str(r["publisher"]), Language: str(r["languageCode"]), TextualRating: str(r["textualRating"]),
				Date: parseDate(firstNonEmpty(str(r["reviewDate"]), str(c["claimDate"]))),
			}
			fc.Rating = Normalize(fc.TextualRating, Numeric{})
			fc.ID = FactCheckID(fc.URL, fc.Text)
			rep.add(fc)
			out = append(out, fc)
		}
	}
	return out, rep
}

// --- CSV / TSV ---

// column aliases, folded to lower case without spaces or underscores.
var columns = map[string][]string{
	"text":      {"claimreviewed", "claim", "text", "claimtext"},
	"title":     {"title", "headline", "name"},
	"url":       {"url", "reviewurl", "link"},
	"publisher": {"author", "publisher", "site"},
	"claimant":  {"claimant", "claimauthor", "itemreviewedauthor"},
	"date":      {"datepublished", "date", "reviewdate", "claimdate"},
	"value":     {"ratingvalue"},
	"best":      {"bestrating"},
	"worst":     {"worstrating"},
	"textual":   {"alternatename", "alternativename", "textualrating", "rating", "verdict"},
	"language":  {"language", "inlanguage", "languagecode", "lang"},
	"id":        {"id"},
}

func fromTable(b []byte, sep rune, f Format) ([]claims.FactCheck, *Report, error) {
	rep := newReport(f)
	var rows [][]string
	if sep == '\t' {
		// TSV: no quoting (as ../shared/datasets and FACTCK.BR)
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 64*1024), 8<<20)
		for sc.Scan() {
			rows = append(rows, strings.Split(strings.TrimRight(sc.Text(), "\r"), "\t"))
		}
		if err := sc.Err(); err != nil {
			return nil, nil, fmt.Errorf("import fact-checks: read tsv: %w", err)
		}
	} else {
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		all, err := r.ReadAll()
		if err != nil {
			return nil, nil, fmt.Errorf("import fact-checks: read csv: %w", err)
		}
		rows = all
	}
	if len(rows) == 0 {
		return nil, rep, fmt.Errorf("import fact-checks: empty %s", f)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		k := strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(h)))
		for name, aliases := range columns {
			for _, a := range aliases {
				if k == a {
					if _, seen := col[name]; !seen {
						col[name] = i
					}
				}
			}
		}
	}
	if _, ok := col["text"]; !ok {
		return nil, rep, fmt.Errorf("import fact-checks: %s header has no claim text column (claimReviewed, claim or text)", f)
	}
	var out []claims.FactCheck
	for i, row := range rows[1:] {
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		rep.Records++
		get := func(name string) string {
			if c, ok := col[name]; ok && c < len(row) {
				return strings.TrimSpace(row[c])
			}
			return ""
		}
		fc := claims.FactCheck{
			Text: get("text"), Title: get("title"), URL: get("url"), Publisher: get("publisher"),
			Claimant: get("claimant"), Language: get("language"), TextualRating: get("textual"),
			Date: parseDate(get("date")),
		}
		if fc.Text == "" {
			rep.Skipped++
			rep.Errors = append(rep.Errors, RecordError{Record: i + 2, Err: "no claim text"})
			continue
		}
		var n Numeric
		if v, ok := num(get("value")); ok {
			n.Value, n.Set = v, true
			n.Best, _ = num(get("best"))
			n.Worst, _ = num(get("worst"))
		}
		fc.Rating = Normalize(fc.TextualRating, n)
		fc.ID = get("id")
		if fc.ID == "" {
			fc.ID = FactCheckID(fc.URL, fc.Text)
		}
		rep.add(fc)
		out = append(out, fc)
	}
	return out, rep, nil
}
