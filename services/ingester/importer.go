package ingester

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"vigie/claims"
	"vigie/pipeline/bus"
)

// Import formats.
const (
	FormatJSONL = "jsonl"
	FormatCSV   = "csv"
)

// DefaultImportSource is the source id of imported items when none is given.
const DefaultImportSource = "import"

// MaxImportLineBytes bounds one JSONL line or one CSV record; a longer one
// is reported as a line error, never truncated.
const MaxImportLineBytes = 1 << 20

// MaxImportTextChars bounds the text of one imported item, in characters.
const MaxImportTextChars = 200_000

// ErrImportFormat is returned for a format other than jsonl or csv, and for
// a CSV file whose header lacks the text column.
var ErrImportFormat = errors.New("unsupported import format")

// errLineTooLong is the line error of a record over MaxImportLineBytes.
var errLineTooLong = fmt.Errorf("record longer than %d bytes", MaxImportLineBytes)

// Stats counts the outcome of an import.
type Stats struct {
	// Records is how many records (non-blank lines, CSV rows) were read.
	Records int
	// Published is how many items were new and published.
	Published int
	// Known is how many items were already published before.
	Known int
	// Failed is how many records were refused (each reported with its line).
	Failed int
}

// ImportRecord is one record of an import file, as given.
type ImportRecord struct {
	// ID is the record's own id (a string or a number); optional.
	ID flexID `json:"id"`
	// Title is the item's title; optional.
	Title string `json:"title"`
	// Text is the item's plain text; required.
	Text string `json:"text"`
	// URL is an absolute http(s) link, canonicalised; optional.
	URL string `json:"url"`
	// Language is a BCP 47 tag; optional.
	Language string `json:"language"`
	// Localities are codes like PT-1312: a JSON list, or one string of codes
	// separated by ';', ',' or spaces (the only form in CSV).
	Localities localityList `json:"localities"`
	// Published is an RFC 3339 time or a YYYY-MM-DD date; optional.
	Published string `json:"published"`
}

// flexID accepts an id written as a JSON string or number.
type flexID string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &FieldError{Field: "id", Msg: "must be a string or a number"}
	}
	*f = flexID(n.String())
	return nil
}

// localityList accepts a JSON list of codes or one string of codes
// separated by ';', ',' or spaces.
type localityList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *localityList) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*l = list
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &FieldError{Field: "localities", Msg: "must be a list of locality codes or a string of them"}
	}
	*l = splitLocalities(s)
	return nil
}

func splitLocalities(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' })
}

