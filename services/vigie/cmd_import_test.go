package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"vigie/claims"
	"vigie/pipeline/bus"
	"vigie/pipeline/codec"
	"vigie/services/ingester"
	"vigie/services/vigie/app"
	"vigie/services/vigie/app/apptest"
)

// importFixture copies an import fixture of the ingester into dir.
func importFixture(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "ingester", "testdata", "import", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// itemsIn returns the items on ITEMS of a data folder, by id.
func itemsIn(t *testing.T, data string) map[string]claims.Item {
	t.Helper()
	ctx := context.Background()
	b, closeBus, err := app.OpenData(ctx, data, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	defer closeBus()
	out := map[string]claims.Item{}
	for _, m := range apptest.AllMsgs(t, b.JS, bus.StreamItems) {
		it, err := codec.DecodeItem(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out[it.ID] = it
	}
	return out
}

func TestImportItemsCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	jsonl := importFixture(t, dir, "items.jsonl")
	csvFile := importFixture(t, dir, "items.csv")
	ctx := context.Background()

	tests := []struct {
		name       string
		args       []string
		wantErr    string
		wantOut    []string
		wantItems  int
		wantSource string
	}{
		{
			name: "jsonl with refused lines", args: []string{"items", "--data", data, "--source", "lusa", jsonl},
			wantErr:   "7 of 12 records refused",
			wantOut:   []string{"12 records, 4 new items published, 1 already known, 7 refused", "items.jsonl:5: ", "items.jsonl:6: text: required", "items.jsonl:11: "},
			wantItems: 4, wantSource: "lusa",
		},
		{
			name: "same file again publishes nothing", args: []string{"items", "--data", data, "--source", "lusa", jsonl},
			wantErr: "7 of 12 records refused", wantOut: []string{"0 new items published, 5 already known"}, wantItems: 4,
		},
		{
			name: "csv with flags after the file", args: []string{"items", csvFile, "--data", data, "--source", "agencia"},
			wantErr: "4 of 7 records refused", wantOut: []string{"3 new items published", "items.csv:6: invalid CSV"},
			wantItems: 7, wantSource: "agencia",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runImport(ctx, tt.args, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want one containing %q\nstdout:\n%s\nstderr:\n%s", err, tt.wantErr, &stdout, &stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, &stdout)
				}
			}
			items := itemsIn(t, data)
			if len(items) != tt.wantItems {
				t.Fatalf("%d items in the data folder, want %d", len(items), tt.wantItems)
			}
			if tt.wantSource != "" {
				n := 0
				for _, it := range items {
					if it.SourceID == tt.wantSource && it.Kind == claims.SourceImport {
						n++
					}
				}
				if n == 0 {
					t.Errorf("no import item of source %q", tt.wantSource)
				}
			}
		})
	}

	t.Run("a clean file succeeds", func(t *testing.T) {
		p := filepath.Join(dir, "clean.ndjson")
		if err := os.WriteFile(p, []byte(`{"id":"n1","text":"Uma afirmação verificável."}`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		if err := runImport(ctx, []string{"items", "--data", data, p}, &stdout, &stderr); err != nil {
			t.Fatalf("%v\n%s", err, &stdout)
		}
		if _, ok := itemsIn(t, data)[ingester.ItemID(ingester.DefaultImportSource, "n1", "")]; !ok {
			t.Fatal("item n1 not imported under the default source")
		}
	})
}

func TestImportCommandRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	txt := filepath.Join(dir, "items.txt")
	if err := os.WriteFile(txt, []byte(`{"text":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		usage bool
		want  string
	}{
		{"no kind", nil, true, ""},
		{"unknown kind", []string{"widgets", "x.jsonl"}, true, "unknown import kind"},
		{"no file", []string{"items", "--data", data}, true, ""},
		{"two files", []string{"items", "a.jsonl", "b.jsonl"}, true, ""},
		{"unknown flag", []string{"items", "--nope", "a.jsonl"}, true, ""},
		{"format not told by the name", []string{"items", "--data", data, txt}, false, "--format"},
		{"missing file", []string{"items", "--data", data, filepath.Join(dir, "missing.jsonl")}, false, "no such file"},
		{"bad format flag", []string{"items", "--data", data, "--format", "xml", txt}, false, "unsupported import format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := runImport(context.Background(), tt.args, &stdout, &stderr)
			if err == nil {
				t.Fatal("accepted")
			}
			if errors.Is(err, errUsage) != tt.usage {
				t.Errorf("usage error %v, want %v: %v", errors.Is(err, errUsage), tt.usage, err)
			}
			if !strings.Contains(err.Error()+stderr.String(), tt.want) {
				t.Errorf("%v / %s does not mention %q", err, &stderr, tt.want)
			}
		})
	}
}
