package ingester

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/bus/bustest"
	"vigie/pipeline/codec"
)

var testTime = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// lineErrors collects the per-line reports of an import.
type lineErrors struct {
	lines []int
	errs  []error
}

func (l *lineErrors) report(line int, err error) {
	l.lines = append(l.lines, line)
	l.errs = append(l.errs, err)
}

func (l *lineErrors) String() string {
	var b strings.Builder
	for i := range l.lines {
		fmt.Fprintf(&b, "line %d: %v\n", l.lines[i], l.errs[i])
	}
	return b.String()
}

// importedItems decodes every item of ITEMS, keyed by id.
func importedItems(t *testing.T, b *bus.Bus) map[string]claims.Item {
	t.Helper()
	out := map[string]claims.Item{}
	for _, m := range rawStream(t, b.JS, bus.StreamItems) {
		it, err := codec.DecodeItem(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		if _, dup := out[it.ID]; dup {
			t.Errorf("item %s twice on ITEMS", it.ID)
		}
		if want := bus.ItemSubject("import", it.SourceID); m.Subject != want {
			t.Errorf("item %s on %s, want %s", it.ID, m.Subject, want)
		}
		out[it.ID] = it
	}
	return out
}

func textID(source, text string) string {
	h := sha256.Sum256([]byte(text))
	return ItemID(source, "text:"+hex.EncodeToString(h[:]), "")
}

func TestImportItemsFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		file       string
		format     string
		want       Stats
		failLines  []int
		errorParts []string // a word each report must contain, in line order
		items      map[string]claims.Item
	}{
		{
			name: "jsonl", file: "items.jsonl", format: "jsonl",
			want:       Stats{Records: 12, Published: 4, Known: 1, Failed: 7},
			failLines:  []int{5, 6, 7, 8, 9, 10, 11},
			errorParts: []string{"JSON", "text", "url", "published", "localities", "text", "object"},
			items: map[string]claims.Item{
				ItemID("lusa", "lusa-001", ""): {
					Title: "Desemprego no Porto", Text: "O presidente da câmara afirmou que o desemprego caiu 40% no Porto em 2025.",
					URL: "https://example.pt/a/1", Language: "pt", Localities: []string{"PT-1312"}, GUID: "lusa-001",
				},
				ItemID("lusa", "", "https://example.pt/a/2"): {
					Title: "Ponte fechada", Text: "A ponte D. Luís vai fechar durante seis meses a partir de abril.",
					URL: "https://example.pt/a/2", Language: "pt", Localities: []string{"PT-1312", "PT-1317"},
				},
				textID("lusa", "Le maire a déclaré que la ville avait planté 10 000 arbres en 2024."): {
					Text: "Le maire a déclaré que la ville avait planté 10 000 arbres en 2024.", Language: "fr", Localities: []string{"FR-75056"},
				},
				textID("lusa", "Campos desconhecidos são ignorados."): {Text: "Campos desconhecidos são ignorados."},
			},
		},
		{
			name: "csv", file: "items.csv", format: "csv",
			want:       Stats{Records: 7, Published: 3, Failed: 4},
			failLines:  []int{5, 6, 8, 9},
			errorParts: []string{"text", "CSV", "url", "published"},
			items: map[string]claims.Item{
				ItemID("lusa", "csv-1", ""): {
					Title: "Vacinas", Text: "O ministro disse que 95% da população está vacinada.", URL: "https://example.pt/v/1",
					Language: "pt", Localities: []string{"PT-1312"}, GUID: "csv-1",
				},
				textID("lusa", "A primeira linha\ne a segunda linha do mesmo texto."): {
					Title: "Multi-line", Text: "A primeira linha\ne a segunda linha do mesmo texto.", Language: "pt",
				},
				ItemID("lusa", "csv-5", ""): {Title: "Linha curta", Text: "Só três colunas.", GUID: "csv-5"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
			svc := newService(t, b, nil)
			data, err := os.ReadFile(filepath.Join("testdata", "import", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var le lineErrors
			var lastDone, lastTotal int
			st, err := ImportItems(context.Background(), svc, bytes.NewReader(data), tt.format, "lusa",
				func(done, total int) { lastDone, lastTotal = done, total }, le.report)
			if err != nil {
				t.Fatal(err)
			}
			if st != tt.want {
				t.Errorf("stats %+v, want %+v\n%s", st, tt.want, &le)
			}
			if !slices.Equal(le.lines, tt.failLines) {
				t.Fatalf("reported lines %v, want %v\n%s", le.lines, tt.failLines, &le)
			}
			for i, part := range tt.errorParts {
				if !strings.Contains(le.errs[i].Error(), part) {
					t.Errorf("line %d: %q does not mention %q", le.lines[i], le.errs[i], part)
				}
			}
			if lastDone != tt.want.Records || lastTotal != tt.want.Records {
				t.Errorf("last progress %d/%d, want %d/%d", lastDone, lastTotal, tt.want.Records, tt.want.Records)
			}
			got := importedItems(t, b)
			if len(got) != len(tt.items) {
				t.Errorf("%d items on ITEMS, want %d", len(got), len(tt.items))
			}
			for id, want := range tt.items {
				it, ok := got[id]
				if !ok {
					t.Errorf("item %s (%q) not on ITEMS", id, want.Text)
					continue
				}
				if it.Kind != claims.SourceImport || it.SourceID != "lusa" || it.ReporterRef != "" {
					t.Errorf("item %s: kind %v, source %q", id, it.Kind, it.SourceID)
				}
				gotFields := []any{it.Title, it.Text, it.URL, it.Language, it.Localities, it.GUID}
				wantFields := []any{want.Title, want.Text, want.URL, want.Language, want.Localities, want.GUID}
				if !reflect.DeepEqual(gotFields, wantFields) {
					t.Errorf("item %s:\n got %q\nwant %q", id, gotFields, wantFields)
				}
			}

			// Importing the same file again publishes nothing.
			before := streamCount(t, b.JS, bus.StreamItems)
			st2, err := ImportItems(context.Background(), svc, bytes.NewReader(data), tt.format, "lusa", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if st2.Published != 0 || st2.Known != tt.want.Published+tt.want.Known || st2.Failed != tt.want.Failed {
				t.Errorf("second import %+v", st2)
			}
			if after := streamCount(t, b.JS, bus.StreamItems); after != before {
				t.Errorf("ITEMS grew from %d to %d on the second import", before, after)
			}
		})
	}
}

func TestImportPublishedDates(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	svc := newService(t, b, nil)
	in := `{"id":"a","text":"x","published":"2025-03-01T10:00:00+01:00"}
{"id":"b","text":"y","published":"2025-03-02"}
{"id":"c","text":"z"}
`
	if _, err := ImportItems(context.Background(), svc, strings.NewReader(in), "jsonl", "", nil, nil); err != nil {
		t.Fatal(err)
	}
	got := importedItems(t, b)
	tests := []struct{ id, want string }{
		{"a", "2025-03-01T09:00:00Z"},
		{"b", "2025-03-02T00:00:00Z"},
		{"c", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			it, ok := got[ItemID(DefaultImportSource, tt.id, "")]
			if !ok {
				t.Fatal("not imported under the default source")
			}
			var s string
			if !it.Published.IsZero() {
				s = it.Published.UTC().Format("2006-01-02T15:04:05Z07:00")
			}
			if s != tt.want {
				t.Fatalf("published %q, want %q", s, tt.want)
			}
		})
	}
}

func TestImportItemsStreams(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	svc := newService(t, b, nil)
	ctx := context.Background()

	t.Run("unseekable input has no total", func(t *testing.T) {
		var totals []int
		st, err := ImportItems(ctx, svc, io.MultiReader(strings.NewReader("{\"text\":\"one\"}\n{\"text\":\"two\"}")), "jsonl", "pipe",
			func(_, total int) { totals = append(totals, total) }, nil)
		if err != nil || st.Published != 2 {
			t.Fatalf("%+v %v", st, err)
		}
		if !slices.Equal(totals, []int{-1, -1}) {
			t.Fatalf("totals %v", totals)
		}
	})
	t.Run("line over the cap is reported and skipped", func(t *testing.T) {
		in := "{\"text\":\"before\"}\n{\"text\":\"" + strings.Repeat("x", MaxImportLineBytes) + "\"}\n{\"text\":\"after\"}\n"
		var le lineErrors
		st, err := ImportItems(ctx, svc, strings.NewReader(in), "jsonl", "long", nil, le.report)
		if err != nil {
			t.Fatal(err)
		}
		if st.Published != 2 || st.Failed != 1 || !slices.Equal(le.lines, []int{2}) || !strings.Contains(le.errs[0].Error(), "longer than") {
			t.Fatalf("stats %+v, reports %s", st, &le)
		}
	})
	t.Run("last line too long without newline", func(t *testing.T) {
		in := "{\"text\":\"first\"}\n{\"text\":\"" + strings.Repeat("y", MaxImportLineBytes) + "\"}"
		var le lineErrors
		st, err := ImportItems(ctx, svc, strings.NewReader(in), "jsonl", "long2", nil, le.report)
		if err != nil || st.Published != 1 || !slices.Equal(le.lines, []int{2}) {
			t.Fatalf("stats %+v, err %v, reports %s", st, err, &le)
		}
	})
	t.Run("byte order mark and numeric ids", func(t *testing.T) {
		in := "\uFEFF{\"id\":17,\"text\":\"bom first line\"}\n{\"id\":\"17\",\"text\":\"the same id as a string\"}\n{\"id\":true,\"text\":\"x\"}\n"
		var le lineErrors
		st, err := ImportItems(ctx, svc, strings.NewReader(in), "jsonl", "bom", nil, le.report)
		if err != nil {
			t.Fatal(err)
		}
		if st.Published != 1 || st.Known != 1 || !slices.Equal(le.lines, []int{3}) || !strings.Contains(le.errs[0].Error(), "id") {
			t.Fatalf("stats %+v, reports %s", st, &le)
		}
	})
	t.Run("CRLF line ends", func(t *testing.T) {
		st, err := ImportItems(ctx, svc, strings.NewReader("{\"text\":\"crlf one\"}\r\n{\"text\":\"crlf two\"}\r\n"), "jsonl", "crlf", nil, nil)
		if err != nil || st.Published != 2 || st.Failed != 0 {
			t.Fatalf("%+v %v", st, err)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		for _, f := range []string{"jsonl", "csv"} {
			st, err := ImportItems(ctx, svc, strings.NewReader(""), f, "empty", nil, nil)
			if err != nil || st != (Stats{}) {
				t.Fatalf("%s: %+v %v", f, st, err)
			}
		}
	})
	t.Run("same url spelled twice is one item", func(t *testing.T) {
		in := "{\"text\":\"a\",\"url\":\"https://example.org/p?b=1&a=2\"}\n{\"text\":\"b\",\"url\":\"https://EXAMPLE.org/p?a=2&b=1&utm_medium=x\"}\n"
		st, err := ImportItems(ctx, svc, strings.NewReader(in), "jsonl", "dupurl", nil, nil)
		if err != nil || st.Published != 1 || st.Known != 1 {
			t.Fatalf("%+v %v", st, err)
		}
	})
}

func TestImportItemsRefuses(t *testing.T) {
	t.Parallel()
	b := bustest.Bus(t, bustest.Server(t), bus.DefaultTopology())
	svc := newService(t, b, nil)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name   string
		ctx    context.Context
		in     string
		format string
		source string
		is     error
	}{
		{"unknown format", context.Background(), `{"text":"x"}`, "xml", "", ErrImportFormat},
		{"csv without text column", context.Background(), "id,title\n1,a\n", "csv", "", ErrImportFormat},
		{"source id not a token", context.Background(), `{"text":"x"}`, "jsonl", "Bad Source!", nil},
		{"cancelled", cancelled, `{"text":"x"}`, "jsonl", "", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := ImportItems(tt.ctx, svc, strings.NewReader(tt.in), tt.format, tt.source, nil, nil)
			if err == nil {
				t.Fatalf("accepted: %+v", st)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v, want %v", err, tt.is)
			}
			if st.Published != 0 {
				t.Fatalf("published %d", st.Published)
			}
		})
	}
	if n := streamCount(t, b.JS, bus.StreamItems); n != 0 {
		t.Fatalf("ITEMS holds %d messages", n)
	}
}

// FuzzParseImportLine: any line gives an item that respects the bounds, or
// an error; never a panic.
func FuzzParseImportLine(f *testing.F) {
	f.Add([]byte(`{"id":"x","text":"a claim","url":"https://example.org/","localities":"PT-1312;FR-75056","published":"2025-01-02"}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		var rec ImportRecord
		if err := ParseImportLine(line, &rec); err != nil {
			return
		}
		it, err := importItem("fuzz", rec, testTime)
		if err != nil {
			return
		}
		if it.ID == "" || it.Text == "" || it.Kind != claims.SourceImport {
			t.Fatalf("bad item %v", it)
		}
		for _, l := range it.Localities {
			if !localityPattern.MatchString(l) {
				t.Fatalf("locality %q", l)
			}
		}
	})
}

// FuzzImportCSV: any CSV input ends (no hang) with records or errors.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte("id,text,url\n1,\"a\nb\",https://example.org/\n2,\"bad\"quote,x\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		n := 0
		err := readCSV(context.Background(), bytes.NewReader(in), func(line int, rec ImportRecord, rerr error) error {
			n++
			if line < 1 {
				t.Fatalf("record %d at line %d", n, line)
			}
			if n > len(in)+1 {
				t.Fatalf("%d records from %d bytes", n, len(in))
			}
			return nil
		})
		_ = err // a header without text, or an unrecoverable read, is a valid outcome
	})
}

func BenchmarkParseImportLine(b *testing.B) {
	line := []byte(`{"id":"lusa-001","title":"Desemprego no Porto","text":"` + strings.Repeat("O presidente disse que o desemprego caiu 40% no Porto. ", 20) + `","url":"https://example.pt/a/1?utm_source=rss","language":"pt-PT","localities":["PT-1312"],"published":"2025-03-01T10:00:00Z"}`)
	b.SetBytes(int64(len(line)))
	for b.Loop() {
		var rec ImportRecord
		if err := ParseImportLine(line, &rec); err != nil {
			b.Fatal(err)
		}
		if _, err := importItem("bench", rec, testTime); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportItems imports 1,000 new JSONL items per iteration into a
// real JetStream (file store): the figure is items/s end to end.
func BenchmarkImportItems(b *testing.B) {
	bb := bustest.Bus(b, bustest.Server(b), bus.DefaultTopology())
	svc, err := New(context.Background(), bb, Options{}, zap.NewNop())
	if err != nil {
		b.Fatal(err)
	}
	const per = 1000
	round := 0
	for b.Loop() {
		b.StopTimer()
		var buf bytes.Buffer
		for i := range per {
			fmt.Fprintf(&buf, "{\"id\":\"r%d-%d\",\"text\":\"O presidente disse que o desemprego caiu %d%% no Porto.\",\"language\":\"pt\"}\n", round, i, i%100)
		}
		round++
		b.StartTimer()
		st, err := ImportItems(context.Background(), svc, bytes.NewReader(buf.Bytes()), "jsonl", "bench", nil, nil)
		if err != nil || st.Published != per {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.ReportMetric(float64(per*b.N)/b.Elapsed().Seconds(), "items/s")
}