// ImportItems reads items from r (format "jsonl": one JSON object per line;
// "csv": a header row naming the columns, then one item per row) and
// publishes each once as an item of kind import from sourceID. Fields are
// id, title, text (required), url, language, localities and published
// (RFC 3339 or YYYY-MM-DD). The item id is a hash of sourceID and the given
// id, else of the canonical url, else of the text, so that importing a file
// again publishes nothing new.
//
// A bad record is reported to report with its line number (1-based, the
// header being line 1 of a CSV file) and the import goes on. progress gets
// the records done and the total (-1 when r cannot be rewound to count
// them first). The error returned stops the import: an unreadable input,
// an unknown format, a CSV header without text, a cancelled ctx or a
// failure to publish (importing again after fixing it is safe).
func ImportItems(ctx context.Context, svc *Service, r io.Reader, format string, sourceID string,
	progress func(done, total int), report func(line int, err error)) (Stats, error) {
	if sourceID == "" {
		sourceID = DefaultImportSource
	}
	if !bus.TokenPattern.MatchString(sourceID) {
		return Stats{}, fmt.Errorf("import items: source id %q: use lower-case letters, digits, '-' and '_'", sourceID)
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	if report == nil {
		report = func(int, error) {}
	}
	format = strings.ToLower(strings.TrimPrefix(format, "."))
	if format != FormatJSONL && format != FormatCSV {
		return Stats{}, fmt.Errorf("import items: %w: %q (want jsonl or csv)", ErrImportFormat, format)
	}
	total := -1
	if rs, ok := r.(io.ReadSeeker); ok {
		if n, err := countRecords(rs, format); err == nil {
			total = n
		}
		if _, err := rs.Seek(0, io.SeekStart); err != nil {
			return Stats{}, fmt.Errorf("import items: rewind input: %w", err)
		}
	}
	var st Stats
	imported := time.Now().UTC()
	handle := func(line int, rec ImportRecord, rerr error) error {
		st.Records++
		defer func() { progress(st.Records, total) }()
		if rerr != nil {
			st.Failed++
			report(line, rerr)
			return nil
		}
		it, err := importItem(sourceID, rec, imported)
		if err != nil {
			st.Failed++
			report(line, err)
			return nil
		}
		isNew, err := svc.Publish(ctx, it)
		if err != nil {
			return fmt.Errorf("import items: line %d: %w", line, err)
		}
		if isNew {
			st.Published++
		} else {
			st.Known++
		}
		return nil
	}
	var err error
	if format == FormatJSONL {
		err = readJSONL(ctx, r, handle)
	} else {
		err = readCSV(ctx, r, handle)
	}
	return st, err
}

// readJSONL calls handle for every non-blank line of r.
func readJSONL(ctx context.Context, r io.Reader, handle func(int, ImportRecord, error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("import items: %w", err)
		}
		b, err := readLine(br)
		if len(bytes.TrimSpace(b)) > 0 || errors.Is(err, errLineTooLong) {
			var rec ImportRecord
			var rerr error = errLineTooLong
			if !errors.Is(err, errLineTooLong) {
				if line == 1 {
					b = bytes.TrimPrefix(b, []byte("\uFEFF"))
				}
				rerr = ParseImportLine(b, &rec)
			}
			if herr := handle(line, rec, rerr); herr != nil {
				return herr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			return fmt.Errorf("import items: read line %d: %w", line, err)
		}
	}
}

// readLine returns the next line of br without its end of line. A line over
// MaxImportLineBytes is consumed and reported as errLineTooLong; io.EOF
// comes with the last line.
func readLine(br *bufio.Reader) ([]byte, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > MaxImportLineBytes+2 {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return nil, err
		}
		if tooLong {
			if err == nil {
				return nil, errLineTooLong
			}
			return nil, errors.Join(errLineTooLong, io.EOF)
		}
		buf = bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		if len(buf) > MaxImportLineBytes {
			if err == nil {
				return nil, errLineTooLong
			}
			return nil, errors.Join(errLineTooLong, io.EOF)
		}
		return buf, err
	}
}

// ParseImportLine decodes one JSONL record; unknown fields are ignored.
func ParseImportLine(b []byte, rec *ImportRecord) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(rec); err != nil {
		return jsonFieldError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &FieldError{Msg: "invalid JSON: data after the object"}
	}
	return nil
}

// importColumns are the CSV columns read; others are ignored.
var importColumns = map[string]bool{"id": true, "title": true, "text": true, "url": true, "language": true, "localities": true, "published": true}

// readCSV calls handle for every row after the header.
func readCSV(ctx context.Context, r io.Reader, handle func(int, ImportRecord, error) error) error {
	cr := csv.NewReader(&capReader{r: r})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("import items: csv header: %w", err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if importColumns[h] {
			if _, dup := cols[h]; dup {
				return fmt.Errorf("import items: csv header: column %q twice", h)
			}
			cols[h] = i
		}
	}
	if _, ok := cols["text"]; !ok {
		return fmt.Errorf("import items: csv header %q: %w: no text column", strings.Join(header, ","), ErrImportFormat)
	}
	get := func(row []string, name string) string {
		if i, ok := cols[name]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("import items: %w", err)
		}
		before := cr.InputOffset()
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var line int
		var rec ImportRecord
		var rerr error
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			line = pe.StartLine
			rerr = &FieldError{Msg: "invalid CSV: " + pe.Err.Error()}
			if cr.InputOffset() == before {
				return fmt.Errorf("import items: csv line %d: %w", line, err)
			}
		case errors.Is(err, errLineTooLong):
			return fmt.Errorf("import items: csv record at byte %d: %w", before, err)
		case err != nil:
			return fmt.Errorf("import items: read csv: %w", err)
		default:
			line, _ = cr.FieldPos(0)
			rec = ImportRecord{
				ID: flexID(get(row, "id")), Title: get(row, "title"), Text: get(row, "text"), URL: get(row, "url"),
				Language: get(row, "language"), Localities: splitLocalities(get(row, "localities")), Published: get(row, "published"),
			}
		}
		if herr := handle(line, rec, rerr); herr != nil {
			return herr
		}
	}
}

