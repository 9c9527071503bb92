package index

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// movieSettings declares the attributes of the movie index of Meilisearch's
// documentation, so that its filter examples compile.
func movieSettings() Settings {
	return Settings{Fields: []Field{
		{Name: "id", Type: Keyword, Filterable: true},
		{Name: "title", Type: Text, Searchable: true, Filterable: true},
		{Name: "overview", Type: Text, Searchable: true, Filterable: true},
		{Name: "genres", Type: Keyword, Filterable: true, Facetable: true},
		{Name: "director", Type: Keyword, Filterable: true},
		{Name: "release_date", Type: Number, Filterable: true, Sortable: true},
		{Name: "rating", Type: Number, Filterable: true},
	}}
}

// TestFilterGoldenMeilisearchDocs parses every filter expression quoted
// from Meilisearch's documentation (testdata/filter/meilisearch-docs.txt
// records where each comes from) and compiles it to a Bleve query; the
// canonical AST and the query JSON are compared with the golden file.
func TestFilterGoldenMeilisearchDocs(t *testing.T) {
	t.Parallel()
	in := filepath.Join("testdata", "filter", "meilisearch-docs.txt")
	golden := filepath.Join("testdata", "filter", "meilisearch-docs.golden")
	f, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := newSchema(movieSettings())
	var out strings.Builder
	n := 0
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := strings.TrimSpace(lines.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		origin, expr, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("bad line %q", line)
		}
		n++
		fmt.Fprintf(&out, "## %s\norigin: %s\n", expr, origin)
		parsed, err := ParseFilter(expr)
		if err != nil {
			fmt.Fprintf(&out, "parse error: %v\n\n", err)
			continue
		}
		fmt.Fprintf(&out, "ast: %s\n", parsed)
		// The canonical form parses back to itself.
		again, err := ParseFilter(parsed.String())
		if err != nil || again.String() != parsed.String() {
			t.Errorf("%q: canonical form %q does not round-trip: %v", expr, parsed, err)
		}
		_, q, err := sc.filter(expr)
		if err != nil {
			fmt.Fprintf(&out, "compile error: %v\n\n", err)
			continue
		}
		js, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("%q: marshal bleve query: %v", expr, err)
		}
		fmt.Fprintf(&out, "bleve: %s\n\n", js)
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Fatalf("only %d expressions read", n)
	}
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if out.String() != string(want) {
		t.Errorf("output differs from %s (run with -update after checking):\n%s", golden, out.String())
	}
}

func TestParseFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "  ", "<nil>"},
		{"equal", "a = b", `a = "b"`},
		{"operators", "a != 1 AND b > 2 AND c >= 3 AND d < 4 AND e <= 5", `(a != "1" AND b > "2" AND c >= "3" AND d < "4" AND e <= "5")`},
		{"no spaces", "a=1 AND b!=2", `(a = "1" AND b != "2")`},
		{"precedence", "a = 1 OR b = 2 AND c = 3", `(a = "1" OR (b = "2" AND c = "3"))`},
		{"NOT binds tightest", "NOT a = 1 AND b = 2", `(NOT a = "1" AND b = "2")`},
		{"parentheses", "(a = 1 OR b = 2) AND c = 3", `((a = "1" OR b = "2") AND c = "3")`},
		{"TO", "a 1 TO 5", `a "1" TO "5"`},
		{"IN", "a IN [x, 'y z', \"w\"]", `a IN ["x", "y z", "w"]`},
		{"empty IN", "a IN []", `a IN []`},
		{"NOT IN", "a NOT IN [x]", `NOT a IN ["x"]`},
		{"EXISTS", "a EXISTS", `a EXISTS`},
		{"NOT EXISTS", "a NOT EXISTS", `NOT a EXISTS`},
		{"IS NULL", "a IS NULL", `a IS NULL`},
		{"IS NOT EMPTY", "a IS NOT EMPTY", `NOT a IS EMPTY`},
		{"lower-case keywords", "a = 1 and not b exists or c in [2]", `((a = "1" AND NOT b EXISTS) OR c IN ["2"])`},
		{"escaped quote", `a = 'O\'Malley'`, `a = "O'Malley"`},
		{"escaped double quote", `a = "say \"hi\""`, `a = "say \"hi\""`},
		{"keyword as quoted value", `title = "NOT"`, `title = "NOT"`},
		{"quoted attribute", `"my attr" = 1`, `"my attr" = "1"`},
		{"keyword as attribute", `"AND" = 1`, `"AND" = "1"`},
		{"unicode value", "ville = Montréal", `ville = "Montréal"`},
		{"arabic", "lang = العربية", `lang = "العربية"`},
		{"time value", "published > 2026-01-01T00:00:00Z", `published > "2026-01-01T00:00:00Z"`},
		{"negative number", "a >= -1.5", `a >= "-1.5"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFilter(tc.in)
			if err != nil {
				t.Fatalf("ParseFilter(%q): %v", tc.in, err)
			}
			got := "<nil>"
			if f != nil {
				got = f.String()
			}
			if got != tc.want {
				t.Errorf("ParseFilter(%q) = %s, want %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseFilterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		col      int
		msg      string
	}{
		{"missing value", "language =", 11, "expected a value"},
		{"missing operator", "language fr", 12, "expected TO"},
		{"bang alone", "a ! b", 3, `did you mean "!="`},
		{"unclosed parenthesis", "(a = 1", 1, "unclosed parenthesis"},
		{"unbalanced close", "a = 1)", 6, "expected AND, OR"},
		{"unclosed bracket", "a IN [x, y", 6, "unclosed"},
		{"missing bracket", "a IN x", 6, `expected "[" after IN`},
		{"unterminated quote", "a = 'x", 5, "unterminated"},
		{"keyword as value", "a = OR", 5, "keyword"},
		{"dangling AND", "a = 1 AND", 10, "end of the expression"},
		{"IS without NULL", "a IS x", 6, "NULL or EMPTY"},
		{"NOT without EXISTS", "a NOT x", 7, "EXISTS or IN"},
		{"column counts runes", "ville = Montréal AND", 21, "end of the expression"},
		{"operator first", "= 1", 1, "attribute name"},
		{"empty attribute", `"" 0 TO 1`, 1, "attribute name, found an empty string"},
		{"nested too deep", strings.Repeat("(", 70) + "a = 1" + strings.Repeat(")", 70), 65, "nested deeper"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFilter(tc.in)
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseFilter(%q) error = %v, want *FilterError", tc.in, err)
			}
			if fe.Column != tc.col {
				t.Errorf("ParseFilter(%q): column %d, want %d (%v)", tc.in, fe.Column, tc.col, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("ParseFilter(%q): %q does not contain %q", tc.in, err, tc.msg)
			}
		})
	}
	if _, err := ParseFilter(strings.Repeat("a", MaxFilterLength+1)); err == nil {
		t.Error("over-long filter: no error")
	}
}

// FuzzParseFilter: no panic; an accepted expression's canonical form parses
// back to the same canonical form; errors carry a column inside the input.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"genres = horror", "a != 1 AND (b > 2 OR NOT c EXISTS)", "a 1 TO 2", "a IN [x, 'y', \"z\"]",
		"a IS NOT NULL", "a NOT IN []", `a = 'O\'M'`, "", "((", "a = OR", "ville = Montréal",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parsed, err := ParseFilter(s)
		if err != nil {
			var fe *FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not a *FilterError", err)
			}
			if fe.Offset < 0 || fe.Offset > len(s) || fe.Column < 1 {
				t.Fatalf("error position out of range: %+v for %q", fe, s)
			}
			return
		}
		if parsed == nil {
			return
		}
		canon := parsed.String()
		again, err := ParseFilter(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, s, err)
		}
		if again.String() != canon {
			t.Fatalf("canonical form not stable: %q -> %q", canon, again.String())
		}
	})
}

// BenchmarkParseFilter: every search parses its filter once.
func BenchmarkParseFilter(b *testing.B) {
	const expr = `(language = fr OR language = en) AND worthiness >= 0.5 AND status NOT IN [dismissed, published] AND published > "2026-06-01T00:00:00Z" AND assignee EXISTS`
	for b.Loop() {
		if _, err := ParseFilter(expr); err != nil {
			b.Fatal(err)
		}
	}
}
