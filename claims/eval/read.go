package eval

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

const maxLine = 1 << 20

// Query is one claim-matching query.
type Query struct{ ID, Text string }

// Qrels maps a query id to the set of its relevant document ids.
type Qrels map[string]map[string]bool

// Sentence is one labelled check-worthiness sentence.
type Sentence struct {
	ID, Group, Text string
	Label           int
}

func scanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLine)
	return sc
}

// header reads the header line and returns the column index of each name.
func header(sc *bufio.Scanner, op string, want ...string) (map[string]int, error) {
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return nil, fmt.Errorf("%s: empty input", op)
	}
	col := map[string]int{}
	for i, h := range strings.Split(strings.TrimPrefix(strings.TrimRight(sc.Text(), "\r"), "\ufeff"), "\t") {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return nil, fmt.Errorf("%s: header has no %s column", op, w)
		}
	}
	return col, nil
}

// ReadQueries reads a queries TSV (header `id text`).
func ReadQueries(r io.Reader) ([]Query, error) {
	sc := scanner(r)
	col, err := header(sc, "read queries", "id", "text")
	if err != nil {
		return nil, err
	}
	var out []Query
	line := 1
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" {
			continue
		}
		f := strings.Split(raw, "\t")
		if len(f) <= col["id"] || len(f) <= col["text"] {
			return out, fmt.Errorf("read queries line %d: %d fields", line, len(f))
		}
		out = append(out, Query{ID: strings.TrimSpace(f[col["id"]]), Text: f[col["text"]]})
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read queries line %d: %w", line+1, err)
	}
	return out, nil
}

// ReadQrels reads TREC qrels (`query_id 0 doc_id relevance`, tab or space
// separated, no header); only relevance > 0 is kept.
func ReadQrels(r io.Reader) (Qrels, error) {
	sc := scanner(r)
	q := Qrels{}
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 4 {
			return q, fmt.Errorf("read qrels line %d: want 4 fields, got %d", line, len(f))
		}
		rel, err := strconv.Atoi(f[3])
		if err != nil {
			return q, fmt.Errorf("read qrels line %d: relevance: %w", line, err)
		}
		if rel <= 0 {
			continue
		}
		if q[f[0]] == nil {
			q[f[0]] = map[string]bool{}
		}
		q[f[0]][f[2]] = true
	}
	if err := sc.Err(); err != nil {
		return q, fmt.Errorf("read qrels line %d: %w", line+1, err)
	}
	return q, nil
}

// ReadSentences reads a check-worthiness TSV (header `id group text label`).
func ReadSentences(r io.Reader) ([]Sentence, error) {
	sc := scanner(r)
	col, err := header(sc, "read sentences", "id", "group", "text", "label")
	if err != nil {
		return nil, err
	}
	var out []Sentence
	line := 1
	for sc.Scan() {
		line++
		raw := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(raw) == "" {
			continue
		}
		f := strings.Split(raw, "\t")
		if len(f) < len(col) {
			return out, fmt.Errorf("read sentences line %d: %d fields, want %d", line, len(f), len(col))
		}
		l, err := strconv.Atoi(strings.TrimSpace(f[col["label"]]))
		if err != nil {
			return out, fmt.Errorf("read sentences line %d: label: %w", line, err)
		}
		out = append(out, Sentence{ID: f[col["id"]], Group: f[col["group"]], Text: f[col["text"]], Label: l})
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("read sentences line %d: %w", line+1, err)
	}
	return out, nil
}

// ReadRun reads a TREC run file (`query_id Q0 doc_id rank score tag`, tab or
// space separated): the documents of each query in rank order.
func ReadRun(r io.Reader) (Ranking, error) {
	sc := scanner(r)
	type entry struct {
		doc  string
		rank int
	}
	byQuery := map[string][]entry{}
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) < 4 {
			return nil, fmt.Errorf("read run line %d: want at least 4 fields, got %d", line, len(f))
		}
		rank, err := strconv.Atoi(f[3])
		if err != nil {
			return nil, fmt.Errorf("read run line %d: rank: %w", line, err)
		}
		byQuery[f[0]] = append(byQuery[f[0]], entry{f[2], rank})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read run line %d: %w", line+1, err)
	}
	run := Ranking{}
	for q, es := range byQuery {
		sort.SliceStable(es, func(i, j int) bool { return es[i].rank < es[j].rank })
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.doc
		}
		run[q] = ids
	}
	return run, nil
}