// capReader fails a CSV read when a single record's line grows past
// MaxImportLineBytes without a newline, so that a huge quoted field cannot
// take all the memory.
type capReader struct {
	r       io.Reader
	sinceNL int
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for _, b := range p[:n] {
		if b == '\n' {
			c.sinceNL = 0
		} else {
			c.sinceNL++
		}
	}
	if c.sinceNL > MaxImportLineBytes {
		return n, errLineTooLong
	}
	return n, err
}

// countRecords counts the records of a seekable input for the progress total.
func countRecords(r io.Reader, format string) (int, error) {
	if format == FormatCSV {
		cr := csv.NewReader(&capReader{r: r})
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		n := -1 // the header
		for {
			_, err := cr.Read()
			if errors.Is(err, io.EOF) {
				return max(n, 0), nil
			}
			var pe *csv.ParseError
			if err != nil && !errors.As(err, &pe) {
				return 0, err
			}
			n++
		}
	}
	br := bufio.NewReaderSize(r, 64<<10)
	n := 0
	for {
		b, err := readLine(br)
		if len(bytes.TrimSpace(b)) > 0 || errors.Is(err, errLineTooLong) {
			n++
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil && !errors.Is(err, errLineTooLong) {
			return 0, err
		}
	}
}

// importItem validates a record and maps it to an item of sourceID.
func importItem(sourceID string, rec ImportRecord, imported time.Time) (claims.Item, error) {
	text, ferr := checkText("text", rec.Text, MaxImportTextChars)
	if ferr != nil {
		return claims.Item{}, ferr
	}
	it := claims.Item{
		SourceID:   sourceID,
		SourceName: sourceID,
		Kind:       claims.SourceImport,
		Title:      strings.TrimSpace(rec.Title),
		Text:       text,
		Fetched:    imported,
		GUID:       strings.TrimSpace(string(rec.ID)),
	}
	if it.URL, ferr = checkURL("url", rec.URL); ferr != nil {
		return claims.Item{}, ferr
	}
	if it.Language, ferr = checkLanguage("language", rec.Language); ferr != nil {
		return claims.Item{}, ferr
	}
	seen := map[string]bool{}
	for _, l := range rec.Localities {
		code, ferr := checkLocality("localities", l)
		if ferr != nil {
			return claims.Item{}, &FieldError{Field: "localities", Msg: fmt.Sprintf("%q: %s", l, ferr.Msg)}
		}
		if code != "" && !seen[code] {
			seen[code] = true
			it.Localities = append(it.Localities, code)
		}
	}
	if p := strings.TrimSpace(rec.Published); p != "" {
		t, err := parsePublished(p)
		if err != nil {
			return claims.Item{}, &FieldError{Field: "published", Msg: "must be an RFC 3339 time or a YYYY-MM-DD date"}
		}
		it.Published = t
	}
	switch {
	case it.GUID != "":
		it.ID = ItemID(sourceID, it.GUID, "")
	case it.URL != "":
		it.ID = ItemID(sourceID, "", it.URL)
	default:
		h := sha256.Sum256([]byte(text))
		it.ID = ItemID(sourceID, "text:"+hex.EncodeToString(h[:]), "")
	}
	return it, nil
}

func parsePublished(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1 || t.Year() > 9999 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("parse published %q: not a known time format", s)
}
