package claims

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// maxTSVLine bounds one line of a TSV file.
const maxTSVLine = 1 << 20

// LoadTSV reads fact-checks from a TSV file with a header naming at least
// the columns id and text (title, and any of claimant, publisher, url,
// language, rating, textual_rating optional, in any order), unquoted, one
// record per line: the format of
// ../shared/datasets/claim-matching/checkthat2020-en/vclaims.tsv. The rating
// column must hold a normalised Rating; a textual_rating alone gives
// RatingUnknown (use claimreview.Normalize for textual ratings).
func LoadTSV(r io.Reader) ([]FactCheck, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxTSVLine)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("load tsv header: %w", err)
		}
		return nil, fmt.Errorf("load tsv: empty input")
	}
	col := map[string]int{}
	for i, h := range strings.Split(strings.TrimPrefix(strings.TrimRight(sc.Text(), "\r"), "\ufeff"), "\t") {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["id"]; !ok {
		return nil, fmt.Errorf("load tsv: header has no id column")
	}
	if _, ok := col["text"]; !ok {
		return nil, fmt.Errorf("load tsv: header has no text column")
	}
	var out []FactCheck
	line := 1
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" {
			continue
		}
		f := strings.Split(raw, "\t")
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(f) {
				return strings.TrimSpace(f[i])
			}
			return ""
		}
		fc := FactCheck{
			ID: get("id"), Text: get("text"), Title: get("title"), Claimant: get("claimant"),
			Publisher: get("publisher"), URL: get("url"), Language: get("language"),
			TextualRating: get("textual_rating"), Rating: RatingUnknown,
		}
		if fc.ID == "" {
			return out, fmt.Errorf("load tsv line %d: empty id", line)
		}
		if r := Rating(get("rating")); r != "" {
			if !r.Valid() {
				return out, fmt.Errorf("load tsv line %d: rating %q is not a normalised rating", line, r)
			}
			fc.Rating = r
		}
		out = append(out, fc)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("load tsv line %d: %w", line+1, err)
	}
	return out, nil
}
