package locality

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// MaxCodeLen bounds the national part of a code.
const MaxCodeLen = 16

// ErrInvalidCode reports a malformed locality code.
var ErrInvalidCode = errors.New("invalid locality code")

// Locality is one municipality (or, where a country's list has them,
// another administrative area) of the gazetteer.
type Locality struct {
	// Code is the locality code, e.g. "FR-75056".
	Code string
	// Name is the official name.
	Name string
	// Aliases are other names the locality is known by.
	Aliases []string
	// Region is the parent region's name (a French département, a
	// Brazilian state, a Swedish län …), possibly empty.
	Region string
}

// Country returns the ISO 3166-1 alpha-2 part of the code.
func (l Locality) Country() string { c, _, _ := strings.Cut(l.Code, "-"); return c }

// ValidateCode checks that code is an ISO 3166-1 alpha-2 country code in
// capitals, '-', and a national part of 1 to MaxCodeLen capitals, digits
// or dots.
func ValidateCode(code string) error {
	cc, nat, ok := strings.Cut(code, "-")
	if !ok || len(cc) != 2 || !isUpper(cc[0]) || !isUpper(cc[1]) || nat == "" || len(nat) > MaxCodeLen {
		return fmt.Errorf("%w: %q", ErrInvalidCode, code)
	}
	for i := 0; i < len(nat); i++ {
		c := nat[i]
		if !isUpper(c) && !(c >= '0' && c <= '9') && c != '.' {
			return fmt.Errorf("%w: %q", ErrInvalidCode, code)
		}
	}
	return nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// SubjectToken returns code as a NATS subject token ([a-z0-9_-]): lower
// case, dots replaced by '_' ("MA-CS.CB" → "ma-cs_cb").
func SubjectToken(code string) string {
	return strings.ReplaceAll(strings.ToLower(code), ".", "_")
}

// Gazetteer is a set of localities indexed by code.
type Gazetteer struct {
	locs   []Locality
	byCode map[string]int
}

// NewGazetteer returns a gazetteer of locs; codes must be valid and unique
// and every locality must have a name.
func NewGazetteer(locs []Locality) (*Gazetteer, error) {
	g := &Gazetteer{locs: make([]Locality, 0, len(locs)), byCode: make(map[string]int, len(locs))}
	for _, l := range locs {
		if err := ValidateCode(l.Code); err != nil {
			return nil, fmt.Errorf("new gazetteer: %w", err)
		}
		if strings.TrimSpace(l.Name) == "" {
			return nil, fmt.Errorf("new gazetteer: locality %s has no name", l.Code)
		}
		if _, dup := g.byCode[l.Code]; dup {
			return nil, fmt.Errorf("new gazetteer: duplicate code %s", l.Code)
		}
		l.Aliases = slices.Clone(l.Aliases)
		g.byCode[l.Code] = len(g.locs)
		g.locs = append(g.locs, l)
	}
	return g, nil
}

// Len returns the number of localities.
func (g *Gazetteer) Len() int { return len(g.locs) }

// Lookup returns the locality with the code.
func (g *Gazetteer) Lookup(code string) (Locality, bool) {
	i, ok := g.byCode[code]
	if !ok {
		return Locality{}, false
	}
	return g.locs[i], true
}

// All returns every locality, in the order they were given.
func (g *Gazetteer) All() []Locality { return slices.Clone(g.locs) }

// csvHeader is the expected first row of a gazetteer CSV.
var csvHeader = []string{"code", "name", "aliases", "region"}

// ReadCSV reads localities from CSV with the header "code,name,aliases,region"
// (UTF-8, LF or CRLF, an optional BOM; aliases separated by '|'). It fails on
// a missing header, a malformed row, an invalid code, a missing name or a
// duplicate code, naming the line.
func ReadCSV(r io.Reader) ([]Locality, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(csvHeader)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read gazetteer csv header: %w", err)
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	if !slices.Equal(head, csvHeader) {
		return nil, fmt.Errorf("read gazetteer csv: header %q, want %q", head, csvHeader)
	}
	var out []Locality
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read gazetteer csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		code := strings.TrimSpace(rec[0])
		if err := ValidateCode(code); err != nil {
			return nil, fmt.Errorf("read gazetteer csv line %d: %w", line, err)
		}
		if seen[code] {
			return nil, fmt.Errorf("read gazetteer csv line %d: duplicate code %s", line, code)
		}
		seen[code] = true
		l := Locality{Code: code, Name: strings.TrimSpace(rec[1]), Region: strings.TrimSpace(rec[3])}
		if l.Name == "" {
			return nil, fmt.Errorf("read gazetteer csv line %d: locality %s has no name", line, code)
		}
		for a := range strings.SplitSeq(rec[2], "|") {
			if a = strings.TrimSpace(a); a != "" && a != l.Name && !slices.Contains(l.Aliases, a) {
				l.Aliases = append(l.Aliases, a)
			}
		}
		out = append(out, l)
	}
}
